import { describe, expect, it } from 'vitest';
import { refusalCurve } from '../../src/evaluation/refusal-curve.ts';
import { metricKeysFor, POOLED_ANSWERABLE, summarize } from '../../src/evaluation/summarize.ts';
import { answer, answerable, record, retrieval, unanswerable } from './fixtures.ts';

describe('summarize', () => {
  it('reports R@|G|, cit.R and cit.P only over questions with several gold papers', () => {
    const records = [
      record({ id: 'a', set: 'multi', gold: ['p1', 'p2'], retrieval: retrieval({ recallAtGold: 0.5 }), answer: answer({ goldCited: true, citationRecall: 0.5, citationPrecision: 1 }) }),
      record({ id: 'b', set: 'multi', gold: ['p3'], retrieval: retrieval({ recallAtGold: 1 }), answer: answer({ goldCited: true, citationRecall: 1, citationPrecision: 1 }) }),
    ];
    const rows = summarize(records);
    const retrievalRow = rows.find((row) => row.section === 'retrieval')!;
    expect(retrievalRow.metrics['R@|G|']).toEqual({ mean: 0.5, low: 0.5, high: 0.5, n: 1 });
    const answerRow = rows.find((row) => row.section === 'answers' && row.set === 'multi')!;
    expect(answerRow.metrics['cit.R']?.n).toBe(1);
    expect(answerRow.metrics['cited']?.n).toBe(2);
  });

  it('averages contains only where answer_contains was given, instead of counting the rest as failures', () => {
    const records = [
      record({ id: 'a', set: 'conversations', setKind: 'conversation', answer: answer({ goldCited: true, contains: true }) }),
      record({ id: 'b', set: 'conversations', setKind: 'conversation', answer: answer({ goldCited: true, contains: null }) }),
    ];
    const row = summarize(records).find((item) => item.section === 'answers' && item.set === 'conversations')!;
    expect(row.metrics['contains']).toMatchObject({ mean: 1, n: 1 });
    expect(row.n).toBe(2);
  });

  it('reports pass rates per unanswerable kind and a pooled false-refusal row per split', () => {
    const records = [
      answerable('s1', 'short', null, true),
      answerable('s2', 'short', null, false),
      answerable('f1', 'facts', null, false),
      answerable('f2', 'facts', null, false),
      unanswerable('u1', 'offtopic', null, true),
      unanswerable('u2', 'injection', null, false),
      { ...answerable('c1', 'short', null, true), split: 'check' },
    ];
    const rows = summarize(records);
    const unanswerableRow = rows.find((row) => row.set === 'unanswerable')!;
    expect(Object.keys(unanswerableRow.metrics)).toEqual(['pass', 'pass:offtopic', 'pass:injection']);
    expect(unanswerableRow.metrics['pass:injection']?.mean).toBe(0);
    expect(unanswerableRow.metrics['refused']).toBeUndefined();
    const pooled = rows.filter((row) => row.set === POOLED_ANSWERABLE);
    expect(pooled.map((row) => [row.split, row.n, row.metrics['refused']?.mean])).toEqual([
      ['tune', 4, 0.25],
      ['check', 1, 1],
    ]);
  });

  it('lists only the metrics that apply', () => {
    const records = [record({ retrieval: retrieval(), answer: answer({ goldCited: false }) })];
    expect(metricKeysFor(records, 'retrieval')).toEqual(['R@1', 'R@5', 'R@10', 'MRR@10']);
    expect(metricKeysFor(records, 'answers')).toEqual(['cited', 'refused']);
  });
});

describe('refusalCurve', () => {
  const records = [
    unanswerable('u1', 'offtopic', 0.1),
    unanswerable('u2', 'offtopic', 0.3),
    unanswerable('u3', 'injection', 0),
    unanswerable('u4', 'nearmiss', 0.6, false),
    answerable('s1', 'short', 0.2, true),
    answerable('s2', 'short', 0.5),
    answerable('s3', 'short', 0.9),
    answerable('m1', 'multi', 0.7),
  ];

  it('counts a question as refused at t when its confidence is below t', () => {
    const curve = refusalCurve('tune', records, [0, 0.25, 0.55, 1])!;
    expect(curve.skipped).toBeNull();
    expect(curve.counts).toEqual({ unanswerable: { all: 4, offtopic: 2, injection: 1, nearmiss: 1 }, answerable: { all: 4, short: 3, multi: 1 } });
    const [zero, quarter, half, one] = curve.points;
    expect(zero!.unanswerable).toEqual({ all: 0, offtopic: 0, injection: 0, nearmiss: 0 });
    expect(zero!.answerable).toEqual({ all: 0, short: 0, multi: 0 });
    expect(quarter!.unanswerable).toEqual({ all: 0.5, offtopic: 0.5, injection: 1, nearmiss: 0 });
    expect(quarter!.answerable).toEqual({ all: 0.25, short: 1 / 3, multi: 0 });
    expect(half!.unanswerable['all']).toBe(0.75);
    expect(half!.answerable['all']).toBe(0.5);
    expect(one!.unanswerable['all']).toBe(1);
    expect(one!.answerable).toEqual({ all: 1, short: 1, multi: 1 });
    expect(half!.unanswerableAll?.mean).toBe(0.75);
    expect(half!.answerableAll?.mean).toBe(0.5);
  });

  it('ends with the operating point: the refusals the pipeline made', () => {
    const curve = refusalCurve('tune', records, [0.5])!;
    const observed = curve.points.at(-1)!;
    expect(observed.threshold).toBeNull();
    expect(observed.unanswerable).toEqual({ all: 0.75, offtopic: 1, injection: 1, nearmiss: 0 });
    expect(observed.answerable).toEqual({ all: 0.25, short: 1 / 3, multi: 0 });
  });

  it('is skipped, naming the count, when an answer has no confidence', () => {
    const curve = refusalCurve('tune', [...records, answerable('s4', 'short', null)])!;
    expect(curve.points).toEqual([]);
    expect(curve.skipped).toMatch(/1 of 9 answers carry no confidence/);
  });

  it('is null for a split without answers, and ignores other splits', () => {
    expect(refusalCurve('tune', [record({ retrieval: retrieval() })])).toBeNull();
    expect(refusalCurve('check', records)).toBeNull();
  });
});
