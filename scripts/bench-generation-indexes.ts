import { promises as fs } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { IndexDirectory } from '../src/index/index-directory.ts';
import { readManifest, VECTORS_DIR } from '../src/index/load-index.ts';
import { toVectorLiteral } from '../src/index/postgres/database.ts';
import { startPgliteServer } from '../src/index/postgres/pglite-server.ts';

/**
 * Why the Postgres store gives each generation its own partition and HNSW index rather than
 * one index over every generation filtered by generation id: both layouts on the bundled
 * corpus's unit vectors (data/, USE 512-d), with two generations present (as during an ingest
 * and its grace period). Measures top-100 latency and recall against exact search.
 * `node --import tsx scripts/bench-generation-indexes.ts [--queries=100]`
 */
const queryCount = Number(process.argv.find((value) => value.startsWith('--queries='))?.split('=')[1] ?? 100);
const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
const folder = await new IndexDirectory(config.DATA_DIR).current();
if (!folder) throw new Error('no files index in DATA_DIR: run npm run ingest first');
const { dimensions } = (await readManifest(folder)).embedder;
const bytes = await fs.readFile(path.join(folder, VECTORS_DIR, 'unit-vectors.f32'));
const packed = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
const count = packed.length / dimensions;
const vectors = Array.from({ length: count }, (_, index) => packed.subarray(index * dimensions, (index + 1) * dimensions));
const queries = Array.from({ length: queryCount }, (_, index) => vectors[(index * 7919) % count]!);

const database = await startPgliteServer();
const client = new pg.Client({ connectionString: database.url });
await client.connect();
const type = `vector(${dimensions})`;
const timed = async (label: string, run: () => Promise<unknown>) => {
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label}: ${seconds.toFixed(1)} s`);
  return seconds;
};
try {
  await client.query('CREATE EXTENSION IF NOT EXISTS vector');
  await client.query('SET hnsw.ef_search = 128; SET hnsw.iterative_scan = strict_order');
  await client.query(`CREATE TABLE shared (generation_id int NOT NULL, id int NOT NULL, embedding vector NOT NULL)`);
  await client.query(`CREATE TABLE own (id int NOT NULL, embedding vector NOT NULL)`);
  for (let start = 0; start < count; start += 500) {
    const ids = Array.from({ length: Math.min(500, count - start) }, (_, offset) => start + offset);
    const literals = ids.map((id) => toVectorLiteral(vectors[id]!));
    // Two generations of the same corpus in the shared table (consecutive ingests differ little).
    for (const generation of [1, 2]) await client.query(`INSERT INTO shared SELECT $1, id, embedding::vector FROM unnest($2::int[], $3::text[]) AS batch (id, embedding)`, [generation, ids, literals]);
    await client.query(`INSERT INTO own SELECT id, embedding::vector FROM unnest($1::int[], $2::text[]) AS batch (id, embedding)`, [ids, literals]);
  }
  const sharedBuild = await timed(`HNSW over both generations (${count * 2} rows)`, () => client.query(`CREATE INDEX ON shared USING hnsw ((embedding::${type}) vector_cosine_ops) WITH (m = 16, ef_construction = 100)`));
  const ownBuild = await timed(`HNSW over one generation (${count} rows)`, () => client.query(`CREATE INDEX ON own USING hnsw ((embedding::${type}) vector_cosine_ops) WITH (m = 16, ef_construction = 100)`));
  await client.query('ANALYZE shared; ANALYZE own');

  const exact = new Map<number, Set<number>>();
  await client.query('SET enable_indexscan = off');
  for (const [position, query] of queries.entries()) {
    const rows = await client.query<{ id: number }>(`SELECT id FROM own ORDER BY embedding::${type} <=> $1::${type} LIMIT 100`, [toVectorLiteral(query)]);
    exact.set(position, new Set(rows.rows.map((row) => row.id)));
  }
  await client.query('SET enable_indexscan = on');
  const measure = async (label: string, sql: string) => {
    const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, [toVectorLiteral(queries[0]!)]);
    const scan = plan.rows.map((row) => row['QUERY PLAN']).find((line) => /Scan/.test(line))?.trim() ?? '?';
    const times: number[] = [];
    let found = 0;
    let returned = 0;
    for (const [position, query] of queries.entries()) {
      const started = performance.now();
      const rows = await client.query<{ id: number }>(sql, [toVectorLiteral(query)]);
      times.push(performance.now() - started);
      returned += rows.rows.length;
      found += rows.rows.filter((row) => exact.get(position)!.has(row.id)).length;
    }
    times.sort((a, b) => a - b);
    console.log(`${label}: p50 ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms, p95 ${times[Math.floor(times.length * 0.95)]!.toFixed(1)} ms, recall@100 ${(found / (queries.length * 100)).toFixed(3)}, rows ${(returned / queries.length).toFixed(1)} (${scan})`);
  };
  await measure('own partition + index', `SELECT id FROM own ORDER BY embedding::${type} <=> $1::${type} LIMIT 100`);
  await measure('shared index, WHERE generation_id = 2 (iterative scan)', `SELECT id FROM shared WHERE generation_id = 2 ORDER BY embedding::${type} <=> $1::${type} LIMIT 100`);
  await client.query('SET hnsw.iterative_scan = off');
  await measure('shared index, WHERE generation_id = 2 (no iterative scan)', `SELECT id FROM shared WHERE generation_id = 2 ORDER BY embedding::${type} <=> $1::${type} LIMIT 100`);
  console.log(`index build: shared ${sharedBuild.toFixed(1)} s (rebuilt or grown on every ingest) vs own ${ownBuild.toFixed(1)} s`);
} finally {
  await client.end();
  await database.close();
}
