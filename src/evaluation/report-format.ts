import type { RunComparison, QuestionChange } from './compare.ts';
import type { Estimate, QuestionRecord, RefusalCurve, SummaryRow } from './records.ts';
import { ALL } from './refusal-curve.ts';
import { isAnswerFailure } from './answer-eval.ts';
import { PASS_KIND_PREFIX, POOLED_ANSWERABLE } from './summarize.ts';

/** The split the README says to report as held out. */
export const HELD_OUT_SPLIT = 'check';

export function splitLabel(split: string): string {
  return split === HELD_OUT_SPLIT ? `${split} (held out)` : split;
}

/** `0.853 [0.79, 0.91]`: three decimals for the mean, two for bounds no finer than the data. */
export function formatEstimate(estimate: Estimate | null | undefined): string {
  if (!estimate) return '-';
  return `${estimate.mean.toFixed(3)} [${estimate.low.toFixed(2)}, ${estimate.high.toFixed(2)}]`;
}

const signed = (value: number, digits: number) => {
  const magnitude = Math.abs(value).toFixed(digits);
  // A difference that rounds to zero reads as no change, not as "+0.00" or "−0.00".
  if (Number(magnitude) === 0) return magnitude;
  return `${value > 0 ? '+' : '−'}${magnitude}`;
};

/** `+0.022 [−0.02, +0.07]`, starred when the interval excludes 0. */
export function formatDelta(delta: Estimate | null): string {
  if (!delta) return '-';
  const clear = delta.low > 0 || delta.high < 0;
  return `${signed(delta.mean, 3)} [${signed(delta.low, 2)}, ${signed(delta.high, 2)}]${clear ? ' *' : ''}`;
}

const ESTIMATE_WIDTH = 20;
const SET_WIDTH = 24;

function table(header: string[], body: string[][], widths: number[]): string[] {
  const line = (cells: string[]) =>
    cells
      .map((cell, index) => (index === 1 ? cell.padStart(widths[index]!) + ' ' : cell.padEnd(widths[index] ?? 0)))
      .join(' ')
      .trimEnd();
  return [line(header), ...body.map(line)];
}

/** Lines noting metrics averaged over fewer questions than the row has (e.g. contains where answer_contains is optional). */
function partialNotes(rows: readonly SummaryRow[], keys: readonly string[]): string[] {
  return rows.flatMap((row) =>
    keys.flatMap((key) => {
      const estimate = row.metrics[key];
      return estimate && estimate.n < row.n ? [`  ${row.set}: ${key} over the ${estimate.n} of ${row.n} questions it applies to`] : [];
    }),
  );
}

const RETRIEVAL_COLUMNS = ['R@1', 'R@5', 'R@10', 'MRR@10', 'R@|G|'];

export function formatRetrievalTable(split: string, rows: readonly SummaryRow[]): string {
  const ours = rows.filter((row) => row.split === split && row.section === 'retrieval');
  if (ours.length === 0) return '';
  const label = (row: SummaryRow) => (row.setKind === 'conversation' ? `${row.set} (joined)` : row.set);
  const widths = [SET_WIDTH, 4, ...RETRIEVAL_COLUMNS.map(() => ESTIMATE_WIDTH)];
  const lines = [
    `retrieval · ${splitLabel(split)} (k=10)`,
    ...table(
      ['set', 'n', ...RETRIEVAL_COLUMNS],
      ours.map((row) => [label(row), String(row.n), ...RETRIEVAL_COLUMNS.map((key) => formatEstimate(row.metrics[key]))]),
      widths,
    ),
    ...partialNotes(ours, RETRIEVAL_COLUMNS),
  ];
  return lines.join('\n');
}

const ANSWER_COLUMNS = ['cited', 'cit.R', 'cit.P', 'contains', 'refused', 'R@5(last)'];

export function formatAnswerTable(split: string, rows: readonly SummaryRow[], answerK: number): string {
  const ours = rows.filter((row) => row.split === split && row.section === 'answers');
  if (ours.length === 0) return '';
  const answerable = ours.filter((row) => row.setKind !== 'unanswerable');
  const unanswerable = ours.filter((row) => row.setKind === 'unanswerable');
  const ms = (row: SummaryRow) => (row.meanMs === null ? '' : row.meanMs.toFixed(0));
  const widths = [SET_WIDTH, 4, ...ANSWER_COLUMNS.map(() => ESTIMATE_WIDTH), 6];
  const lines = [
    `answers · ${splitLabel(split)} (k=${answerK})`,
    ...table(
      ['set', 'n', ...ANSWER_COLUMNS, 'ms/q'],
      answerable.map((row) => [row.set, String(row.n), ...ANSWER_COLUMNS.map((key) => formatEstimate(row.metrics[key])), ms(row)]),
      widths,
    ),
  ];
  for (const row of unanswerable) {
    const kinds = Object.entries(row.metrics)
      .filter(([key]) => key.startsWith(PASS_KIND_PREFIX))
      .map(([key, estimate]) => `${key.slice(PASS_KIND_PREFIX.length)} (${estimate.n}) ${formatEstimate(estimate)}`);
    lines.push(`${row.set.padEnd(SET_WIDTH)} ${String(row.n).padStart(4)}  pass ${formatEstimate(row.metrics.pass)}   ${kinds.join('   ')}   ${ms(row)} ms/q`);
  }
  lines.push(...partialNotes(answerable.filter((row) => row.set !== POOLED_ANSWERABLE), ANSWER_COLUMNS));
  lines.push(
    '  cited = gold paper (any, for several) cited; cit.R / cit.P = share of gold cited / of cited that is gold (several gold papers);',
    '  refused = false-refusal rate (lower is better); pass = refused with no citations; R@5(last) = gold among the papers retrieved for the last turn',
  );
  return lines.join('\n');
}

