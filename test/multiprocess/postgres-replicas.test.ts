import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { startServerProcess, type ServerProcess } from '../../scripts/server-process.ts';
import { FIXTURE_PAPERS, makeTempDir, writeFixtureSeeds } from '../helpers/fixture-seeds.ts';
import { queryOnce, startTestDatabase, type PgliteServer } from '../helpers/postgres.ts';
import { postJson } from '../helpers/test-app.ts';

const ADMIN_TOKEN = 'replica-admin-token';
const NEW_PAPER = { title: 'Glacier Melt Forecasting with Recurrent Networks', abstract: 'Glaciers lose mass as the climate warms. We forecast glacier melt from weather station data with a recurrent network. Forecast error drops by 18% against a degree-day model.' };

let database: PgliteServer;
let seedsDir: string;
let replicas: ServerProcess[] = [];

interface Health {
  status: string;
  papers: number;
  database?: string;
}

const health = async (replica: ServerProcess): Promise<Health> => (await fetch(`${replica.url}/api/health`)).json() as Promise<Health>;
const liveBuildId = async (replica: ServerProcess) => ((await (await fetch(`${replica.url}/api/index`)).json()) as { live: { buildId: string | null } | null }).live?.buildId ?? null;
const searchTitles = async (replica: ServerProcess, query: string) => {
  const response = await postJson(`${replica.url}/api/search`, { query, k: 3 });
  return { status: response.status, titles: response.ok ? ((await response.json()) as { results: Array<{ title: string }> }).results.map((hit) => hit.title) : [] };
};

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined as T);
    if (value !== undefined && done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function replicaEnv(): Record<string, string> {
  return {
    INDEX_STORE: 'postgres',
    DATABASE_URL: database.url,
    DATABASE_POLL_INTERVAL_MS: '300',
    SEEDS_DIR: seedsDir,
    SEEDS_WATCH: '0',
    EMBEDDINGS: 'use',
    EMBEDDING_THREADS: '1',
    ADMIN_TOKEN,
  };
}

beforeAll(async () => {
  database = await startTestDatabase();
  seedsDir = await writeFixtureSeeds(FIXTURE_PAPERS);
  // The first replica builds generation 1 on start; the second finds it and only loads it.
  replicas.push(await startServerProcess({ ...replicaEnv(), DATA_DIR: await makeTempDir() }, 240_000));
  replicas.push(await startServerProcess({ ...replicaEnv(), DATA_DIR: await makeTempDir() }, 240_000));
}, 600_000);

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.stop()));
  replicas = [];
  await database?.close();
});

describe('two server processes on one database', () => {
  it('serve the same generation, and both switch when one ingests', async () => {
    const [first, second] = replicas as [ServerProcess, ServerProcess];
    expect(await health(first)).toMatchObject({ status: 'ok', papers: 4, database: 'up' });
    expect(await health(second)).toMatchObject({ status: 'ok', papers: 4, database: 'up' });
    expect(await liveBuildId(second)).toBe(await liveBuildId(first));

    await fs.writeFile(path.join(seedsDir, '001_new.txt'), `${NEW_PAPER.title}\n\n${NEW_PAPER.abstract}\n`);
    expect((await postJson(`${first.url}/api/admin/reindex`, {}, { authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(202);
    await until(() => health(first), (status) => status.papers === 5, 120_000);
    // The other replica notices the new live generation by itself.
    await until(() => health(second), (status) => status.papers === 5, 30_000);
    expect(await liveBuildId(second)).toBe(await liveBuildId(first));
    for (const replica of replicas) expect((await searchTitles(replica, 'glacier melt forecasting')).titles[0]).toBe(NEW_PAPER.title);
  });

  it('keeps serving the old generation when an ingest is killed mid-build, with nothing of it visible', async () => {
    const [, second] = replicas as [ServerProcess, ServerProcess];
    const before = await liveBuildId(second);
    const generationsBefore = await queryOnce<{ id: string }>(database.url, 'SELECT id FROM generations');
    await fs.writeFile(path.join(seedsDir, '002_more.txt'), `Seismic Phase Picking with Transformers\n\nEarthquakes are located from the arrival times of seismic phases. A transformer picks P and S phases on raw waveforms and halves the picking error.\n`);
    const ingest = spawn(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), [path.join(PROJECT_ROOT, 'src', 'cli', 'ingest.ts')], {
      env: { ...process.env, ...replicaEnv(), DATA_DIR: await makeTempDir() },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    ingest.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    ingest.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Killed once its new generation exists in the database (partitions being written), before the flip.
    const building = await until(
      () => queryOnce<{ id: string }>(database.url, `SELECT id FROM generations WHERE state = 'building'`),
      (rows) => rows.length > 0 || ingest.exitCode !== null,
      120_000,
    );
    process.kill(-ingest.pid!, 'SIGKILL');
    await new Promise((resolve) => (ingest.exitCode !== null ? resolve(undefined) : ingest.once('exit', resolve)));
    expect(building.length, `the ingest finished before it could be killed:\n${output}`).toBe(1);

    // The live pointer never moved; the replicas keep serving the whole old generation.
    const [live] = await queryOnce<{ generation_id: string }>(database.url, 'SELECT generation_id FROM live_generation');
    expect(live!.generation_id).not.toBe(building[0]!.id);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const replica of replicas) {
      expect(await health(replica)).toMatchObject({ status: 'ok', papers: 5 });
      expect(await liveBuildId(replica)).toBe(before);
      const { status, titles } = await searchTitles(replica, 'seismic phase picking');
      expect(status).toBe(200);
      expect(titles).not.toContain('Seismic Phase Picking with Transformers');
    }
    expect((await queryOnce<{ id: string }>(database.url, 'SELECT id FROM generations')).length).toBe(generationsBefore.length + 1);
  });

  it('answer 503 while the database is stopped and recover by themselves when it returns', async () => {
    await database.stopListening();
    try {
      for (const replica of replicas) {
        await until(() => fetch(`${replica.url}/api/ready`).then((response) => response.status), (status) => status === 503, 20_000);
        const response = await postJson(`${replica.url}/api/search`, { query: 'glacier melt' });
        expect(response.status).toBe(503);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
      }
    } finally {
      await database.resumeListening();
    }
    for (const replica of replicas) {
      await until(() => fetch(`${replica.url}/api/ready`).then((response) => response.status), (status) => status === 200, 30_000);
      expect((await searchTitles(replica, 'glacier melt forecasting')).titles[0]).toBe(NEW_PAPER.title);
    }
  });
});

describe('a bad DATABASE_URL', () => {
  it('stops the server at start with one clear line and a non-zero exit', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src', 'main.ts')], {
      env: { ...process.env, INDEX_STORE: 'postgres', DATABASE_URL: 'postgres://paperchat:secret@127.0.0.1:1/papers', PORT: '0', SEEDS_WATCH: '0', EMBEDDINGS: 'use' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^paperchat: cannot connect to the database at 127\.0\.0\.1:1\/papers: /);
    expect(stderr).not.toContain('secret');
  });
});
