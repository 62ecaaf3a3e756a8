import { LRUCache } from 'lru-cache';
import type { Paper } from '../corpus/types.ts';
import { NotFoundError } from '../errors.ts';
import type { LoadedIndex } from '../index/load-index.ts';
import { analyze, tokenize, toTerm } from '../text/terms.ts';
import { dotProduct, normaliseInPlace } from '../util/vectors.ts';
import { minMaxNormalise, rankByScore } from './fusion.ts';
import { corpusTerms, inverseDocumentFrequency, type CorpusTerms } from './paper-terms.ts';
import type { SentenceSpan, SimilarOptions, SimilarPaper } from './types.ts';

/**
 * "More like this": a paper used as the query. The vector side is the paper's own units
 * (no embedding call: its mean vector and each sentence against HNSW, then every candidate
 * scored exactly on the mean vectors); the lexical side is its distinctive terms as a
 * tf-idf weighted BM25 query. Both are min-max normalised over the candidates and fused.
 */
export interface SimilarSettings {
  /** Share of the vector side in the fused score (the rest is BM25); 1 = vectors only, 0 = BM25 only. */
  vectorWeight: number;
  /** Units fetched from HNSW for the paper's mean vector. */
  meanVectorCandidates: number;
  /** Units fetched from HNSW for each of the paper's sentences. */
  sentenceCandidates: number;
  /** How many of the paper's distinctive terms make the BM25 query. */
  queryTerms: number;
  lexicalCandidates: number;
}

/**
 * vectorWeight 0.5 measured best of 0.3 / 0.5 / 0.7 on the tune split's topics + multi
 * questions (recall@10 of a gold paper's co-gold papers 0.763 / 0.772 / 0.740; `npm run eval --
 * --only=similar` prints it with each side alone). Scoring the vector side by best sentence
 * matches instead of mean vectors was tried and changed nothing beyond noise.
 */
export const DEFAULT_SIMILAR_SETTINGS: SimilarSettings = {
  vectorWeight: 0.5,
  meanVectorCandidates: 100,
  sentenceCandidates: 20,
  queryTerms: 25,
  lexicalCandidates: 100,
};

/** Shared terms named in a reason: enough to say what two papers have in common, short enough for one line. */
const SHARED_TERMS_SHOWN = 5;

const meanVectors = new WeakMap<LoadedIndex, LRUCache<string, Float32Array>>();

/** The normalised mean of a paper's unit vectors (title, sentences, chunks): the paper as one point. */
function meanVectorOf(index: LoadedIndex, paperId: string): Float32Array | undefined {
  let cache = meanVectors.get(index);
  if (!cache) {
    cache = new LRUCache({ max: 5000 });
    meanVectors.set(index, cache);
  }
  const cached = cache.get(paperId);
  if (cached) return cached;
  const labels = index.vectors.paperLabels(paperId);
  if (labels.length === 0) return undefined;
  const mean = new Float32Array(index.vectors.dimensions);
  for (const label of labels) {
    const vector = index.vectors.vectorOfLabel(label);
    if (!vector) continue;
    for (let dimension = 0; dimension < mean.length; dimension++) mean[dimension]! += vector[dimension]!;
  }
  normaliseInPlace(mean);
  cache.set(paperId, mean);
  return mean;
}

interface SentenceUnit extends SentenceSpan {
  vector: Float32Array;
}

function sentenceUnits(index: LoadedIndex, paper: Paper): SentenceUnit[] {
  const units: SentenceUnit[] = [];
  for (const label of index.vectors.paperLabels(paper.id)) {
    const unit = index.vectors.unit(label);
    const vector = index.vectors.vectorOfLabel(label);
    if (!unit || !vector || unit.metadata.kind !== 'sentence') continue;
    const { start, end } = unit.metadata;
    units.push({ text: paper.abstract.slice(start, end), start, end, vector });
  }
  return units;
}

/** Term → how often the paper's title and abstract use it. */
function termCounts(paper: Paper): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of [...analyze(paper.title), ...analyze(paper.abstract)]) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/** Term → the word the paper writes it as (first seen), so reasons read as words, not stems. */
function surfaceForms(paper: Paper): Map<string, string> {
  const forms = new Map<string, string>();
  for (const token of tokenize(`${paper.title}\n${paper.abstract}`)) {
    const whole = toTerm(token);
    if (whole && !forms.has(whole)) forms.set(whole, token);
    if (token.includes('-')) {
      for (const part of token.split('-')) {
        const term = toTerm(part);
        if (term && !forms.has(term)) forms.set(term, part);
      }
    }
  }
  return forms;
}

/** A term worth naming or querying: a word (not a bare number) that at least one other paper also has. */
function isKeyTerm(term: string, corpus: CorpusTerms): boolean {
  return /\p{L}/u.test(term) && term.length > 2 && (corpus.documentFrequency.get(term) ?? 0) >= 2;
}

/** The paper's terms by tf-idf, heaviest first. */
function distinctiveTerms(counts: ReadonlyMap<string, number>, corpus: CorpusTerms): Array<[string, number]> {
  return [...counts]
    .filter(([term]) => isKeyTerm(term, corpus))
    .map(([term, count]): [string, number] => [term, (1 + Math.log(count)) * inverseDocumentFrequency(corpus, term)])
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** Terms both papers use, by idf and how much each paper uses them; shown as the source paper writes them. */
export function sharedKeyTerms(source: Paper, similar: Paper, corpus: CorpusTerms, limit = SHARED_TERMS_SHOWN): string[] {
  const sourceCounts = termCounts(source);
  const similarCounts = termCounts(similar);
  const forms = surfaceForms(source);
  return [...sourceCounts]
    .filter(([term]) => similarCounts.has(term) && isKeyTerm(term, corpus))
    .map(([term, count]): [string, number] => [term, inverseDocumentFrequency(corpus, term) * Math.sqrt(count * similarCounts.get(term)!)])
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([term]) => forms.get(term) ?? term);
}

