import type { Paper } from '../src/corpus/types.ts';

/**
 * Synthetic data for the scale tiers, shared by the bench and its child processes. Every
 * generator is seeded, so a child regenerates exactly what the parent described.
 */

/** Vector units (title, sentences, chunks) per paper: the "100k papers ≈ 1M units". */
export const UNITS_PER_PAPER = 10;
export const DIMENSIONS = 512;

/** Seeded PRNG (LCG) so tiers are reproducible. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const LATENT = 24;

/** The fixed 24-d → 512-d projection every synthetic vector shares. */
export function projection(): Float32Array[] {
  const next = random(1);
  return Array.from({ length: LATENT }, () => Float32Array.from({ length: DIMENSIONS }, () => next() * 2 - 1));
}

/**
 * Synthetic vectors shaped like sentence embeddings: a low intrinsic dimension (points on
 * a 24-d latent space projected to 512-d) plus small noise, L2-normalised. Uniform noise
 * in all 512 dimensions would be an unrealistically hard case for any ANN index.
 * Writes `count` vectors into `out` (row-major).
 */
export function fillSyntheticVectors(out: Float32Array, count: number, next: () => number, rows: Float32Array[]): void {
  for (let item = 0; item < count; item++) {
    const vector = out.subarray(item * DIMENSIONS, (item + 1) * DIMENSIONS);
    vector.fill(0);
    for (const row of rows) {
      const weight = next() * 2 - 1;
      for (let index = 0; index < DIMENSIONS; index++) vector[index]! += weight * row[index]!;
    }
    let norm = 0;
    for (let index = 0; index < DIMENSIONS; index++) {
      vector[index]! += (next() * 2 - 1) * 0.3;
      norm += vector[index]! * vector[index]!;
    }
    norm = Math.sqrt(norm);
    for (let index = 0; index < DIMENSIONS; index++) vector[index]! /= norm;
  }
}

/** Query vectors of a tier (the same for every shard). */
export function queryVectors(chunks: number, count: number): Float32Array {
  const out = new Float32Array(count * DIMENSIONS);
  fillSyntheticVectors(out, count, random(chunks * 7 + 3), projection());
  return out;
}

/** Shard `shard` of `shards` holds labels [start, end): contiguous ranges, so a paper's units stay together. */
export function shardRange(chunks: number, shards: number, shard: number): { start: number; end: number } {
  const size = Math.ceil(chunks / shards);
  return { start: shard * size, end: Math.min(chunks, (shard + 1) * size) };
}

/**
 * Papers made of the seed corpus's words, drawn with their corpus frequencies; titles and
 * abstracts take the lengths of real seed entries, so field statistics look like the corpus.
 */
export function syntheticPapers(count: number, seedPapers: Paper[], seed: number): Paper[] {
  const words = seedPapers.flatMap((paper) => paper.abstract.split(/\s+/));
  const titleLengths = seedPapers.map((paper) => paper.title.split(/\s+/).length);
  const abstractLengths = seedPapers.map((paper) => paper.abstract.split(/\s+/).length);
  const next = random(seed);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]!;
  const text = (length: number) => Array.from({ length }, () => pick(words)).join(' ');
  return Array.from({ length: count }, (_, index) => ({
    id: `p${index}`,
    title: text(pick(titleLengths)),
    abstract: text(pick(abstractLengths)),
    sources: [],
    links: [],
  }));
}

/** Questions of 3–10 corpus words (the eval questions' range after stopwords). */
export function syntheticQueries(count: number, seedPapers: Paper[], seed: number): string[] {
  const words = seedPapers.flatMap((paper) => paper.abstract.split(/\s+/));
  const next = random(seed);
  return Array.from({ length: count }, () => Array.from({ length: 3 + Math.floor(next() * 8) }, () => words[Math.floor(next() * words.length)]!).join(' '));
}
