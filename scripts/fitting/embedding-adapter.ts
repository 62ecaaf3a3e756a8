import { mulberry32 } from '../../src/util/seeded-random.ts';
import { dotProduct, normaliseInPlace } from '../../src/util/vectors.ts';

/**
 * A linear adapter on unit-length embeddings, v' = normalise(W v), fitted with InfoNCE
 * (in-batch negatives) and an L2 pull of W toward the identity, so an adapter that learns
 * nothing useful stays the encoder it started from.
 */

export interface AdapterPair {
  anchor: Float32Array;
  positive: Float32Array;
  /** Items of the same group (paper) are never used as each other's negatives. */
  group: string;
}

export interface AdapterOptions {
  dimensions: number;
  temperature?: number;
  /** Strength of the pull toward the identity (on ½‖W − I‖²). */
  identityPull?: number;
  learningRate?: number;
  epochs?: number;
  batchSize?: number;
  /** `query`: only anchors go through W (stored vectors untouched); `symmetric`: both sides. */
  mode?: 'query' | 'symmetric';
  seed?: number;
  /** Start from this matrix instead of the identity. */
  initial?: Float32Array;
  onEpoch?: (epoch: number, loss: number) => void;
}

export function identity(dimensions: number): Float32Array {
  const matrix = new Float32Array(dimensions * dimensions);
  for (let index = 0; index < dimensions; index++) matrix[index * dimensions + index] = 1;
  return matrix;
}


/** W v for a row-major d×d matrix, written into `out`. */
export function multiply(matrix: Float32Array, vector: ArrayLike<number>, out = new Float32Array(vector.length)): Float32Array {
  const dimensions = vector.length;
  const input = vector instanceof Float32Array ? vector : Float32Array.from(vector);
  for (let row = 0; row < dimensions; row++) out[row] = dotProduct(matrix, input, dimensions, row * dimensions, 0);
  return out;
}


/** normalise(W v). */
export function adapt(matrix: Float32Array, vector: ArrayLike<number>): Float32Array {
  return normaliseInPlace(multiply(matrix, vector));
}

/**
 * Forward pass of one side for a batch: the unit outputs and the pre-normalisation norms
 * (needed to push the gradient back through the normalisation). Items go four at a time,
 * so each row of W is read once per four items (memory traffic, not arithmetic, bounds this).
 */
function forward(matrix: Float32Array, inputs: readonly Float32Array[], dimensions: number): { outputs: Float32Array; norms: Float64Array } {
  const count = inputs.length;
  const outputs = new Float32Array(count * dimensions);
  const norms = new Float64Array(count);
  for (let first = 0; first < count; first += 4) {
    const a0 = inputs[first]!;
    const a1 = inputs[Math.min(first + 1, count - 1)]!;
    const a2 = inputs[Math.min(first + 2, count - 1)]!;
    const a3 = inputs[Math.min(first + 3, count - 1)]!;
    for (let row = 0; row < dimensions; row++) {
      const offset = row * dimensions;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let column = 0; column < dimensions; column++) {
        const weight = matrix[offset + column]!;
        s0 += weight * a0[column]!;
        s1 += weight * a1[column]!;
        s2 += weight * a2[column]!;
        s3 += weight * a3[column]!;
      }
      outputs[first * dimensions + row] = s0;
      if (first + 1 < count) outputs[(first + 1) * dimensions + row] = s1;
      if (first + 2 < count) outputs[(first + 2) * dimensions + row] = s2;
      if (first + 3 < count) outputs[(first + 3) * dimensions + row] = s3;
    }
  }
  for (let item = 0; item < count; item++) {
    const offset = item * dimensions;
    const norm = Math.sqrt(dotProduct(outputs, outputs, dimensions, offset, offset)) || 1;
    norms[item] = norm;
    for (let row = 0; row < dimensions; row++) outputs[offset + row]! /= norm;
  }
  return { outputs, norms };
}

/** Adds ∂L/∂W for one side, given ∂L/∂(unit output): through the normalisation, then the outer products with the inputs (four items per pass over W). */
function accumulateGradient(gradient: Float32Array, inputs: readonly Float32Array[], outputs: Float32Array, norms: Float64Array, outputGradients: Float32Array, dimensions: number): void {
  const count = inputs.length;
  const throughNorm = new Float32Array(count * dimensions);
  for (let item = 0; item < count; item++) {
    const offset = item * dimensions;
    const along = dotProduct(outputGradients, outputs, dimensions, offset, offset);
    for (let row = 0; row < dimensions; row++) throughNorm[offset + row] = (outputGradients[offset + row]! - outputs[offset + row]! * along) / norms[item]!;
  }
  const zero = new Float32Array(dimensions);
  for (let first = 0; first < count; first += 4) {
    const a0 = inputs[first]!;
    const a1 = first + 1 < count ? inputs[first + 1]! : zero;
    const a2 = first + 2 < count ? inputs[first + 2]! : zero;
    const a3 = first + 3 < count ? inputs[first + 3]! : zero;
    for (let row = 0; row < dimensions; row++) {
      const t0 = throughNorm[first * dimensions + row]!;
      const t1 = first + 1 < count ? throughNorm[(first + 1) * dimensions + row]! : 0;
      const t2 = first + 2 < count ? throughNorm[(first + 2) * dimensions + row]! : 0;
      const t3 = first + 3 < count ? throughNorm[(first + 3) * dimensions + row]! : 0;
      const offset = row * dimensions;
      for (let column = 0; column < dimensions; column++) gradient[offset + column]! += t0 * a0[column]! + t1 * a1[column]! + t2 * a2[column]! + t3 * a3[column]!;
    }
  }
}

