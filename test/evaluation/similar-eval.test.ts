import { describe, expect, it } from 'vitest';
import type { EvalSplit } from '../../src/evaluation/run-eval.ts';
import { evaluateSimilarPapers, formatSimilarTable, type NeighbourFinder } from '../../src/evaluation/similar-eval.ts';

const titleToId = new Map(['A', 'B', 'C', 'D', 'E'].map((title) => [title, title.toLowerCase()]));

const splits: EvalSplit[] = [
  {
    name: 'tune',
    dir: '/eval',
    sets: [
      { name: 'topics', kind: 'retrieval', cases: [{ id: 't1', question: 'q', gold_titles: ['A', 'B', 'C'] }] },
      { name: 'multi', kind: 'retrieval', cases: [{ id: 'm1', question: 'q', gold_titles: ['D', 'E'] }, { id: 'm2', question: 'q', gold_titles: ['A'] }] },
      // Not a topical set: never scored.
      { name: 'short', kind: 'retrieval', cases: [{ id: 's1', question: 'q', gold_titles: ['A', 'B'] }] },
    ],
  },
];

/** a finds b only; b finds a and c; c finds nothing; d finds e; e finds nothing. */
const neighbours: Record<string, string[]> = { a: ['b', 'x'], b: ['c', 'a'], c: ['x', 'y'], d: ['e'], e: [] };
const finder: NeighbourFinder = async (paperId, k) => (neighbours[paperId] ?? []).slice(0, k);

describe('similar-papers evaluation', () => {
  it('averages co-gold recall per question, then over questions, per set and pooled', async () => {
    const rows = await evaluateSimilarPapers(splits, titleToId, { hybrid: finder }, { resamples: 50 });
    const bySet = new Map(rows.map((row) => [row.set, row]));
    // t1: a 1/2, b 2/2, c 0/2 → 0.5. m1: d 1/1, e 0/1 → 0.5. m2 has one gold paper: nothing to find, skipped.
    expect(bySet.get('topics')).toMatchObject({ questions: 1, goldPapers: 3, recall: { mean: 0.5 } });
    expect(bySet.get('multi')).toMatchObject({ questions: 1, goldPapers: 2, recall: { mean: 0.5 } });
    expect(bySet.get('topics+multi')).toMatchObject({ questions: 2, goldPapers: 5 });
    expect(bySet.has('short')).toBe(false);
    expect(formatSimilarTable('tune', rows)).toContain('topics+multi  hybrid   0.500');
    expect(formatSimilarTable('check', rows)).toBe('');
  });

  it('counts only the first k neighbours', async () => {
    const rows = await evaluateSimilarPapers(splits, titleToId, { hybrid: finder }, { resamples: 50 }, 1);
    // k = 1: a finds b (1/2), b finds c (1/2), c nothing → 1/3.
    expect(rows.find((row) => row.set === 'topics')!.recall.mean).toBeCloseTo(1 / 3);
  });

  it('names a gold title missing from the corpus', async () => {
    const broken: EvalSplit[] = [{ name: 'tune', dir: '/eval', sets: [{ name: 'topics', kind: 'retrieval', cases: [{ id: 't9', question: 'q', gold_titles: ['Z'] }] }] }];
    await expect(evaluateSimilarPapers(broken, titleToId, { hybrid: finder })).rejects.toThrow(/t9: gold title not in the corpus: Z/);
  });
});
