import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { createAnswerProvider } from '../answer/create-answer-provider.ts';
import { AnswerPipeline } from '../answer/pipeline.ts';
import { loadConfig, PROJECT_ROOT, type Config } from '../config.ts';
import { IndexDirectory } from '../index/index-directory.ts';
import { readManifest } from '../index/load-index.ts';
import { importFileEmbeddingCache } from '../index/postgres/import-file-cache.ts';
import { startPgliteServer, type PgliteServer } from '../index/postgres/pglite-server.ts';
import { assembleRun, gitState, runConfig } from '../evaluation/build-run.ts';
import { compareRuns } from '../evaluation/compare.ts';
import { loadEvalSets } from '../evaluation/eval-sets.ts';
import { readRun, type EvalRun } from '../evaluation/records.ts';
import { formatAnswerTable, formatComparison, formatCurve, formatFailures, formatRetrievalTable, splitLabel } from '../evaluation/report-format.ts';
import { evaluateSimilarPapers, formatSimilarTable, similarVariants, type SimilarEvalRow } from '../evaluation/similar-eval.ts';
import { ANSWER_K, evaluateSplits, RETRIEVAL_K, type EvalSplit } from '../evaluation/run-eval.ts';
import { evaluateTables, formatTableEvaluation } from '../evaluation/table-eval.ts';
import { createTableService } from '../answer/table/create-table-service.ts';
import { PaperLibrary } from '../retrieval/paper-library.ts';
import { consoleLogger, runCommand } from './console-logger.ts';

const USAGE =
  'usage: npm run eval -- [--split=tune|check|all | --dir=FOLDER] [--sets=short,topics] [--retrieval-only] [--only=similar] [--failures] [--json] [--out=FILE] [--label=TEXT] [--store=files|postgres]\n' +
  '       npm run eval -- --table [--split=…] [--failures] [--json]   (comparison-table cells only)\n' +
  '       npm run eval -- --compare A.json B.json [--json]';

const EVAL_ROOT = path.resolve(PROJECT_ROOT, '../shared/eval');

const argumentsSchema = z.object({
  json: z.boolean(),
  retrievalOnly: z.boolean(),
  table: z.boolean(),
  failures: z.boolean(),
  split: z.enum(['tune', 'check', 'all']),
  dir: z.string().min(1).nullable(),
  sets: z.array(z.string().min(1)).min(1).nullable(),
  out: z.string().min(1).nullable(),
  label: z.string().min(1).nullable(),
  compare: z.tuple([z.string().min(1), z.string().min(1)]).nullable(),
  /** `similar`: only the similar-papers check (no questions are asked, seconds instead of minutes). */
  only: z.enum(['similar']).nullable(),
  /** Which index store to evaluate; postgres without DATABASE_URL runs PGlite in-process (data in DATA_DIR/pglite). */
  store: z.enum(['files', 'postgres']).nullable(),
});
type Arguments = z.infer<typeof argumentsSchema>;

