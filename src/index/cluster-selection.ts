import { kmeans } from 'ml-kmeans';
import { mulberry32 } from '../util/seeded-random.ts';

export interface ClusterSelectionOptions {
  /**
   * Smallest number of clusters tried; by default ⌈√n / 3⌉ (at least 2, at most half the largest). The silhouette favours
   * the coarsest split (on the bundled corpus: language vs vision, k = 2), which makes no map;
   * the floor sets the granularity and the criterion picks k above it.
   */
  minClusters?: number;
  /** Largest number of clusters tried; also capped by √n. */
  maxClusters: number;
  /** k-means runs per k (different seeded k-means++ starts); the one with the lowest inertia is kept. */
  restarts: number;
  /** k is chosen on a seeded sample of at most this many points (the silhouette is quadratic). */
  sampleSize: number;
  seed: number;
}

export const DEFAULT_CLUSTER_SELECTION: ClusterSelectionOptions = { maxClusters: 30, restarts: 2, sampleSize: 2000, seed: 11 };

export interface ClusterSelection {
  /** Cluster of each input vector, 0-based, clusters numbered by decreasing size. */
  assignments: number[];
  clusterCount: number;
  /** Mean silhouette of the chosen k; null when there were too few papers to compare k. */
  silhouette: number | null;
  /** The criterion for every k tried, so the choice can be inspected. */
  silhouetteByK: Array<{ k: number; silhouette: number }>;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Seeded sample of `size` distinct indices out of `count`, in ascending order (all of them when it fits). */
export function seededSample(count: number, size: number, seed: number): number[] {
  const indices = Array.from({ length: count }, (_, index) => index);
  if (count <= size) return indices;
  const random = mulberry32(seed);
  for (let position = 0; position < size; position++) {
    const swap = position + Math.floor(random() * (count - position));
    [indices[position], indices[swap]] = [indices[swap]!, indices[position]!];
  }
  return indices.slice(0, size).sort((a, b) => a - b);
}

/** Euclidean distances between points, as a flat n×n matrix. */
function euclideanDistances(points: readonly number[][]): Float32Array {
  const count = points.length;
  const distances = new Float32Array(count * count);
  for (let row = 0; row < count; row++) {
    for (let column = row + 1; column < count; column++) {
      const distance = Math.sqrt(squaredDistance(points[row]!, points[column]!));
      distances[row * count + column] = distance;
      distances[column * count + row] = distance;
    }
  }
  return distances;
}

/** Mean silhouette over all points (a point alone in its cluster counts 0, as in scikit-learn). */
export function meanSilhouette(distances: Float32Array, assignments: readonly number[], clusterCount: number): number {
  const count = assignments.length;
  const sizes = new Array<number>(clusterCount).fill(0);
  for (const cluster of assignments) sizes[cluster]!++;
  const sums = new Float64Array(clusterCount);
  let total = 0;
  for (let point = 0; point < count; point++) {
    sums.fill(0);
    for (let other = 0; other < count; other++) if (other !== point) sums[assignments[other]!]! += distances[point * count + other]!;
    const own = assignments[point]!;
    if (sizes[own]! <= 1) continue;
    const cohesion = sums[own]! / (sizes[own]! - 1);
    let separation = Infinity;
    for (let cluster = 0; cluster < clusterCount; cluster++) {
      if (cluster !== own && sizes[cluster]! > 0) separation = Math.min(separation, sums[cluster]! / sizes[cluster]!);
    }
    const spread = Math.max(cohesion, separation);
    if (Number.isFinite(separation) && spread > 0) total += (separation - cohesion) / spread;
  }
  return total / count;
}

function squaredDistance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) {
    const difference = a[index]! - b[index]!;
    sum += difference * difference;
  }
  return sum;
}

function inertia(data: readonly number[][], assignments: readonly number[], centroids: readonly number[][]): number {
  let sum = 0;
  data.forEach((point, index) => (sum += squaredDistance(point, centroids[assignments[index]!]!)));
  return sum;
}

