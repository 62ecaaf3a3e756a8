import type { VectorUnitKind } from '../index/vector-units.ts';
import { minMaxNormalise } from './fusion.ts';
import { bigramsOf, inverseDocumentFrequency, type CorpusTerms, type PaperTerms } from './paper-terms.ts';

/**
 * What the retriever knows about one candidate paper for one query, before ranking:
 * the raw BM25 score and rank (when BM25 found it) and the paper's best exact cosine
 * similarity per unit granularity.
 */
export interface CandidateEvidence {
  paperId: string;
  lexicalScore?: number;
  lexicalRank?: number;
  best: Partial<Record<VectorUnitKind, number>>;
  /** Second-best sentence similarity: a paper about the topic matches it more than once. */
  secondSentence: number;
  /** Mean similarity over all the paper's sentences: how much of the abstract is about the query. */
  meanSentence: number;
}

/**
 * Ranking features, every one scale-free within the query (min-max or z-score over the
 * candidates, reciprocal ranks, shares of the query's terms), so one set of weights
 * works for any embedder's similarity scale and any corpus size.
 */
export const FEATURE_NAMES = [
  'lexical',
  'lexicalZ',
  'lexicalRank',
  'vector',
  'vectorZ',
  'vectorRank',
  'sentence',
  'chunk',
  'title',
  'secondSentence',
  'termCoverage',
  'titleCoverage',
  'bigramCoverage',
  'sentenceCoverage',
  'meanSentence',
  'meanSentenceZ',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/** The vector side's combined score before normalisation (sentence + chunk + half title). */
export const UNIT_WEIGHTS: Record<VectorUnitKind, number> = { sentence: 1, chunk: 1, title: 0.5 };

export function combinedVectorScore(best: Partial<Record<VectorUnitKind, number>>): number {
  let score = 0;
  for (const kind of Object.keys(UNIT_WEIGHTS) as VectorUnitKind[]) score += UNIT_WEIGHTS[kind] * (best[kind] ?? 0);
  return score;
}

/** z-scores clipped to ±3, so one outlying candidate cannot dominate a linear ranker. */
function zScores(values: ReadonlyMap<string, number>): Map<string, number> {
  const list = [...values.values()];
  const mean = list.reduce((sum, value) => sum + value, 0) / (list.length || 1);
  const spread = Math.sqrt(list.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (list.length || 1)) || 1;
  const result = new Map<string, number>();
  for (const [key, value] of values) result.set(key, Math.max(-3, Math.min(3, (value - mean) / spread)) / 3);
  return result;
}

const reciprocalRank = (rank: number | undefined) => (rank === undefined ? 0 : 1 / Math.log2(rank + 1));

function ranksOf(values: ReadonlyMap<string, number>): Map<string, number> {
  return new Map([...values.entries()].sort((a, b) => b[1] - a[1]).map(([key], position) => [key, position + 1]));
}

export interface QueryTerms {
  /** Distinct analysed terms, and their idf weights at the same positions (arrays: this is the hot loop). */
  terms: string[];
  weights: number[];
  totalWeight: number;
  bigrams: string[];
}

export function queryTerms(terms: readonly string[], corpus: CorpusTerms): QueryTerms {
  const distinct = [...new Set(terms)];
  const weights = distinct.map((term) => inverseDocumentFrequency(corpus, term));
  return { terms: distinct, weights, totalWeight: weights.reduce((sum, weight) => sum + weight, 0), bigrams: [...new Set(bigramsOf(terms))] };
}

function coverage(query: QueryTerms, terms: ReadonlySet<string>): number {
  if (query.totalWeight === 0) return 0;
  let covered = 0;
  for (let position = 0; position < query.terms.length; position++) if (terms.has(query.terms[position]!)) covered += query.weights[position]!;
  return covered / query.totalWeight;
}

function bestSentenceCoverage(query: QueryTerms, paper: PaperTerms): number {
  if (query.totalWeight === 0 || paper.sentenceCount === 0) return 0;
  const covered = new Float64Array(paper.sentenceCount);
  let best = 0;
  for (let position = 0; position < query.terms.length; position++) {
    for (const sentence of paper.sentencesWithTerm.get(query.terms[position]!) ?? []) {
      covered[sentence]! += query.weights[position]!;
      if (covered[sentence]! > best) best = covered[sentence]!;
    }
  }
  return best / query.totalWeight;
}

export function candidateFeatures(candidates: readonly CandidateEvidence[], query: QueryTerms, corpus: CorpusTerms): Map<string, number[]> {
  const lexical = new Map<string, number>();
  const vector = new Map<string, number>();
  const sentence = new Map<string, number>();
  const chunk = new Map<string, number>();
  const title = new Map<string, number>();
  const second = new Map<string, number>();
  const meanSentence = new Map<string, number>();
  for (const candidate of candidates) {
    if (candidate.lexicalScore !== undefined) lexical.set(candidate.paperId, candidate.lexicalScore);
    vector.set(candidate.paperId, combinedVectorScore(candidate.best));
    sentence.set(candidate.paperId, candidate.best.sentence ?? 0);
    chunk.set(candidate.paperId, candidate.best.chunk ?? 0);
    title.set(candidate.paperId, candidate.best.title ?? 0);
    second.set(candidate.paperId, candidate.secondSentence);
    meanSentence.set(candidate.paperId, candidate.meanSentence);
  }
  const lexicalNormalised = minMaxNormalise(lexical);
  const lexicalZ = zScores(lexical);
  const vectorNormalised = minMaxNormalise(vector);
  const vectorZ = zScores(vector);
  const vectorRanks = ranksOf(vector);
  const sentenceNormalised = minMaxNormalise(sentence);
  const chunkNormalised = minMaxNormalise(chunk);
  const titleNormalised = minMaxNormalise(title);
  const secondNormalised = minMaxNormalise(second);
  const meanSentenceNormalised = minMaxNormalise(meanSentence);
  const meanSentenceZ = zScores(meanSentence);
  const lowestLexicalZ = Math.min(0, ...lexicalZ.values());

  const features = new Map<string, number[]>();
  for (const { paperId, lexicalRank } of candidates) {
    const paper = corpus.termsOf(paperId);
    const bigramHits = paper && query.bigrams.length > 0 ? query.bigrams.filter((pair) => paper.bigrams.has(pair)).length / query.bigrams.length : 0;
    // Filled in place rather than written as an array literal: V8 may allocate a literal this
    // frequent straight in the old generation ("pretenuring"), where every question's rows
    // then waited for a full GC.
    const row = new Array<number>(FEATURE_NAMES.length);
    row[0] = lexicalNormalised.get(paperId) ?? 0;
    row[1] = lexicalZ.get(paperId) ?? lowestLexicalZ;
    row[2] = reciprocalRank(lexicalRank);
    row[3] = vectorNormalised.get(paperId) ?? 0;
    row[4] = vectorZ.get(paperId) ?? 0;
    row[5] = reciprocalRank(vectorRanks.get(paperId));
    row[6] = sentenceNormalised.get(paperId) ?? 0;
    row[7] = chunkNormalised.get(paperId) ?? 0;
    row[8] = titleNormalised.get(paperId) ?? 0;
    row[9] = secondNormalised.get(paperId) ?? 0;
    row[10] = paper ? coverage(query, paper.terms) : 0;
    row[11] = paper ? coverage(query, paper.titleTerms) : 0;
    row[12] = bigramHits;
    row[13] = paper ? bestSentenceCoverage(query, paper) : 0;
    row[14] = meanSentenceNormalised.get(paperId) ?? 0;
    row[15] = meanSentenceZ.get(paperId) ?? 0;
    features.set(paperId, row);
  }
  return features;
}
