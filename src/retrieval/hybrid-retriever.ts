import { Document } from '@langchain/core/documents';
import { BaseRetriever } from '@langchain/core/retrievers';
import { LRUCache } from 'lru-cache';
import type { ServedIndex } from '../index/served-index.ts';
import { analyze } from '../text/terms.ts';
import { minMaxNormalise, rankByScore } from './fusion.ts';
import { shippedRanker, type LinearRanker } from './linear-ranker.ts';
import { candidateFeatures, combinedVectorScore, FEATURE_NAMES, queryTerms, type CandidateEvidence } from './paper-features.ts';
import { corpusTerms } from './paper-terms.ts';
import type { MatchedChunk, PaperHit, SearchOptions } from './types.ts';
import { unitVector } from '../util/vectors.ts';
import type { ScoredUnit } from '../index/served-index.ts';

export interface HybridSettings {
  /** Vector units fetched from HNSW before grouping by paper. */
  vectorCandidates: number;
  /** BM25 hits kept as candidates (each is then scored exactly on its vectors). */
  lexicalCandidates: number;
  ranker: LinearRanker;
  /**
   * Maps a raw query embedding before search (e.g. a learned linear adapter). Query-side
   * only, so the stored unit vectors and the HNSW graph stay valid.
   */
  adaptQuery?: (vector: number[]) => number[];
}

export const DEFAULT_CANDIDATE_COUNTS = { vectorCandidates: 100, lexicalCandidates: 100 };

const MATCHED_CHUNKS_KEPT = 3;
const TERM_COVERAGE = FEATURE_NAMES.indexOf('termCoverage');


/** A candidate paper with everything ranking and the answer need from it. */
export interface ScoredCandidate extends CandidateEvidence {
  features: number[];
  chunks: MatchedChunk[];
}

/** Query → papers: BM25 and HNSW in parallel, candidates scored per paper (papers, not chunks, come out). */
export class HybridRetriever extends BaseRetriever {
  lc_namespace = ['paperchat', 'retrieval'];
  /**
   * Float32Array, not the embedder's number[]: a worker's vector arrives as 512 boxed numbers
   * (≈12 kB), the typed copy is 2 kB, and every vector kernel (dotProduct) takes typed arrays.
   * The embedders produce float32 values, so the copy is exact.
   */
  private readonly queryVectors = new LRUCache<string, Float32Array>({ max: 1000 });
  private readonly settings: HybridSettings;

  constructor(
    private readonly index: ServedIndex,
    settings: Partial<HybridSettings> = {},
  ) {
    super();
    this.settings = { ...DEFAULT_CANDIDATE_COUNTS, ranker: shippedRanker(), ...settings };
  }

  async embedQuery(query: string): Promise<Float32Array> {
    const cached = this.queryVectors.get(query);
    if (cached) return cached;
    const raw = await this.index.embeddings.embedQuery(query);
    const vector = Float32Array.from(this.settings.adaptQuery ? this.settings.adaptQuery(raw) : raw);
    this.queryVectors.set(query, vector);
    return vector;
  }