/** Fits W (row-major, d×d) with Adam; deterministic for a given seed and pair order. */
export function trainAdapter(pairs: readonly AdapterPair[], options: AdapterOptions): Float32Array {
  const { dimensions, temperature = 0.05, identityPull = 1, learningRate = 1e-3, epochs = 2, batchSize = 256, mode = 'query', seed = 13 } = options;
  const matrix = options.initial ? Float32Array.from(options.initial) : identity(dimensions);
  const size = dimensions * dimensions;
  const moment = new Float32Array(size);
  const velocity = new Float32Array(size);
  const random = mulberry32(seed);
  const order = pairs.map((_, index) => index);
  let step = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let index = order.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [order[index], order[other]] = [order[other]!, order[index]!];
    }
    let lossSum = 0;
    let batches = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = order.slice(start, start + batchSize).map((position) => pairs[position]!);
      const count = batch.length;
      if (count < 2) continue;
      const anchors = forward(matrix, batch.map((pair) => pair.anchor), dimensions);
      const positives = mode === 'symmetric' ? forward(matrix, batch.map((pair) => pair.positive), dimensions) : null;
      const keys = positives?.outputs ?? packed(batch.map((pair) => pair.positive), dimensions);
      const anchorGradients = new Float32Array(count * dimensions);
      const keyGradients = new Float32Array(count * dimensions);
      const logits = new Float64Array(count);
      let loss = 0;
      for (let item = 0; item < count; item++) {
        let highest = -Infinity;
        for (let other = 0; other < count; other++) {
          const excluded = other !== item && batch[other]!.group === batch[item]!.group;
          logits[other] = excluded ? -Infinity : dotProduct(anchors.outputs, keys, dimensions, item * dimensions, other * dimensions) / temperature;
          if (logits[other]! > highest) highest = logits[other]!;
        }
        let total = 0;
        for (let other = 0; other < count; other++) total += Math.exp(logits[other]! - highest);
        loss += -(logits[item]! - highest - Math.log(total));
        for (let other = 0; other < count; other++) {
          const probability = Math.exp(logits[other]! - highest) / total;
          const weight = (probability - (other === item ? 1 : 0)) / (temperature * count);
          if (weight === 0) continue;
          const anchorOffset = item * dimensions;
          const keyOffset = other * dimensions;
          for (let column = 0; column < dimensions; column++) anchorGradients[anchorOffset + column]! += weight * keys[keyOffset + column]!;
          if (positives) for (let column = 0; column < dimensions; column++) keyGradients[keyOffset + column]! += weight * anchors.outputs[anchorOffset + column]!;
        }
      }
      const gradient = new Float32Array(size);
      accumulateGradient(gradient, batch.map((pair) => pair.anchor), anchors.outputs, anchors.norms, anchorGradients, dimensions);
      if (positives) accumulateGradient(gradient, batch.map((pair) => pair.positive), positives.outputs, positives.norms, keyGradients, dimensions);
      step++;
      const momentFix = 1 - 0.9 ** step;
      const velocityFix = 1 - 0.999 ** step;
      for (let position = 0; position < size; position++) {
        const isDiagonal = position % (dimensions + 1) === 0;
        const value = gradient[position]! + identityPull * (matrix[position]! - (isDiagonal ? 1 : 0));
        moment[position] = 0.9 * moment[position]! + 0.1 * value;
        velocity[position] = 0.999 * velocity[position]! + 0.001 * value * value;
        matrix[position]! -= (learningRate * (moment[position]! / momentFix)) / (Math.sqrt(velocity[position]! / velocityFix) + 1e-8);
      }
      lossSum += loss / count;
      batches++;
    }
    options.onEpoch?.(epoch, lossSum / Math.max(1, batches));
  }
  return matrix;
}

function packed(vectors: readonly Float32Array[], dimensions: number): Float32Array {
  const result = new Float32Array(vectors.length * dimensions);
  vectors.forEach((vector, item) => result.set(vector, item * dimensions));
  return result;
}

export interface CorpusUnit {
  paperId: string;
  kind: 'title' | 'sentence' | 'chunk';
  vector: Float32Array;
}

/**
 * Self-supervised pairs from the corpus alone: title ↔ each abstract sentence (both ways),
 * and each sentence → the rest of its abstract (the normalised mean of its paper's other
 * sentences, since the stored chunks contain the sentence itself).
 */
export function corpusPairs(units: readonly CorpusUnit[], dimensions: number): AdapterPair[] {
  const byPaper = new Map<string, { titles: Float32Array[]; sentences: Float32Array[] }>();
  for (const unit of units) {
    const entry = byPaper.get(unit.paperId) ?? { titles: [], sentences: [] };
    if (unit.kind === 'title') entry.titles.push(unit.vector);
    if (unit.kind === 'sentence') entry.sentences.push(unit.vector);
    byPaper.set(unit.paperId, entry);
  }
  const pairs: AdapterPair[] = [];
  for (const [paperId, { titles, sentences }] of byPaper) {
    for (const title of titles) {
      for (const sentence of sentences) {
        pairs.push({ anchor: title, positive: sentence, group: paperId });
        pairs.push({ anchor: sentence, positive: title, group: paperId });
      }
    }
    if (sentences.length < 2) continue;
    const sum = new Float32Array(dimensions);
    for (const sentence of sentences) for (let index = 0; index < dimensions; index++) sum[index]! += sentence[index]!;
    for (const sentence of sentences) {
      const rest = Float32Array.from(sum, (value, index) => value - sentence[index]!);
      pairs.push({ anchor: sentence, positive: normaliseInPlace(rest), group: paperId });
    }
  }
  return pairs;
}
