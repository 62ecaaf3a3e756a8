import { mulberry32 } from '../../src/util/seeded-random.ts';

/** Shared by the fit-* scripts: small L2-regularised logistic regressions and seeded folds. */

export interface LabelledRow {
  features: readonly number[];
  label: boolean;
  /** How much this row counts in the loss (e.g. to balance classes or queries). */
  weight: number;
}

export interface LogisticModel {
  bias: number;
  weights: number[];
}

const sigmoid = (value: number) => 1 / (1 + Math.exp(-value));

export function predict(model: LogisticModel, features: readonly number[]): number {
  let logit = model.bias;
  for (let position = 0; position < model.weights.length; position++) logit += model.weights[position]! * (features[position] ?? 0);
  return sigmoid(logit);
}

/** Full-batch gradient descent; the weights of all rows are normalised to sum to 1. */
export function fitLogistic(rows: readonly LabelledRow[], options: { l2?: number; steps?: number; learningRate?: number } = {}): LogisticModel {
  const { l2 = 0.01, steps = 4000, learningRate = 0.5 } = options;
  const dimensions = rows[0]?.features.length ?? 0;
  const totalWeight = rows.reduce((sum, row) => sum + row.weight, 0) || 1;
  const model: LogisticModel = { bias: 0, weights: new Array<number>(dimensions).fill(0) };
  for (let step = 0; step < steps; step++) {
    const gradient = new Array<number>(dimensions).fill(0);
    let biasGradient = 0;
    for (const row of rows) {
      const error = ((predict(model, row.features) - (row.label ? 1 : 0)) * row.weight) / totalWeight;
      biasGradient += error;
      for (let position = 0; position < dimensions; position++) gradient[position]! += error * row.features[position]!;
    }
    for (let position = 0; position < dimensions; position++) model.weights[position]! -= learningRate * (gradient[position]! + l2 * model.weights[position]!);
    model.bias -= learningRate * biasGradient;
  }
  return model;
}

/** A fold number in [0, folds) for each item, the same on every run. */
export function assignFolds<T>(items: readonly T[], folds: number, seed: number): Map<T, number> {
  const random = mulberry32(seed);
  return new Map(items.map((item) => [item, Math.floor(random() * folds)]));
}
