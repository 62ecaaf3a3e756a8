import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../config.ts';
import { ConfigError } from '../errors.ts';
import { FEATURE_NAMES, type FeatureName } from './paper-features.ts';

/**
 * A linear scorer over the candidate features. The shipped weights are fitted by
 * `scripts/fit-ranker.ts` (pairwise logistic regression on the tune questions, checked
 * by cross-validation); the 50/50 min-max fusion the product started with is the special
 * case {lexical: 0.5, vector: 0.5}.
 */
export const rankerWeightsSchema = z.object({
  description: z.string(),
  weights: z.partialRecord(z.enum(FEATURE_NAMES), z.number()),
});

export type RankerWeights = z.infer<typeof rankerWeightsSchema>;

export const MIN_MAX_FUSION: RankerWeights = { description: 'min-max fusion 50/50 (lexical + vector)', weights: { lexical: 0.5, vector: 0.5 } };

export class LinearRanker {
  private readonly vector: Float64Array;

  constructor(readonly model: RankerWeights) {
    this.vector = Float64Array.from(FEATURE_NAMES, (name: FeatureName) => model.weights[name] ?? 0);
  }

  score(features: readonly number[]): number {
    let sum = 0;
    for (let position = 0; position < this.vector.length; position++) sum += this.vector[position]! * (features[position] ?? 0);
    return sum;
  }
}

// From the project root, not this module's URL: the same path when src/ is run bundled.
const SHIPPED_WEIGHTS_FILE = path.join(PROJECT_ROOT, 'src', 'retrieval', 'ranker-weights.json');

let shipped: LinearRanker | undefined;

/** The fitted ranker that ships with the code (read once). */
export function shippedRanker(): LinearRanker {
  shipped ??= new LinearRanker(rankerWeightsSchema.parse(JSON.parse(readFileSync(SHIPPED_WEIGHTS_FILE, 'utf8'))));
  return shipped;
}

/** A ranker from a weights file (RANKER_WEIGHTS), e.g. to compare fitted weights with `npm run eval -- --compare`. */
export function rankerFromFile(file: string): LinearRanker {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`RANKER_WEIGHTS: cannot read ${file} (${(error as Error).message})`);
  }
  const parsed = rankerWeightsSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`RANKER_WEIGHTS: ${file} is not a ranker weights file (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  return new LinearRanker(parsed.data);
}
