import { Document } from '@langchain/core/documents';
import { BaseRetriever } from '@langchain/core/retrievers';
import { LRUCache } from 'lru-cache';
import type { ScoredUnits, ServedIndex } from '../index/served-index.ts';
import type { VectorUnitKind } from '../index/vector-units.ts';
import { analyze } from '../text/terms.ts';
import { minMaxNormalise, rankByScore } from './fusion.ts';
import { shippedRanker, type LinearRanker } from './linear-ranker.ts';
import { withoutExclusions } from './query-exclusions.ts';
import { candidateFeatures, combinedVectorScore, FEATURE_NAMES, queryTerms, type CandidateEvidence } from './paper-features.ts';
import { corpusTerms } from './paper-terms.ts';
import type { MatchedChunk, PaperHit, SearchOptions } from './types.ts';
import { unitVector } from '../util/vectors.ts';

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

/**
 * Keeps `top` as the positions of the best `keep` scores seen so far, best first; a score
 * equal to a kept one goes after it, the order a stable sort gives. By hand rather than
 * push + sort: it runs several times for each of ~150 candidate papers per question, and
 * every sort allocated (≈0.8 MB of garbage per question in all).
 */
export function keepBest(top: number[], position: number, scores: ArrayLike<number>, keep: number): void {
  const score = scores[position]!;
  if (top.length >= keep && !(score > scores[top[top.length - 1]!]!)) return;
  let at = top.length;
  top.push(position);
  while (at > 0 && scores[top[at - 1]!]! < score) {
    top[at] = top[at - 1]!;
    at--;
  }
  top[at] = position;
  if (top.length > keep) top.pop();
}

/** A candidate paper with everything ranking and the answer need from it. */
export interface ScoredCandidate extends CandidateEvidence {
  features: number[];
  /** Its best few units (chunks and sentences, not the title), best first. */
  readonly chunks: MatchedChunk[];
}

const NO_FEATURES: number[] = [];
const NO_POSITIONS: readonly number[] = [];

/**
 * A class, not an object literal, and its chunks made only when read (for the few papers
 * that become hits, not all ~150 candidates): V8 may decide that objects from a literal
 * allocated this often are long-lived and allocate them straight in the old generation
 * ("pretenuring"), where each question's candidates then stayed until a full GC.
 */
class Candidate implements ScoredCandidate {
  lexicalScore: number | undefined = undefined;
  lexicalRank: number | undefined = undefined;
  readonly best: Partial<Record<VectorUnitKind, number>> = {};
  secondSentence = 0;
  meanSentence = 0;
  features = NO_FEATURES;
  private scored: ScoredUnits | undefined = undefined;
  private abstract = '';
  /** Positions in `scored` of the best units, best first. */
  private top = NO_POSITIONS;

  constructor(readonly paperId: string) {}

  keepChunks(abstract: string, scored: ScoredUnits, top: readonly number[]): void {
    this.abstract = abstract;
    this.scored = scored;
    this.top = top.slice();
  }

