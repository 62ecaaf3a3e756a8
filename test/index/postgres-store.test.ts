import { promises as fs } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { BuildInProgressError } from '../../src/index/build-index.ts';
import { migrate } from '../../src/index/postgres/migrate.ts';
import { PostgresIndexStore } from '../../src/index/postgres/postgres-index-store.ts';
import { PaperLibrary } from '../../src/retrieval/paper-library.ts';
import { FIXTURE_PAPERS, makeTempDir, writeFixtureSeeds } from '../helpers/fixture-seeds.ts';
import { TestHashingEmbeddings } from '../helpers/hashing-embeddings.ts';
import { queryOnce, resetDatabase, startTestDatabase, storeSettings, type PgliteServer } from '../helpers/postgres.ts';
import { postJson, silentLibraryLogger, startTestApp } from '../helpers/test-app.ts';

let database: PgliteServer;
const embeddings = new TestHashingEmbeddings();
const embedders = { select: async () => embeddings, byId: async () => embeddings };

beforeAll(async () => {
  database = await startTestDatabase();
}, 120_000);
afterAll(async () => {
  await database?.close();
});
beforeEach(async () => {
  await resetDatabase(database.url);
});

async function postgresLibrary(seedsDir: string, env: Record<string, string> = {}): Promise<PaperLibrary> {
  const config = loadConfig({ SEEDS_DIR: seedsDir, DATA_DIR: await makeTempDir(), INDEX_STORE: 'postgres', DATABASE_URL: database.url, ...env });
  return new PaperLibrary(config, silentLibraryLogger, embedders);
}

const EXTRA_PAPERS = [
  { title: 'Graph Networks for Molecules', abstract: 'Molecules are graphs of atoms and bonds. We train a message-passing graph network that predicts solubility. It lowers the error by 12% on a public benchmark.' },
  { title: 'Robot Grasping from Depth Images', abstract: 'Robots must pick up unseen objects. A convolutional network reads depth images and proposes grasps. The robot succeeds on 93% of household objects.' },
];

describe('migrations', () => {
  it('apply once and are idempotent', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      expect(await migrate(client)).toEqual(['001_init.sql', '002_topic_map.sql']);
      expect(await migrate(client)).toEqual([]);
      const versions = await client.query('SELECT version FROM schema_migrations ORDER BY version');
      expect(versions.rows).toEqual([{ version: 1 }, { version: 2 }]);
      const tables = await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
      expect(tables.rows.map((row: { tablename: string }) => row.tablename)).toEqual(
        expect.arrayContaining(['embedding_cache', 'generations', 'ingest_lease', 'live_generation', 'papers', 'schema_migrations', 'units']),
      );
    } finally {
      await client.end();
    }
  });
});

