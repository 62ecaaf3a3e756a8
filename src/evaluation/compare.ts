import { estimateOf, type BootstrapOptions } from './bootstrap.ts';
import type { AnswerResult, Estimate, EvalRun, QuestionRecord, Section } from './records.ts';
import { metricValue, POOLED_ANSWERABLE } from './summarize.ts';

export interface MetricComparison {
  split: string;
  set: string;
  section: Section;
  metric: string;
  a: Estimate | null;
  b: Estimate | null;
  /**
   * Paired: the mean of (B − A) over the questions both runs scored, with a bootstrap
   * interval over those questions. Pairing removes the between-question spread, so a
   * change is judged against how much the same questions moved, not against the width of
   * either run's own interval.
   */
  delta: Estimate | null;
}

export type Outcome = 'win' | 'loss';

export interface QuestionChange {
  split: string;
  set: string;
  id: string;
  question: string;
  metric: string;
  from: string;
  to: string;
  outcome: Outcome;
}

export interface RunComparison {
  a: { source: string; description: string };
  b: { source: string; description: string };
  metrics: MetricComparison[];
  changes: QuestionChange[];
  matchedQuestions: number;
  onlyInA: number;
  onlyInB: number;
}

const EPSILON = 1e-9;
const keyOf = (record: Pick<QuestionRecord, 'split' | 'set' | 'id'>) => `${record.split}\u0000${record.set}\u0000${record.id}`;

/** The questions behind a summary row (the pooled row has no set of its own). */
function inRow(record: QuestionRecord, split: string, set: string): boolean {
  if (record.split !== split) return false;
  return set === POOLED_ANSWERABLE ? record.setKind !== 'unanswerable' : record.set === set;
}

function pairedDelta(
  pairs: ReadonlyArray<readonly [QuestionRecord, QuestionRecord]>,
  split: string,
  set: string,
  section: Section,
  metric: string,
  bootstrap: BootstrapOptions,
): Estimate | null {
  const differences = pairs.flatMap(([a, b]) => {
    if (!inRow(a, split, set)) return [];
    const before = metricValue(a, section, metric);
    const after = metricValue(b, section, metric);
    return before === undefined || after === undefined ? [] : [after - before];
  });
  return estimateOf(differences, bootstrap) ?? null;
}

const rankLabel = (rank: number | null) => (rank === null ? '>10' : String(rank));
const yesNo = (flag: boolean) => (flag ? 'yes' : 'no');
const decimal = (value: number) => value.toFixed(2);

function unanswerableState(answer: AnswerResult): string {
  if (answer.passed) return 'refused';
  return answer.refused ? 'refused with citations' : 'answered';
}

/** What changed for one question between two runs, each change a win or a loss for B. */
export function questionChanges(a: QuestionRecord, b: QuestionRecord): QuestionChange[] {
  const changes: QuestionChange[] = [];
  const add = (metric: string, from: string, to: string, outcome: Outcome) =>
    changes.push({ split: b.split, set: b.set, id: b.id, question: b.question, metric, from, to, outcome });
  const numeric = (metric: string, before: number | null, after: number | null) => {
    if (before === null || after === null || Math.abs(after - before) <= EPSILON) return;
    add(metric, decimal(before), decimal(after), after > before ? 'win' : 'loss');
  };
  const flag = (metric: string, before: boolean | null, after: boolean | null) => {
    if (before === null || after === null || before === after) return;
    add(metric, yesNo(before), yesNo(after), after ? 'win' : 'loss');
  };

  const multiGold = b.gold.length > 1;
  if (a.retrieval && b.retrieval) {
    const before = a.retrieval.goldRank ?? Number.POSITIVE_INFINITY;
    const after = b.retrieval.goldRank ?? Number.POSITIVE_INFINITY;
    if (before !== after) {
      add(multiGold ? 'first gold rank' : 'gold rank', rankLabel(a.retrieval.goldRank), rankLabel(b.retrieval.goldRank), after < before ? 'win' : 'loss');
    }
    if (multiGold) {
      numeric('R@|G|', a.retrieval.recallAtGold, b.retrieval.recallAtGold);
      numeric('R@10', a.retrieval.recallAt10, b.retrieval.recallAt10);
    }
  }
  if (a.answer && b.answer) {
    if (b.setKind === 'unanswerable') {
      if (a.answer.passed !== b.answer.passed) add('unanswerable', unanswerableState(a.answer), unanswerableState(b.answer), b.answer.passed ? 'win' : 'loss');
    } else {
      if (a.answer.refused !== b.answer.refused) {
        const state = (refused: boolean) => (refused ? 'refused' : 'answered');
        add('answer', state(a.answer.refused), state(b.answer.refused), b.answer.refused ? 'loss' : 'win');
      }
      flag('gold cited', a.answer.goldCited, b.answer.goldCited);
      flag('contains', a.answer.contains, b.answer.contains);
      if (multiGold) {
        numeric('cit.R', a.answer.citationRecall, b.answer.citationRecall);
        numeric('cit.P', a.answer.citationPrecision, b.answer.citationPrecision);
      }
    }
  }
  return changes;
}

/**
 * Two saved runs side by side: every summary metric of A and B with the paired difference,
 * and the questions that moved. Questions are matched by split, set and id; questions only
 * one run has are counted, not compared.
 */
export function compareRuns(
  a: EvalRun,
  b: EvalRun,
  sources: { a: string; b: string },
  bootstrap: BootstrapOptions = {},
): RunComparison {
  const bByKey = new Map(b.records.map((record) => [keyOf(record), record]));
  const aKeys = new Set(a.records.map(keyOf));
  const pairs = a.records.flatMap((record) => {
    const other = bByKey.get(keyOf(record));
    return other ? [[record, other] as const] : [];
  });

  const rowKey = (row: { split: string; set: string; section: Section }) => `${row.split}\u0000${row.set}\u0000${row.section}`;
  const bRows = new Map(b.summary.map((row) => [rowKey(row), row]));
  const aRowKeys = new Set(a.summary.map(rowKey));
  const rows = [...a.summary.map((row) => ({ row, other: bRows.get(rowKey(row)) ?? null, aFirst: true })), ...b.summary.filter((row) => !aRowKeys.has(rowKey(row))).map((row) => ({ row, other: null, aFirst: false }))];

  const metrics: MetricComparison[] = [];
  for (const { row, other, aFirst } of rows) {
    const aRow = aFirst ? row : null;
    const bRow = aFirst ? other : row;
    const keys = [...new Set([...Object.keys(aRow?.metrics ?? {}), ...Object.keys(bRow?.metrics ?? {})])];
    for (const metric of keys) {
      metrics.push({
        split: row.split,
        set: row.set,
        section: row.section,
        metric,
        a: aRow?.metrics[metric] ?? null,
        b: bRow?.metrics[metric] ?? null,
        delta: pairedDelta(pairs, row.split, row.set, row.section, metric, bootstrap),
      });
    }
  }

  return {
    a: { source: sources.a, description: a.config.description },
    b: { source: sources.b, description: b.config.description },
    metrics,
    changes: pairs.flatMap(([before, after]) => questionChanges(before, after)),
    matchedQuestions: pairs.length,
    onlyInA: a.records.filter((record) => !bByKey.has(keyOf(record))).length,
    onlyInB: b.records.filter((record) => !aKeys.has(keyOf(record))).length,
  };
}
