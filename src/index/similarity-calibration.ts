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
 * Measured when an index is built and stored with it (the files store: CALIBRATION_FILE
 * beside the vectors), so loading an index does not pay for 300 nearest-neighbour searches.
 */
export interface SimilarityCalibration {
  unrelatedMean: number;
  relatedMean: number;
  relatedSpread: number;
  centroid: Float32Array;
  centroidMean: number;
  centroidSpread: number;
}

/** In the files store's vectors folder: copied with the vectors when an unchanged set of units reuses them. */
export const CALIBRATION_FILE = 'calibration.json';

const SAMPLE_SIZE = 300;
const cache = new WeakMap<LoadedIndex, SimilarityCalibration>();

const meanOf = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / (values.length || 1);

/** What calibration reads: the sentence units in a fixed order and a nearest-unit search over all units. */
export interface CalibrationUnits {
  dimensions: number;
  sentences: ReadonlyArray<{ paperId: string; vector: Float32Array }>;
  /** The `k` nearest units (any kind) to a unit-length vector, nearest first. */
  nearest(vector: Float32Array, k: number): Array<{ paperId: string; similarity: number }>;
}

/** The files store's calibration, measured on the in-memory vectors (at build time, or on load for older indexes). */
export function measureCalibration(vectors: HnswVectorStore, dimensions: number): SimilarityCalibration {
  const sentences: Array<{ paperId: string; vector: Float32Array }> = [];
  for (let label = 0; label < vectors.size; label++) {
    const unit = vectors.unit(label);
    if (unit?.metadata.kind === 'sentence') sentences.push({ paperId: unit.metadata.paperId, vector: vectors.vectorOf(unit.metadata.chunkId)! });
  }
  return calibrate({
    dimensions,
    sentences,
    nearest: (vector, k) => vectors.searchLabels(vector, k).map(({ label, similarity }) => ({ paperId: vectors.unit(label)!.metadata.paperId, similarity })),
  });
}

/** A loaded files index without a stored calibration (built before it was stored): measured once. */
export function similarityCalibration(index: LoadedIndex): SimilarityCalibration {
  const cached = cache.get(index);
  if (cached) return cached;
  const calibration = measureCalibration(index.vectors, index.manifest.embedder.dimensions);
  cache.set(index, calibration);
  return calibration;
}

export function calibrate(units: CalibrationUnits): SimilarityCalibration {
  const { dimensions, sentences } = units;
  const centroid = new Float32Array(dimensions);
  for (const { vector } of sentences) {
    for (let position = 0; position < dimensions; position++) centroid[position]! += vector[position]!;
  }
  const norm = Math.sqrt(dotProduct(centroid, centroid)) || 1;
  for (let position = 0; position < dimensions; position++) centroid[position]! /= norm;

  // A seeded sample, so the same index always calibrates the same way.
  const random = mulberry32(20261202);
  const pick = () => sentences[Math.floor(random() * sentences.length)]!;
  const unrelated: number[] = [];
  const related: number[] = [];
  const toCentroid: number[] = [];
  const samples = Math.min(SAMPLE_SIZE, sentences.length);
  for (let sample = 0; sample < samples && sentences.length > 1; sample++) {
    const chosen = pick();
    toCentroid.push(dotProduct(chosen.vector, centroid));
    let other = pick();
    for (let attempt = 0; attempt < 10 && other.paperId === chosen.paperId; attempt++) other = pick();
    if (other.paperId !== chosen.paperId) unrelated.push(dotProduct(chosen.vector, other.vector));
    const nearest = units.nearest(chosen.vector, 20).find((neighbour) => neighbour.paperId !== chosen.paperId);
    if (nearest) related.push(nearest.similarity);
  }
  const centroidMean = meanOf(toCentroid);
  const relatedMean = meanOf(related);
  return {
    unrelatedMean: meanOf(unrelated),
    relatedMean,
    relatedSpread: Math.sqrt(meanOf(related.map((value) => (value - relatedMean) ** 2))) || 1,
    centroid,
    centroidMean,
    centroidSpread: Math.sqrt(meanOf(toCentroid.map((value) => (value - centroidMean) ** 2))) || 1,
  };
}

/** A calibration as stored beside a generation (JSON), and read back. */
export const storedCalibrationSchema = z.object({
  unrelatedMean: z.number(),
  relatedMean: z.number(),
  relatedSpread: z.number(),
  centroid: z.array(z.number()),
  centroidMean: z.number(),
  centroidSpread: z.number(),
});

export function calibrationToJson(calibration: SimilarityCalibration): z.infer<typeof storedCalibrationSchema> {
  return { ...calibration, centroid: Array.from(calibration.centroid) };
}

export function calibrationFromJson(stored: unknown): SimilarityCalibration {
  const parsed = storedCalibrationSchema.parse(stored);
  return { ...parsed, centroid: Float32Array.from(parsed.centroid) };
}

/** A best-match similarity in standard deviations from the level corpus sentences reach in other papers (clipped to ±4). */
export function calibratedSimilarity(similarity: number, calibration: SimilarityCalibration): number {
  return Math.max(-4, Math.min(4, (similarity - calibration.relatedMean) / calibration.relatedSpread));
}

/** How typical of this corpus a (normalised) text vector is, in standard deviations from the corpus's own sentences. */
export function domainScore(vector: Float32Array, calibration: SimilarityCalibration): number {
  return (dotProduct(vector, calibration.centroid) - calibration.centroidMean) / calibration.centroidSpread;
}