interface KMeansFit {
  assignments: number[];
  centroids: number[][];
}

/** k-means++ with a few seeded restarts; the fit with the lowest inertia wins. */
function bestKMeans(data: number[][], k: number, options: ClusterSelectionOptions): KMeansFit {
  let best: (KMeansFit & { inertia: number }) | null = null;
  for (let restart = 0; restart < options.restarts; restart++) {
    const result = kmeans(data, k, { initialization: 'kmeans++', seed: options.seed * 1000 + k * 10 + restart, maxIterations: 100 });
    const fitInertia = inertia(data, result.clusters, result.centroids);
    if (!best || fitInertia < best.inertia) best = { assignments: result.clusters, centroids: result.centroids, inertia: fitInertia };
  }
  return best!;
}

/** Renumbers clusters by decreasing size (ties by first member), so ids are stable and meaningful. */
function renumberBySize(assignments: readonly number[]): { assignments: number[]; clusterCount: number } {
  const sizes = new Map<number, { size: number; first: number }>();
  assignments.forEach((cluster, index) => {
    const entry = sizes.get(cluster);
    if (entry) entry.size++;
    else sizes.set(cluster, { size: 1, first: index });
  });
  const order = [...sizes.entries()].sort((a, b) => b[1].size - a[1].size || a[1].first - b[1].first).map(([cluster]) => cluster);
  const newId = new Map(order.map((cluster, position) => [cluster, position]));
  return { assignments: assignments.map((cluster) => newId.get(cluster)!), clusterCount: order.length };
}

/**
 * Clusters points with k-means++, trying every k in the allowed range and keeping the one with
 * the highest mean silhouette. Meant for low-dimensional points (the map's layout): in the raw
 * 512-d embedding space the silhouette of text clusters is flat and always favours k = 2.
 * Deterministic for a given seed; yields to the event loop between fits, so a server
 * rebuilding its index keeps answering meanwhile.
 */
export async function selectClusters(points: readonly number[][], overrides: Partial<ClusterSelectionOptions> = {}): Promise<ClusterSelection> {
  const options = { ...DEFAULT_CLUSTER_SELECTION, ...overrides };
  const count = points.length;
  const sample = seededSample(count, options.sampleSize, options.seed);
  const largest = Math.min(options.maxClusters, Math.floor(Math.sqrt(count)), count - 1);
  const smallest = Math.max(2, options.minClusters ?? Math.min(Math.ceil(Math.sqrt(count) / 3), Math.floor(largest / 2)));
  if (largest < smallest) return { assignments: new Array<number>(count).fill(0), clusterCount: count > 0 ? 1 : 0, silhouette: null, silhouetteByK: [] };

  // k-means and the silhouette run on the sample; every point then joins its nearest centroid,
  // so a large corpus costs one linear pass more, not k-means over all of it for every k.
  const data = sample.map((index) => [...points[index]!]);
  const distances = euclideanDistances(data);
  const silhouetteByK: ClusterSelection['silhouetteByK'] = [];
  let best: { k: number; silhouette: number; fit: KMeansFit } | null = null;
  for (let k = smallest; k <= largest; k++) {
    await yieldToEventLoop();
    const fit = bestKMeans(data, k, options);
    const silhouette = meanSilhouette(distances, fit.assignments, k);
    silhouetteByK.push({ k, silhouette: Number(silhouette.toFixed(4)) });
    if (!best || silhouette > best.silhouette) best = { k, silhouette, fit };
  }
  const { centroids } = best!.fit;
  const assignments = points.map((point) => {
    let nearest = 0;
    for (let cluster = 1; cluster < centroids.length; cluster++) {
      if (squaredDistance(point, centroids[cluster]!) < squaredDistance(point, centroids[nearest]!)) nearest = cluster;
    }
    return nearest;
  });
  const renumbered = renumberBySize(assignments);
  return { assignments: renumbered.assignments, clusterCount: renumbered.clusterCount, silhouette: Number(best!.silhouette.toFixed(4)), silhouetteByK };
}
