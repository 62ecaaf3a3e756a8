import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerPipeline } from '../../src/answer/pipeline.ts';
import { loadConfig } from '../../src/config.ts';
import { buildIndex } from '../../src/index/build-index.ts';
import { loadIndex, type LoadedIndex } from '../../src/index/load-index.ts';
import { HybridRetriever, keepBest } from '../../src/retrieval/hybrid-retriever.ts';
import { PaperLibrary } from '../../src/retrieval/paper-library.ts';
import { dotProduct, unitVector } from '../../src/util/vectors.ts';
import { makeTempDir, writeFixtureSeeds } from '../helpers/fixture-seeds.ts';
import { TestHashingEmbeddings } from '../helpers/hashing-embeddings.ts';
import { silentLibraryLogger } from '../helpers/test-app.ts';

/** The best `keep` positions by score, as push + stable sort (what keepBest replaced) gives them. */
function sortedBest(scores: readonly number[], keep: number): number[] {
  const top: number[] = [];
  scores.forEach((score, position) => {
    if (top.length < keep || score > scores[top[top.length - 1]!]!) {
      top.push(position);
      top.sort((a, b) => scores[b]! - scores[a]!);
      if (top.length > keep) top.pop();
    }
  });
  return top;
}

let index: LoadedIndex;
let embeddings: TestHashingEmbeddings;

beforeAll(async () => {
  embeddings = new TestHashingEmbeddings();
  const result = await buildIndex({ seedsDir: await writeFixtureSeeds(), dataDir: await makeTempDir(), embeddings });
  index = await loadIndex(result.folder, embeddings);
}, 60_000);

describe('keepBest', () => {
  it('keeps the same positions in the same order as push + stable sort, ties included', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 500; trial++) {
      // Scores from a few values, so ties are common.
      const scores = Array.from({ length: 1 + Math.floor(random() * 20) }, () => Math.floor(random() * 5) / 4);
      for (const keep of [1, 3, 5]) {
        const top: number[] = [];
        scores.forEach((_, position) => keepBest(top, position, scores, keep));
        expect(top).toEqual(sortedBest(scores, keep));
      }
    }
  });
});

describe('candidate scoring on the files store', () => {
  it("scores every unit of a paper in index order, against the paper's stored vectors", async () => {
    const query = unitVector(await embeddings.embedQuery('satellite images of the Earth'));
    const paperIds = [...index.papers.map((paper) => paper.id), 'no-such-paper'];
    const [scored, stored] = await Promise.all([index.candidates.scoreUnitsOfPapers(paperIds, query), index.candidates.paperUnits(paperIds)]);
    for (const paperId of paperIds) {
      const { units, similarities } = scored.get(paperId)!;
      const expected = stored.get(paperId) ?? [];
      expect(units.map((unit) => unit.chunkId)).toEqual(expected.map((unit) => unit.chunkId));
      expect(units.map(({ kind, start, end }) => ({ kind, start, end }))).toEqual(expected.map(({ kind, start, end }) => ({ kind, start, end })));
      expect(Array.from(similarities)).toEqual(expected.map((unit) => dotProduct(unit.vector, query)));
    }
    expect(scored.get('no-such-paper')!.units).toEqual([]);
  });

  it("gives each hit its best three non-title units, best first, with their exact scores and text", async () => {
    const retriever = new HybridRetriever(index);
    const question = 'small language models running on phones';
    const query = unitVector(await embeddings.embedQuery(question));
    const hits = await retriever.search(question, { k: 5 });
    expect(hits.length).toBeGreaterThan(1);
    const units = await index.candidates.paperUnits(hits.map((hit) => hit.paperId));
    for (const hit of hits) {
      const passages = units.get(hit.paperId)!.filter((unit) => unit.kind !== 'title');
      const scores = passages.map((unit) => dotProduct(unit.vector, query));
      const abstract = index.paperById.get(hit.paperId)!.abstract;
      const expected = sortedBest(scores, 3).map((position) => {
        const { chunkId, start, end } = passages[position]!;
        return { chunkId, text: abstract.slice(start, end), start, end, score: scores[position]! };
      });
      expect(hit.chunks).toEqual(expected);
      expect(hit.snippet).toBe(expected[0]?.text ?? abstract.slice(0, 300));
    }
  });

  it('keeps query vectors as Float32Array, equal to the embedder’s, and embeds a query once', async () => {
    const counting = new TestHashingEmbeddings();
    const retriever = new HybridRetriever({ ...index, embeddings: counting });
    const vector = await retriever.embedQuery('event cameras');
    expect(vector).toBeInstanceOf(Float32Array);
    expect(Array.from(vector)).toEqual(Array.from(Float32Array.from(await counting.embedQuery('event cameras'))));
    const calls = counting.queryCalls;
    expect(await retriever.embedQuery('event cameras')).toBe(vector);
    expect(counting.queryCalls).toBe(calls);
  });

  it("takes an embedder's own Float32Array query vector when it has one", async () => {
    const typed = new TestHashingEmbeddings();
    const given = Float32Array.from({ length: typed.dimensions }, (_, position) => (position === 3 ? 1 : 0));
    const retriever = new HybridRetriever({ ...index, embeddings: Object.assign(typed, { embedQueryVector: async () => given }) });
    expect(await retriever.embedQuery('anything')).toBe(given);
  });
});

describe('answer pipeline retrieval', () => {
  let library: PaperLibrary;
  let pipeline: AnswerPipeline;
  const counting = new TestHashingEmbeddings();

  beforeAll(async () => {
    const config = loadConfig({ SEEDS_DIR: await writeFixtureSeeds(), DATA_DIR: await makeTempDir(), LOG_LEVEL: 'silent' });
    library = new PaperLibrary(config, silentLibraryLogger, { select: async () => counting, byId: async () => counting });
    await library.start();
    pipeline = new AnswerPipeline(library);
  }, 60_000);

  afterAll(async () => {
    await library.close();
  });

  it("answers a standalone question from the search's own top k, embedding the question once", async () => {
    const question = 'Which paper reads event streams from cameras?';
    const before = counting.queryCalls;
    const result = await pipeline.ask({ question, history: [], k: 2 });
    expect(counting.queryCalls - before).toBe(1);
    const pool = await library.search(question, { k: 50 });
    expect(result.retrieved.map((hit) => hit.paperId)).toEqual(pool.slice(0, 2).map((hit) => hit.paperId));
    expect(result.retrieved.map((hit) => hit.scores)).toEqual(pool.slice(0, 2).map((hit) => hit.scores));
  });
});
