/**
 * Fits the retriever's linear ranker (src/retrieval/ranker-weights.json) on the eval
 * questions and reports what it is worth on questions it did not see.
 *
 *   npm run fit-ranker                 # report: baseline, tune→check, 5-fold CV over both splits
 *   npm run fit-ranker -- --write      # also write the weights fitted on every question
 *   npm run fit-ranker -- --write --fit-on=tune   # weights fitted on the tune split only
 *
 * Pairwise logistic regression (each gold paper against each other candidate of its query,
 * every query weighing the same), L2-regularised, on the scale-free candidate features.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { withFitContext } from './fitting/fit-context.ts';
import { runCommand } from '../src/cli/console-logger.ts';
import { PROJECT_ROOT } from '../src/config.ts';
import type { EvalSet } from '../src/evaluation/eval-sets.ts';
import { mean, recallAt, reciprocalRankAt } from '../src/evaluation/metrics.ts';
import { LinearRanker, MIN_MAX_FUSION, type RankerWeights } from '../src/retrieval/linear-ranker.ts';
import { FEATURE_NAMES } from '../src/retrieval/paper-features.ts';
import { mulberry32 } from '../src/util/seeded-random.ts';

export interface LabelledQuery {
  split: 'tune' | 'check';
  set: string;
  id: string;
  candidates: Array<{ paperId: string; features: number[]; gold: boolean }>;
  gold: string[];
}

export function queriesOf(set: EvalSet): Array<{ id: string; question: string; gold: string[] }> {
  if (set.kind === 'retrieval') return set.cases.map((item) => ({ id: item.id, question: item.question, gold: item.gold_titles }));
  if (set.kind === 'conversation') return set.cases.map((item) => ({ id: item.id, question: item.turns.join(' '), gold: item.gold_titles }));
  return [];
}


const L2 = 0.01;
const EPOCHS = 300;

export function fit(queries: readonly LabelledQuery[]): RankerWeights {
  const dimensions = FEATURE_NAMES.length;
  const weights = new Float64Array(dimensions);
  // Start from the product's original fusion, so an uninformative feature stays near 0.
  weights[FEATURE_NAMES.indexOf('lexical')] = 0.5;
  weights[FEATURE_NAMES.indexOf('vector')] = 0.5;
  const pairsByQuery = queries
    .map((query) => {
      const gold = query.candidates.filter((candidate) => candidate.gold);
      const other = query.candidates.filter((candidate) => !candidate.gold);
      const differences: Float64Array[] = [];
      for (const positive of gold) for (const negative of other) differences.push(Float64Array.from(positive.features, (value, position) => value - (negative.features[position] ?? 0)));
      return differences;
    })
    .filter((differences) => differences.length > 0);
  const moment = new Float64Array(dimensions);
  const velocity = new Float64Array(dimensions);
  const learningRate = 0.05;
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    const gradient = new Float64Array(dimensions);
    for (const differences of pairsByQuery) {
      const share = 1 / (differences.length * pairsByQuery.length);
      for (const difference of differences) {
        let margin = 0;
        for (let position = 0; position < dimensions; position++) margin += weights[position]! * difference[position]!;
        // Scaled so margins of a few units matter: features live in [0, 1].
        const probability = 1 / (1 + Math.exp(4 * margin));
        for (let position = 0; position < dimensions; position++) gradient[position]! -= 4 * probability * difference[position]! * share;
      }
    }
    for (let position = 0; position < dimensions; position++) {
      gradient[position]! += L2 * weights[position]!;
      moment[position] = 0.9 * moment[position]! + 0.1 * gradient[position]!;
      velocity[position] = 0.999 * velocity[position]! + 0.001 * gradient[position]! ** 2;
      const correctedMoment = moment[position]! / (1 - 0.9 ** epoch);
      const correctedVelocity = velocity[position]! / (1 - 0.999 ** epoch);
      weights[position]! -= (learningRate * correctedMoment) / (Math.sqrt(correctedVelocity) + 1e-8);
    }
  }
  return {
    description: `pairwise logistic regression on ${queries.length} eval queries (scripts/fit-ranker.ts)`,
    weights: Object.fromEntries(FEATURE_NAMES.map((name, position) => [name, Number(weights[position]!.toFixed(4))])),
  };
}

export interface Scored {
  query: LabelledQuery;
  ranking: string[];
}

export function rank(query: LabelledQuery, model: RankerWeights): Scored {
  const ranker = new LinearRanker(model);
  const ranking = query.candidates
    .map((candidate) => ({ paperId: candidate.paperId, score: ranker.score(candidate.features) }))
    .sort((a, b) => b.score - a.score || (a.paperId < b.paperId ? -1 : 1))
    .map((candidate) => candidate.paperId);
  return { query, ranking };
}

export function report(title: string, scored: readonly Scored[]): void {
  console.log(`\n${title}`);
  console.log('split  set              n   R@1    R@5    R@10   MRR');
  const groups = new Map<string, Scored[]>();
  for (const entry of scored) {
    const key = `${entry.query.split}\t${entry.query.set}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  for (const [key, entries] of [...groups.entries()].sort()) {
    const [split, set] = key.split('\t');
    const metric = (k: number) => mean(entries.map(({ ranking, query }) => recallAt(ranking, query.gold, k))).toFixed(3);
    const mrr = mean(entries.map(({ ranking, query }) => reciprocalRankAt(ranking, query.gold, 10))).toFixed(3);
    console.log(`${split!.padEnd(6)} ${set!.padEnd(15)} ${String(entries.length).padStart(3)}  ${metric(1)}  ${metric(5)}  ${metric(10)}  ${mrr}`);
  }
}

// Imported by scripts/fit-adapter.ts for the same protocol: only run when started directly.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runCommand(() => withFitContext(async ({ live, titleToId, splits, write, fitOnTuneOnly }) => {
    const queries: LabelledQuery[] = [];
    for (const { split, sets } of splits) {
      for (const set of sets) {
        for (const { id, question, gold: titles } of queriesOf(set)) {
          const gold = titles.map((title) => titleToId.get(title) ?? title);
          const candidates = (await live.retriever.candidates(question)).map((candidate) => ({ paperId: candidate.paperId, features: candidate.features, gold: gold.includes(candidate.paperId) }));
          queries.push({ split, set: set.name, id, candidates, gold });
        }
      }
    }
    const tune = queries.filter((query) => query.split === 'tune');
    const check = queries.filter((query) => query.split === 'check');
    report('baseline: min-max fusion 50/50', queries.map((query) => rank(query, MIN_MAX_FUSION)));

    const tuneModel = fit(tune);
    report('fitted on tune, scored on both (check is held out)', queries.map((query) => rank(query, tuneModel)));

    const folds = 5;
    const random = mulberry32(7);
    const foldOf = new Map(queries.map((query) => [query, Math.floor(random() * folds)]));
    const crossValidated: Scored[] = [];
    for (let fold = 0; fold < folds; fold++) {
      const model = fit(queries.filter((query) => foldOf.get(query) !== fold));
      for (const query of queries.filter((entry) => foldOf.get(entry) === fold)) crossValidated.push(rank(query, model));
    }
    report(`${folds}-fold cross-validation over both splits (each question scored by a model that did not see it)`, crossValidated);

    const finalModel = fit(fitOnTuneOnly ? queries.filter((item) => item.split === 'tune') : queries);
    console.log(`\nweights fitted on all ${queries.length} queries:`);
    for (const [name, weight] of Object.entries(finalModel.weights)) console.log(`  ${name.padEnd(16)} ${weight.toFixed(4)}`);
    console.log(`tune-only weights: ${JSON.stringify(tuneModel.weights)}`);
    if (write) {
      const file = path.join(PROJECT_ROOT, 'src/retrieval/ranker-weights.json');
      writeFileSync(file, `${JSON.stringify(finalModel, null, 2)}\n`);
      console.log(`wrote ${path.relative(PROJECT_ROOT, file)}`);
    }
}));
