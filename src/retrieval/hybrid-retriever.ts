import { Document } from '@langchain/core/documents';
import { BaseRetriever } from '@langchain/core/retrievers';
import { LRUCache } from 'lru-cache';
import type { LoadedIndex } from '../index/load-index.ts';
import type { VectorUnitKind } from '../index/vector-units.ts';
import { fuseNormalisedScores, rankByScore } from './fusion.ts';
import type { MatchedChunk, PaperHit, SearchOptions } from './types.ts';

export interface HybridSettings {
  lexicalWeight: number;
  vectorWeight: number;
  /** How much each granularity's best similarity adds to a paper's vector score. */
  unitWeights: Record<VectorUnitKind, number>;
  /** Vector units fetched from HNSW before grouping by paper. */
  vectorCandidates: number;
  /** BM25 hits kept as candidates (each is then scored exactly on its vectors). */
  lexicalCandidates: number;
}

/**
 * Chosen from `npm run eval` on the bundled encoder: sentence + chunk + half the title
 * similarity, fused 50/50 with BM25 after min-max normalisation.
 */
export const DEFAULT_HYBRID_SETTINGS: HybridSettings = {
  lexicalWeight: 0.5,
  vectorWeight: 0.5,
  unitWeights: { sentence: 1, chunk: 1, title: 0.5 },
  vectorCandidates: 100,
  lexicalCandidates: 100,
};

const MATCHED_CHUNKS_KEPT = 3;

function normalise(vector: number[]): Float32Array {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
  return Float32Array.from(vector, (value) => value / norm);
}

interface PaperVectorEvidence {
  best: Partial<Record<VectorUnitKind, number>>;
  chunks: MatchedChunk[];
}

/** Query → papers: BM25 and HNSW in parallel, fused per paper (papers, not chunks, come out). */
export class HybridRetriever extends BaseRetriever {
  lc_namespace = ['paperchat', 'retrieval'];
  private readonly queryVectors = new LRUCache<string, number[]>({ max: 1000 });

  constructor(
    private readonly index: LoadedIndex,
    private readonly settings: HybridSettings = DEFAULT_HYBRID_SETTINGS,
  ) {
    super();
  }

  async embedQuery(query: string): Promise<number[]> {
    const cached = this.queryVectors.get(query);
    if (cached) return cached;
    const vector = await this.index.embeddings.embedQuery(query);
    this.queryVectors.set(query, vector);
    return vector;
  }

  async search(query: string, options: SearchOptions): Promise<PaperHit[]> {
    const { index, settings } = this;
    const allowed = options.paperIds ? new Set(options.paperIds) : null;
    const queryVector = normalise(await this.embedQuery(query));

    const lexicalScores = new Map<string, number>();
    const lexicalRanks = new Map<string, number>();
    index.lexical
      .query(query, settings.lexicalCandidates, { filter: allowed ? (paperId) => allowed.has(paperId) : undefined })
      .forEach((hit, rank) => {
        lexicalScores.set(hit.paperId, hit.score);
        lexicalRanks.set(hit.paperId, rank + 1);
      });

    // HNSW finds the papers whose units are nearest; every candidate (from either side)
    // is then scored exactly on all its units, so both sides rank the same paper set.
    const candidates = new Set(lexicalScores.keys());
    for (const { label } of index.vectors.searchLabels(queryVector, settings.vectorCandidates, allowed ? (unit) => allowed.has(unit.metadata.paperId) : undefined)) {
      const unit = index.vectors.unit(label);
      if (unit) candidates.add(unit.metadata.paperId);
    }
    const evidence = new Map<string, PaperVectorEvidence>();
    const vectorScores = new Map<string, number>();
    for (const paperId of candidates) {
      const paper = index.paperById.get(paperId);
      if (!paper) continue;
      const best: Partial<Record<VectorUnitKind, number>> = {};
      // Only the best few units become MatchedChunks (with text); the rest are just scores.
      const top: Array<{ label: number; similarity: number }> = [];
      for (const scored of index.vectors.scorePaperUnits(paperId, queryVector)) {
        const { kind } = index.vectors.unit(scored.label)!.metadata;
        if (scored.similarity > (best[kind] ?? -1)) best[kind] = scored.similarity;
        if (kind === 'title') continue;
        if (top.length < MATCHED_CHUNKS_KEPT || scored.similarity > top[top.length - 1]!.similarity) {
          top.push(scored);
          top.sort((a, b) => b.similarity - a.similarity);
          if (top.length > MATCHED_CHUNKS_KEPT) top.pop();
        }
      }
      const matched: MatchedChunk[] = top.map(({ label, similarity }) => {
        const { chunkId, start, end } = index.vectors.unit(label)!.metadata;
        return { chunkId, text: paper.abstract.slice(start, end), start, end, score: similarity };
      });
      let score = 0;
      for (const kind of Object.keys(settings.unitWeights) as VectorUnitKind[]) score += settings.unitWeights[kind] * (best[kind] ?? 0);
      vectorScores.set(paperId, score);
      evidence.set(paperId, { best, chunks: matched });
    }
    const vectorRanks = new Map(rankByScore(vectorScores).map(([paperId], rank) => [paperId, rank + 1]));

    const fused = fuseNormalisedScores([
      { scores: lexicalScores, weight: settings.lexicalWeight },
      { scores: vectorScores, weight: settings.vectorWeight },
    ]);
    return rankByScore(fused)
      .slice(0, options.k)
      .flatMap(([paperId, score]) => {
        const paper = index.paperById.get(paperId);
        if (!paper) return [];
        const chunks = evidence.get(paperId)?.chunks ?? [];
        const bestVector = evidence.get(paperId)?.best;
        const hit: PaperHit = {
          paperId,
          title: paper.title,
          score,
          snippet: chunks[0]?.text ?? paper.abstract.slice(0, 300),
          scores: {
            fused: score,
            lexical: lexicalScores.get(paperId),
            vector: bestVector ? Math.max(...Object.values(bestVector)) : undefined,
            lexicalRank: lexicalRanks.get(paperId),
            vectorRank: vectorRanks.get(paperId),
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
