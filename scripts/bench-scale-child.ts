import { promises as fs } from 'node:fs';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { z } from 'zod';
import { DEFAULT_HNSW_PARAMETERS } from '../src/index/hnsw-vector-store.ts';
import { PostingsLexicalIndex } from '../src/index/postings-lexical-index.ts';
import { DIMENSIONS, fillSyntheticVectors, projection, queryVectors, random, shardRange, UNITS_PER_PAPER } from './bench-scale-data.ts';

/**
 * Child processes of the scale bench, so each measurement has a process of its own:
 *   build-shard <dir> <chunks> <shards> <shard> <queries> <efConstruction>
 *     generates its shard's vectors, builds and writes its HNSW graph, and brute-forces
 *     each query's exact top 10 within the shard (the parent merges shards);
 *   serve <dir>
 *     loads what the parent built, as a server would, and measures load time, RSS,
 *     hybrid search latency and recall against the exact answers in <dir>/expected.json.
 * Each prints one JSON line on stdout.
 */
const { HierarchicalNSW } = hnswlib;

const [role, dir, ...rest] = process.argv.slice(2);
if (!dir) throw new Error('usage: bench-scale-child.ts build-shard|serve <dir> …');

const expectedSchema = z.object({
  chunks: z.number().int(),
  shards: z.number().int(),
  queries: z.array(z.string()),
  /** Exhaustive BM25 top 10 paper numbers per query. */
  lexicalTop: z.array(z.array(z.number().int())),
  /** The 10th best exhaustive score per query: a paper tied with it is an equally right answer. */
  lexicalTenth: z.array(z.number()),
  /** Brute-force top 10 labels per query. */
  vectorTop: z.array(z.array(z.number().int())),
});

function shardFile(shard: number): string {
  return path.join(dir!, `shard-${shard}.hnsw`);
}

async function buildShard(): Promise<void> {
  const [chunks, shards, shard, queries, efConstruction] = rest.map(Number) as [number, number, number, number, number];
  const { start, end } = shardRange(chunks, shards, shard);
  const count = end - start;
  // "Embedding" (vector generation) is timed apart from the index build.
  const generateStarted = performance.now();
  const vectors = new Float32Array(count * DIMENSIONS);
  fillSyntheticVectors(vectors, count, random(chunks * 31 + shard), projection());
  const generateSeconds = (performance.now() - generateStarted) / 1000;

  const buildStarted = performance.now();
  const index = new HierarchicalNSW('cosine', DIMENSIONS);
  index.initIndex({ maxElements: count, m: DEFAULT_HNSW_PARAMETERS.m, efConstruction, randomSeed: 100 + shard });
  const point = new Array<number>(DIMENSIONS);
  for (let item = 0; item < count; item++) {
    for (let index_ = 0; index_ < DIMENSIONS; index_++) point[index_] = vectors[item * DIMENSIONS + index_]!;
    index.addPoint(point, start + item);
  }
  await index.writeIndex(shardFile(shard));
  const buildSeconds = (performance.now() - buildStarted) / 1000;

  // Exact top 10 within the shard for every query: the recall reference.
  const allQueries = queryVectors(chunks, queries);
  const top: Array<Array<{ label: number; dot: number }>> = [];
  for (let query = 0; query < queries; query++) {
    const q = allQueries.subarray(query * DIMENSIONS, (query + 1) * DIMENSIONS);
    const best: Array<{ label: number; dot: number }> = [];
    for (let item = 0; item < count; item++) {
      let dot = 0;
      const base = item * DIMENSIONS;
      for (let index_ = 0; index_ < DIMENSIONS; index_++) dot += vectors[base + index_]! * q[index_]!;
      if (best.length < 10 || dot > best[best.length - 1]!.dot) {
        best.push({ label: start + item, dot });
        best.sort((a, b) => b.dot - a.dot);
        if (best.length > 10) best.pop();
      }
    }
    top.push(best);
  }
  console.log(JSON.stringify({ generateSeconds, buildSeconds, top }));
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? NaN;
}

/**
 * Memory of this process held in transparent huge pages (Linux), or null where that is not
 * reported: shows whether the huge-page malloc tunable the server runs with took effect.
 */
async function anonymousHugePagesMb(): Promise<number | null> {
  try {
    const rollup = await fs.readFile('/proc/self/smaps_rollup', 'utf8');
    const kilobytes = /^AnonHugePages:\s+(\d+) kB/m.exec(rollup)?.[1];
    return kilobytes === undefined ? null : (Number(kilobytes) * 1024) / 1e6;
  } catch {
    return null;
  }
}

