import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleRun, runConfig } from '../../src/evaluation/build-run.ts';
import { compareRuns, questionChanges } from '../../src/evaluation/compare.ts';
import { parseRun, readRun, type EvalRun, type QuestionRecord } from '../../src/evaluation/records.ts';
import { formatComparison } from '../../src/evaluation/report-format.ts';
import { answer, answerable, record, retrieval, unanswerable } from './fixtures.ts';

function run(records: QuestionRecord[], label: string): EvalRun {
  const config = runConfig({
    label,
    embedder: 'fake',
    provider: 'extractive',
    answerK: 6,
    retrievalK: 10,
    splits: [{ name: 'tune', dir: '/eval' }],
    sets: null,
    retrievalOnly: false,
    git: null,
    createdAt: '2025-01-01T00:00:00.000Z',
  });
  return assembleRun(config, records, 1);
}

describe('questionChanges', () => {
  it('reports a better gold rank as a win and a lost one as a loss', () => {
    const before = record({ retrieval: retrieval({ goldRank: 7 }) });
    expect(questionChanges(before, record({ retrieval: retrieval({ goldRank: 2 }) }))).toMatchObject([
      { metric: 'gold rank', from: '7', to: '2', outcome: 'win' },
    ]);
    expect(questionChanges(before, record({ retrieval: retrieval({ goldRank: null }) }))).toMatchObject([
      { metric: 'gold rank', from: '7', to: '>10', outcome: 'loss' },
    ]);
    expect(questionChanges(before, before)).toEqual([]);
  });

  it('reports refused → answered on an answerable question as a win, with the citation change', () => {
    const changes = questionChanges(answerable('q', 'short', null, true), answerable('q', 'short', null, false));
    expect(changes).toMatchObject([
      { metric: 'answer', from: 'refused', to: 'answered', outcome: 'win' },
      { metric: 'gold cited', from: 'no', to: 'yes', outcome: 'win' },
    ]);
  });

  it('reports answering an unanswerable question as a loss', () => {
    expect(questionChanges(unanswerable('u', 'nearmiss', null, true), unanswerable('u', 'nearmiss', null, false))).toMatchObject([
      { metric: 'unanswerable', from: 'refused', to: 'answered', outcome: 'loss' },
    ]);
  });

  it('compares recall and citation precision for questions with several gold papers', () => {
    const multi = (recallAt10: number, citationPrecision: number) =>
      record({ set: 'topics', gold: ['p1', 'p2'], retrieval: retrieval({ goldRank: 1, recallAt10, recallAtGold: recallAt10 }), answer: answer({ goldCited: true, citationPrecision, citationRecall: 0.5 }) });
    expect(questionChanges(multi(0.5, 1), multi(1, 0.5)).map((change) => [change.metric, change.from, change.to, change.outcome])).toEqual([
      ['R@|G|', '0.50', '1.00', 'win'],
      ['R@10', '0.50', '1.00', 'win'],
      ['cit.P', '1.00', '0.50', 'loss'],
    ]);
  });
});

describe('compareRuns', () => {
  const a = run(
    [
      record({ id: 'q1', retrieval: retrieval({ goldRank: 1, recallAt1: 1 }) }),
      record({ id: 'q2', retrieval: retrieval({ goldRank: 3, recallAt1: 0 }) }),
      record({ id: 'q3', retrieval: retrieval({ goldRank: 2, recallAt1: 0 }) }),
      record({ id: 'gone', retrieval: retrieval({ goldRank: 1, recallAt1: 1 }) }),
    ],
    'A',
  );
  const b = run(
    [
      record({ id: 'q1', retrieval: retrieval({ goldRank: 1, recallAt1: 1 }) }),
      record({ id: 'q2', retrieval: retrieval({ goldRank: 1, recallAt1: 1 }) }),
      record({ id: 'q3', retrieval: retrieval({ goldRank: 1, recallAt1: 1 }) }),
      record({ id: 'new', retrieval: retrieval({ goldRank: null }) }),
    ],
    'B',
  );

  it('puts the summaries side by side with the paired difference over shared questions', () => {
    const comparison = compareRuns(a, b, { a: 'a.json', b: 'b.json' });
    const r1 = comparison.metrics.find((row) => row.set === 'short' && row.metric === 'R@1')!;
    expect(r1.a?.mean).toBe(0.5);
    expect(r1.b?.mean).toBe(0.75);
    expect(r1.delta).toMatchObject({ mean: 2 / 3, n: 3 });
    expect(comparison).toMatchObject({ matchedQuestions: 3, onlyInA: 1, onlyInB: 1 });
    expect(comparison.changes.map((change) => [change.id, change.from, change.to, change.outcome])).toEqual([
      ['q2', '3', '1', 'win'],
      ['q3', '2', '1', 'win'],
    ]);
    const text = formatComparison(comparison);
    expect(text).toContain('2 wins, 0 losses');
    expect(text).toMatch(/short\s+3\s+R@1\s+0\.500 \[.*\]\s+0\.750 \[.*\]\s+\+0\.667/);
  });

  it('survives a JSON round trip through parseRun', () => {
    const reparsed = parseRun(JSON.parse(JSON.stringify(b)), 'b.json');
    expect(compareRuns(a, reparsed, { a: 'a', b: 'b' })).toEqual(compareRuns(a, b, { a: 'a', b: 'b' }));
  });
});

describe('readRun', () => {
  it('names the file and the bad field of a malformed run', async () => {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'eval-run-'));
    const broken = path.join(folder, 'broken.json');
    const good = run([answerable('q', 'short', 0.5)], 'x');
    const damaged = { ...good, records: [{ ...good.records[0], answer: { ...good.records[0]!.answer, refused: 'no' } }] };
    await fs.writeFile(broken, JSON.stringify(damaged));
    await expect(readRun(broken)).rejects.toThrow(/broken\.json is not a saved eval run.*records\.0\.answer\.refused/);

    const notJson = path.join(folder, 'text.json');
    await fs.writeFile(notJson, 'hello');
    await expect(readRun(notJson)).rejects.toThrow(/text\.json is not JSON/);
    await expect(readRun(path.join(folder, 'missing.json'))).rejects.toThrow(/cannot read .*missing\.json/);
    await fs.rm(folder, { recursive: true });
  });
});
