import { UMAP } from 'umap-js';
import { mulberry32 } from '../util/seeded-random.ts';
import { dotProduct } from '../util/vectors.ts';
import { seededSample } from './cluster-selection.ts';

export interface MapLayoutOptions {
  /** UMAP runs on at most this many papers; the others are placed among their nearest neighbours. */
  maxLayoutPoints: number;
  nNeighbors: number;
  minDist: number;
  /** UMAP optimisation epochs (umap-js would use 500 below 2,500 points). */
  epochs: number;
  /** Neighbours (by cosine similarity) that place a paper outside the UMAP sample. */
  placementNeighbours: number;
  seed: number;
}

export const DEFAULT_MAP_LAYOUT: MapLayoutOptions = { maxLayoutPoints: 1500, nNeighbors: 15, minDist: 0.1, epochs: 200, placementNeighbours: 5, seed: 11 };

/** Dimensions of the random projection that shortlists placement neighbours, and the shortlist's length. */
const PROJECTED_DIMENSIONS = 48;
const PLACEMENT_CANDIDATES = 25;

/** UMAP epochs run between two yields to the event loop. */
const EPOCHS_PER_SLICE = 20;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A seeded ±1 projection matrix (Achlioptas), `dimensions` × PROJECTED_DIMENSIONS, row-major. */
function randomProjection(dimensions: number, seed: number): Float32Array {
  const random = mulberry32(seed + 1);
  return Float32Array.from({ length: dimensions * PROJECTED_DIMENSIONS }, () => (random() < 0.5 ? -1 : 1));
}

function project(vector: Float32Array, projection: Float32Array): Float32Array {
  const projected = new Float32Array(PROJECTED_DIMENSIONS);
  for (let index = 0; index < vector.length; index++) {
    const value = vector[index]!;
    if (value === 0) continue;
    const offset = index * PROJECTED_DIMENSIONS;
    for (let column = 0; column < PROJECTED_DIMENSIONS; column++) projected[column]! += value * projection[offset + column]!;
  }
  return projected;
}

/** Inserts into a list kept sorted by decreasing similarity and at most `limit` long. */
function keepBest(list: Array<{ position: number; similarity: number }>, entry: { position: number; similarity: number }, limit: number): void {
  if (list.length >= limit && entry.similarity <= list[list.length - 1]!.similarity) return;
  let at = list.length;
  while (at > 0 && list[at - 1]!.similarity < entry.similarity) at--;
  list.splice(at, 0, entry);
  if (list.length > limit) list.pop();
}

/** Scales points into [0, 1]² keeping the aspect ratio (centred on the short side), 4 decimals. */
function normalise(points: Array<[number, number]>): Array<[number, number]> {
  if (points.length === 0) return points;
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const offsetX = (1 - (maxX - minX) / span) / 2;
  const offsetY = (1 - (maxY - minY) / span) / 2;
  const round = (value: number) => Math.round(value * 10_000) / 10_000;
  return points.map(([x, y]) => [round(offsetX + (x - minX) / span), round(offsetY + (y - minY) / span)]);
}

/**
 * Exact k nearest neighbours by cosine distance (self first, as UMAP expects). Quadratic, but
 * on unit Float32Arrays far faster than umap-js's own search over number arrays, and exact.
 */
function nearestNeighbours(vectors: readonly Float32Array[], k: number): { indices: number[][]; distances: number[][] } {
  const indices: number[][] = [];
  const distances: number[][] = [];
  const similarities = new Float32Array(vectors.length);
  const order = Array.from({ length: vectors.length }, (_, index) => index);
  vectors.forEach((vector, row) => {
    for (let column = 0; column < vectors.length; column++) similarities[column] = column === row ? 2 : dotProduct(vector, vectors[column]!);
    const nearest = order.slice().sort((a, b) => similarities[b]! - similarities[a]! || a - b).slice(0, k);
    indices.push(nearest);
    distances.push(nearest.map((column) => (column === row ? 0 : Math.max(0, 1 - similarities[column]!))));
  });
  return { indices, distances };
}

/** UMAP on the given vectors, stepped so the event loop is not blocked for the whole fit. */
async function umapLayout(vectors: readonly Float32Array[], options: MapLayoutOptions): Promise<Array<[number, number]>> {
  if (vectors.length < 3) return vectors.map((_, index) => [index, 0]);
  const neighbours = Math.min(options.nNeighbors, vectors.length - 1);
  const umap = new UMAP({ nComponents: 2, nNeighbors: neighbours, minDist: options.minDist, nEpochs: options.epochs, random: mulberry32(options.seed) });
  const knn = nearestNeighbours(vectors, neighbours);
  umap.setPrecomputedKNN(knn.indices, knn.distances);
  await yieldToEventLoop();
  // UMAP reads only the number of points from X once the neighbours are given.
  const epochs = umap.initializeFit(vectors.map(() => []));
  for (let epoch = 0; epoch < epochs; ) {
    for (let slice = 0; slice < EPOCHS_PER_SLICE && epoch < epochs; slice++) epoch = umap.step();
    await yieldToEventLoop();
  }
  return umap.getEmbedding().map((point) => [point[0] ?? 0, point[1] ?? 0]);
}

/**
 * A 2-D position per (unit) vector in [0, 1]²: UMAP on a seeded sample of at most
 * `maxLayoutPoints`, the rest at the similarity-weighted mean of their nearest sampled
 * neighbours (shortlisted in a 48-d random projection, then ranked by exact cosine), so a
 * large corpus costs a bounded UMAP plus a linear placement.
 */
export async function layoutMap(vectors: readonly Float32Array[], overrides: Partial<MapLayoutOptions> = {}): Promise<Array<[number, number]>> {
  const options = { ...DEFAULT_MAP_LAYOUT, ...overrides };
  const sample = seededSample(vectors.length, options.maxLayoutPoints, options.seed);
  const sampled = await umapLayout(sample.map((index) => vectors[index]!), options);
  const positions = new Array<[number, number]>(vectors.length);
  sample.forEach((index, position) => (positions[index] = sampled[position]!));
  if (sample.length < vectors.length) {
    const inSample = new Set(sample);
    const projection = randomProjection(vectors[0]!.length, options.seed);
    const projectedSample = sample.map((index) => project(vectors[index]!, projection));
    const candidates = new Array<{ position: number; similarity: number }>();
    for (let index = 0; index < vectors.length; index++) {
      if (inSample.has(index)) continue;
      if (index % 256 === 0) await yieldToEventLoop();
      // Candidates by a cheap random projection, then the nearest among them by exact cosine.
      const projected = project(vectors[index]!, projection);
      candidates.length = 0;
      projectedSample.forEach((other, position) => keepBest(candidates, { position, similarity: dotProduct(projected, other) }, PLACEMENT_CANDIDATES));
      const nearest: Array<{ position: number; similarity: number }> = [];
      for (const { position } of candidates) keepBest(nearest, { position, similarity: dotProduct(vectors[index]!, vectors[sample[position]!]!) }, options.placementNeighbours);
      let [x, y, weights] = [0, 0, 0];
      for (const { position, similarity } of nearest) {
        const weight = Math.max(similarity, 1e-6);
        x += sampled[position]![0] * weight;
        y += sampled[position]![1] * weight;
        weights += weight;
      }
      positions[index] = [x / weights, y / weights];
    }
  }
  return normalise(positions);
}
