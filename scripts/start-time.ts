import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config.ts';
import { freePort } from './server-process.ts';

/**
 * `npm run start-time [-- --runs=3] [--fresh [--wait-ok]] [--root=dir --data-dir=dir]`: measures `npm start` from outside, the way a
 * user or a monitor sees it. Existing index (default): seconds until /api/health says "ok".
 * --fresh: an empty DATA_DIR (a new user's first start): seconds until /api/ask first
 * answers (and whether that answer was keyword-only); with --wait-ok also until /api/health says "ok".
 */
const argument = (name: string) => process.argv.find((value) => value.startsWith(`--${name}=`))?.split('=')[1];
const runs = Number(argument('runs') ?? 3);
const fresh = process.argv.includes('--fresh');
/** With --fresh: also wait for the full index ("ok"), minutes on 2 cores. */
const waitOk = process.argv.includes('--wait-ok');
/** Another checkout to time the same way (e.g. the branch point, for a ratio within one run). */
const root = argument('root') ?? PROJECT_ROOT;
const dataDirOption = argument('data-dir');
const QUESTION = 'Which papers use event cameras?';

interface Health {
  status?: string;
  keywordOnly?: boolean;
}

async function once(): Promise<Record<string, number | string | boolean>> {
  const port = await freePort();
  const dataDir = fresh ? await fs.mkdtemp(path.join(os.tmpdir(), 'paperchat-fresh-')) : undefined;
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...(dataDir ? { DATA_DIR: dataDir } : dataDirOption ? { DATA_DIR: dataDirOption } : {}) },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  const seconds = () => (performance.now() - started) / 1000;
  const result: Record<string, number | string | boolean> = {};
  try {
    const deadline = Date.now() + 900_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      try {
        const health = (await (await fetch(`${url}/api/health`)).json()) as Health;
        result.listeningSeconds ??= seconds();
        if (fresh && result.firstAnswerSeconds === undefined) {
          const response = await fetch(`${url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: QUESTION }) });
          if (response.ok) {
            const body = (await response.json()) as { retrievalMode?: string; citations?: unknown[] };
            result.firstAnswerSeconds = seconds();
            result.firstAnswerMode = body.retrievalMode ?? 'hybrid';
            result.firstAnswerCitations = body.citations?.length ?? 0;
            if (!waitOk) break;
          }
        }
        if (health.status === 'ok') {
          result.healthOkSeconds = seconds();
          if (!fresh || result.firstAnswerSeconds !== undefined) break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, fresh && result.listeningSeconds !== undefined ? 500 : 50));
    }
    return result;
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  }
}

for (let run = 1; run <= runs; run++) console.log(JSON.stringify({ run, fresh, root, ...(await once()) }));
