import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../scripts/server-process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The server's SEEDS_DIR (a copy of seeds/ the tests may add files to), or '' for an external server. */
    seedsDir: string;
  }
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The first build of the index with the bundled offline encoder takes a few minutes. */
const READY_TIMEOUT_MS = 12 * 60_000;


async function waitUntilIndexed(url: string, child: ChildProcess | null): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'not listening yet';
  let lastReport = Date.now();
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`the paperchat server exited with code ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`${url}/api/health`);
      const health = (await response.json()) as { status?: string; papers?: number };
      if (response.ok && health.status === 'ok') return;
      last = `status ${health.status ?? response.status} (${health.papers ?? 0} papers)`;
    } catch {
      // not listening yet
    }
    if (Date.now() - lastReport > 30_000) {
      lastReport = Date.now();
      console.log(`[browser tests] waiting for the index: ${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the paperchat server was not ready after ${READY_TIMEOUT_MS / 60_000} minutes (${last})`);
}

/**
 * Starts `tsx src/main.ts` on a free loopback port with the default data directory (so the
 * index built on a first run is reused), waits until /api/health says "ok", and hands the
 * URL to the tests. SEEDS_DIR is a temporary copy of seeds/ (same names and bytes, so the
 * index stays current) that the ingest test drops files into while the server runs.
 * PAPERCHAT_URL=http://… uses an already running server instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.PAPERCHAT_URL;
  if (external) {
    const url = external.replace(/\/+$/, '');
    await waitUntilIndexed(url, null);
    project.provide('baseUrl', url);
    project.provide('seedsDir', '');
    return async () => {};
  }
  const seedsDir = await mkdtemp(path.join(tmpdir(), 'paperchat-browser-seeds-'));
  await cp(path.join(ROOT, 'seeds'), seedsDir, { recursive: true, filter: (source) => !source.includes(`${path.sep}uploads`) });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: path.join(ROOT, 'data'), SEEDS_DIR: seedsDir, SEEDS_WATCH: '1', SEEDS_WATCH_DEBOUNCE_MS: '300', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
    // Its own process group, so teardown stops tsx and the server under it.
    detached: true,
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  try {
    await waitUntilIndexed(url, child);
  } catch (error) {
    await stop();
    throw error;
  }
  project.provide('baseUrl', url);
  project.provide('seedsDir', seedsDir);
  return async () => {
    await stop();
    await rm(seedsDir, { recursive: true, force: true });
  };
}
