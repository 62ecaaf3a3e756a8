import type { Estimate } from './records.ts';
import { mulberry32 } from '../util/seeded-random.ts';

export { mulberry32 };

export const BOOTSTRAP_RESAMPLES = 2000;
export const BOOTSTRAP_SEED = 0x5eed;
export const BOOTSTRAP_LEVEL = 0.95;

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Coverage of the interval, e.g. 0.95. */
  level?: number;
}


/** Linear interpolation between order statistics (R's type 7), on an ascending array. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of an empty sample');
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  const lower = sorted[below]!;
  return lower + (sorted[above]! - lower) * (position - below);
}

function sumOf(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum;
}

/**
 * Mean with a percentile-bootstrap interval: resample the questions with replacement,
 * take each resample's mean, and read the interval off those means' quantiles. Questions,
 * not answers to sub-parts, are the unit because they are what was sampled when the sets
 * were written.
 */
export function bootstrapMean(values: readonly number[], options: BootstrapOptions = {}): Estimate {
  const n = values.length;
  if (n === 0) throw new RangeError('bootstrapMean needs at least one value');
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const level = options.level ?? BOOTSTRAP_LEVEL;
  const mean = sumOf(values) / n;
  // Every resample of a constant vector has the same mean; skipping the loop also keeps
  // rounding from opening a spurious 1e-17-wide interval.
  if (values.every((value) => value === values[0])) return { mean, low: mean, high: mean, n };
  const random = mulberry32(options.seed ?? BOOTSTRAP_SEED);
  const means = new Float64Array(resamples);
  for (let resample = 0; resample < resamples; resample++) {
    let sum = 0;
    for (let draw = 0; draw < n; draw++) sum += values[Math.floor(random() * n)]!;
    means[resample] = sum / n;
  }
  means.sort();
  const tail = (1 - level) / 2;
  return { mean, low: quantile(means, tail), high: quantile(means, 1 - tail), n };
}

/** bootstrapMean, or undefined for an empty sample (a metric that applies to no question). */
export function estimateOf(values: readonly number[], options?: BootstrapOptions): Estimate | undefined {
  return values.length === 0 ? undefined : bootstrapMean(values, options);
}