function parseArguments(argv: readonly string[]): Arguments {
  const raw: Record<string, unknown> = { json: false, retrievalOnly: false, table: false, failures: false, split: 'all', dir: null, sets: null, out: null, label: null, compare: null, only: null, store: null };
  const valued = { '--split=': 'split', '--dir=': 'dir', '--sets=': 'sets', '--out=': 'out', '--label=': 'label', '--only=': 'only', '--store=': 'store' } as const;
  let splitGiven = false;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--json') raw.json = true;
    else if (argument === '--retrieval-only') raw.retrievalOnly = true;
    else if (argument === '--failures') raw.failures = true;
    else if (argument === '--table') raw.table = true;
    else if (argument === '--store' && argv[index + 1]) raw.store = argv[++index];
    else if (argument === '--compare') {
      raw.compare = argv.slice(index + 1, index + 3);
      index += 2;
    } else {
      const match = Object.entries(valued).find(([prefix]) => argument.startsWith(prefix));
      if (!match) throw new Error(`unknown argument ${argument}\n${USAGE}`);
      const [prefix, field] = match;
      const value = argument.slice(prefix.length);
      raw[field] = field === 'sets' ? value.split(',').filter(Boolean) : value;
      if (field === 'split') splitGiven = true;
    }
  }
  const parsed = argumentsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue ? `--${issue.path[0] === 'retrievalOnly' ? 'retrieval-only' : String(issue.path[0])}: ${issue.message}` : 'invalid arguments'}\n${USAGE}`);
  }
  if (parsed.data.dir && splitGiven) throw new Error(`--dir names its own split; drop --split\n${USAGE}`);
  return parsed.data;
}

async function loadSplits(options: Arguments): Promise<EvalSplit[]> {
  const folders = options.dir
    ? [{ name: path.basename(path.resolve(options.dir)), dir: path.resolve(options.dir) }]
    : [
        { name: 'tune', dir: EVAL_ROOT },
        { name: 'check', dir: path.join(EVAL_ROOT, 'check') },
      ].filter((split) => options.split === 'all' || options.split === split.name);
  const splits: EvalSplit[] = [];
  for (const folder of folders) {
    const sets = (await loadEvalSets(folder.dir)).filter((set) => !options.sets || options.sets.includes(set.name));
    splits.push({ ...folder, sets });
  }
  const found = new Set(splits.flatMap((split) => split.sets.map((set) => set.name)));
  const unknown = (options.sets ?? []).filter((name) => !found.has(name));
  if (unknown.length > 0) throw new Error(`--sets: no set named ${unknown.join(', ')} in ${folders.map((folder) => folder.dir).join(', ')}`);
  return splits;
}

function printReport(run: EvalRun, showFailures: boolean, timing: { retrievalSeconds: number; answerSeconds: number }, similar: readonly SimilarEvalRow[]): void {
  const { config } = run;
  console.log(`paperchat eval · ${config.description}`);
  for (const split of config.splits) {
    console.log(`\n━━ ${splitLabel(split.name)} · ${split.dir} ━━`);
    const sections = [
      formatRetrievalTable(split.name, run.summary),
      formatAnswerTable(split.name, run.summary, config.answerK),
      ...run.curves.filter((curve) => curve.split === split.name).map(formatCurve),
      formatSimilarTable(split.name, similar),
    ].filter((section) => section !== '');
    console.log(`\n${sections.join('\n\n')}`);
    if (showFailures) console.log(`\n${formatFailures(run.records.filter((record) => record.split === split.name))}`);
  }
  const { resamples, seed, level } = config.bootstrap;
  console.log(
    `\nembedder ${config.embedder} · elapsed ${run.elapsedSeconds.toFixed(1)} s (retrieval ${timing.retrievalSeconds.toFixed(1)} s, answers ${timing.answerSeconds.toFixed(1)} s)` +
      ` · intervals: ${Math.round(level * 100)} % percentile bootstrap over questions, ${resamples} resamples, seed ${seed}`,
  );
}

async function compare(options: Arguments & { compare: [string, string] }): Promise<void> {
  const [fileA, fileB] = options.compare;
  const [runA, runB] = await Promise.all([readRun(fileA), readRun(fileB)]);
  const comparison = compareRuns(runA, runB, { a: fileA, b: fileB }, runB.config.bootstrap);
  console.log(options.json ? JSON.stringify(comparison, null, 2) : formatComparison(comparison));
}

/** `npm run eval`: see USAGE. Logic lives in src/evaluation; this parses, runs and prints. */
runCommand(async () => {
  const started = performance.now();
  const options = parseArguments(process.argv.slice(2));
  if (options.compare) return compare({ ...options, compare: options.compare });

  const splits = await loadSplits(options);
  const { config, database } = await storeConfig(options.store);
  const library = new PaperLibrary(config, consoleLogger);
  try {
    const live = await library.start();
    const titleToId = new Map(live.index.papers.map((paper) => [paper.title, paper.id]));
    const evaluateTableCells = async () => evaluateTables(splits, { tableService: createTableService(library, await createAnswerProvider(config)), searcher: library, titleToId });
    if (options.table) {
      const tables = await evaluateTableCells();
      console.log(options.json ? JSON.stringify(tables, null, 2) : formatTableEvaluation(tables, options.failures));
      return;
    }
    const similar = await evaluateSimilarPapers(splits, titleToId, similarVariants(live.index));
    if (options.only === 'similar') {
      if (options.json) console.log(JSON.stringify(similar, null, 2));
      else for (const split of splits) console.log(`\n━━ ${splitLabel(split.name)} · ${split.dir} ━━\n\n${formatSimilarTable(split.name, similar) || 'no topics / multi questions'}`);
      return;
    }
    const provider = options.retrievalOnly ? null : await createAnswerProvider(config);
    const evaluation = await evaluateSplits(splits, {
      searcher: library,
      askService: provider ? new AnswerPipeline(library, provider) : null,
      titleToId,
      onSetDone: ({ split, set, questions, seconds }) => console.error(`eval: ${split}/${set}: ${questions} questions in ${seconds.toFixed(1)} s`),
    });
    const run = assembleRun(
      runConfig({
        label: options.label ?? (config.INDEX_STORE === 'postgres' ? 'store postgres' : null),
        embedder: live.index.manifest.embedder.id,
        provider: provider?.name ?? 'none',
        answerK: ANSWER_K,
        retrievalK: RETRIEVAL_K,
        splits: splits.map(({ name, dir }) => ({ name, dir })),
        sets: options.sets,
        retrievalOnly: options.retrievalOnly,
        git: gitState(PROJECT_ROOT),
        createdAt: new Date().toISOString(),
      }),
      evaluation.records,
      (performance.now() - started) / 1000,
    );
    if (options.out) {
      await fs.writeFile(options.out, `${JSON.stringify(run, null, 2)}\n`);
      console.error(`eval: run written to ${options.out}`);
    }
    if (options.json) console.log(JSON.stringify({ ...run, similarPapers: similar }, null, 2));
    else {
      printReport(run, options.failures, evaluation, similar);
      // The comparison-table check rides along with answer evaluations (its own lines; not part of the saved run).
      if (provider) console.log(`\n${formatTableEvaluation(await evaluateTableCells(), options.failures)}`);
    }
  } finally {
    await library.close();
    await database?.close();
  }
});

/** The configuration with --store applied; for postgres without DATABASE_URL, an in-process PGlite server kept in DATA_DIR/pglite. */
async function storeConfig(store: Arguments['store']): Promise<{ config: Config; database: PgliteServer | null }> {
  const environment: NodeJS.ProcessEnv = { ...process.env, ...(store ? { INDEX_STORE: store } : {}) };
  if (environment.INDEX_STORE !== 'postgres' || environment.DATABASE_URL) return { config: loadConfig(environment), database: null };
  const dataDir = path.join(loadConfig(environment.DATA_DIR ? { DATA_DIR: environment.DATA_DIR } : {}).DATA_DIR, 'pglite');
  console.error(`eval: no DATABASE_URL, starting PGlite (in-process Postgres) with its data in ${dataDir}`);
  const database = await startPgliteServer({ dataDir });
  const config = loadConfig({ ...environment, DATABASE_URL: database.url });
  // The files store's embeddings (same keys) spare PGlite re-embedding the whole corpus.
  const filesIndex = await new IndexDirectory(config.DATA_DIR).current();
  const embedder = filesIndex ? (await readManifest(filesIndex)).embedder : null;
  const imported = embedder ? await importFileEmbeddingCache(config.DATABASE_URL!, new IndexDirectory(config.DATA_DIR).embeddingCacheDir, embedder) : 0;
  if (imported > 0) console.error(`eval: ${imported} embeddings imported from the files store's cache`);
  return { config, database };
}
