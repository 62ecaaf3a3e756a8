import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, PROJECT_ROOT } from '../src/config.ts';
import { splitSentences } from '../src/corpus/sentences.ts';
import { parseSeedFiles } from '../src/corpus/read-seeds.ts';
import { createEmbeddings } from '../src/embeddings/create-embeddings.ts';
import { buildIndex } from '../src/index/build-index.ts';
import { mulberry32 } from '../src/util/seeded-random.ts';

/**
 * The ingest tier of `npm run bench`: a synthetic JSONL of N papers generated from the seed
 * corpus (titles and abstracts recombined from real sentences, with authors, years and tags),
 * built cold into a fresh DATA_DIR. Each build runs in its own child process so its peak memory
 * (maxRSS) is its own. Reports parse throughput, build throughput with EMBEDDING_THREADS=1 vs 2
 * on the first `--sample` papers, the full N-paper build with the configured threads, and the
 * incremental add of 100 papers to the built index. Standalone:
 * `node --import tsx scripts/bench-ingest.ts --papers=10000 [--sample=500]`.
 */
const execFileAsync = promisify(execFile);
const argument = (name: string) => process.argv.find((value) => value.startsWith(`--${name}=`))?.split('=')[1];

/** Seeded, so every run generates the same corpus. */
const random = mulberry32;

const FIRST = ['Ada', 'Grace', 'Alan', 'Barbara', 'Claude', 'Edsger', 'Frances', 'John', 'Katherine', 'Leslie', 'Margaret', 'Niklaus', 'Radia', 'Tim', 'Yann', 'Fei-Fei'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Liskov', 'Shannon', 'Dijkstra', 'Allen', 'McCarthy', 'Johnson', 'Lamport', 'Hamilton', 'Wirth', 'Perlman', 'Berners-Lee', 'LeCun', 'Li'];
const TAGS = ['cs.CL', 'cs.CV', 'cs.LG', 'cs.AI', 'stat.ML', 'efficiency', 'multimodal', 'retrieval'];

/** `count` papers as JSON Lines, recombined from the seed papers' titles and sentences. */
export async function syntheticJsonl(seedsDir: string, count: number, seed = 7, prefix = 'Synthetic'): Promise<string> {
  const corpus = await parseSeedFiles(seedsDir);
  const sentences = corpus.papers.flatMap((paper) => splitSentences(paper.abstract).map((sentence) => sentence.text));
  const titleWords = corpus.papers.flatMap((paper) => paper.title.split(/\s+/));
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    const title = `${prefix} ${index}: ${Array.from({ length: 6 }, () => pick(titleWords)).join(' ')}`;
    // One word of each sentence is swapped, so no text is already in the embedding cache (a real new paper's would not be).
    const abstract = Array.from({ length: 5 + Math.floor(next() * 4) }, () => {
      const words = pick(sentences).split(' ');
      words[Math.floor(next() * words.length)] = pick(titleWords);
      return words.join(' ');
    }).join(' ');
    const authors = Array.from({ length: 1 + Math.floor(next() * 4) }, () => `${pick(FIRST)} ${pick(LAST)}`);
    lines.push(JSON.stringify({ title, abstract, authors, year: 2015 + Math.floor(next() * 10), tags: [pick(TAGS), pick(TAGS)] }));
  }
  return `${lines.join('\n')}\n`;
}

interface ChildResult {
  seconds: number;
  maxRssMb: number;
  papers: number;
  vectors: number;
  embedded: number;
}

/** Parse + merge in a child process (`--child-parse`), so the peak memory is that of reading the files alone. */
async function childParse(seedsDir: string): Promise<void> {
  const started = performance.now();
  const parsed = await parseSeedFiles(seedsDir);
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, papers: parsed.papers.length, vectors: 0, embedded: 0 }));
}

/** One build in a child process (`--child`): prints its own timing and peak memory as JSON. */
async function childBuild(seedsDir: string, dataDir: string): Promise<void> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const embeddings = await createEmbeddings(config, { info: () => {}, warn: () => {} });
  const started = performance.now();
  const result = await buildIndex({ seedsDir, dataDir, embeddings });
  const seconds = (performance.now() - started) / 1000;
  await embeddings.close?.();
  const output: ChildResult = { seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, papers: result.manifest.counts.papers, vectors: result.manifest.counts.vectors, embedded: result.embeddedCount };
  console.log(JSON.stringify(output));
}

async function runChild(seedsDir: string, dataDir: string, threads: number, mode = '--child'): Promise<ChildResult> {
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'bench-ingest.ts'), mode, `--seeds=${seedsDir}`, `--data=${dataDir}`], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, EMBEDDINGS: 'use', EMBEDDING_THREADS: String(threads), LOG_LEVEL: 'silent' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ChildResult;
}

