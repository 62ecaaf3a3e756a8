import type { HnswVectorStore } from './hnsw-vector-store.ts';
import type { LexicalIndex } from './lexical-index.ts';
import type { CandidateSource, ScoredUnit, StoredUnit } from './served-index.ts';

/** The files store's candidates: BM25 postings and the hnswlib graph, both in memory. */
export class FilesCandidateSource implements CandidateSource {
  constructor(
    private readonly lexical: LexicalIndex,
    private readonly vectors: HnswVectorStore,
  ) {}

  async lexicalCandidates(query: string, limit: number, allowed?: ReadonlySet<string>, termWeights?: ReadonlyMap<string, number>) {
    return this.lexical.query(query, limit, { filter: allowed ? (paperId) => allowed.has(paperId) : undefined, termWeights });
  }

  async vectorCandidates(queryVector: Float32Array, limit: number, allowed?: ReadonlySet<string>): Promise<string[]> {
    const hits = this.vectors.searchLabels(queryVector, limit, allowed ? (unit) => allowed.has(unit.metadata.paperId) : undefined);
    return hits.flatMap(({ label }) => {
      const unit = this.vectors.unit(label);
      return unit ? [unit.metadata.paperId] : [];
    });
  }

  async scoreUnitsOfPapers(paperIds: readonly string[], queryVector: Float32Array): Promise<Map<string, ScoredUnit[]>> {
    const scored = new Map<string, ScoredUnit[]>();
    for (const paperId of paperIds) {
      scored.set(
        paperId,
        this.vectors.scorePaperUnits(paperId, queryVector).map(({ label, similarity }) => {
          const { chunkId, kind, start, end } = this.vectors.unit(label)!.metadata;
          return { chunkId, kind, start, end, similarity };
        }),
      );
    }
    return scored;
  }

  async paperUnits(paperIds: readonly string[]): Promise<Map<string, StoredUnit[]>> {
    const units = new Map<string, StoredUnit[]>();
    for (const paperId of paperIds) {
      units.set(
        paperId,
        this.vectors.paperLabels(paperId).flatMap((label) => {
          const unit = this.vectors.unit(label);
          const vector = this.vectors.vectorOfLabel(label);
          if (!unit || !vector) return [];
          const { chunkId, kind, start, end } = unit.metadata;
          return [{ chunkId, kind, start, end, vector }];
        }),
      );
    }
    return units;
  }

  async unitVectors(chunkIds: readonly string[]): Promise<Map<string, Float32Array>> {
    const found = new Map<string, Float32Array>();
    for (const chunkId of chunkIds) {
      const vector = this.vectors.vectorOf(chunkId);
      if (vector) found.set(chunkId, vector);
    }
    return found;
  }
}
