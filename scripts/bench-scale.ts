import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Paper } from '../src/corpus/types.ts';
import { BM25_PARAMETERS, TITLE_BOOST, type LexicalIndex } from '../src/index/lexical-index.ts';
import { MiniSearchLexicalIndex } from '../src/index/minisearch-lexical-index.ts';
import { PostingsLexicalIndex } from '../src/index/postings-lexical-index.ts';
import { analyze } from '../src/text/terms.ts';
import { syntheticPapers, syntheticQueries, UNITS_PER_PAPER } from './bench-scale-data.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bench-scale-child.ts');

/** One tier of `npm run bench -- --scale-only --json` (field names are the interface). */
export interface ScaleTier {
  chunks: number;
  papers: number;
  shards: number;
  /** Hybrid search without the query embedding: BM25 top 100 + HNSW top 100 over all shards + union by paper. */
  searchP50Ms: number;
  searchP95Ms: number;
  lexicalP50Ms: number;
  lexicalP95Ms: number;
  vectorP50Ms: number;
  vectorP95Ms: number;
  lexicalRecallAt10: number;
  /** null when the tier ran without HNSW (`--shards=0`). */
  vectorRecallAt10: number | null;
  /** Loading both indexes in a fresh process. */
  loadSeconds: number;
  /** CPU time of that load, all threads (what a busy machine does not inflate as it does wall time). */
  loadCpuSeconds: number;
  /** Of that process's memory, how much is in transparent huge pages (null where Linux does not report it). */
  hugePagesMb: number | null;
  /** That process's resident memory after loading and searching. */
  rssMb: number;
  /** Index time only (BM25 build + HNSW build, shards in parallel); embedding excluded. */
  buildSeconds: number;
  lexicalBuildSeconds: number;
  vectorBuildSeconds: number;
  /** Stand-in for embedding: generating the synthetic vectors (per shard, in parallel). */
  vectorGenerateSeconds: number;
  indexBytes: number;
}

/** One engine's lexical figures on one corpus, in this process (for choosing the engine). */
export interface LexicalEngineRow {
  engine: 'minisearch' | 'postings';
  papers: number;
  buildSeconds: number;
  bytes: number;
  loadSeconds: number;
  p50Ms: number;
  p95Ms: number;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? NaN;
}

/**
 * The glibc tunables the server runs with (the Dockerfile's GLIBC_TUNABLES): malloc asks for
 * transparent huge pages for its large blocks. hnswlib reads each graph file into one malloc'd
 * block of the file's size; in 4 KiB pages, faulting that in (and the loader's first touch of
 * every page) was most of the 1M tier's load time, and 2 MiB pages halve the load's CPU time
 * (docs/performance.md, "Where the load time goes").
 */
export const SERVER_GLIBC_TUNABLES = 'glibc.malloc.hugetlb=1';

/** `environment` with `tunables` added to its GLIBC_TUNABLES; a tunable already set there is left as set. */
export function withGlibcTunables(environment: NodeJS.ProcessEnv, tunables: string): NodeJS.ProcessEnv {
  const current = environment.GLIBC_TUNABLES?.split(':').filter(Boolean) ?? [];
  const setNames = new Set(current.map((tunable) => tunable.split('=')[0]));
  const added = tunables.split(':').filter((tunable) => !setNames.has(tunable.split('=')[0]));
  return { ...environment, GLIBC_TUNABLES: [...current, ...added].join(':') };
}