async function serve(): Promise<void> {
  const expected = expectedSchema.parse(JSON.parse(await fs.readFile(path.join(dir!, 'expected.json'), 'utf8')));
  const rssBefore = process.memoryUsage().rss;
  const loadStarted = performance.now();
  // CPU time of every thread (the HNSW readers run on the libuv pool): unlike wall time,
  // it does not grow when other jobs share the cores.
  const cpuBefore = process.cpuUsage();
  const [lexical, shards] = await Promise.all([
    fs.readFile(path.join(dir!, 'lexical.bin')).then((bytes) => PostingsLexicalIndex.deserialize(bytes)),
    Promise.all(
      Array.from({ length: expected.shards }, async (_, shard) => {
        const index = new HierarchicalNSW('cosine', DIMENSIONS);
        await index.readIndex(shardFile(shard));
        index.setEf(DEFAULT_HNSW_PARAMETERS.efSearch);
        return index;
      }),
    ),
  ]);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const loadCpu = process.cpuUsage(cpuBefore);
  const loadCpuSeconds = (loadCpu.user + loadCpu.system) / 1e6;
  const hugePagesMb = await anonymousHugePagesMb();

  const vectors = queryVectors(expected.chunks, expected.queries.length);
  const candidates = 100;
  const times: number[] = [];
  const lexicalTimes: number[] = [];
  const vectorTimes: number[] = [];
  let lexicalFound = 0;
  let vectorFound = 0;
  // Two rounds: the first warms the JIT and the page cache, the second is measured.
  for (let round = 0; round < 2; round++) {
    expected.queries.forEach((text, query) => {
      const point = Array.from(vectors.subarray(query * DIMENSIONS, (query + 1) * DIMENSIONS));
      const started = performance.now();
      // What the retriever asks of the two indexes per question (the query embedding excluded):
      // BM25's top papers, HNSW's nearest units over every shard, and the union by paper.
      const lexicalHits = lexical.query(text, candidates);
      const lexicalDone = performance.now();
      const units = shards.flatMap((index) => {
        const result = index.searchKnn(point, candidates);
        return result.neighbors.map((label, rank) => ({ label, distance: result.distances[rank]! }));
      });
      units.sort((a, b) => a.distance - b.distance);
      const papers = new Set(lexicalHits.map((hit) => hit.paperId));
      for (const unit of units.slice(0, candidates)) papers.add(`p${Math.floor(unit.label / UNITS_PER_PAPER)}`);
      const finished = performance.now();
      if (round === 0) return;
      times.push(finished - started);
      lexicalTimes.push(lexicalDone - started);
      vectorTimes.push(finished - lexicalDone);
      const lexicalExpected = new Set(expected.lexicalTop[query]!.map((paper) => `p${paper}`));
      const tenth = expected.lexicalTenth[query]!;
      lexicalFound += lexicalHits.slice(0, 10).filter((hit) => lexicalExpected.has(hit.paperId) || hit.score >= tenth * (1 - 1e-9)).length;
      const vectorExpected = new Set(expected.vectorTop[query]);
      vectorFound += units.slice(0, 10).filter((unit) => vectorExpected.has(unit.label)).length;
    });
  }
  for (const list of [times, lexicalTimes, vectorTimes]) list.sort((a, b) => a - b);
  const lexicalExpectedCount = expected.lexicalTop.reduce((sum, top) => sum + top.length, 0);
  const vectorExpectedCount = expected.vectorTop.reduce((sum, top) => sum + top.length, 0);
  console.log(
    JSON.stringify({
      loadSeconds,
      loadCpuSeconds,
      hugePagesMb,
      rssMb: process.memoryUsage().rss / 1e6,
      rssLoadedDeltaMb: (process.memoryUsage().rss - rssBefore) / 1e6,
      searchP50Ms: percentile(times, 0.5),
      searchP95Ms: percentile(times, 0.95),
      lexicalP50Ms: percentile(lexicalTimes, 0.5),
      lexicalP95Ms: percentile(lexicalTimes, 0.95),
      vectorP50Ms: percentile(vectorTimes, 0.5),
      vectorP95Ms: percentile(vectorTimes, 0.95),
      lexicalRecallAt10: lexicalFound / Math.max(1, lexicalExpectedCount),
      // No shards (a lexical-only run): no vector figure rather than a fake 0.
      vectorRecallAt10: expected.shards === 0 ? null : vectorFound / Math.max(1, vectorExpectedCount),
    }),
  );
}

if (role === 'build-shard') await buildShard();
else if (role === 'serve') await serve();
else throw new Error(`unknown role ${role}`);
