import { describe, expect, it } from 'vitest';
import { LinearRanker, MIN_MAX_FUSION, shippedRanker } from '../../src/retrieval/linear-ranker.ts';
import { candidateFeatures, FEATURE_NAMES, queryTerms, type CandidateEvidence } from '../../src/retrieval/paper-features.ts';
import type { CorpusTerms, PaperTerms } from '../../src/retrieval/paper-terms.ts';

const papers = new Map<string, PaperTerms>([
  ['a', { terms: new Set(['mask', 'languag', 'model', 'pretrain']), titleTerms: new Set(['mask']), bigrams: new Set(['mask languag']), sentencesWithTerm: new Map([['mask', [0]], ['languag', [0]], ['pretrain', [1]]]), sentenceCount: 2 }],
  ['b', { terms: new Set(['languag', 'model', 'pretrain']), titleTerms: new Set(), bigrams: new Set(), sentencesWithTerm: new Map([['languag', [0]], ['model', [0]], ['pretrain', [0]]]), sentenceCount: 1 }],
  ['c', { terms: new Set(['languag', 'model']), titleTerms: new Set(), bigrams: new Set(), sentencesWithTerm: new Map([['languag', [0]], ['model', [0]]]), sentenceCount: 1 }],
]);

const corpus: CorpusTerms = {
  paperCount: 3,
  documentFrequency: new Map([['mask', 1], ['languag', 3], ['model', 3], ['pretrain', 2]]),
  termsOf: (paperId) => papers.get(paperId),
};

const candidates: CandidateEvidence[] = [
  { paperId: 'a', lexicalScore: 12, lexicalRank: 1, best: { sentence: 0.62, chunk: 0.55, title: 0.4 }, secondSentence: 0.5, meanSentence: 0.3 },
  { paperId: 'b', lexicalScore: 7, lexicalRank: 2, best: { sentence: 0.58, chunk: 0.5, title: 0.3 }, secondSentence: 0.45, meanSentence: 0.4 },
  { paperId: 'c', best: { sentence: 0.35, chunk: 0.3, title: 0.2 }, secondSentence: 0.3, meanSentence: 0.1 },
];

const query = queryTerms(['mask', 'languag', 'pretrain'], corpus);

describe('candidateFeatures', () => {
  it('gives one value per feature, in FEATURE_NAMES order', () => {
    const features = candidateFeatures(candidates, query, corpus);
    expect(features.get('a')).toHaveLength(FEATURE_NAMES.length);
    expect(features.get('a')![FEATURE_NAMES.indexOf('lexical')]).toBe(1);
    expect(features.get('c')![FEATURE_NAMES.indexOf('lexical')]).toBe(0);
    expect(features.get('a')![FEATURE_NAMES.indexOf('termCoverage')]).toBe(1);
    expect(features.get('c')![FEATURE_NAMES.indexOf('termCoverage')]).toBeLessThan(0.5);
    expect(features.get('a')![FEATURE_NAMES.indexOf('bigramCoverage')]).toBe(0.5);
    // "a" holds every query word but spreads them over two sentences; "b" has its words in one.
    const sentence = FEATURE_NAMES.indexOf('sentenceCoverage');
    const paper = FEATURE_NAMES.indexOf('termCoverage');
    expect(features.get('a')![sentence]).toBeLessThan(features.get('a')![paper]!);
    expect(features.get('b')![sentence]).toBeCloseTo(features.get('b')![paper]!, 12);
    // "b" is about the query throughout (highest mean sentence similarity) though "a" has the best single sentence.
    const mean = FEATURE_NAMES.indexOf('meanSentence');
    expect(features.get('b')![mean]).toBe(1);
    expect(features.get('c')![mean]).toBe(0);
    expect(features.get('a')![FEATURE_NAMES.indexOf('meanSentenceZ')]).toBeGreaterThan(0);
  });

  it('is scale-free: another embedder scale or BM25 scale gives the same features', () => {
    const rescaled = candidates.map((candidate) => ({
      ...candidate,
      lexicalScore: candidate.lexicalScore === undefined ? undefined : candidate.lexicalScore * 3.7,
      best: Object.fromEntries(Object.entries(candidate.best).map(([kind, value]) => [kind, 0.5 + value * 0.4])),
      secondSentence: 0.5 + candidate.secondSentence * 0.4,
      meanSentence: 0.5 + candidate.meanSentence * 0.4,
    }));
    const before = candidateFeatures(candidates, query, corpus);
    const after = candidateFeatures(rescaled, query, corpus);
    for (const paperId of ['a', 'b', 'c']) before.get(paperId)!.forEach((value, position) => expect(after.get(paperId)![position]).toBeCloseTo(value, 9));
  });
});

describe('LinearRanker', () => {
  it('reproduces the original 50/50 min-max fusion as a special case', () => {
    const features = candidateFeatures(candidates, query, corpus);
    const ranker = new LinearRanker(MIN_MAX_FUSION);
    const lexical = FEATURE_NAMES.indexOf('lexical');
    const vector = FEATURE_NAMES.indexOf('vector');
    for (const values of features.values()) expect(ranker.score(values)).toBeCloseTo(0.5 * values[lexical]! + 0.5 * values[vector]!, 12);
  });

  it('ships fitted weights that rank the paper matching on both sides first', () => {
    const features = candidateFeatures(candidates, query, corpus);
    const ranker = shippedRanker();
    const order = [...features.entries()].sort((x, y) => ranker.score(y[1]) - ranker.score(x[1])).map(([paperId]) => paperId);
    expect(order).toEqual(['a', 'b', 'c']);
  });
});