describe('migrations from two processes starting at once', () => {
  it('are applied by one of them, and the other finds them applied', async () => {
    const clients = [new pg.Client({ connectionString: database.url }), new pg.Client({ connectionString: database.url })];
    await Promise.all(clients.map((client) => client.connect()));
    try {
      const applied = await Promise.all(clients.map((client) => migrate(client)));
      expect(applied.flat()).toEqual(['001_init.sql', '002_topic_map.sql']);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });
});

describe('DATABASE_URL', () => {
  it('that is not a Postgres URL, or points nowhere, is one clear error at open', async () => {
    await expect(new PostgresIndexStore(storeSettings('not a url')).open()).rejects.toThrow(/^DATABASE_URL is not a URL/);
    await expect(new PostgresIndexStore(storeSettings('mysql://user@127.0.0.1/db')).open()).rejects.toThrow(/must start with postgres:\/\//);
    await expect(new PostgresIndexStore(storeSettings('postgres://nobody:secret@127.0.0.1:1/papers')).open()).rejects.toThrow(/^cannot connect to the database at 127\.0\.0\.1:1\/papers: .*ECONNREFUSED/);
  });

  it('is required with INDEX_STORE=postgres', () => {
    expect(() => loadConfig({ INDEX_STORE: 'postgres' })).toThrow(/DATABASE_URL: DATABASE_URL is required when INDEX_STORE=postgres/);
  });
});

describe('the Postgres store', () => {
  it('serves the same top papers as the files store for the same seeds', async () => {
    const seedsDir = await writeFixtureSeeds([...FIXTURE_PAPERS, ...EXTRA_PAPERS]);
    const files = new PaperLibrary(loadConfig({ SEEDS_DIR: seedsDir, DATA_DIR: await makeTempDir() }), silentLibraryLogger, embedders);
    const postgres = await postgresLibrary(seedsDir);
    try {
      await files.start();
      await postgres.start();
      expect(postgres.status()).toMatchObject({ status: 'ok', papers: 6, database: 'up' });
      for (const query of ['event cameras transformer', 'small language models on phones', 'satellite images segmentation', 'speech synthesis', 'graph network molecules', 'robot grasps depth']) {
        const [fromFiles, fromPostgres] = await Promise.all([files.search(query, { k: 3 }), postgres.search(query, { k: 3 })]);
        // The best paper agrees; lower places may differ where BM25 differs (pg_textsearch's English stemmer and stopwords, not ours).
        expect(fromPostgres[0]!.paperId, query).toBe(fromFiles[0]!.paperId);
        // Exact re-scoring is the same cosine in both stores.
        expect(fromPostgres[0]!.scores.vector!, query).toBeCloseTo(fromFiles[0]!.scores.vector!, 4);
      }
      // Scoped to picked papers, and the paper metadata comes back whole.
      const scoped = await postgres.search('transformer', { k: 5, paperIds: [files.current!.index.papers[2]!.id] });
      expect(scoped.map((hit) => hit.paperId)).toEqual([files.current!.index.papers[2]!.id]);
      expect(postgres.getPaper(files.current!.index.papers[0]!.id)).toEqual(files.current!.index.papers[0]);
      // A paper's stored units (similar papers and comparison tables read them) match, vectors included.
      const paperId = files.current!.index.papers[0]!.id;
      const [fileUnits, postgresUnits] = await Promise.all([files.current!.index.candidates.paperUnits([paperId]), postgres.current!.index.candidates.paperUnits([paperId])]);
      expect(postgresUnits.get(paperId)!.map(({ chunkId, kind, start, end }) => ({ chunkId, kind, start, end }))).toEqual(fileUnits.get(paperId)!.map(({ chunkId, kind, start, end }) => ({ chunkId, kind, start, end })));
      postgresUnits.get(paperId)!.forEach((unit, position) => expect(unit.vector[3]).toBeCloseTo(fileUnits.get(paperId)![position]!.vector[3]!, 5));
      // The topic map is computed by the ingest and stored with the generation: same papers, same clusters.
      expect(postgres.topicMap().points.map((point) => point.paperId)).toEqual(files.topicMap().points.map((point) => point.paperId));
      expect(postgres.topicMap().clusters.length).toBe(files.topicMap().clusters.length);
      // Similar papers work on either store; the neighbours agree on the nearest one.
      const [similarFiles, similarPostgres] = await Promise.all([files.similarPapers(paperId, { k: 2 }), postgres.similarPapers(paperId, { k: 2 })]);
      expect(similarPostgres[0]!.paperId).toBe(similarFiles[0]!.paperId);
      expect(similarPostgres.map((hit) => hit.paperId)).not.toContain(paperId);
    } finally {
      await Promise.all([files.close(), postgres.close()]);
    }
  }, 120_000);

  it('re-embeds nothing on a second ingest (the cache is in the database) and keeps the last report', async () => {
    const seedsDir = await writeFixtureSeeds();
    const first = await postgresLibrary(seedsDir);
    await first.start();
    await first.close();
    const counting = new TestHashingEmbeddings();
    const store = new PostgresIndexStore(storeSettings(database.url));
    await store.open();
    try {
      const result = await store.build({ seedsDir, embeddings: counting, buildId: 'second' });
      expect(result.embeddedCount).toBe(0);
      expect(counting.calls).toBe(0);
      expect((await store.lastReport())?.buildId).toBe('second');
    } finally {
      await store.close();
    }
  }, 120_000);

  it('serves the live generation to a replica whose own seeds differ, without rebuilding', async () => {
    const first = await postgresLibrary(await writeFixtureSeeds());
    await first.start();
    await first.close();
    const replica = await postgresLibrary(await writeFixtureSeeds([FIXTURE_PAPERS[0]!]));
    try {
      await replica.start();
      expect(replica.isRebuilding).toBe(false);
      expect(replica.status()).toMatchObject({ status: 'ok', papers: 4 });
    } finally {
      await replica.close();
    }
  }, 120_000);

  it('flips generations atomically: mid-build readers see the whole old generation, then the whole new one', async () => {
    const seedsDir = await writeFixtureSeeds();
    const reader = new PostgresIndexStore(storeSettings(database.url));
    const writer = new PostgresIndexStore(storeSettings(database.url));
    await Promise.all([reader.open(), writer.open()]);
    try {
      const first = await writer.build({ seedsDir, embeddings, buildId: 'one' });
      await fs.writeFile(path.join(seedsDir, '001_more.txt'), EXTRA_PAPERS.map((paper) => `${paper.title}\n\n${paper.abstract}`).join('\n\n'));
      const observations: Array<Promise<{ id: string; papers: number; manifestPapers: number; units: number; manifestUnits: number }>> = [];
      const observe = () =>
        observations.push(
          (async () => {
            const live = (await reader.loadLive(async () => embeddings))!;
            const generation = live.index.id.split('-').pop();
            const [row] = await queryOnce<{ count: string }>(database.url, `SELECT count(*) FROM units_g${generation}`);
            return { id: live.index.id, papers: live.index.papers.length, manifestPapers: live.index.manifest.counts.papers, units: Number(row!.count), manifestUnits: live.index.manifest.counts.vectors };
          })(),
        );
      const second = await writer.build({ seedsDir, embeddings, buildId: 'two', onProgress: (phase) => (phase === 'index' || phase === 'write' ? observe() : undefined) });
      const seen = await Promise.all(observations);
      expect(seen.length).toBeGreaterThan(1);
      for (const observation of seen) {
        expect(observation.papers).toBe(observation.manifestPapers);
        expect(observation.units).toBe(observation.manifestUnits);
      }
      expect(seen.some((observation) => observation.id === first.index.id)).toBe(true);
      expect(await reader.liveId()).toBe(second.index.id);
      expect((await reader.loadLive(async () => embeddings))!.index.papers).toHaveLength(6);
      const states = await queryOnce<{ build_id: string; state: string }>(database.url, 'SELECT build_id, state FROM generations ORDER BY id');
      expect(states).toEqual([{ build_id: 'one', state: 'retired' }, { build_id: 'two', state: 'ready' }]);
    } finally {
      await Promise.all([reader.close(), writer.close()]);
    }
  }, 120_000);

  it('drops replaced generations after the grace period, and what a killed ingest left behind', async () => {
    const seedsDir = await writeFixtureSeeds();
    const store = new PostgresIndexStore(storeSettings(database.url, { graceSeconds: 0 }));
    await store.open();
    try {
      await store.build({ seedsDir, embeddings, buildId: 'one' });
      // What an ingest killed mid-build leaves: a 'building' generation with its partitions.
      const [{ id }] = (await queryOnce<{ id: string }>(database.url, `INSERT INTO generations (build_id, state) VALUES ('killed', 'building') RETURNING id`)) as [{ id: string }];
      await queryOnce(database.url, `CREATE TABLE papers_g${id} PARTITION OF papers FOR VALUES IN (${id})`);
      const latest = await store.build({ seedsDir, embeddings, buildId: 'three' });
      const tables = await queryOnce<{ tablename: string }>(database.url, `SELECT tablename FROM pg_tables WHERE tablename ~ '^(papers|units)_g[0-9]+$' ORDER BY tablename`);
      const generation = latest.index.id.split('-').pop();
      expect(tables.map((row) => row.tablename)).toEqual([`papers_g${generation}`, `units_g${generation}`]);
      const states = await queryOnce<{ build_id: string; state: string }>(database.url, 'SELECT build_id, state FROM generations ORDER BY id');
      expect(states).toEqual([{ build_id: 'killed', state: 'failed' }, { build_id: 'three', state: 'ready' }]);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('lets one of two concurrent ingests win and tells the other one so', async () => {
    const seedsDir = await writeFixtureSeeds();
    const stores = [new PostgresIndexStore(storeSettings(database.url)), new PostgresIndexStore(storeSettings(database.url))];
    await Promise.all(stores.map((store) => store.open()));
    try {
      const outcomes = await Promise.allSettled(stores.map((store, position) => store.build({ seedsDir, embeddings, buildId: `race-${position}` })));
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as Error] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toBeInstanceOf(BuildInProgressError);
      expect(lost[0]!.message).toMatch(/Another ingest is writing to the database \(build race-[01]/);
      // The lease is released: the next ingest runs.
      await expect(stores[0]!.build({ seedsDir, embeddings, buildId: 'after' })).resolves.toBeDefined();
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  }, 120_000);

  it('answers 503 JSON while the database is away and recovers by itself', async () => {
    const app = await startTestApp({ env: { INDEX_STORE: 'postgres', DATABASE_URL: database.url, DATABASE_POLL_INTERVAL_MS: '200', DATABASE_STATEMENT_TIMEOUT_MS: '2000' } });
    const stopWatching = app.library.watchForExternalBuilds();
    try {
      expect((await fetch(`${app.url}/api/ready`)).status).toBe(200);
      expect((await postJson(`${app.url}/api/search`, { query: 'event cameras' })).status).toBe(200);
      await database.stopListening();
      const down = await postJson(`${app.url}/api/search`, { query: 'event cameras' });
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('5');
      expect(((await down.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
      const ready = await fetch(`${app.url}/api/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ database: 'down' });
      await database.resumeListening();
      let status = 0;
      for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = (await fetch(`${app.url}/api/ready`)).status;
      }
      expect(status).toBe(200);
      expect((await postJson(`${app.url}/api/search`, { query: 'event cameras' })).status).toBe(200);
    } finally {
      stopWatching();
      await database.resumeListening();
      await app.close();
      await app.library.close();
    }
  }, 120_000);
});
