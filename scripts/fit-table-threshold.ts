/**
 * How the comparison table's "not stated" bar (src/answer/table/not-stated-threshold.ts) was
 * chosen. Positives: each fact question over its gold paper must be stated and contain its
 * answer. Negatives: each near-miss question over the top retrieved paper, and each fact
 * question over the gold paper of every *other* fact question of the split (the abstract is
 * about something else), must be "not stated". Prints every positive and near-miss case, then
 * per candidate threshold the three shares on tune and on check (held out), and the chosen
 * threshold: the lowest (so the most fact cells stay stated) at which at most 10 % of the tune
 * split's negatives are wrongly stated. Near-miss questions are caught by their missing names
 * whatever the threshold; the mismatched pairs are what the threshold is for.
 *
 *   node --import tsx scripts/fit-table-threshold.ts
 */
import path from 'node:path';
import { judgeQuestion } from '../src/answer/table/extractors.ts';
import { libraryEvidence } from '../src/answer/table/library-evidence.ts';
import { loadConfig, PROJECT_ROOT } from '../src/config.ts';
import { consoleLogger } from '../src/cli/console-logger.ts';
import { loadEvalSets } from '../src/evaluation/eval-sets.ts';
import { containsAll } from '../src/evaluation/metrics.ts';
import { PaperLibrary } from '../src/retrieval/paper-library.ts';

interface Point {
  split: string;
  id: string;
  kind: 'fact' | 'nearmiss' | 'mismatched';
  wantStated: boolean;
  score: number;
  missingNames: string[];
  lacksAskedNumber: boolean;
  contains: boolean | null;
}

const EVAL_ROOT = path.resolve(PROJECT_ROOT, '../shared/eval');
const library = new PaperLibrary(loadConfig(), consoleLogger);
try {
  const live = await library.start();
  const evidence = libraryEvidence(library);
  const titleToId = new Map(live.index.papers.map((paper) => [paper.title, paper.id]));
  const points: Point[] = [];
  const judge = async (paperId: string, question: string) => {
    const paper = evidence.getPaper(paperId)!;
    const vector = await evidence.embedQuery(question);
    const sentences = evidence.sentencesOf(paper);
    return judgeQuestion({ paper, sentences, similarities: vector ? await evidence.sentenceSimilarities(paper, vector) : sentences.map(() => 0) }, question);
  };
  for (const split of [{ name: 'tune', dir: EVAL_ROOT }, { name: 'check', dir: path.join(EVAL_ROOT, 'check') }]) {
    for (const set of await loadEvalSets(split.dir)) {
      if (set.kind === 'retrieval' && set.name === 'facts') {
        const goldIds = set.cases.map((item) => titleToId.get(item.gold_titles[0]!)!);
        for (const [position, item] of set.cases.entries()) {
          const verdict = await judge(goldIds[position]!, item.question);
          const text = verdict.chosen.map((sentence) => sentence.text).join(' … ');
          points.push({ split: split.name, id: item.id, kind: 'fact', wantStated: true, score: verdict.bestScore, missingNames: verdict.missingNames, lacksAskedNumber: verdict.lacksAskedNumber, contains: containsAll(text, item.answer_contains ?? []) });
          for (const [other, paperId] of goldIds.entries()) {
            if (other === position || paperId === goldIds[position]) continue;
            const mismatched = await judge(paperId, item.question);
            points.push({ split: split.name, id: `${item.id}@${set.cases[other]!.id}`, kind: 'mismatched', wantStated: false, score: mismatched.bestScore, missingNames: mismatched.missingNames, lacksAskedNumber: mismatched.lacksAskedNumber, contains: null });
          }
        }
      } else if (set.kind === 'unanswerable') {
        for (const item of set.cases.filter((candidate) => candidate.kind === 'nearmiss')) {
          const [top] = await library.search(item.question, { k: 1 });
          if (!top) continue;
          const verdict = await judge(top.paperId, item.question);
          points.push({ split: split.name, id: item.id, kind: 'nearmiss', wantStated: false, score: verdict.bestScore, missingNames: verdict.missingNames, lacksAskedNumber: verdict.lacksAskedNumber, contains: null });
        }
      }
    }
  }
  for (const point of points.filter((candidate) => candidate.kind !== 'mismatched')) {
    console.log(`${point.split.padEnd(5)} ${point.id.padEnd(9)} ${point.kind.padEnd(8)} score ${point.score.toFixed(3)} missing names [${point.missingNames.join(', ')}]${point.contains === null ? '' : ` contains ${point.contains}`}`);
  }
  const stated = (point: Point, threshold: number) => point.missingNames.length === 0 && !point.lacksAskedNumber && point.score >= threshold;
  const rates = (split: string, threshold: number) => {
    const ofSplit = points.filter((point) => point.split === split);
    const share = (kind: Point['kind'], passes: (point: Point) => boolean) => {
      const cases = ofSplit.filter((point) => point.kind === kind);
      return cases.filter(passes).length / Math.max(1, cases.length);
    };
    const negatives = ofSplit.filter((point) => !point.wantStated);
    return {
      factsContained: share('fact', (point) => stated(point, threshold) && point.contains === true),
      nearMissNotStated: share('nearmiss', (point) => !stated(point, threshold)),
      mismatchedNotStated: share('mismatched', (point) => !stated(point, threshold)),
      negativesNotStated: negatives.filter((point) => !stated(point, threshold)).length / Math.max(1, negatives.length),
    };
  };
  const counts = (split: string) => ['fact', 'nearmiss', 'mismatched'].map((kind) => `${kind} ${points.filter((point) => point.split === split && point.kind === kind).length}`).join(', ');
  console.log(`\ncases: tune ${counts('tune')}; check ${counts('check')}`);
  console.log('threshold   tune: facts contained / near-miss not stated / mismatched not stated    check: the same');
  const MAX_FALSE_STATED = 0.1;
  let chosen: number | null = null;
  for (let step = 0; step <= 30; step++) {
    const threshold = 0.3 + step * 0.05;
    const tune = rates('tune', threshold);
    const check = rates('check', threshold);
    if (chosen === null && tune.negativesNotStated >= 1 - MAX_FALSE_STATED) chosen = threshold;
    const row = (value: ReturnType<typeof rates>) => `${value.factsContained.toFixed(2)} / ${value.nearMissNotStated.toFixed(2)} / ${value.mismatchedNotStated.toFixed(2)}`;
    console.log(`${threshold.toFixed(2).padStart(9)}   ${row(tune)}                                   ${row(check)}`);
  }
  console.log(`\nlowest threshold with at most ${MAX_FALSE_STATED * 100} % of tune negatives stated: ${chosen === null ? 'none' : chosen.toFixed(2)}`);
} finally {
  await library.close();
}
