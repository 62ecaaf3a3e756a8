import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { parseSeedFiles } from '../../src/corpus/read-seeds.ts';
import type { LexicalHit } from '../../src/index/lexical-index.ts';
import { MiniSearchLexicalIndex } from '../../src/index/minisearch-lexical-index.ts';
import { PostingsLexicalIndex } from '../../src/index/postings-lexical-index.ts';

const corpus = await parseSeedFiles(path.join(PROJECT_ROOT, 'seeds'));
const papers = corpus.papers;
const reference = MiniSearchLexicalIndex.build(papers);
const postings = PostingsLexicalIndex.build(papers);

/** Deterministic queries: titles, words picked across abstracts, repeats, names with digits. */
function queries(): string[] {
  const list = ['what datasets did they use?', 'vision transformer ImageNet top-1 accuracy', 'gpt-4 gpt-4 evaluation', 'nothing-matches-zzqx', 'the of and', 'LLaMA 3.5 agents'];
  let state = 7;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let index = 0; index < 60; index++) {
    const paper = papers[Math.floor(next() * papers.length)]!;
    const words = paper.abstract.split(/\s+/);
    list.push(index % 3 === 0 ? paper.title : Array.from({ length: 2 + (index % 7) }, () => words[Math.floor(next() * words.length)]).join(' '));
  }
  return list;
}

/** Same papers in the same order, scores equal up to float summation order. */
function expectSameRanking(actual: LexicalHit[], expected: LexicalHit[]): void {
  expect(actual.map((hit) => hit.paperId)).toEqual(expected.map((hit) => hit.paperId));
  actual.forEach((hit, rank) => expect(hit.score).toBeCloseTo(expected[rank]!.score, 9));
}

describe('PostingsLexicalIndex', () => {
  it('ranks exactly as the MiniSearch BM25 it replaces, on the seed corpus', () => {
    expect(postings.documentCount).toBe(reference.documentCount);
    for (const query of queries()) expectSameRanking(postings.query(query, 100), reference.query(query, 100));
  });

  it('applies filters and term weights as MiniSearch did', () => {
    const allowed = new Set(papers.filter((_, index) => index % 3 === 0).map((paper) => paper.id));
    const termWeights = new Map([['transform', 0.3]]);
    for (const query of queries().slice(0, 20)) {
      expectSameRanking(postings.query(query, 10, { filter: (id) => allowed.has(id) }), reference.query(query, 10, { filter: (id) => allowed.has(id) }));
      expectSameRanking(postings.query(query, 10, { termWeights }), reference.query(query, 10, { termWeights }));
    }
  });

  it('round-trips through its bytes, also from an unaligned buffer', () => {
    const bytes = postings.serialize();
    const unaligned = new Uint8Array(bytes.byteLength + 1).subarray(1);
    unaligned.set(bytes);
    for (const loaded of [PostingsLexicalIndex.deserialize(bytes), PostingsLexicalIndex.deserialize(unaligned)]) {
      expect(loaded.documentCount).toBe(papers.length);
      for (const query of queries().slice(0, 10)) expect(loaded.query(query, 20)).toEqual(postings.query(query, 20));
    }
  });

  it('rejects damaged bytes with an error instead of answering wrongly', () => {
    const bytes = postings.serialize();
    expect(() => PostingsLexicalIndex.deserialize(bytes.subarray(0, bytes.byteLength - 8))).toThrow(/truncated|disagree/);
    expect(() => PostingsLexicalIndex.deserialize(new Uint8Array(16))).toThrow(/format/);
  });

  it('answers empty indexes and empty queries with no hits', () => {
    expect(PostingsLexicalIndex.build([]).query('anything', 10)).toEqual([]);
    expect(postings.query('', 10)).toEqual([]);
    expect(postings.query('transformer', 0)).toEqual([]);
  });
});
