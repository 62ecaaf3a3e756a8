import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { createEmbeddings } from '../src/embeddings/create-embeddings.ts';
import { newBuildId } from '../src/index/build-index.ts';
import { FilesIndexStore } from '../src/index/files-index-store.ts';
import { IndexDirectory } from '../src/index/index-directory.ts';
import type { IndexStore } from '../src/index/index-store.ts';
import { importFileEmbeddingCache } from '../src/index/postgres/import-file-cache.ts';
import { startPgliteServer } from '../src/index/postgres/pglite-server.ts';
import { PostgresIndexStore } from '../src/index/postgres/postgres-index-store.ts';
import type { ServedIndex } from '../src/index/served-index.ts';
import { HybridRetriever } from '../src/retrieval/hybrid-retriever.ts';
import { unitVector } from '../src/util/vectors.ts';
import { percentile, timeEach } from './bench-timing.ts';
import { evalQuestions } from './eval-questions.ts';

/**
 * `npm run bench -- --store postgres`: the files store next to the Postgres store on the same
 * seeds, embedder and questions — ingest (embeddings cached, so this is the index build) and
 * query latency of full hybrid retrieval and of each candidate query. Without DATABASE_URL the
 * database is PGlite in this process: single-threaded WASM sharing the event loop, so its
 * figures are lower bounds for a Postgres server.
 */

export async function benchStores(): Promise<void> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const quiet = { info: () => {}, warn: () => {}, error: () => {} };
  const embeddings = await createEmbeddings(config, quiet);
  const questions = [...new Set(await evalQuestions())].slice(0, 200);
  const database = process.env.DATABASE_URL ? null : await startPgliteServer();
  const url = process.env.DATABASE_URL ?? database!.url;
  const filesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'paperchat-bench-store-'));
  // Both stores start with the corpus's embeddings cached: the ingest figure is the index build.
  const cacheDir = new IndexDirectory(config.DATA_DIR).embeddingCacheDir;
  await fs.cp(cacheDir, new IndexDirectory(filesDir).embeddingCacheDir, { recursive: true }).catch(() => undefined);
  await importFileEmbeddingCache(url, cacheDir, embeddings);
  const stores: Array<[string, IndexStore]> = [
    ['files', new FilesIndexStore(filesDir)],
    [`postgres (${database ? 'PGlite, in-process' : 'DATABASE_URL'})`, new PostgresIndexStore({ url, poolMax: 10, statementTimeoutMs: 60000, efSearch: config.HNSW_EF_SEARCH, graceSeconds: 0 })],
  ];
  const rows: string[] = [];
  const baseline: Record<string, number> = {};
  try {
    for (const [name, store] of stores) {
      await store.open();
      const started = performance.now();
      const built = await store.build({ seedsDir: config.SEEDS_DIR, embeddings, buildId: newBuildId(), ingest: { titleOnly: config.INGEST_TITLE_ONLY } });
      const ingestSeconds = (performance.now() - started) / 1000;
      const index: ServedIndex = built.index;
      const retriever = new HybridRetriever(index);
      // Query vectors are embedded once (untimed): the figures are retrieval, not the encoder.
      const vectors = new Map<string, Float32Array>();
      for (const question of questions) vectors.set(question, unitVector(await retriever.embedQuery(question)));
      await retriever.search(questions[0]!, { k: 10 });
      const search = await timeEach(questions, (question) => retriever.search(question, { k: 10 }));
      const lexical = await timeEach(questions, (question) => index.candidates.lexicalCandidates(question, 100));
      const vector = await timeEach(questions, (question) => index.candidates.vectorCandidates(vectors.get(question)!, 100));
      const figures = {
        ingest: ingestSeconds,
        unitsPerSecond: built.manifest.counts.vectors / ingestSeconds,
        searchP50: percentile(search, 0.5),
        searchP95: percentile(search, 0.95),
        lexicalP50: percentile(lexical, 0.5),
        vectorP50: percentile(vector, 0.5),
      };
      if (Object.keys(baseline).length === 0) Object.assign(baseline, figures);
      const ratio = (key: keyof typeof figures) => (baseline[key] ? ` (×${(figures[key] / baseline[key]!).toFixed(1)})` : '');
      rows.push(
        `| ${name} | ${built.manifest.counts.papers} papers, ${built.manifest.counts.vectors} units | ${figures.ingest.toFixed(1)} s${ratio('ingest')} | ${figures.unitsPerSecond.toFixed(0)} | ` +
          `${figures.searchP50.toFixed(1)} / ${figures.searchP95.toFixed(1)} ms${ratio('searchP50')} | ${figures.lexicalP50.toFixed(2)} ms${ratio('lexicalP50')} | ${figures.vectorP50.toFixed(2)} ms${ratio('vectorP50')} |`,
      );
      await store.close();
    }
  } finally {
    await embeddings.close?.();
    await database?.close();
    await fs.rm(filesDir, { recursive: true, force: true });
  }
  console.log(`# store bench — ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.availableParallelism()}, Node ${process.version}, ${questions.length} questions, k=10`);
  console.log('\n| store | corpus | ingest (cached embeddings) | units/s | search p50 / p95 | BM25 top-100 p50 | HNSW top-100 p50 |');
  console.log('|---|---|---|---|---|---|---|');
  rows.forEach((row) => console.log(row));
  console.log('\n(×n = the files store\'s figure times n. PGlite is single-threaded WASM in the bench process: lower bounds for a Postgres server.)');
}
