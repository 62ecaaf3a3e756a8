import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { NotFoundError } from '../../src/errors.ts';
import { PaperLibrary } from '../../src/retrieval/paper-library.ts';
import { corpusTerms } from '../../src/retrieval/paper-terms.ts';
import { coGoldRecall } from '../../src/evaluation/similar-eval.ts';
import { DEFAULT_SIMILAR_SETTINGS, findSimilarPapers, reasonSummary, sharedKeyTerms } from '../../src/retrieval/similar-papers.ts';
import { FIXTURE_PAPERS, makeTempDir, writeFixtureSeeds } from '../helpers/fixture-seeds.ts';
import { TestHashingEmbeddings } from '../helpers/hashing-embeddings.ts';
import { silentLibraryLogger } from '../helpers/test-app.ts';

/** The shared fixture plus a second paper on each of two topics, so each has one clear neighbour. */
const PAPERS = [
  ...FIXTURE_PAPERS,
  {
    title: 'Optical Flow from Event Cameras with Spiking Networks',
    abstract:
      'Event cameras report brightness changes per pixel with microsecond latency. We estimate optical flow from event streams with a spiking network. Our spiking network halves the flow error on the MVSEC event benchmark.',
  },
  {
    title: 'Expressive Speech Synthesis for Audiobooks',
    abstract:
      'Audiobooks need expressive speech. We train a text-to-speech model on narrated audio so that speech synthesis follows the story. Listeners prefer its audio over a neutral baseline.',
  },
];

let library: PaperLibrary;
const idOf = (prefix: string) => library.current!.index.papers.find((paper) => paper.title.startsWith(prefix))!.id;

beforeAll(async () => {
  const config = loadConfig({ SEEDS_DIR: await writeFixtureSeeds(PAPERS), DATA_DIR: await makeTempDir(), LOG_LEVEL: 'silent' });
  const embeddings = new TestHashingEmbeddings();
  library = new PaperLibrary(config, silentLibraryLogger, { select: async () => embeddings, byId: async () => embeddings });
  await library.start();
});
afterAll(async () => {
  await library.close();
});

describe('similar papers', () => {
  it('ranks the paper on the same topic first and never returns the paper itself', async () => {
    const eventFormer = idOf('EventFormer');
    const similar = await library.similarPapers(eventFormer, { k: 10 });
    expect(similar[0]!.title).toMatch(/^Optical Flow from Event Cameras/);
    expect(similar.map((hit) => hit.paperId)).not.toContain(eventFormer);
    // Every other paper is a candidate at most once, and scores are best first in [0, 1].
    expect(new Set(similar.map((hit) => hit.paperId)).size).toBe(similar.length);
    expect(similar.length).toBeLessThanOrEqual(PAPERS.length - 1);
    expect(similar[0]!.score).toBeLessThanOrEqual(1);
    for (let rank = 1; rank < similar.length; rank++) expect(similar[rank]!.score).toBeLessThanOrEqual(similar[rank - 1]!.score);
    const speech = await library.similarPapers(idOf('Speech Synthesis with Flow'), { k: 2 });
    expect(speech[0]!.title).toBe('Expressive Speech Synthesis for Audiobooks');
  });

  it('returns at most k papers', async () => {
    expect(await library.similarPapers(idOf('EventFormer'), { k: 1 })).toHaveLength(1);
    expect(await library.similarPapers(idOf('EventFormer'), { k: 3 })).toHaveLength(3);
  });

  it('explains a match by shared key terms and the best sentence pair, with offsets into each abstract', async () => {
    const index = library.current!.index;
    const source = index.paperById.get(idOf('EventFormer'))!;
    const [best] = await library.similarPapers(source.id, { k: 1 });
    const similar = index.paperById.get(best!.paperId)!;
    // Words as the source paper writes them, not stems; both papers contain each.
    expect(best!.reason.sharedTerms).toEqual(expect.arrayContaining(['event', 'cameras', 'brightness']));
    for (const term of best!.reason.sharedTerms) {
      expect(source.abstract.toLowerCase() + source.title.toLowerCase()).toContain(term);
    }
    expect(best!.reason.sharedTerms).not.toContain('we');
    expect(best!.reason.summary).toBe(`Shared terms: ${best!.reason.sharedTerms.join(', ')}`);
    const pair = best!.reason.sentences!;
    expect(source.abstract.slice(pair.source.start, pair.source.end)).toBe(pair.source.text);
    expect(similar.abstract.slice(pair.similar.start, pair.similar.end)).toBe(pair.similar.text);
    expect(pair.source.text).toMatch(/event/i);
    expect(pair.similar.text).toMatch(/event/i);
    expect(pair.similarity).toBeGreaterThan(0);
  });

  it('names only terms both papers use, as many as asked for', () => {
    const index = library.current!.index;
    const corpus = corpusTerms(index);
    const source = index.paperById.get(idOf('EventFormer'))!;
    const other = index.paperById.get(idOf('Optical Flow'))!;
    const terms = sharedKeyTerms(source, other, corpus, 10);
    const textOf = (paper: typeof source) => `${paper.title} ${paper.abstract}`.toLowerCase();
    for (const term of terms) {
      expect(textOf(source)).toContain(term);
      expect(textOf(other)).toContain(term);
    }
    expect(terms).not.toContain('transformer');
    expect(terms).not.toContain('91.2');
    expect(sharedKeyTerms(source, other, corpus, 2)).toEqual(terms.slice(0, 2));
    expect(reasonSummary([])).toMatch(/no distinctive terms/);
  });

  it('uses either side alone when asked (the eval compares them)', async () => {
    const index = library.current!.index;
    const vectorOnly = await findSimilarPapers(index, idOf('EventFormer'), { k: 5 }, { ...DEFAULT_SIMILAR_SETTINGS, vectorWeight: 1 });
    const lexicalOnly = await findSimilarPapers(index, idOf('EventFormer'), { k: 5 }, { ...DEFAULT_SIMILAR_SETTINGS, vectorWeight: 0 });
    const byVector = [...vectorOnly].sort((a, b) => b.scores.vector - a.scores.vector);
    expect(vectorOnly.map((hit) => hit.paperId)).toEqual(byVector.map((hit) => hit.paperId));
    expect(lexicalOnly[0]!.scores.lexicalRank).toBe(1);
    expect(vectorOnly[0]!.scores.vectorRank).toBe(1);
  });

  it('is a NotFoundError for an unknown id', async () => {
    await expect(library.similarPapers('no-such-paper', { k: 5 })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('co-gold recall', () => {
  it('counts the other gold papers among the first k neighbours', () => {
    expect(coGoldRecall(['a', 'b', 'c'], ['b', 'x'], 10)).toBe(0.5);
    expect(coGoldRecall(['a', 'b', 'c'], ['c'], 2)).toBe(0);
    expect(coGoldRecall(['a'], [], 10)).toBeNull();
  });
});
