import type { HnswVectorStore } from './hnsw-vector-store.ts';
import type { LexicalIndex } from './lexical-index.ts';
import type { CandidateSource, ScoredUnits, StoredUnit, UnitRef } from './served-index.ts';

/** A class rather than an object literal, so V8 does not allocate these per-question objects straight in the old generation (see Candidate in hybrid-retriever.ts). */
class PaperScores implements ScoredUnits {
  constructor(
    readonly units: readonly UnitRef[],
    readonly similarities: Float64Array,
  ) {}
}

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
    const papers: string[] = [];
    for (const label of this.vectors.nearestLabels(queryVector, limit, allowed ? (unit) => allowed.has(unit.metadata.paperId) : undefined)) {
      const unit = this.vectors.unit(label);
      if (unit) papers.push(unit.metadata.paperId);
    }
    return papers;
  }

  async scoreUnitsOfPapers(paperIds: readonly string[], queryVector: Float32Array): Promise<Map<string, ScoredUnits>> {
    // One buffer for the whole call, a view of it per paper; the units are the store's own metadata.
    let total = 0;
    for (const paperId of paperIds) total += this.vectors.paperLabels(paperId).length;
    const similarities = new Float64Array(total);
    const scored = new Map<string, ScoredUnits>();
    let offset = 0;
    for (const paperId of paperIds) {
      const count = this.vectors.scorePaperUnitsInto(paperId, queryVector, similarities, offset);
      scored.set(paperId, new PaperScores(this.vectors.paperUnitMetadata(paperId), similarities.subarray(offset, offset + count)));
      offset += count;
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
