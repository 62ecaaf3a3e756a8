import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Paper } from '../corpus/types.ts';
import { normaliseInPlace, unitVector } from '../util/vectors.ts';
import { labelClusters, type ClusterLabelOptions } from './cluster-labels.ts';
import { selectClusters, type ClusterSelectionOptions } from './cluster-selection.ts';
import { layoutMap, type MapLayoutOptions } from './map-layout.ts';

/** The topic map of an index, computed at build time and stored beside it. */
export const TOPIC_MAP_FILE = 'map.json';

export const topicMapPointSchema = z.object({
  paperId: z.string(),
  /** Position in [0, 1]² (aspect ratio kept). */
  x: z.number().min(0).max(1),
  y: z.number().min(0).max(1),
  cluster: z.number().int().nonnegative(),
});

export const topicClusterSchema = z.object({
  id: z.number().int().nonnegative(),
  /** Distinctive terms, most distinctive first, as written in the abstracts. */
  label: z.array(z.string()),
  size: z.number().int().nonnegative(),
});

/** Bumped when the map's computation changes, so a rebuild recomputes instead of copying the live map. */
export const TOPIC_MAP_VERSION = 5;

export const topicMapSchema = z.object({
  version: z.literal(TOPIC_MAP_VERSION),
  points: z.array(topicMapPointSchema),
  clusters: z.array(topicClusterSchema),
  /** How the number of clusters was chosen: mean silhouette per k tried, and the chosen one's. */
  selection: z.object({
    /** k-means++ on the 2-D layout, k by the highest mean silhouette. */
    method: z.literal('kmeans++ / silhouette'),
    silhouette: z.number().nullable(),
    silhouetteByK: z.array(z.object({ k: z.number().int(), silhouette: z.number() })),
  }),
  /** Time spent on the map in the build, for the report's map/build ratio, and its parts. */
  computeMs: z.number().nonnegative(),
  timings: z.object({ layoutMs: z.number().nonnegative(), clustersMs: z.number().nonnegative(), labelsMs: z.number().nonnegative() }),
});

export type TopicMapPoint = z.infer<typeof topicMapPointSchema>;
export type TopicCluster = z.infer<typeof topicClusterSchema>;
export type TopicMap = z.infer<typeof topicMapSchema>;

export interface TopicMapOptions {
  clusters?: Partial<ClusterSelectionOptions>;
  labels?: Partial<ClusterLabelOptions>;
  layout?: Partial<MapLayoutOptions>;
}

/** A unit vector with the paper it belongs to, as the index build has them. */
export interface PaperUnitVector {
  paperId: string;
  vector: ArrayLike<number>;
}

/**
 * One vector per paper: the normalised mean of its units' unit vectors (title, sentences,
 * chunks), so every part of the abstract counts. Papers without units get a zero vector.
 */
export function paperVectors(papers: readonly Paper[], units: Iterable<PaperUnitVector>, dimensions: number): Float32Array[] {
  const sums = new Map(papers.map((paper) => [paper.id, new Float32Array(dimensions)]));
  for (const { paperId, vector } of units) {
    const sum = sums.get(paperId);
    if (!sum) continue;
    const unit = unitVector(vector);
    for (let index = 0; index < dimensions; index++) sum[index]! += unit[index]!;
  }
  return papers.map((paper) => normaliseInPlace(sums.get(paper.id)!));
}

/**
 * Lays out, clusters and labels the papers: UMAP places them in 2-D, k-means++ clusters the
 * layout (k by silhouette), c-TF-IDF names the clusters. Clustering the UMAP layout, not the
 * raw vectors, is what BERTopic-style pipelines do: the embedding space is too flat for the
 * silhouette to tell k apart, and the clusters come out as contiguous regions of the map.
 * The same papers and vectors always give the same map.
 */
export async function computeTopicMap(papers: readonly Paper[], vectors: readonly Float32Array[], options: TopicMapOptions = {}): Promise<TopicMap> {
  const started = performance.now();
  const positions = await layoutMap(vectors, options.layout);
  const laidOut = performance.now();
  const selection = await selectClusters(positions, options.clusters);
  const clustered = performance.now();
  const labels = labelClusters(
    papers.map((paper) => `${paper.title}.\n${paper.abstract}`),
    selection.assignments,
    selection.clusterCount,
    options.labels,
  );
  const labelled = performance.now();
  const sizes = new Array<number>(selection.clusterCount).fill(0);
  for (const cluster of selection.assignments) sizes[cluster]!++;
  return {
    version: TOPIC_MAP_VERSION,
    points: papers.map((paper, index) => ({ paperId: paper.id, x: positions[index]![0], y: positions[index]![1], cluster: selection.assignments[index]! })),
    clusters: labels.map((label, id) => ({ id, label, size: sizes[id]! })),
    selection: { method: 'kmeans++ / silhouette', silhouette: selection.silhouette, silhouetteByK: selection.silhouetteByK },
    computeMs: Math.round(labelled - started),
    timings: { layoutMs: Math.round(laidOut - started), clustersMs: Math.round(clustered - laidOut), labelsMs: Math.round(labelled - clustered) },
  };
}

/** Reads and validates map.json; it must place exactly the index's papers. */
export async function readTopicMap(folder: string, papers: readonly Paper[]): Promise<TopicMap> {
  return parseTopicMap(JSON.parse(await fs.readFile(path.join(folder, TOPIC_MAP_FILE), 'utf8')), papers, TOPIC_MAP_FILE);
}

/** A stored map, validated: it must place exactly these papers, in their order. */
export function parseTopicMap(stored: unknown, papers: readonly Paper[], where: string): TopicMap {
  const map = topicMapSchema.parse(stored);
  if (map.points.length !== papers.length || map.points.some((point, index) => point.paperId !== papers[index]!.id)) {
    throw new Error(`${where} does not place the index's papers`);
  }
  if (map.points.some((point) => point.cluster >= map.clusters.length)) throw new Error(`${where} names a cluster it does not describe`);
  return map;
}

export interface TopicMapBuildInput {
  /** The index folder being built. */
  folder: string;
  papers: readonly Paper[];
  /** The build's vector units and their vectors, in the same order. */
  units: ReadonlyArray<{ metadata: { paperId: string } }>;
  vectors: readonly ArrayLike<number>[];
  dimensions: number;
  /** The live index when it was built from exactly these units: its map is the one this build would compute. */
  sameUnitsAs: string | null;
  options?: TopicMapOptions;
}

/** The build's hook: writes map.json into the new index, reusing the live one when the units are unchanged. */
export async function writeTopicMap(input: TopicMapBuildInput): Promise<TopicMap> {
  let map: TopicMap | null = null;
  if (input.sameUnitsAs) {
    map = await readTopicMap(input.sameUnitsAs, input.papers).catch(() => null);
  }
  if (!map) {
    const units = input.units.map((unit, index) => ({ paperId: unit.metadata.paperId, vector: input.vectors[index]! }));
    map = await computeTopicMap(input.papers, paperVectors(input.papers, units, input.dimensions), input.options);
  }
  await fs.writeFile(path.join(input.folder, TOPIC_MAP_FILE), JSON.stringify(map));
  return map;
}