async function folderWith(files: Record<string, string>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'paperchat-bench-ingest-'));
  for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(dir, name), text);
  return dir;
}

/**
 * The tier as Markdown lines. `buildPapers` (default: all) is how many of the papers the full
 * cold build takes; 0 skips it and the incremental add (embedding dominates: ~9 texts a paper).
 */
export async function benchIngestTier(seedsDir: string, papers: number, sample: number, threads: number, buildPapers = papers, print: (line: string) => void = () => {}): Promise<string[]> {
  const lines: string[] = [];
  const corpus = await syntheticJsonl(seedsDir, papers);
  const extra = await syntheticJsonl(seedsDir, 100, 99, 'Added');
  const all = corpus.trimEnd().split('\n');

  const row = (line: string) => {
    lines.push(line);
    print(line);
  };
  row(`## Ingest tier (${papers.toLocaleString('en')} synthetic papers as one JSONL, bundled encoder)`);
  row('');
  row('| measure | value |');
  row('|---|---|');

  // Parse + merge only (single-threaded by nature).
  const parseDir = await folderWith({ 'papers.jsonl': corpus });
  const parsed = await runChild(parseDir, '', 1, '--child-parse');
  row(`| parse + merge ${parsed.papers.toLocaleString('en')} papers (JSONL, one thread) | ${parsed.seconds.toFixed(2)} s (${Math.round(parsed.papers / parsed.seconds).toLocaleString('en')} papers/s, peak RSS ${parsed.maxRssMb.toFixed(0)} MB) |`);

  // One core vs two on the sample, each cold in its own DATA_DIR.
  const sampleSeeds = await folderWith({ 'papers.jsonl': `${all.slice(0, sample).join('\n')}\n` });
  const oneCore = await runChild(sampleSeeds, await fs.mkdtemp(path.join(os.tmpdir(), 'paperchat-bench-data-')), 1);
  row(`| cold build, first ${sample} papers, EMBEDDING_THREADS=1 | ${(oneCore.papers / oneCore.seconds).toFixed(2)} papers/s (${oneCore.seconds.toFixed(1)} s, ${oneCore.vectors} vectors, peak RSS ${oneCore.maxRssMb.toFixed(0)} MB) |`);
  const twoCores = await runChild(sampleSeeds, await fs.mkdtemp(path.join(os.tmpdir(), 'paperchat-bench-data-')), 2);
  row(`| cold build, first ${sample} papers, EMBEDDING_THREADS=2 | ${(twoCores.papers / twoCores.seconds).toFixed(2)} papers/s (${twoCores.seconds.toFixed(1)} s, ${(oneCore.seconds / twoCores.seconds).toFixed(2)} × one core, peak RSS ${twoCores.maxRssMb.toFixed(0)} MB) |`);

  // The full tier, then 100 papers added to it (the cache answers the rest).
  const fullData = await fs.mkdtemp(path.join(os.tmpdir(), 'paperchat-bench-data-'));
  if (buildPapers > 0) {
    const buildSeeds = buildPapers >= papers ? parseDir : await folderWith({ 'papers.jsonl': `${all.slice(0, buildPapers).join('\n')}\n` });
    const full = await runChild(buildSeeds, fullData, threads);
    row(`| cold build, ${full.papers.toLocaleString('en')} papers, EMBEDDING_THREADS=${threads} | ${(full.papers / full.seconds).toFixed(2)} papers/s (${(full.seconds / 60).toFixed(1)} min, ${full.vectors.toLocaleString('en')} vectors, peak RSS ${full.maxRssMb.toFixed(0)} MB) |`);
    await fs.writeFile(path.join(buildSeeds, 'added.jsonl'), extra);
    const added = await runChild(buildSeeds, fullData, threads);
    row(`| add 100 papers to it (${added.embedded} texts embedded, the rest from the cache) | ${added.seconds.toFixed(1)} s (peak RSS ${added.maxRssMb.toFixed(0)} MB) |`);
    if (buildSeeds !== parseDir) await fs.rm(buildSeeds, { recursive: true, force: true });
  }
  row('');
  for (const dir of [parseDir, sampleSeeds, fullData]) await fs.rm(dir, { recursive: true, force: true });
  return lines;
}

/**
 * Adding 100 papers to the 500 seed papers: a copy of DATA_DIR (its embedding cache holds the
 * seeds' vectors) and of SEEDS_DIR, an unchanged rebuild, then the same with 100 synthetic papers
 * added as a JSONL file. The difference is what adding costs; it embeds only the new texts.
 */
