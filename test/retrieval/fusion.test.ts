import { describe, expect, it } from 'vitest';
import { fuseNormalisedScores, minMaxNormalise, rankByScore, reciprocalRankFusion } from '../../src/retrieval/fusion.ts';

describe('minMaxNormalise', () => {
  it.each([
    [{ a: 10, b: 5, c: 0 }, { a: 1, b: 0.5, c: 0 }],
    [{ a: 3, b: 3 }, { a: 0, b: 0 }],
    [{ a: -1, b: 1 }, { a: 0, b: 1 }],
  ])('%o → %o', (input, expected) => {
    expect(Object.fromEntries(minMaxNormalise(new Map(Object.entries(input))))).toEqual(expected);
  });
});

describe('fuseNormalisedScores', () => {
  it('weights each side after normalising and treats a missing key as the minimum', () => {
    const lexical = new Map([['a', 30], ['b', 10]]);
    const vector = new Map([['b', 0.9], ['c', 0.5], ['a', 0.4]]);
    const fused = fuseNormalisedScores([
      { scores: lexical, weight: 0.5 },
      { scores: vector, weight: 0.5 },
    ]);
    expect(fused.get('a')).toBeCloseTo(0.5);
    expect(fused.get('b')).toBeCloseTo(0.5);
    expect(fused.get('c')).toBeCloseTo(0.1);
    expect(rankByScore(fused).map(([key]) => key)).toEqual(['a', 'b', 'c']);
  });

  it('lets a strong lexical match beat a weak vector-only one', () => {
    const fused = fuseNormalisedScores([
      { scores: new Map([['keyword', 50], ['other', 1]]), weight: 0.5 },
      { scores: new Map([['keyword', 0.55], ['other', 0.6], ['vague', 0.58]]), weight: 0.5 },
    ]);
    expect(rankByScore(fused)[0]![0]).toBe('keyword');
  });
});

describe('reciprocalRankFusion', () => {
  it('sums weighted reciprocal ranks', () => {
    const fused = reciprocalRankFusion([['a', 'b'], ['b', 'a']], [1, 1], 60);
    expect(fused.get('a')).toBeCloseTo(1 / 61 + 1 / 62);
    expect(fused.get('a')).toBeCloseTo(fused.get('b')!);
  });
});
