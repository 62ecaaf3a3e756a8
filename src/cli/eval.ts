import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../config.ts';
import { loadEvalSets, type EvalSet } from '../evaluation/eval-sets.ts';
import { mean, recallAt, reciprocalRankAt } from '../evaluation/metrics.ts';
import { PaperLibrary } from '../retrieval/paper-library.ts';
import { AnswerPipeline } from '../answer/pipeline.ts';
import { evaluateAnswers, formatAnswerTable } from '../evaluation/answer-eval.ts';
import { consoleLogger, runCommand } from './console-logger.ts';

interface RetrievalRow {
  set: string;
  n: number;
  recallAt1: number;
  recallAt5: number;
  recallAt10: number;
  mrrAt10: number;
  /** For sets with several gold papers: recall@|G|. */
  recallAtGold?: number;
}

function parseArguments(argv: string[]) {
  const json = argv.includes('--json');
  const retrievalOnly = argv.includes('--retrieval-only');
  const showFailures = argv.includes('--failures');
  const setsArgument = argv.find((argument) => argument.startsWith('--sets='));
  const dirArgument = argv.find((argument) => argument.startsWith('--dir='));
  return {
    json,
    retrievalOnly,
    showFailures,
    sets: setsArgument ? new Set(setsArgument.slice('--sets='.length).split(',')) : null,
    dir: dirArgument ? path.resolve(dirArgument.slice('--dir='.length)) : path.resolve(PROJECT_ROOT, '../shared/eval'),
  };
}

/**
 * Retrieval queries per set. A conversation is scored here on its user turns joined (the
 * answer evaluation replays it turn by turn through the real pipeline instead).
 */
function retrievalQueries(set: EvalSet): Array<{ question: string; gold: string[] }> {
  if (set.kind === 'retrieval') return set.cases.map((item) => ({ question: item.question, gold: item.gold_titles }));
  if (set.kind === 'conversation') return set.cases.map((item) => ({ question: item.turns.join(' '), gold: item.gold_titles }));
  return [];
}

/** `npm run eval [-- --json] [--sets=short,topics] [--retrieval-only] [--failures] [--dir=../shared/eval]` */
runCommand(async () => {
  const options = parseArguments(process.argv.slice(2));
  const config = loadConfig();
  const library = new PaperLibrary(config, consoleLogger);
  try {
    const live = await library.start();
    const titleToId = new Map(live.index.papers.map((paper) => [paper.title, paper.id]));
    const sets = (await loadEvalSets(options.dir)).filter((set) => !options.sets || options.sets.has(set.name));
    const started = performance.now();
    const rows: RetrievalRow[] = [];
    for (const set of sets) {
      const queries = retrievalQueries(set);
      if (queries.length === 0) continue;
      const perQuery = [];
      for (const { question, gold } of queries) {
        const goldIds = gold.map((title) => {
          const id = titleToId.get(title);
          if (!id) throw new Error(`${set.name}: gold title not in the corpus: ${title}`);
          return id;
        });
        const ranking = (await library.search(question, { k: Math.max(10, goldIds.length) })).map((hit) => hit.paperId);
        perQuery.push({
          recallAt1: recallAt(ranking, goldIds, 1),
          recallAt5: recallAt(ranking, goldIds, 5),
          recallAt10: recallAt(ranking, goldIds, 10),
          mrrAt10: reciprocalRankAt(ranking, goldIds, 10),
          recallAtGold: recallAt(ranking, goldIds, goldIds.length),
          multi: goldIds.length > 1,
        });
      }
      const anyMulti = perQuery.some((row) => row.multi);
      rows.push({
        set: set.kind === 'conversation' ? `${set.name} (joined)` : set.name,
        n: perQuery.length,
        recallAt1: mean(perQuery.map((row) => row.recallAt1)),
        recallAt5: mean(perQuery.map((row) => row.recallAt5)),
        recallAt10: mean(perQuery.map((row) => row.recallAt10)),
        mrrAt10: mean(perQuery.map((row) => row.mrrAt10)),
        recallAtGold: anyMulti ? mean(perQuery.map((row) => row.recallAtGold)) : undefined,
      });
    }
    const retrievalSeconds = (performance.now() - started) / 1000;
    const answers = options.retrievalOnly ? null : await evaluateAnswers(sets, new AnswerPipeline(library), titleToId);

    const embedder = live.index.manifest.embedder.id;
    if (options.json) {
      console.log(JSON.stringify({ embedder, retrieval: rows, answers }, null, 2));
      return;
    }
    console.log(`retrieval (embedder ${embedder}, ${retrievalSeconds.toFixed(1)} s)`);
    console.log('set                    n   R@1    R@5    R@10   MRR@10  R@|G|');
    for (const row of rows) {
      console.log(
        `${row.set.padEnd(20)} ${String(row.n).padStart(3)}  ${row.recallAt1.toFixed(3)}  ${row.recallAt5.toFixed(3)}  ${row.recallAt10.toFixed(3)}  ${row.mrrAt10.toFixed(3)}   ${row.recallAtGold?.toFixed(3) ?? '  -'}`,
      );
    }
    if (answers) {
      console.log(`\n${formatAnswerTable(answers)}`);
      if (options.showFailures) for (const failure of answers.failures) console.log(`\n[${failure.set} ${failure.id}] ${failure.question}\n  → ${failure.answer.replace(/\n+/g, ' ').slice(0, 400)}`);
    }
  } finally {
    await library.close();
  }
});
