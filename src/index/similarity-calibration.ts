import { z } from 'zod';
import type { HnswVectorStore } from './hnsw-vector-store.ts';
import type { LoadedIndex } from './load-index.ts';
import { mulberry32 } from '../util/seeded-random.ts';
import { dotProduct } from '../util/vectors.ts';

/**
 * Where a cosine similarity stands on this index's own scale. Embedders differ wildly in
 * their similarity ranges (the bundled encoder puts unrelated texts near 0.2, bge-style
 * models near 0.6), so thresholds on raw cosines only hold for the model they were set on.
 * Measured once per loaded index from the corpus itself:
 * - `unrelated`: a sentence against a random sentence of another paper (same domain, other subject);
 * - `related`: a sentence against its nearest unit in another paper (the closest other work).
 *   A question's best match is a maximum over the whole index too, so this is the level an
 *   in-domain text reaches by being about *something* here; its spread says how much a
 *   difference in similarity means for this embedder (an embedder whose similarities carry
 *   little information has everything bunched near that level);
 * - `centroid`: sentences against the corpus centroid (how "in domain" a text is).
 * Measured when the index is built and stored beside its vectors (CALIBRATION_FILE), so
 * loading an index does not pay for the 300 nearest-neighbour searches.
 */
export interface SimilarityCalibration {
  unrelatedMean: number;
  relatedMean: number;
  relatedSpread: number;
  centroid: Float32Array;
  centroidMean: number;
  centroidSpread: number;
}

/** In the index's vectors folder: copied with the vectors when an unchanged set of units reuses them. */
export const CALIBRATION_FILE = 'calibration.json';

export const storedCalibrationSchema = z.object({
  unrelatedMean: z.number(),
  relatedMean: z.number(),
  relatedSpread: z.number(),
  centroid: z.array(z.number()),
  centroidMean: z.number(),
  centroidSpread: z.number(),
});

export function serializeCalibration(calibration: SimilarityCalibration): string {
  return JSON.stringify({ ...calibration, centroid: Array.from(calibration.centroid) });
}

export function parseCalibration(text: string, dimensions: number): SimilarityCalibration {
  const stored = storedCalibrationSchema.parse(JSON.parse(text));
  if (stored.centroid.length !== dimensions) throw new Error(`calibration has ${stored.centroid.length} dimensions, the index ${dimensions}`);
  return { ...stored, centroid: Float32Array.from(stored.centroid) };
}

const SAMPLE_SIZE = 300;
const cache = new WeakMap<LoadedIndex, SimilarityCalibration>();

const meanOf = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / (values.length || 1);

/** The index's calibration: stored with it, or measured once (indexes built before it was stored). */
export function similarityCalibration(index: LoadedIndex): SimilarityCalibration {
  if (index.calibration) return index.calibration;
  const cached = cache.get(index);
  if (cached) return cached;
  const calibration = measureCalibration(index.vectors, index.manifest.embedder.dimensions);
  cache.set(index, calibration);
  return calibration;
}

export function measureCalibration(vectors: HnswVectorStore, dimensions: number): SimilarityCalibration {
  const sentenceLabels: number[] = [];
  for (let label = 0; label < vectors.size; label++) if (vectors.unit(label)?.metadata.kind === 'sentence') sentenceLabels.push(label);
  const vectorOf = (label: number) => vectors.vectorOf(vectors.unit(label)!.metadata.chunkId)!;
  const paperOf = (label: number) => vectors.unit(label)!.metadata.paperId;

  const centroid = new Float32Array(dimensions);
  for (const label of sentenceLabels) {
    const vector = vectorOf(label);
    for (let position = 0; position < dimensions; position++) centroid[position]! += vector[position]!;
  }
  const norm = Math.sqrt(dotProduct(centroid, centroid)) || 1;
  for (let position = 0; position < dimensions; position++) centroid[position]! /= norm;

  // A seeded sample, so the same index always calibrates the same way.
  const random = mulberry32(20261202);
  const pick = () => sentenceLabels[Math.floor(random() * sentenceLabels.length)]!;
  const unrelated: number[] = [];
  const related: number[] = [];
  const toCentroid: number[] = [];
  const samples = Math.min(SAMPLE_SIZE, sentenceLabels.length);
  for (let sample = 0; sample < samples && sentenceLabels.length > 1; sample++) {
    const label = pick();
    const vector = vectorOf(label);
    toCentroid.push(dotProduct(vector, centroid));
    let other = pick();
    for (let attempt = 0; attempt < 10 && paperOf(other) === paperOf(label); attempt++) other = pick();
    if (paperOf(other) !== paperOf(label)) unrelated.push(dotProduct(vector, vectorOf(other)));
    const nearest = vectors.searchLabels(vector, 20).find((neighbour) => paperOf(neighbour.label) !== paperOf(label));
    if (nearest) related.push(nearest.similarity);
  }
  const centroidMean = meanOf(toCentroid);
  const relatedMean = meanOf(related);
  const calibration: SimilarityCalibration = {
    unrelatedMean: meanOf(unrelated),
    relatedMean,
    relatedSpread: Math.sqrt(meanOf(related.map((value) => (value - relatedMean) ** 2))) || 1,
    centroid,
    centroidMean,
    centroidSpread: Math.sqrt(meanOf(toCentroid.map((value) => (value - centroidMean) ** 2))) || 1,
  };
  return calibration;
}

/** A best-match similarity in standard deviations from the level corpus sentences reach in other papers (clipped to ±4). */
export function calibratedSimilarity(similarity: number, calibration: SimilarityCalibration): number {
  return Math.max(-4, Math.min(4, (similarity - calibration.relatedMean) / calibration.relatedSpread));
}

/** How typical of this corpus a (normalised) text vector is, in standard deviations from the corpus's own sentences. */
export function domainScore(vector: ArrayLike<number>, calibration: SimilarityCalibration): number {
  return (dotProduct(vector, calibration.centroid) - calibration.centroidMean) / calibration.centroidSpread;
}