  get chunks(): MatchedChunk[] {
    const { scored, abstract } = this;
    if (!scored) return [];
    return this.top.map((position) => {
      const { chunkId, start, end } = scored.units[position]!;
      return { chunkId, text: abstract.slice(start, end), start, end, score: scored.similarities[position]! };
    });
  }
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
    const { embeddings } = this.index;
    const { adaptQuery } = this.settings;
    let vector: Float32Array;
    if (adaptQuery) vector = Float32Array.from(adaptQuery(await embeddings.embedQuery(query)));
    else vector = embeddings.embedQueryVector ? await embeddings.embedQueryVector(query) : Float32Array.from(await embeddings.embedQuery(query));
    this.queryVectors.set(query, vector);
    return vector;
  }

  /**
   * Every candidate paper of a query with its ranking features: BM25's top papers and the
   * papers of HNSW's nearest units, each scored exactly on all its units, so both sides
   * describe the same paper set.
   */
  async candidates(question: string, options: Pick<SearchOptions, 'paperIds'> = {}): Promise<ScoredCandidate[]> {
    const query = withoutExclusions(question);
    const queryVector = unitVector(await this.embedQuery(query));
    return this.candidatesFor(query, queryVector, options);
  }

  private async candidatesFor(query: string, queryVector: Float32Array, options: Pick<SearchOptions, 'paperIds'>): Promise<ScoredCandidate[]> {
    const { index, settings } = this;
    const allowed = options.paperIds ? new Set(options.paperIds) : null;

    const evidence = new Map<string, Candidate>();
    const candidate = (paperId: string): Candidate => {
      let entry = evidence.get(paperId);
      if (!entry) {
        entry = new Candidate(paperId);
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
    // Positions of a paper's best few units: only those become MatchedChunks (with text).
    const top: number[] = [];
    for (const entry of evidence.values()) {
      const paper = index.paperById.get(entry.paperId)!;
      const scored = unitsByPaper.get(entry.paperId);
      if (!scored) continue;
      const { units, similarities } = scored;
      top.length = 0;
      let firstSentence = -1;
      let secondSentence = -1;
      let sentenceSum = 0;
      let sentenceCount = 0;
      for (let position = 0; position < units.length; position++) {
        const { kind } = units[position]!;
        const similarity = similarities[position]!;
        if (similarity > (entry.best[kind] ?? -1)) entry.best[kind] = similarity;
        if (kind === 'title') continue;
        if (kind === 'sentence') {
          sentenceSum += similarity;
          sentenceCount++;
          if (similarity > firstSentence) {
            secondSentence = firstSentence;
            firstSentence = similarity;
          } else if (similarity > secondSentence) secondSentence = similarity;
        }
        keepBest(top, position, similarities, MATCHED_CHUNKS_KEPT);
      }
      entry.secondSentence = Math.max(0, secondSentence);
      entry.meanSentence = sentenceCount > 0 ? sentenceSum / sentenceCount : 0;
      entry.keepChunks(paper.abstract, scored, top);
    }

    const corpus = corpusTerms(index);
    const features = candidateFeatures([...evidence.values()], queryTerms(analyze(query), corpus), corpus);
    for (const entry of evidence.values()) entry.features = features.get(entry.paperId) ?? [];
    return [...evidence.values()];
  }

  /**
   * The query's embedding is awaited here and everything else happens in `rank`, a call made
   * after it. Under load that await is long (the question queues for an embedding worker),
   * long enough for V8 to move this call's suspended frame to the old generation; whatever
   * such a frame still points to when it finishes is kept alive by it until the next full
   * GC. Done here, the ~150 candidates' scores, features and maps were all kept: 50
   * concurrent searches left ~125 kB of old-generation garbage per question, ~18 kB split
   * this way (docs/performance.md, "npm run load").
   */
  async search(question: string, options: SearchOptions): Promise<PaperHit[]> {
    const query = withoutExclusions(question);
    const queryVector = unitVector(await this.embedQuery(query));
    return this.rank(query, queryVector, options);
  }

  private async rank(query: string, queryVector: Float32Array, options: SearchOptions): Promise<PaperHit[]> {
    const candidates = await this.candidatesFor(query, queryVector, options);
    const ranker = this.settings.ranker;
    const scores = new Map<string, number>();
    const vectorScores = new Map<string, number>();
    const byId = new Map<string, ScoredCandidate>();
    for (const entry of candidates) {
      scores.set(entry.paperId, ranker.score(entry.features));
      vectorScores.set(entry.paperId, combinedVectorScore(entry.best));
      byId.set(entry.paperId, entry);
    }
    // Scores are rescaled to [0, 1] over the candidates: answers compare papers by share of the best.
    const fused = minMaxNormalise(scores);
    const vectorRanks = new Map(rankByScore(vectorScores).map(([paperId], rank) => [paperId, rank + 1]));
    return rankByScore(scores)
      .slice(0, options.k)
      .flatMap(([paperId]) => {
        const paper = this.index.paperById.get(paperId);
        const entry = byId.get(paperId);
        if (!paper || !entry) return [];
        const score = fused.get(paperId) ?? 0;
        const bestValues = Object.values(entry.best);
        const chunks = entry.chunks;
        const hit: PaperHit = {
          paperId,
          title: paper.title,
          score,
          snippet: chunks[0]?.text ?? paper.abstract.slice(0, 300),
          scores: {
            fused: score,
            lexical: entry.lexicalScore,
            vector: bestValues.length > 0 ? Math.max(...bestValues) : undefined,
            lexicalRank: entry.lexicalRank,
            vectorRank: vectorRanks.get(paperId),
            ranker: scores.get(paperId),
            termCoverage: entry.features[TERM_COVERAGE],
          },
          chunks,
        };
        return [hit];
      });
  }

  override async _getRelevantDocuments(query: string): Promise<Document<PaperHit>[]> {
    const hits = await this.search(query, { k: 10 });
    return hits.map((hit) => new Document({ pageContent: this.index.paperById.get(hit.paperId)?.abstract ?? '', metadata: hit }));
  }
}
