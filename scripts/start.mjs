// `npm start`: runs the server from JavaScript prebuilt by esbuild instead of through tsx's
// loader hooks. Resolving and transpiling ~150 source files through the hooks on every start
// cost about a third of the start-up CPU (docs/performance.md, "Start"). The build is checked
// against the sources on every start and redone when any source is newer (about half a second),
// so editing src/ and running `npm start` never serves stale code.
// Plain JavaScript on purpose: this file runs before anything can be transpiled.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist');
const stampFile = path.join(outdir, 'build-stamp.json');
/** Entry points: the server and the embedding worker (loaded by path from worker threads). */
const entryPoints = ['src/main.ts', 'src/embeddings/use-worker.ts'];

async function newestSourceTime() {
  let newest = 0;
  const visit = async (folder) => {
    for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await visit(full);
      else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, (await fs.stat(full)).mtimeMs);
    }
  };
  await visit(path.join(root, 'src'));
  for (const file of ['package-lock.json', 'scripts/start.mjs']) {
    newest = Math.max(newest, (await fs.stat(path.join(root, file)).catch(() => ({ mtimeMs: 0 }))).mtimeMs);
  }
  return newest;
}

async function buildIsCurrent(sourceTime) {
  try {
    const stamp = JSON.parse(await fs.readFile(stampFile, 'utf8'));
    return stamp.sourceTime === sourceTime;
  } catch {
    return false;
  }
}

async function build(sourceTime) {
  const { build: esbuild } = await import('esbuild');
  // Built aside and renamed into place: a second `npm start` racing this one, or one killed
  // mid-build, never leaves a half-written dist/ behind.
  const staging = `${outdir}.${process.pid}.tmp`;
  await fs.rm(staging, { recursive: true, force: true });
  await esbuild({
    entryPoints: entryPoints.map((entry) => path.join(root, entry)),
    outdir: staging,
    outbase: path.join(root, 'src'),
    bundle: true,
    // Dynamic imports stay lazy chunks: what the offline default does not need (generative
    // providers, the MCP SDK) must not be loaded at start.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  await fs.writeFile(path.join(staging, 'build-stamp.json'), JSON.stringify({ sourceTime }));
  const retired = `${outdir}.${process.pid}.old`;
  await fs.rename(outdir, retired).catch(() => undefined);
  try {
    await fs.rename(staging, outdir);
  } catch (error) {
    // Another start won the race and its build is in place: use it.
    await fs.rm(staging, { recursive: true, force: true });
    if (!(await buildIsCurrent(sourceTime))) throw error;
  }
  await fs.rm(retired, { recursive: true, force: true });
}

const sourceTime = await newestSourceTime();
if (!(await buildIsCurrent(sourceTime))) await build(sourceTime);
// --build-only: build (e.g. at image build time) and stop.
if (process.argv.includes('--build-only')) process.exit(0);
process.setSourceMapsEnabled(true);
await import(pathToFileURL(path.join(outdir, 'main.js')).href);
