import type { Paper } from '../corpus/types.ts';
import type { IdentifiedEmbeddings } from '../embeddings/types.ts';
import type { LexicalHit } from './lexical-index.ts';
import type { IndexManifest } from './manifest.ts';
import type { SimilarityCalibration } from './similarity-calibration.ts';
import type { TopicMap } from './topic-map.ts';
import type { VectorUnitKind } from './vector-units.ts';

/** Which vector unit of a paper a score belongs to. */
export interface UnitRef {
  chunkId: string;
  kind: VectorUnitKind;
  /** Character offsets within the abstract (0, 0 for a title). */
  start: number;
  end: number;
}

/**
 * A paper's units scored exactly (cosine) against a query: `similarities[i]` is the score of
 * `units[i]`. Parallel arrays rather than an object per unit: every question scores every
 * unit of ~150 candidate papers, and an object each was the server's largest source of
 * garbage that V8 moved to the old space (docs/performance.md, "npm run load").
 */
export interface ScoredUnits {
  units: readonly UnitRef[];
  similarities: Float64Array;
}

/** One stored vector unit of a paper, with its unit-length vector. */
export interface StoredUnit {
  chunkId: string;
  kind: VectorUnitKind;
  start: number;
  end: number;
  vector: Float32Array;
}

/**
 * Where a query's candidates come from. The files store answers from memory (BM25 postings
 * and an hnswlib graph), the Postgres store with SQL (pg_textsearch BM25, pgvector HNSW);
 * the retriever ranks whatever comes back the same way. Async because a database answers it.
 */
export interface CandidateSource {
  /**
   * The best `limit` papers for `query` by BM25, best first (higher score = better).
   * `termWeights` (analysed term → weight) down-weights terms where the engine can; a store
   * whose BM25 cannot weigh query terms ranks them unweighted.
   */
  lexicalCandidates(query: string, limit: number, allowed?: ReadonlySet<string>, termWeights?: ReadonlyMap<string, number>): Promise<LexicalHit[]>;
  /** The papers of the `limit` nearest units to a unit-length query vector, nearest unit first (a paper may repeat). */
  vectorCandidates(queryVector: Float32Array, limit: number, allowed?: ReadonlySet<string>): Promise<string[]>;
  /** Every unit of these papers, in index order, scored exactly against a unit-length query vector; grouped by paper. */
  scoreUnitsOfPapers(paperIds: readonly string[], queryVector: Float32Array): Promise<Map<string, ScoredUnits>>;
  /** Every unit of these papers with its stored vector, in index order; grouped by paper (unknown papers get none). */
  paperUnits(paperIds: readonly string[]): Promise<Map<string, StoredUnit[]>>;
  /** Stored unit-length vectors of these units (unknown ids are left out). */
  unitVectors(chunkIds: readonly string[]): Promise<Map<string, Float32Array>>;
}

/**
 * A live index as retrieval and answers see it, whichever store holds it: the papers and
 * manifest in memory (small), candidates and unit vectors through the CandidateSource.
 */
export interface ServedIndex {
  /** Names this index within its store: a folder, or `postgres:generation-N`. */
  id: string;
  manifest: IndexManifest;
  papers: Paper[];
  paperById: Map<string, Paper>;
  embeddings: IdentifiedEmbeddings;
  candidates: CandidateSource;
  /** Where cosine similarities stand on this corpus's scale (see similarity-calibration.ts). */
  calibration(): SimilarityCalibration;
  /** Clusters and 2-D layout of the papers, computed when the index was built (see topic-map.ts). */
  topicMap(): TopicMap;
}
