import { LRUCache } from 'lru-cache';
import type { Paper } from '../corpus/types.ts';
import { NotFoundError } from '../errors.ts';
import type { ServedIndex, StoredUnit } from '../index/served-index.ts';
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

/** The normalised mean of a paper's unit vectors (title, sentences, chunks): the paper as one point. */
function meanVector(units: readonly StoredUnit[], dimensions: number): Float32Array | undefined {
  if (units.length === 0) return undefined;
  const mean = new Float32Array(dimensions);
  for (const { vector } of units) {
    for (let dimension = 0; dimension < dimensions; dimension++) mean[dimension]! += vector[dimension]!;
  }
  return normaliseInPlace(mean);
}

interface SentenceUnit extends SentenceSpan {
  vector: Float32Array;
}

function sentenceUnits(units: readonly StoredUnit[], paper: Paper): SentenceUnit[] {
  return units.filter((unit) => unit.kind === 'sentence').map(({ start, end, vector }) => ({ text: paper.abstract.slice(start, end), start, end, vector }));
}

/** Every paper's units and mean vector, fetched from the store once per index and paper. */
class PaperVectors {
  private static readonly caches = new WeakMap<ServedIndex, LRUCache<string, { units: StoredUnit[]; mean: Float32Array | undefined }>>();
  private readonly cache: LRUCache<string, { units: StoredUnit[]; mean: Float32Array | undefined }>;

  constructor(private readonly index: ServedIndex) {
    let cache = PaperVectors.caches.get(index);
    if (!cache) {
      cache = new LRUCache({ max: 5000 });
      PaperVectors.caches.set(index, cache);
    }
    this.cache = cache;
  }

  async of(paperIds: readonly string[]): Promise<Map<string, { units: StoredUnit[]; mean: Float32Array | undefined }>> {
    const found = new Map<string, { units: StoredUnit[]; mean: Float32Array | undefined }>();
    const missing: string[] = [];
    for (const paperId of paperIds) {
      const cached = this.cache.get(paperId);
      if (cached) found.set(paperId, cached);
      else missing.push(paperId);
    }
    if (missing.length > 0) {
      const dimensions = this.index.manifest.embedder.dimensions;
      for (const [paperId, units] of await this.index.candidates.paperUnits(missing)) {
        const entry = { units, mean: meanVector(units, dimensions) };
        this.cache.set(paperId, entry);
        found.set(paperId, entry);
      }
    }
    return found;
  }
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
export async function findSimilarPapers(index: ServedIndex, paperId: string, options: SimilarOptions, settings: SimilarSettings = DEFAULT_SIMILAR_SETTINGS): Promise<SimilarPaper[]> {
  const source = index.paperById.get(paperId);
  if (!source) throw new NotFoundError(`No paper with id "${paperId}".`);
  const corpus = corpusTerms(index);
  const paperVectors = new PaperVectors(index);
  const sourceVectors = (await paperVectors.of([paperId])).get(paperId);
  const sourceMean = sourceVectors?.mean;
  const sourceSentences = sentenceUnits(sourceVectors?.units ?? [], source);

  // Vector candidates: the paper as a whole, and each sentence (a paper close in one specific idea).
  const candidateIds = new Set<string>();
  const queries: Array<[Float32Array, number]> = [
    ...(sourceMean ? [[sourceMean, settings.meanVectorCandidates] as [Float32Array, number]] : []),
    ...sourceSentences.map((sentence): [Float32Array, number] => [sentence.vector, settings.sentenceCandidates]),
  ];
  // The paper's own units come back first for its own vectors: ask for as many more.
  const ownUnits = sourceVectors?.units.length ?? 0;
  for (const found of await Promise.all(queries.map(([vector, count]) => index.candidates.vectorCandidates(vector, count + ownUnits)))) {
    for (const candidateId of found) candidateIds.add(candidateId);
  }

  // Lexical candidates: the paper's distinctive terms, weighted by tf-idf relative to the heaviest.
  const terms = distinctiveTerms(termCounts(source), corpus).slice(0, settings.queryTerms);
  const lexical = new Map<string, { score: number; rank: number }>();
  if (terms.length > 0) {
    const forms = surfaceForms(source);
    const heaviest = terms[0]![1];
    const termWeights = new Map(terms.map(([term, weight]) => [term, weight / heaviest]));
    const queryText = terms.map(([term]) => forms.get(term) ?? term).join(' ');
    const hits = (await index.candidates.lexicalCandidates(queryText, settings.lexicalCandidates + 1, undefined, termWeights)).filter((hit) => hit.paperId !== paperId);
    hits.slice(0, settings.lexicalCandidates).forEach((hit, rank) => {
      lexical.set(hit.paperId, { score: hit.score, rank: rank + 1 });
      candidateIds.add(hit.paperId);
    });
  }
  candidateIds.delete(paperId);

  // Every candidate scored exactly on both sides, so the fusion compares like with like.
  const candidates = [...candidateIds].filter((candidateId) => index.paperById.has(candidateId));
  const candidateVectors = await paperVectors.of(candidates);
  const vectorScores = new Map<string, number>();
  const lexicalScores = new Map<string, number>();
  for (const candidateId of candidates) {
    const mean = candidateVectors.get(candidateId)?.mean;
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
        reason: { summary: reasonSummary(sharedTerms), sharedTerms, sentences: bestSentencePair(sourceSentences, sentenceUnits(candidateVectors.get(candidateId)?.units ?? [], paper)) },
      };
    });
}
