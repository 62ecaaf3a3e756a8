import { describe, expect, it } from 'vitest';
import { bootstrapMean, estimateOf, mulberry32, quantile } from '../../src/evaluation/bootstrap.ts';

describe('mulberry32', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const first = Array.from({ length: 5 }, mulberry32(42));
    const again = Array.from({ length: 5 }, mulberry32(42));
    const other = Array.from({ length: 5 }, mulberry32(43));
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const random = mulberry32(7);
    const draws = Array.from({ length: 20000 }, random);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const lowerHalf = draws.filter((value) => value < 0.5).length / draws.length;
    expect(lowerHalf).toBeGreaterThan(0.48);
    expect(lowerHalf).toBeLessThan(0.52);
  });
});

describe('quantile', () => {
  it('interpolates between order statistics', () => {
    expect(quantile([1, 2, 3, 4, 5], 0)).toBe(1);
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4, 5], 1)).toBe(5);
    expect(quantile([0, 10], 0.25)).toBe(2.5);
  });
});

describe('bootstrapMean', () => {
  it('gives a zero-width interval for a constant vector', () => {
    expect(bootstrapMean([0.3, 0.3, 0.3, 0.3])).toEqual({ mean: 0.3, low: 0.3, high: 0.3, n: 4 });
    expect(bootstrapMean([1])).toEqual({ mean: 1, low: 1, high: 1, n: 1 });
  });

  it('brackets the mean with an interval inside the data range', () => {
    const values = [0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1];
    const estimate = bootstrapMean(values);
    expect(estimate.mean).toBeCloseTo(0.75);
    expect(estimate.low).toBeLessThan(estimate.mean);
    expect(estimate.high).toBeGreaterThan(estimate.mean);
    expect(estimate.low).toBeGreaterThanOrEqual(0);
    expect(estimate.high).toBeLessThanOrEqual(1);
  });

  it('is deterministic for a seed and moves with another seed', () => {
    const values = Array.from({ length: 30 }, (_, index) => (index * 7) % 11);
    expect(bootstrapMean(values, { seed: 1 })).toEqual(bootstrapMean(values, { seed: 1 }));
    expect(bootstrapMean(values, { seed: 1 })).not.toEqual(bootstrapMean(values, { seed: 2 }));
  });

  it('matches the normal approximation for a large 0/1 sample', () => {
    // p = 0.5, n = 400: standard error 0.025, so the 95 % interval is about ±0.049.
    const values = Array.from({ length: 400 }, (_, index) => index % 2);
    const estimate = bootstrapMean(values, { resamples: 4000 });
    expect(estimate.low).toBeGreaterThan(0.44);
    expect(estimate.low).toBeLessThan(0.46);
    expect(estimate.high).toBeGreaterThan(0.54);
    expect(estimate.high).toBeLessThan(0.56);
  });

  it('narrows as the sample grows and widens with the level', () => {
    const small = bootstrapMean([0, 1, 0, 1, 1, 0, 1, 0]);
    const large = bootstrapMean(Array.from({ length: 80 }, (_, index) => index % 2));
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
    const values = [0, 1, 0, 1, 1, 0, 1, 0, 1, 1];
    const ninety = bootstrapMean(values, { level: 0.9 });
    const ninetyNine = bootstrapMean(values, { level: 0.99 });
    expect(ninetyNine.high - ninetyNine.low).toBeGreaterThan(ninety.high - ninety.low);
  });

  it('refuses an empty sample; estimateOf turns it into undefined', () => {
    expect(() => bootstrapMean([])).toThrow(RangeError);
    expect(estimateOf([])).toBeUndefined();
  });
});
