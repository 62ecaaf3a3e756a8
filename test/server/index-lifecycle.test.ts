import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, loadConfig } from '../../src/config.ts';
import { IndexDirectory } from '../../src/index/index-directory.ts';
import { loadIndex } from '../../src/index/load-index.ts';
import { PaperLibrary, type LibraryLogger } from '../../src/retrieval/paper-library.ts';
import { makeTempDir, writeFixtureSeeds } from '../helpers/fixture-seeds.ts';
import { TestHashingEmbeddings } from '../helpers/hashing-embeddings.ts';
import { postJson, silentLibraryLogger, startTestApp, type TestApp } from '../helpers/test-app.ts';

function recordingLogger() {
  const lines: string[] = [];
  return { lines, logger: { info: (line: string) => lines.push(line), warn: (line: string) => lines.push(line), error: (line: string) => lines.push(line) } };
}

async function libraryOn(dataDir: string, seedsDir: string, logger: LibraryLogger = silentLibraryLogger) {
  const embeddings = new TestHashingEmbeddings();
  const library = new PaperLibrary(loadConfig({ DATA_DIR: dataDir, SEEDS_DIR: seedsDir }), logger, { select: async () => embeddings, byId: async () => embeddings });
  return library;
}

async function waitUntilDead(pid: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return;
    if (Date.now() > deadline) throw new Error(`process ${pid} still alive ${timeoutMs} ms after SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('index lifecycle', () => {
  it.each([
    ['a truncated vector file', (folder: string) => fs.truncate(path.join(folder, 'vectors', 'hnswlib.index'), 10)],
    ['a bad manifest', (folder: string) => fs.writeFile(path.join(folder, 'manifest.json'), 'not json')],
    ['an index from another embedder', async (folder: string) => {
      const manifest = JSON.parse(await fs.readFile(path.join(folder, 'manifest.json'), 'utf8')) as { embedder: { id: string } };
      manifest.embedder.id = 'some-other-embedder';
      await fs.writeFile(path.join(folder, 'manifest.json'), JSON.stringify(manifest));
    }],
  ])('detects %s on start, reports it in one line and rebuilds', async (_name, damage) => {
    const seedsDir = await writeFixtureSeeds();
    const dataDir = await makeTempDir();
    const first = await libraryOn(dataDir, seedsDir);
    const built = await first.start();
    await damage(built.index.id);
    const { lines, logger } = recordingLogger();
    const second = await libraryOn(dataDir, seedsDir, logger);
    const live = await second.start();
    expect(live.index.papers).toHaveLength(4);
    expect(live.index.id).not.toBe(built.index.id);
    expect(lines.some((line) => line.includes('unusable') && line.includes('rebuilding'))).toBe(true);
  });

  it('rebuilds when the seeds changed', async () => {
    const seedsDir = await writeFixtureSeeds();
    const dataDir = await makeTempDir();
    await (await libraryOn(dataDir, seedsDir)).start();
    await fs.appendFile(path.join(seedsDir, '000_fixture.txt'), '\nA Fifth Paper on Graph Transformers\n\nGraph transformers attend over the nodes and edges of molecular graphs to predict chemical properties. We show that structural encodings let them match message-passing networks on standard benchmarks while scaling to much larger molecules than earlier graph transformer designs could handle.\n');
    const live = await (await libraryOn(dataDir, seedsDir)).start();
    expect(live.index.papers).toHaveLength(5);
  });

  it('keeps the previous index intact and served when a build is killed with SIGKILL', async () => {
    const seedsDir = await writeFixtureSeeds();
    const dataDir = await makeTempDir();
    const before = await (await libraryOn(dataDir, seedsDir)).start();
    // A real `npm run ingest` with the bundled encoder, killed while it embeds.
    const child = spawn(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), [path.join(PROJECT_ROOT, 'src', 'cli', 'ingest.ts')], {
      env: { ...process.env, DATA_DIR: dataDir, SEEDS_DIR: seedsDir, EMBEDDINGS: 'use', EMBEDDING_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so the kill reaches tsx's child node process too.
      detached: true,
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('ingest never started embedding')), 60_000);
      child.stderr.on('data', (chunk: Buffer) => {
        if (/embedding \d+ texts/.test(chunk.toString())) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const lockHolder = Number(await fs.readFile(path.join(dataDir, 'build.lock'), 'utf8'));
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // tsx exits before the node process it ran (the lock holder) has died: a dying process
    // still holds the lock, so wait until it is gone or a zombie.
    await waitUntilDead(lockHolder);
    const directory = new IndexDirectory(dataDir);
    expect(await directory.current()).toBe(before.index.id);
    const index = await loadIndex(before.index.id, new TestHashingEmbeddings());
    expect(index.papers).toHaveLength(4);
    // The dead build's lock does not block the next build.
    const next = await libraryOn(dataDir, seedsDir);
    await expect(next.rebuild()).resolves.toBeTruthy();
  }, 90_000);
});

describe('rebuilding while serving', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ appOptions: { adminToken: 'secret-token' } });
  });
  afterAll(async () => {
    await app.close();
  });

  it('requires the admin token', async () => {
    expect((await postJson(`${app.url}/api/admin/reindex`, {})).status).toBe(401);
    expect((await postJson(`${app.url}/api/admin/reindex`, {}, { authorization: 'Bearer wrong-token!' })).status).toBe(401);
  });

  it('builds aside, answers from the old index meanwhile, refuses a second rebuild, then swaps', async () => {
    const before = app.library.current!.index.id;
    const first = await postJson(`${app.url}/api/admin/reindex`, {}, { authorization: 'Bearer secret-token' });
    expect(first.status).toBe(202);
    const second = await postJson(`${app.url}/api/admin/reindex`, {}, { authorization: 'Bearer secret-token' });
    expect(second.status).toBe(409);
    const search = await postJson(`${app.url}/api/search`, { query: 'event cameras', k: 1 });
    expect(search.status).toBe(200);
    for (let attempt = 0; attempt < 100 && app.library.isRebuilding; attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(app.library.current!.index.id).not.toBe(before);
    expect((await postJson(`${app.url}/api/search`, { query: 'event cameras', k: 1 })).status).toBe(200);
  });

  it('is disabled without ADMIN_TOKEN', async () => {
    const other = await startTestApp();
    try {
      expect((await postJson(`${other.url}/api/admin/reindex`, {}, { authorization: 'Bearer x' })).status).toBe(404);
    } finally {
      await other.close();
    }
  });

  it('switches to an index published by another process', async () => {
    const library = app.library;
    const stop = library.watchForExternalBuilds(50);
    try {
      const before = library.current!.index.id;
      const other = await libraryOn(app.config.DATA_DIR, app.config.SEEDS_DIR);
      await other.rebuild();
      for (let attempt = 0; attempt < 100 && library.current!.index.id === before; attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(library.current!.index.id).not.toBe(before);
    } finally {
      stop();
    }
  });
});