export async function benchSeedsIncrement(seedsDir: string, dataDir: string, count = 100): Promise<string[]> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const seeds = await fs.mkdtemp(path.join(os.tmpdir(), 'paperchat-bench-seeds-'));
  const data = await fs.mkdtemp(path.join(os.tmpdir(), 'paperchat-bench-data-'));
  await fs.cp(seedsDir, seeds, { recursive: true, filter: (source) => !source.includes(`${path.sep}uploads`) });
  await fs.cp(dataDir, data, { recursive: true, filter: (source) => !source.endsWith('build.lock') });
  const embeddings = await createEmbeddings(config, { info: () => {}, warn: () => {} });
  const timed = async () => {
    const started = performance.now();
    // Wall time per phase, from the build's own progress events.
    const phases: Record<string, number> = {};
    let phase = '';
    let phaseStarted = started;
    const result = await buildIndex({
      seedsDir: seeds,
      dataDir: data,
      embeddings,
      onProgress: (next) => {
        if (next === phase) return;
        const now = performance.now();
        if (phase) phases[phase] = (phases[phase] ?? 0) + (now - phaseStarted) / 1000;
        phase = next;
        phaseStarted = now;
      },
    });
    const ended = performance.now();
    if (phase) phases[phase] = (phases[phase] ?? 0) + (ended - phaseStarted) / 1000;
    return { seconds: (ended - started) / 1000, result, phases };
  };
  const phaseText = (phases: Record<string, number>) => Object.entries(phases).map(([name, seconds]) => `${name} ${seconds.toFixed(1)} s`).join(', ');
  const unchanged = await timed();
  await fs.writeFile(path.join(seeds, 'added.jsonl'), await syntheticJsonl(seedsDir, count, 99, 'Added'));
  const added = await timed();
  await embeddings.close?.();
  await fs.rm(seeds, { recursive: true, force: true });
  await fs.rm(data, { recursive: true, force: true });
  return [
    `## Adding ${count} papers to the ${unchanged.result.manifest.counts.papers} seed papers (${embeddings.id}, EMBEDDING_THREADS=${config.EMBEDDING_THREADS || os.availableParallelism()})`,
    '',
    '| build | papers | texts embedded | time |',
    '|---|---|---|---|',
    `| unchanged rebuild (everything from the cache) | ${unchanged.result.manifest.counts.papers} | ${unchanged.result.embeddedCount} | ${unchanged.seconds.toFixed(1)} s (${phaseText(unchanged.phases)}) |`,
    `| with ${count} papers added (report: ${added.result.report.totals.added} added, ${added.result.report.totals.unchanged} unchanged) | ${added.result.manifest.counts.papers} | ${added.result.embeddedCount} of ${added.result.manifest.counts.vectors} | ${added.seconds.toFixed(1)} s (${phaseText(added.phases)}) |`,
    '',
    `The add costs ${(added.seconds - unchanged.seconds).toFixed(1)} s over the unchanged rebuild. Its embed phase (${(added.phases.embed ?? 0).toFixed(1)} s) covers only the ${added.result.embeddedCount} new texts (${(added.result.embeddedCount / Math.max(added.phases.embed ?? 0, 1e-9)).toFixed(1)} texts/s); a full build embeds all ${added.result.manifest.counts.vectors}. The HNSW graph is rebuilt over every vector whenever the set of units changes (index phase).`,
    '',
  ];
}

if (process.argv[1]?.endsWith('bench-ingest.ts')) {
  if (process.argv.includes('--child')) {
    await childBuild(argument('seeds')!, argument('data')!);
    process.exit(0);
  }
  if (process.argv.includes('--child-parse')) {
    await childParse(argument('seeds')!);
    process.exit(0);
  }
  if (process.argv.includes('--seeds-increment')) {
    const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
    const lines = await benchSeedsIncrement(config.SEEDS_DIR, config.DATA_DIR, Number(argument('papers') ?? 100));
    console.log(lines.join('\n'));
    process.exit(0);
  }
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const papers = Number(argument('papers') ?? 10_000);
  const sample = Number(argument('sample') ?? 500);
  const buildPapers = Number(argument('build-papers') ?? papers);
  const lines = await benchIngestTier(config.SEEDS_DIR, papers, sample, config.EMBEDDING_THREADS || os.availableParallelism(), buildPapers, (line) => console.log(line));
  await fs.mkdir(path.join(PROJECT_ROOT, 'test-artifacts'), { recursive: true });
  await fs.writeFile(path.join(PROJECT_ROOT, 'test-artifacts', 'bench-ingest.md'), `${lines.join('\n')}\n`);
  process.exit(0);
}
