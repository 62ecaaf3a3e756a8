import { describe, expect, it } from 'vitest';
import { MAX_LISTED_PAPERS, selectListed } from '../../src/answer/list-selection.ts';
import type { PaperHit } from '../../src/retrieval/types.ts';

function hit(paperId: string, ranker: number, score: number, termCoverage: number): PaperHit {
  return { paperId, title: paperId, score, snippet: '', chunks: [], scores: { fused: score, ranker, termCoverage } };
}

describe('selectListed', () => {
  it('lists the best paper even when it stands alone', () => {
    expect(selectListed([hit('a', 2, 1, 0.2)])).toEqual([0]);
  });

  it('lists near-ties and drops papers far behind the best', () => {
    const hits = [hit('a', 2.0, 1, 0.9), hit('b', 1.98, 0.99, 0.9), hit('c', -1.5, 0.05, 0.1)];
    expect(selectListed(hits)).toEqual([0, 1]);
  });

  it('lists a broad topic at length but never more than the cap', () => {
    const hits = Array.from({ length: 10 }, (_, position) => hit(`p${position}`, 2 - position * 0.001, 1 - position * 0.001, 0.9));
    expect(selectListed(hits)).toHaveLength(MAX_LISTED_PAPERS);
  });
});
