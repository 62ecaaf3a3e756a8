/**
 * Fits how many papers a topical answer lists (src/answer/listing-model.json): a logistic
 * model of "this retrieved paper is gold" over where the paper stands against the query's
 * best paper, and the threshold that maximises the cited set's F1 (per question, averaged).
 *
 *   npm run fit-listing                # baseline rule, 5-fold CV over both splits
 *   npm run fit-listing -- --write     # also write the model fitted on every question
 *   npm run fit-listing -- --write --fit-on=tune   # fitted on the tune split only
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from '../src/cli/console-logger.ts';
import { PROJECT_ROOT } from '../src/config.ts';
import { DEFAULT_ASK_K } from '../src/answer/ask-request-schema.ts';
import { LISTING_FEATURES, listingFeatures, MAX_LISTED_PAPERS } from '../src/answer/list-selection.ts';
import { assignFolds, fitLogistic, predict, type LogisticModel } from './fitting/logistic.ts';
import { withFitContext } from './fitting/fit-context.ts';

interface Query {
  split: 'tune' | 'check';
  set: string;
  gold: Set<string>;
  hits: string[];
  features: number[][];
}

function listed(query: Query, keep: (position: number) => boolean): string[] {
  const chosen: string[] = [];
  query.hits.forEach((paperId, position) => {
    if (chosen.length < MAX_LISTED_PAPERS && (position === 0 || keep(position))) chosen.push(paperId);
  });
  return chosen;
}

function scores(query: Query, chosen: string[]) {
  const hits = chosen.filter((paperId) => query.gold.has(paperId)).length;
  const precision = chosen.length === 0 ? 0 : hits / chosen.length;
  const recall = hits / query.gold.size;
  const fBeta = precision + recall === 0 ? 0 : ((1 + BETA ** 2) * precision * recall) / (BETA ** 2 * precision + recall);
  return { precision, recall, f1: fBeta, goldCited: hits > 0 ? 1 : 0, listed: chosen.length };
}

/** F-beta with beta > 1 weighs recall above precision: a missed paper costs a reader more than an extra one. */
const BETA = 3;

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / (values.length || 1);

function fit(queries: readonly Query[]): LogisticModel & { threshold: number } {
  // Each query weighs the same, whatever its number of hits.
  const rows = queries.flatMap((query) => query.hits.slice(1).map((paperId, offset) => ({ features: query.features[offset + 1]!, label: query.gold.has(paperId), weight: 1 / Math.max(1, query.hits.length - 1) })));
  const model = fitLogistic(rows);
  let best = { threshold: 0.5, f1: -1 };
  for (let threshold = 0.05; threshold < 0.96; threshold += 0.025) {
    const f1 = mean(queries.map((query) => scores(query, listed(query, (position) => predict(model, query.features[position]!) >= threshold)).f1));
    if (f1 > best.f1) best = { threshold, f1 };
  }
  return { ...model, threshold: best.threshold };
}

function report(title: string, results: Array<{ query: Query; chosen: string[] }>): void {
  console.log(`\n${title}`);
  console.log('split  set            n   listed  cit.P  cit.R  F1     gold cited');
  const groups = new Map<string, typeof results>();
  for (const result of results) groups.set(`${result.query.split}\t${result.query.set}`, [...(groups.get(`${result.query.split}\t${result.query.set}`) ?? []), result]);
  for (const [key, entries] of [...groups.entries()].sort()) {
    const [split, set] = key.split('\t');
    const rows = entries.map(({ query, chosen }) => scores(query, chosen));
    const column = (name: 'precision' | 'recall' | 'f1' | 'goldCited' | 'listed') => mean(rows.map((row) => row[name])).toFixed(3);
    console.log(`${split!.padEnd(6)} ${set!.padEnd(13)} ${String(entries.length).padStart(3)}  ${column('listed')}  ${column('precision')}  ${column('recall')}  ${column('f1')}  ${column('goldCited')}`);
  }
}

runCommand(() => withFitContext(async ({ library, titleToId, splits, write, fitOnTuneOnly }) => {
    const queries: Query[] = [];
    for (const { split, sets } of splits) {
      for (const set of sets) {
        if (set.kind !== 'retrieval') continue;
        for (const item of set.cases) {
          const hits = await library.search(item.question, { k: DEFAULT_ASK_K });
          queries.push({ split, set: set.name, gold: new Set(item.gold_titles.map((title) => titleToId.get(title) ?? title)), hits: hits.map((hit) => hit.paperId), features: listingFeatures(hits) });
        }
      }
    }
    report('baseline: papers scoring ≥ 0.4 of the best, at most 5', queries.map((query) => ({ query, chosen: listed(query, (position) => position < 5 && query.features[position]![2]! >= 0.4) })));
    const folds = assignFolds(queries, 5, 5);
    const crossValidated: Array<{ query: Query; chosen: string[] }> = [];
    for (let fold = 0; fold < 5; fold++) {
      const model = fit(queries.filter((query) => folds.get(query) !== fold));
      for (const query of queries.filter((entry) => folds.get(entry) === fold)) crossValidated.push({ query, chosen: listed(query, (position) => predict(model, query.features[position]!) >= model.threshold) });
    }
    report('5-fold cross-validation over both splits', crossValidated);
    const fitted = fitOnTuneOnly ? queries.filter((item) => item.split === 'tune') : queries;
    const model = fit(fitted);
    const described = {
      description: `logistic regression on the top ${DEFAULT_ASK_K} papers of ${fitted.length} eval questions${fitOnTuneOnly ? ' (tune split only)' : ''}; threshold maximises the cited set's mean F1 (scripts/fit-listing.ts)`,
      bias: Number(model.bias.toFixed(4)),
      weights: Object.fromEntries(LISTING_FEATURES.map((name, position) => [name, Number(model.weights[position]!.toFixed(4))])),
      threshold: Number(model.threshold.toFixed(3)),
    };
    console.log(`\nmodel fitted on every question: ${JSON.stringify(described)}`);
    if (write) {
      const file = path.join(PROJECT_ROOT, 'src/answer/listing-model.json');
      writeFileSync(file, `${JSON.stringify(described, null, 2)}\n`);
      console.log(`wrote ${path.relative(PROJECT_ROOT, file)}`);
    }
}));
