import { describe, expect, it } from 'vitest';
import { minMaxNormalise, rankByScore } from '../../src/retrieval/fusion.ts';

describe('minMaxNormalise', () => {
  it.each([
    [{ a: 10, b: 5, c: 0 }, { a: 1, b: 0.5, c: 0 }],
    [{ a: 3, b: 3 }, { a: 0, b: 0 }],
    [{ a: -1, b: 1 }, { a: 0, b: 1 }],
  ])('%o → %o', (input, expected) => {
    expect(Object.fromEntries(minMaxNormalise(new Map(Object.entries(input))))).toEqual(expected);
  });
});

describe('rankByScore', () => {
  it('orders by score, ties by key, so rankings are deterministic', () => {
    expect(rankByScore(new Map([['b', 1], ['a', 1], ['c', 2]])).map(([key]) => key)).toEqual(['c', 'a', 'b']);
  });
});