  /**
   * Every candidate paper of a query with its ranking features: BM25's top papers and the
   * papers of HNSW's nearest units, each scored exactly on all its units, so both sides
   * describe the same paper set.
   */
  async candidates(query: string, options: Pick<SearchOptions, 'paperIds'> = {}): Promise<ScoredCandidate[]> {
    const { index, settings } = this;
    const allowed = options.paperIds ? new Set(options.paperIds) : null;
    const queryVector = unitVector(await this.embedQuery(query));

    const evidence = new Map<string, ScoredCandidate>();
    const candidate = (paperId: string): ScoredCandidate => {
      let entry = evidence.get(paperId);
      if (!entry) {
        entry = { paperId, best: {}, secondSentence: 0, features: [], chunks: [] };
        evidence.set(paperId, entry);
      }
      return entry;
    };
    const [lexicalHits, vectorPapers] = await Promise.all([
      index.candidates.lexicalCandidates(query, settings.lexicalCandidates, allowed ?? undefined),
      index.candidates.vectorCandidates(queryVector, settings.vectorCandidates, allowed ?? undefined),
    ]);
    lexicalHits.forEach((hit, rank) => {
      const entry = candidate(hit.paperId);
      entry.lexicalScore = hit.score;
      entry.lexicalRank = rank + 1;
    });
    for (const paperId of vectorPapers) candidate(paperId);

    for (const paperId of evidence.keys()) if (!index.paperById.has(paperId)) evidence.delete(paperId);
    const unitsByPaper = await index.candidates.scoreUnitsOfPapers([...evidence.keys()], queryVector);
    for (const entry of evidence.values()) {
      const paper = index.paperById.get(entry.paperId)!;
      // Only the best few units become MatchedChunks (with text); the rest are just scores.
      const top: ScoredUnit[] = [];
      let firstSentence = -1;
      let secondSentence = -1;
      for (const scored of unitsByPaper.get(entry.paperId) ?? []) {
        const { kind } = scored;
        if (scored.similarity > (entry.best[kind] ?? -1)) entry.best[kind] = scored.similarity;
        if (kind === 'title') continue;
        if (kind === 'sentence') {
          if (scored.similarity > firstSentence) [firstSentence, secondSentence] = [scored.similarity, firstSentence];
          else if (scored.similarity > secondSentence) secondSentence = scored.similarity;
        }
        if (top.length < MATCHED_CHUNKS_KEPT || scored.similarity > top[top.length - 1]!.similarity) {
          top.push(scored);
          top.sort((a, b) => b.similarity - a.similarity);
          if (top.length > MATCHED_CHUNKS_KEPT) top.pop();
        }
      }
      entry.secondSentence = Math.max(0, secondSentence);
      entry.chunks = top.map(({ chunkId, start, end, similarity }) => ({ chunkId, text: paper.abstract.slice(start, end), start, end, score: similarity }));
    }

    const corpus = corpusTerms(index);
    const features = candidateFeatures([...evidence.values()], queryTerms(analyze(query), corpus), corpus);
    for (const entry of evidence.values()) entry.features = features.get(entry.paperId) ?? [];
    return [...evidence.values()];
  }

  async search(query: string, options: SearchOptions): Promise<PaperHit[]> {
    const candidates = await this.candidates(query, options);
    const ranker = this.settings.ranker;
    const scores = new Map(candidates.map((entry) => [entry.paperId, ranker.score(entry.features)]));
    // Scores are rescaled to [0, 1] over the candidates: answers compare papers by share of the best.
    const fused = minMaxNormalise(scores);
    const vectorRanks = new Map(rankByScore(new Map(candidates.map((entry) => [entry.paperId, combinedVectorScore(entry.best)]))).map(([paperId], rank) => [paperId, rank + 1]));
    const byId = new Map(candidates.map((entry) => [entry.paperId, entry]));
    return rankByScore(scores)
      .slice(0, options.k)
      .flatMap(([paperId]) => {
        const paper = this.index.paperById.get(paperId);
        const entry = byId.get(paperId);
        if (!paper || !entry) return [];
        const score = fused.get(paperId) ?? 0;
        const bestValues = Object.values(entry.best);
        const hit: PaperHit = {
          paperId,
          title: paper.title,
          score,
          snippet: entry.chunks[0]?.text ?? paper.abstract.slice(0, 300),
          scores: {
            fused: score,
            lexical: entry.lexicalScore,
            vector: bestValues.length > 0 ? Math.max(...bestValues) : undefined,
            lexicalRank: entry.lexicalRank,
            vectorRank: vectorRanks.get(paperId),
            ranker: scores.get(paperId),
            termCoverage: entry.features[TERM_COVERAGE],
          },
          chunks: entry.chunks,
        };
        return [hit];
      });
  }

  override async _getRelevantDocuments(query: string): Promise<Document<PaperHit>[]> {
    const hits = await this.search(query, { k: 10 });
    return hits.map((hit) => new Document({ pageContent: this.index.paperById.get(hit.paperId)?.abstract ?? '', metadata: hit }));
  }
}
