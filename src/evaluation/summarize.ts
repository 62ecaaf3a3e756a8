import { estimateOf, type BootstrapOptions } from './bootstrap.ts';
import type { Estimate, QuestionRecord, Section, SummaryRow } from './records.ts';

/** The summary row over every answerable question of a split (false refusals pooled). */
export const POOLED_ANSWERABLE = 'all answerable';

export const RETRIEVAL_METRICS = ['R@1', 'R@5', 'R@10', 'MRR@10', 'R@|G|'] as const;
export const ANSWER_METRICS = ['cited', 'cit.R', 'cit.P', 'contains', 'refused', 'R@5(last)', 'pass'] as const;
/** Pass rate of one kind of unanswerable question: `pass:offtopic`, … */
export const PASS_KIND_PREFIX = 'pass:';

const bit = (flag: boolean | null): number | undefined => (flag === null ? undefined : flag ? 1 : 0);
const orUndefined = (value: number | null): number | undefined => value ?? undefined;

/**
 * One question's value for a metric, or undefined where the metric does not apply (R@|G|,
 * cit.R and cit.P only mean something with several gold papers; `contains` only where the
 * set gives answer_contains; `refused` is the false-refusal rate, so only on answerable
 * questions). Summaries and paired comparisons both read metrics through this, so they
 * cannot disagree on what a metric is.
 */
export function metricValue(record: QuestionRecord, section: Section, key: string): number | undefined {
  if (section === 'retrieval') {
    const retrieval = record.retrieval;
    if (!retrieval) return undefined;
    switch (key) {
      case 'R@1':
        return retrieval.recallAt1;
      case 'R@5':
        return retrieval.recallAt5;
      case 'R@10':
        return retrieval.recallAt10;
      case 'MRR@10':
        return retrieval.reciprocalRank;
      case 'R@|G|':
        return record.gold.length > 1 ? retrieval.recallAtGold : undefined;
      default:
        return undefined;
    }
  }
  const answer = record.answer;
  if (!answer) return undefined;
  const answerable = record.setKind !== 'unanswerable';
  if (key.startsWith(PASS_KIND_PREFIX)) {
    return record.unanswerableKind === key.slice(PASS_KIND_PREFIX.length) ? bit(answer.passed) : undefined;
  }
  switch (key) {
    case 'cited':
      return answerable ? bit(answer.goldCited) : undefined;
    case 'cit.R':
      return record.gold.length > 1 ? orUndefined(answer.citationRecall) : undefined;
    case 'cit.P':
      return record.gold.length > 1 ? orUndefined(answer.citationPrecision) : undefined;
    case 'contains':
      return bit(answer.contains);
    case 'refused':
      return answerable ? bit(answer.refused) : undefined;
    case 'R@5(last)':
      return orUndefined(answer.retrievedAt5);
    case 'pass':
      return bit(answer.passed);
    default:
      return undefined;
  }
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** Metric keys of a section that apply to at least one of the records, in display order. */
export function metricKeysFor(records: readonly QuestionRecord[], section: Section): string[] {
  const base: readonly string[] = section === 'retrieval' ? RETRIEVAL_METRICS : ANSWER_METRICS;
  const kinds = section === 'answers' ? [...new Set(records.flatMap((record) => (record.unanswerableKind ? [record.unanswerableKind] : [])))] : [];
  const keys = [...base, ...kinds.map((kind) => `${PASS_KIND_PREFIX}${kind}`)];
  return keys.filter((key) => records.some((record) => metricValue(record, section, key) !== undefined));
}

function estimates(records: readonly QuestionRecord[], section: Section, bootstrap: BootstrapOptions): Record<string, Estimate> {
  const metrics: Record<string, Estimate> = {};
  for (const key of metricKeysFor(records, section)) {
    const values = records.flatMap((record) => {
      const value = metricValue(record, section, key);
      return value === undefined ? [] : [value];
    });
    const estimate = estimateOf(values, bootstrap);
    if (estimate) metrics[key] = estimate;
  }
  return metrics;
}

const meanOf = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * Summary rows per split and set (retrieval, then answers), plus one pooled false-refusal
 * row per split, every mean with its bootstrap interval.
 */
export function summarize(records: readonly QuestionRecord[], bootstrap: BootstrapOptions = {}): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const [split, splitRecords] of groupBy(records, (record) => record.split)) {
    const sets = groupBy(splitRecords, (record) => record.set);
    for (const section of ['retrieval', 'answers'] as const) {
      for (const [set, setRecords] of sets) {
        const scored = setRecords.filter((record) => (section === 'retrieval' ? record.retrieval : record.answer));
        if (scored.length === 0) continue;
        const ms = scored.flatMap((record) => (record.answer ? [record.answer.ms] : []));
        rows.push({
          split,
          set,
          setKind: scored[0]!.setKind,
          section,
          n: scored.length,
          metrics: estimates(scored, section, bootstrap),
          meanMs: section === 'answers' && ms.length > 0 ? meanOf(ms) : null,
        });
      }
      if (section === 'answers') {
        const refusals = splitRecords.flatMap((record) => {
          const value = metricValue(record, 'answers', 'refused');
          return value === undefined ? [] : [value];
        });
        const pooled = estimateOf(refusals, bootstrap);
        if (pooled) rows.push({ split, set: POOLED_ANSWERABLE, setKind: null, section, n: refusals.length, metrics: { refused: pooled }, meanMs: null });
      }
    }
  }
  return rows;
}