export function formatCurve(curve: RefusalCurve): string {
  const title = `refusal trade-off · ${splitLabel(curve.split)}: refused when confidence < t`;
  if (curve.skipped !== null) return `${title}\n  skipped: ${curve.skipped}`;
  const kinds = Object.keys(curve.counts.unanswerable).filter((key) => key !== ALL);
  const sets = Object.keys(curve.counts.answerable).filter((key) => key !== ALL);
  const narrow = (key: string) => Math.max(key.length, 5);
  const cell = (value: number | undefined, key: string) => (value === undefined ? '-' : value.toFixed(2)).padEnd(narrow(key));
  const header = [
    't'.padEnd(9),
    `unanswerable (${curve.counts.unanswerable[ALL] ?? 0})`.padEnd(ESTIMATE_WIDTH),
    ...kinds.map((kind) => kind.padEnd(narrow(kind))),
    '|',
    `answerable (${curve.counts.answerable[ALL] ?? 0})`.padEnd(ESTIMATE_WIDTH),
    ...sets.map((set) => set.padEnd(narrow(set))),
  ];
  const counts = [
    ''.padEnd(9),
    ''.padEnd(ESTIMATE_WIDTH),
    ...kinds.map((kind) => `(${curve.counts.unanswerable[kind]})`.padEnd(narrow(kind))),
    '|',
    ''.padEnd(ESTIMATE_WIDTH),
    ...sets.map((set) => `(${curve.counts.answerable[set]})`.padEnd(narrow(set))),
  ];
  const lines = [title, '  refusal rate on unanswerable (higher is better) | false-refusal rate on answerable (lower is better)', header.join(' ').trimEnd(), counts.join(' ').trimEnd()];
  for (const point of curve.points) {
    lines.push(
      [
        (point.threshold === null ? 'observed' : point.threshold.toFixed(2)).padEnd(9),
        formatEstimate(point.unanswerableAll).padEnd(ESTIMATE_WIDTH),
        ...kinds.map((kind) => cell(point.unanswerable[kind], kind)),
        '|',
        formatEstimate(point.answerableAll).padEnd(ESTIMATE_WIDTH),
        ...sets.map((set) => cell(point.answerable[set], set)),
      ]
        .join(' ')
        .trimEnd(),
    );
  }
  lines.push('  observed = the refusals the pipeline made (its threshold plus hard rules)');
  return lines.join('\n');
}

const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export function formatFailures(records: readonly QuestionRecord[]): string {
  const failing = records.flatMap((record) => (record.answer && isAnswerFailure(record.answer) ? [{ record, answer: record.answer }] : []));
  if (failing.length === 0) return 'failures: none';
  return failing
    .map(({ record, answer }) => {
      const what = [
        answer.goldCited === false ? 'gold not cited' : '',
        answer.contains === false ? 'missing answer_contains' : '',
        answer.passed === false ? 'not refused cleanly' : '',
      ].filter(Boolean);
      return `[${record.split}/${record.set} ${record.id}] ${record.question}\n  ${what.join(', ')}${answer.refused ? ' (refused)' : ''}\n  → ${oneLine(answer.answer, 400)}`;
    })
    .join('\n\n');
}

function formatChange(change: QuestionChange): string {
  return `  ${change.outcome.padEnd(5)} ${change.set.padEnd(14)} ${change.id.padEnd(10)} ${oneLine(change.question, 60).padEnd(60)}  ${change.metric} ${change.from} → ${change.to}`;
}

export function formatComparison(comparison: RunComparison): string {
  const lines = [
    `A: ${comparison.a.source}  ${comparison.a.description}`,
    `B: ${comparison.b.source}  ${comparison.b.description}`,
    `${comparison.matchedQuestions} questions in both runs (only in A: ${comparison.onlyInA}, only in B: ${comparison.onlyInB})`,
  ];
  const splits = [...new Set(comparison.metrics.map((row) => row.split))];
  for (const split of splits) {
    for (const section of ['retrieval', 'answers'] as const) {
      const rows = comparison.metrics.filter((row) => row.split === split && row.section === section);
      if (rows.length === 0) continue;
      lines.push('', `${section} · ${splitLabel(split)}`);
      lines.push(
        ...table(
          ['set', 'n', 'metric', 'A', 'B', 'B − A (paired)'],
          rows.map((row) => [row.set, String(row.delta?.n ?? Math.max(row.a?.n ?? 0, row.b?.n ?? 0)), row.metric, formatEstimate(row.a), formatEstimate(row.b), formatDelta(row.delta)]),
          [SET_WIDTH, 4, 15, ESTIMATE_WIDTH, ESTIMATE_WIDTH, 24],
        ),
      );
    }
  }
  lines.push('', '  n = questions scored in both runs; * = the paired 95 % interval of B − A excludes 0');
  const changeSplits = [...new Set(comparison.changes.map((change) => change.split))];
  for (const split of changeSplits) {
    const changes = comparison.changes.filter((change) => change.split === split);
    const wins = changes.filter((change) => change.outcome === 'win');
    const losses = changes.filter((change) => change.outcome === 'loss');
    lines.push('', `per question · ${splitLabel(split)}: ${wins.length} wins, ${losses.length} losses (B against A)`);
    lines.push(...wins.map(formatChange), ...losses.map(formatChange));
  }
  if (comparison.changes.length === 0) lines.push('', 'per question: no question changed');
  return lines.join('\n');
}
