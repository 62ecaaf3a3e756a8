import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { freePort } from '../../scripts/server-process.ts';
import { makeTempDir, writeFixtureSeeds } from '../helpers/fixture-seeds.ts';

const STAMP = path.join(PROJECT_ROOT, 'dist', 'build-stamp.json');

/** `npm start`'s launcher, on a fixture corpus: resolves once /api/health says "ok". */
async function startUntilOk(): Promise<{ stop: () => void; health: Record<string, unknown> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'start.mjs')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SEEDS_DIR: await writeFixtureSeeds(), DATA_DIR: await makeTempDir(), LOG_LEVEL: 'warn', EMBEDDING_THREADS: '2' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = () => void child.kill('SIGTERM');
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`launcher exited with ${child.exitCode}`);
    const health = await fetch(`http://127.0.0.1:${port}/api/health`)
      .then((response) => response.json() as Promise<Record<string, unknown>>)
      .catch(() => null);
    if (health?.status === 'ok') return { stop, health };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  stop();
  throw new Error('no "ok" from /api/health in time');
}

describe('npm start (scripts/start.mjs)', () => {
  it('builds src/ when a source is newer than the build, and the built server (and its embedding workers) indexes the corpus', async () => {
    // A source newer than any build: the launcher must rebuild before starting.
    const touched = path.join(PROJECT_ROOT, 'src', 'main.ts');
    const now = new Date();
    await fs.utimes(touched, now, now);
    const { stop, health } = await startUntilOk();
    try {
      const stamp = JSON.parse(await fs.readFile(STAMP, 'utf8')) as { sourceTime: number };
      expect(stamp.sourceTime).toBeGreaterThanOrEqual(Math.floor(now.getTime()) - 1000);
      // The first index was embedded by the bundled encoder's worker threads, loaded from dist/.
      expect(health).toMatchObject({ status: 'ok', embedder: 'universal-sentence-encoder', papers: 4 });
      await expect(fs.access(path.join(PROJECT_ROOT, 'dist', 'embeddings', 'use-worker.js'))).resolves.toBeUndefined();
    } finally {
      stop();
    }
  }, 300_000);
});
