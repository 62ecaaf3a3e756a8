import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import MiniSearch from 'minisearch';
import { parseSeedFiles } from '../src/corpus/read-seeds.ts';
import { DEFAULT_HNSW_PARAMETERS, type HnswParameters } from '../src/index/hnsw-vector-store.ts';
import { analyze } from '../src/text/terms.ts';

const { HierarchicalNSW } = hnswlib;

export interface RecallAtEf {
  efSearch: number;
  recallAt10: number;
  p50Ms: number;
}

export interface ScaleRow {
  chunks: number;
  side: 'vector' | 'lexical';
  buildSeconds: number;
  loadSeconds: number;
  heapMb: number;
  p50Ms: number;
  p95Ms: number;
  recallAt10?: number;
  /** Recall and latency at other efSearch values, to choose the parameter. */
  sweep?: RecallAtEf[];
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? NaN;
}

/** Seeded PRNG so tiers are reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Synthetic vectors shaped like sentence embeddings: a low intrinsic dimension (points on
 * a 24-d latent space projected to 512-d) plus small noise, L2-normalised. Uniform noise
 * in all 512 dimensions would be an unrealistically hard case for any ANN index.
 */
function syntheticVectors(count: number, dimensions: number, next: () => number, seedProjection = 1): Float32Array[] {
  const latent = 24;
  const projectionRandom = random(seedProjection);
  const projection = Array.from({ length: latent }, () => Float32Array.from({ length: dimensions }, () => projectionRandom() * 2 - 1));
  return Array.from({ length: count }, () => {
    const vector = new Float32Array(dimensions);
    for (const row of projection) {
      const weight = next() * 2 - 1;
      for (let index = 0; index < dimensions; index++) vector[index]! += weight * row[index]!;
    }
    let norm = 0;
    for (let index = 0; index < dimensions; index++) {
      vector[index]! += (next() * 2 - 1) * 0.3;
      norm += vector[index]! * vector[index]!;
    }
    norm = Math.sqrt(norm);
    for (let index = 0; index < dimensions; index++) vector[index]! /= norm;
    return vector;
  });
}

function heapMb(): number {
  return process.memoryUsage().rss / 1e6;
}

/** HNSW build/load/search and recall@10 against exact search, at one size. */
export async function benchVectorTier(chunks: number, parameters: HnswParameters = DEFAULT_HNSW_PARAMETERS, queries = 200): Promise<ScaleRow> {
  const dimensions = 512;
  const next = random(chunks);
  const vectors = syntheticVectors(chunks, dimensions, next);
  const queryVectors = syntheticVectors(queries, dimensions, next);
  const rssBefore = heapMb();
  const buildStarted = performance.now();
  const index = new HierarchicalNSW('cosine', dimensions);
  index.initIndex({ maxElements: chunks, m: parameters.m, efConstruction: parameters.efConstruction, randomSeed: 100 });
  vectors.forEach((vector, label) => index.addPoint(Array.from(vector), label));
  const buildSeconds = (performance.now() - buildStarted) / 1000;
  const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'paperchat-scale-')), 'index.bin');
  await index.writeIndex(file);
  const loadStarted = performance.now();
  const loaded = new HierarchicalNSW('cosine', dimensions);
  await loaded.readIndex(file);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  loaded.setEf(parameters.efSearch);
  const memory = heapMb() - rssBefore;

  const exactTop = queryVectors.map((query) =>
    new Set(
      vectors
        .map((vector, label) => {
          let dot = 0;
          for (let index = 0; index < dimensions; index++) dot += vector[index]! * query[index]!;
          return { label, dot };
        })
        .sort((a, b) => b.dot - a.dot)
        .slice(0, 10)
        .map((entry) => entry.label),
    ),
  );
  const measure = (efSearch: number) => {
    loaded.setEf(efSearch);
    const times: number[] = [];
    let found = 0;
    queryVectors.forEach((query, position) => {
      const started = performance.now();
      const result = loaded.searchKnn(Array.from(query), 10);
      times.push(performance.now() - started);
      found += result.neighbors.filter((label) => exactTop[position]!.has(label)).length;
    });
    times.sort((a, b) => a - b);
    return { efSearch, recallAt10: found / (queryVectors.length * 10), p50Ms: percentile(times, 0.5), p95Ms: percentile(times, 0.95) };
  };
  const sweep = [16, 32, 64, 128, 256].map(measure);
  const chosen = measure(parameters.efSearch);
  await fs.rm(path.dirname(file), { recursive: true, force: true });
  return {
    chunks,
    side: 'vector',
    buildSeconds,
    loadSeconds,
    heapMb: memory,
    p50Ms: chosen.p50Ms,
    p95Ms: chosen.p95Ms,
    recallAt10: chosen.recallAt10,
    sweep: sweep.map(({ efSearch, recallAt10, p50Ms }) => ({ efSearch, recallAt10, p50Ms })),
  };
}

/** BM25 over synthetic chunks drawn from the seed vocabulary (word frequencies kept). */
export async function benchLexicalTier(chunks: number, seedsDir: string, queries = 200): Promise<ScaleRow> {
  const corpus = await parseSeedFiles(seedsDir);
  const words = corpus.papers.flatMap((paper) => paper.abstract.split(/\s+/));
  const next = random(chunks + 7);
  const sentence = (length: number) => Array.from({ length }, () => words[Math.floor(next() * words.length)]).join(' ');
  const rssBefore = heapMb();
  const buildStarted = performance.now();
  const search = new MiniSearch<{ id: number; title: string; abstract: string }>({ fields: ['title', 'abstract'], tokenize: analyze, processTerm: (term) => term });
  for (let id = 0; id < chunks; id++) search.add({ id, title: sentence(8), abstract: sentence(120) });
  const buildSeconds = (performance.now() - buildStarted) / 1000;
  const json = JSON.stringify(search);
  const loadStarted = performance.now();
  const loaded = MiniSearch.loadJSON<{ id: number; title: string; abstract: string }>(json, { fields: ['title', 'abstract'], tokenize: analyze, processTerm: (term) => term });
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const memory = heapMb() - rssBefore;
  const times: number[] = [];
  for (let index = 0; index < queries; index++) {
    const query = sentence(6);
    const started = performance.now();
    loaded.search(query, { boost: { title: 2 } }).slice(0, 100);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { chunks, side: 'lexical', buildSeconds, loadSeconds, heapMb: memory, p50Ms: percentile(times, 0.5), p95Ms: percentile(times, 0.95) };
}
