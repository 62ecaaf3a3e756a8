import { describe, expect, it } from 'vitest';
import type { ServedIndex } from '../../src/index/served-index.ts';
import { corpusTerms, prepareCorpusTerms } from '../../src/retrieval/paper-terms.ts';

/** Only `papers` and `paperById` are read for term statistics. */
function indexOf(count: number): ServedIndex {
  const papers = Array.from({ length: count }, (_, position) => ({
    id: `p${position}`,
    title: `Paper ${position} on ${position % 2 === 0 ? 'diffusion' : 'attention'}`,
    abstract: `We study ${position % 3 === 0 ? 'sparse' : 'dense'} transformers. Word${position % 7} appears here.`,
    sources: [],
    links: [],
  }));
  return { papers, paperById: new Map(papers.map((paper) => [paper.id, paper])) } as unknown as ServedIndex;
}

describe('prepareCorpusTerms', () => {
  it('counts the same document frequencies as the one-call build, yielding to the event loop between slices', async () => {
    const prepared = indexOf(1700);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    await prepareCorpusTerms(prepared);
    clearInterval(ticker);
    const direct = corpusTerms(indexOf(1700));
    expect(ticks).toBeGreaterThan(0);
    expect([...corpusTerms(prepared).documentFrequency].sort()).toEqual([...direct.documentFrequency].sort());
    expect(corpusTerms(prepared).documentFrequency.get('diffus')).toBe(850);
  });

  it('lets a question in the middle finish from where the preparation is, counting no paper twice', async () => {
    const index = indexOf(1700);
    const preparing = prepareCorpusTerms(index);
    // Past the first yield and one slice: the rest is left to the question.
    for (let tick = 0; tick < 2; tick++) await new Promise((resolve) => setImmediate(resolve));
    const midway = corpusTerms(index);
    await preparing;
    expect(corpusTerms(index)).toBe(midway);
    expect(midway.documentFrequency.get('transform')).toBe(1700);
    expect(midway.paperCount).toBe(1700);
  });
});