/** The sentence of each abstract that is closest in meaning to one of the other's. */
function bestSentencePair(sourceSentences: readonly SentenceUnit[], similarSentences: readonly SentenceUnit[]): SimilarPaper['reason']['sentences'] {
  let best: SimilarPaper['reason']['sentences'] = null;
  for (const left of sourceSentences) {
    for (const right of similarSentences) {
      const similarity = dotProduct(left.vector, right.vector);
      if (!best || similarity > best.similarity) {
        best = { source: { text: left.text, start: left.start, end: left.end }, similar: { text: right.text, start: right.start, end: right.end }, similarity };
      }
    }
  }
  return best;
}

export function reasonSummary(sharedTerms: readonly string[]): string {
  return sharedTerms.length > 0 ? `Shared terms: ${sharedTerms.join(', ')}` : 'Close in meaning, with no distinctive terms in common';
}

/**
 * The k papers nearest to `paperId`, the paper itself excluded, each with why: the key terms
 * both abstracts use and the best-matching sentence pair (offsets into each abstract).
 * Throws NotFoundError for an id the index does not hold.
 */
export function findSimilarPapers(index: LoadedIndex, paperId: string, options: SimilarOptions, settings: SimilarSettings = DEFAULT_SIMILAR_SETTINGS): SimilarPaper[] {
  const source = index.paperById.get(paperId);
  if (!source) throw new NotFoundError(`No paper with id "${paperId}".`);
  const corpus = corpusTerms(index);
  const notSource = (candidateId: string) => candidateId !== paperId;

  // Vector candidates: the paper as a whole, and each sentence (a paper close in one specific idea).
  const candidateIds = new Set<string>();
  const sourceMean = meanVectorOf(index, paperId);
  const sourceSentences = sentenceUnits(index, source);
  const queries: Array<[Float32Array, number]> = [
    ...(sourceMean ? [[sourceMean, settings.meanVectorCandidates] as [Float32Array, number]] : []),
    ...sourceSentences.map((sentence): [Float32Array, number] => [sentence.vector, settings.sentenceCandidates]),
  ];
  for (const [vector, count] of queries) {
    for (const { label } of index.vectors.searchLabels(vector, count, (unit) => notSource(unit.metadata.paperId))) {
      const unit = index.vectors.unit(label);
      if (unit) candidateIds.add(unit.metadata.paperId);
    }
  }

  // Lexical candidates: the paper's distinctive terms, weighted by tf-idf relative to the heaviest.
  const terms = distinctiveTerms(termCounts(source), corpus).slice(0, settings.queryTerms);
  const lexical = new Map<string, { score: number; rank: number }>();
  if (terms.length > 0) {
    const forms = surfaceForms(source);
    const heaviest = terms[0]![1];
    const termWeights = new Map(terms.map(([term, weight]) => [term, weight / heaviest]));
    const queryText = terms.map(([term]) => forms.get(term) ?? term).join(' ');
    index.lexical.query(queryText, settings.lexicalCandidates, { filter: notSource, termWeights }).forEach((hit, rank) => {
      lexical.set(hit.paperId, { score: hit.score, rank: rank + 1 });
      candidateIds.add(hit.paperId);
    });
  }
  candidateIds.delete(paperId);

  // Every candidate scored exactly on both sides, so the fusion compares like with like.
  const vectorScores = new Map<string, number>();
  const lexicalScores = new Map<string, number>();
  for (const candidateId of candidateIds) {
    if (!index.paperById.has(candidateId)) continue;
    const mean = meanVectorOf(index, candidateId);
    vectorScores.set(candidateId, sourceMean && mean ? dotProduct(sourceMean, mean) : 0);
    lexicalScores.set(candidateId, lexical.get(candidateId)?.score ?? 0);
  }
  const vectorNormalised = minMaxNormalise(vectorScores);
  const lexicalNormalised = minMaxNormalise(lexicalScores);
  const fused = new Map<string, number>();
  for (const candidateId of vectorScores.keys()) {
    fused.set(candidateId, settings.vectorWeight * (vectorNormalised.get(candidateId) ?? 0) + (1 - settings.vectorWeight) * (lexicalNormalised.get(candidateId) ?? 0));
  }
  const vectorRanks = new Map(rankByScore(vectorScores).map(([candidateId], rank) => [candidateId, rank + 1]));

  return rankByScore(fused)
    .slice(0, options.k)
    .map(([candidateId, score]) => {
      const paper = index.paperById.get(candidateId)!;
      const sharedTerms = sharedKeyTerms(source, paper, corpus);
      const lexicalHit = lexical.get(candidateId);
      return {
        paperId: candidateId,
        title: paper.title,
        score,
        scores: {
          fused: score,
          vector: vectorScores.get(candidateId) ?? 0,
          vectorRank: vectorRanks.get(candidateId) ?? vectorScores.size,
          ...(lexicalHit ? { lexical: lexicalHit.score, lexicalRank: lexicalHit.rank } : {}),
        },
        reason: { summary: reasonSummary(sharedTerms), sharedTerms, sentences: bestSentencePair(sourceSentences, sentenceUnits(index, paper)) },
      };
    });
}