function runChild(args: string[], environment: NodeJS.ProcessEnv = process.env): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: environment });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`bench child ${args[0]} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? ''));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/**
 * Exhaustive BM25 written the plain way (document by document, from each paper's own term
 * list), independent of both engines: the reference for lexical recall@10. Returns, per
 * query, the top 10 paper numbers and the 10th score (papers tied with it are equally right).
 */
function exhaustiveBm25(papers: Paper[], queries: string[]): Array<{ top: number[]; tenth: number }> {
  const termIds = new Map<string, number>();
  const idOf = (term: string) => {
    let id = termIds.get(term);
    if (id === undefined) termIds.set(term, (id = termIds.size));
    return id;
  };
  const fields = [
    { boost: TITLE_BOOST, text: (paper: Paper) => paper.title },
    { boost: 1, text: (paper: Paper) => paper.abstract },
  ].map((field) => {
    const terms = papers.map((paper) => Int32Array.from(analyze(field.text(paper)), idOf));
    const lengths = terms.map((list) => new Set(list).size);
    const average = lengths.reduce((sum, length) => sum + length, 0) / Math.max(1, papers.length);
    const df = new Map<number, number>();
    for (const list of terms) for (const id of new Set(list)) df.set(id, (df.get(id) ?? 0) + 1);
    return { ...field, terms, lengths, average, df };
  });
  const { k1, b, delta } = BM25_PARAMETERS;
  const count = papers.length;
  return queries.map((query) => {
    const wanted = new Map<number, number>();
    for (const term of analyze(query)) {
      const id = termIds.get(term);
      if (id !== undefined) wanted.set(id, (wanted.get(id) ?? 0) + 1);
    }
    const scored: Array<{ paper: number; score: number }> = [];
    for (let paper = 0; paper < count; paper++) {
      let score = 0;
      const matched = new Set<number>();
      for (const field of fields) {
        const tf = new Map<number, number>();
        for (const id of field.terms[paper]!) if (wanted.has(id)) tf.set(id, (tf.get(id) ?? 0) + 1);
        for (const [id, frequency] of tf) {
          const df = field.df.get(id)!;
          const idf = Math.log(1 + (count - df + 0.5) / (df + 0.5));
          const norm = k1 * (1 - b + (b * field.lengths[paper]!) / field.average);
          score += wanted.get(id)! * field.boost * idf * (delta + (frequency * (k1 + 1)) / (frequency + norm));
          matched.add(id);
        }
      }
      if (matched.size > 0) scored.push({ paper, score: score * matched.size });
    }
    scored.sort((x, y) => y.score - x.score);
    const top = scored.slice(0, 10);
    return { top: top.map((entry) => entry.paper), tenth: top[top.length - 1]?.score ?? 0 };
  });
}

/** Build, write, load and query one lexical engine over `papers`, all in this process. */
export function benchLexicalEngine(engine: LexicalEngineRow['engine'], papers: Paper[], queries: string[]): LexicalEngineRow {
  const buildStarted = performance.now();
  const built: LexicalIndex = engine === 'postings' ? PostingsLexicalIndex.build(papers) : MiniSearchLexicalIndex.build(papers);
  const buildSeconds = (performance.now() - buildStarted) / 1000;
  const bytes = built.serialize();
  const loadStarted = performance.now();
  const loaded: LexicalIndex = engine === 'postings' ? PostingsLexicalIndex.deserialize(bytes) : MiniSearchLexicalIndex.deserialize(bytes);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  for (const query of queries.slice(0, 20)) loaded.query(query, 100);
  const times = queries.map((query) => {
    const started = performance.now();
    loaded.query(query, 100);
    return performance.now() - started;
  });
  times.sort((x, y) => x - y);
  return { engine, papers: papers.length, buildSeconds, bytes: bytes.byteLength, loadSeconds, p50Ms: percentile(times, 0.5), p95Ms: percentile(times, 0.95) };
}

export interface ScaleTierOptions {
  seedPapers: Paper[];
  /** HNSW shards built in parallel (one process each); 1 = one graph, as the product holds; 0 = BM25 only. */
  shards: number;
  efConstruction: number;
  queries?: number;
  log?: (line: string) => void;
}

/**
 * One synthetic tier: `chunks` vector units over chunks/10 papers. BM25 is built here;
 * HNSW shards are built by child processes; a fresh child loads both and measures.
 */
export async function benchScaleTier(chunks: number, options: ScaleTierOptions): Promise<ScaleTier> {
  const { seedPapers, shards, efConstruction } = options;
  const queryCount = options.queries ?? 200;
  const log = options.log ?? (() => {});
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'paperchat-scale-'));
  try {
    const papers = syntheticPapers(Math.max(1, Math.round(chunks / UNITS_PER_PAPER)), seedPapers, chunks + 7);
    const queries = syntheticQueries(queryCount, seedPapers, chunks + 11);

    const lexicalStarted = performance.now();
    const lexical = PostingsLexicalIndex.build(papers);
    const lexicalBuildSeconds = (performance.now() - lexicalStarted) / 1000;
    const lexicalBytes = lexical.serialize();
    await fs.writeFile(path.join(dir, 'lexical.bin'), lexicalBytes);
    log(`  ${chunks}: BM25 over ${papers.length} papers built in ${lexicalBuildSeconds.toFixed(1)} s; exhaustive reference…`);
    const reference = exhaustiveBm25(papers, queries);

    log(`  ${chunks}: HNSW, ${shards} shard(s), efConstruction ${efConstruction}…`);
    const shardResults = (await Promise.all(
      Array.from({ length: shards }, (_, shard) => runChild(['build-shard', dir, String(chunks), String(shards), String(shard), String(queryCount), String(efConstruction)])),
    )) as Array<{ generateSeconds: number; buildSeconds: number; top: Array<Array<{ label: number; dot: number }>> }>;
    const vectorTop = queries.map((_, query) =>
      shardResults
        .flatMap((result) => result.top[query]!)
        .sort((x, y) => y.dot - x.dot)
        .slice(0, 10)
        .map((entry) => entry.label),
    );
    await fs.writeFile(
      path.join(dir, 'expected.json'),
      JSON.stringify({ chunks, shards, queries, lexicalTop: reference.map((entry) => entry.top), vectorTop, lexicalTenth: reference.map((entry) => entry.tenth) }),
    );
    log(`  ${chunks}: loading and searching in a fresh process…`);
    // Loaded as the server runs (its glibc tunables); a GLIBC_TUNABLES of the bench's own
    // (e.g. glibc.malloc.hugetlb=0, to measure without) takes precedence.
    const served = (await runChild(['serve', dir], withGlibcTunables(process.env, SERVER_GLIBC_TUNABLES))) as Omit<ScaleTier, 'chunks' | 'papers' | 'shards' | 'buildSeconds' | 'lexicalBuildSeconds' | 'vectorBuildSeconds' | 'vectorGenerateSeconds' | 'indexBytes'>;
    const vectorBuildSeconds = Math.max(0, ...shardResults.map((result) => result.buildSeconds));
    let indexBytes = 0;
    for (const name of await fs.readdir(dir)) if (name !== 'expected.json') indexBytes += (await fs.stat(path.join(dir, name))).size;
    return {
      chunks,
      papers: papers.length,
      shards,
      searchP50Ms: served.searchP50Ms,
      searchP95Ms: served.searchP95Ms,
      lexicalP50Ms: served.lexicalP50Ms,
      lexicalP95Ms: served.lexicalP95Ms,
      vectorP50Ms: served.vectorP50Ms,
      vectorP95Ms: served.vectorP95Ms,
      lexicalRecallAt10: served.lexicalRecallAt10,
      vectorRecallAt10: served.vectorRecallAt10,
      loadSeconds: served.loadSeconds,
      loadCpuSeconds: served.loadCpuSeconds,
      hugePagesMb: served.hugePagesMb,
      rssMb: served.rssMb,
      buildSeconds: lexicalBuildSeconds + vectorBuildSeconds,
      lexicalBuildSeconds,
      vectorBuildSeconds,
      vectorGenerateSeconds: Math.max(0, ...shardResults.map((result) => result.generateSeconds)),
      indexBytes,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
