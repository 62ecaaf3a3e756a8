import { describe, expect, it } from 'vitest';
import { formatCurve, formatDelta, formatEstimate, splitLabel } from '../../src/evaluation/report-format.ts';
import { refusalCurve } from '../../src/evaluation/refusal-curve.ts';
import { answerable, unanswerable } from './fixtures.ts';

describe('report formatting', () => {
  it('prints a mean with its interval', () => {
    expect(formatEstimate({ mean: 0.8534, low: 0.7912, high: 0.9101, n: 40 })).toBe('0.853 [0.79, 0.91]');
    expect(formatEstimate(undefined)).toBe('-');
  });

  it('signs a difference and stars it when the interval excludes 0', () => {
    expect(formatDelta({ mean: 0.05, low: 0.01, high: 0.1, n: 10 })).toBe('+0.050 [+0.01, +0.10] *');
    expect(formatDelta({ mean: -0.02, low: -0.06, high: 0.02, n: 10 })).toBe('−0.020 [−0.06, +0.02]');
    expect(formatDelta({ mean: 0, low: -0.001, high: 0, n: 10 })).toBe('0.000 [0.00, 0.00]');
  });

  it('labels the held-out split', () => {
    expect(splitLabel('check')).toBe('check (held out)');
    expect(splitLabel('tune')).toBe('tune');
  });

  it('prints one curve row per threshold plus the observed point', () => {
    const records = [answerable('s', 'short', 0.8), unanswerable('u', 'offtopic', 0.1)].map((record) => ({ ...record, split: 'check' }));
    const curve = refusalCurve('check', records, [0, 0.5])!;
    const lines = formatCurve(curve).split('\n');
    expect(lines[0]).toContain('check (held out)');
    expect(lines.find((line) => line.startsWith('0.50'))).toMatch(/^0\.50\s+1\.000 \[1\.00, 1\.00\]\s+1\.00\s+\|\s+0\.000 \[0\.00, 0\.00\]\s+0\.00$/);
    expect(lines.some((line) => line.startsWith('observed'))).toBe(true);
  });
});
