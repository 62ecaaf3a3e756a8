import { estimateOf, type BootstrapOptions } from './bootstrap.ts';
import type { CurvePoint, QuestionRecord, RefusalCurve } from './records.ts';

/** 0.00, 0.05, …, 1.00 (i / 20 is the double nearest each decimal, so labels print exactly). */
export const CURVE_THRESHOLDS: readonly number[] = Array.from({ length: 21 }, (_, index) => index / 20);

export const ALL = 'all';

function rate(records: readonly QuestionRecord[], refused: (record: QuestionRecord) => boolean): number {
  return records.length === 0 ? 0 : records.filter(refused).length / records.length;
}

function columns(records: readonly QuestionRecord[], keyOf: (record: QuestionRecord) => string): Map<string, QuestionRecord[]> {
  const byKey = new Map<string, QuestionRecord[]>([[ALL, [...records]]]);
  for (const record of records) {
    const key = keyOf(record);
    byKey.set(key, [...(byKey.get(key) ?? []), record]);
  }
  return byKey;
}

/**
 * What refusing below a confidence threshold t would trade: the share of unanswerable
 * questions refused (higher is better) against the share of answerable ones refused
 * (lower is better), for every t of the grid, plus the pipeline's own operating point
 * (its observed refusals, which also include hard-rule refusals). A question counts as
 * refused at t when its confidence < t, as the pipeline decides it. Returns null when the
 * split has no answers (retrieval-only run); a curve with `skipped` set when any answer
 * lacks a confidence, because a curve over the rest would quietly drop questions.
 */
export function refusalCurve(
  split: string,
  records: readonly QuestionRecord[],
  thresholds: readonly number[] = CURVE_THRESHOLDS,
  bootstrap: BootstrapOptions = {},
): RefusalCurve | null {
  const answered = records.filter((record) => record.split === split && record.answer);
  if (answered.length === 0) return null;
  const unanswerable = columns(
    answered.filter((record) => record.setKind === 'unanswerable'),
    (record) => record.unanswerableKind ?? 'unknown',
  );
  const answerable = columns(
    answered.filter((record) => record.setKind !== 'unanswerable'),
    (record) => record.set,
  );
  const counts = {
    unanswerable: Object.fromEntries([...unanswerable].map(([key, group]) => [key, group.length])),
    answerable: Object.fromEntries([...answerable].map(([key, group]) => [key, group.length])),
  };
  const missing = answered.filter((record) => record.answer?.confidence === null).length;
  if (missing > 0) {
    return { split, skipped: `${missing} of ${answered.length} answers carry no confidence (AskResult.confidence)`, counts, points: [] };
  }

  const point = (threshold: number | null, refused: (record: QuestionRecord) => boolean): CurvePoint => {
    const asBits = (group: readonly QuestionRecord[]) => group.map((record) => (refused(record) ? 1 : 0));
    return {
      threshold,
      unanswerable: Object.fromEntries([...unanswerable].map(([key, group]) => [key, rate(group, refused)])),
      answerable: Object.fromEntries([...answerable].map(([key, group]) => [key, rate(group, refused)])),
      unanswerableAll: estimateOf(asBits(unanswerable.get(ALL) ?? []), bootstrap) ?? null,
      answerableAll: estimateOf(asBits(answerable.get(ALL) ?? []), bootstrap) ?? null,
    };
  };
  const points = thresholds.map((threshold) => point(threshold, (record) => (record.answer?.confidence ?? 0) < threshold));
  points.push(point(null, (record) => record.answer?.refused === true));
  return { split, skipped: null, counts, points };
}
