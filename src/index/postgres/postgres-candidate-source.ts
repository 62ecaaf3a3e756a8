import type pg from 'pg';
import type { LexicalHit } from '../lexical-index.ts';
import type { CandidateSource, ScoredUnits, StoredUnit, UnitRef } from '../served-index.ts';
import type { VectorUnitKind } from '../vector-units.ts';
import { DatabaseUnavailableError, fromVectorLiteral, isUnavailable, toVectorLiteral } from './database.ts';

/** Table and index names of one generation (its id is a bigint from the database, never user input). */
export function generationTables(generationId: number) {
  if (!Number.isSafeInteger(generationId) || generationId <= 0) throw new Error(`bad generation id ${generationId}`);
  return {
    papers: `papers_g${generationId}`,
    units: `units_g${generationId}`,
    bm25: `papers_g${generationId}_bm25`,
    hnsw: `units_g${generationId}_hnsw`,
    unitsByPaper: `units_g${generationId}_paper`,
  };
}

export interface DatabaseHealth {
  /** Called with every query's outcome: an unavailable database marks the store down until a query succeeds. */
  observe(ok: boolean): void;
}

/**
 * Candidates of one generation by SQL: BM25 from pg_textsearch, nearest units from the
 * generation's pgvector HNSW index, exact cosine of candidate papers' units computed in the
 * database (only scores travel, not 512-float vectors). Table names are the generation's own
 * partitions, so the planner uses that generation's indexes and never sees another's rows.
 */
export class PostgresCandidateSource implements CandidateSource {
  private readonly tables: ReturnType<typeof generationTables>;
  private readonly vectorType: string;

  constructor(
    private readonly pool: pg.Pool,
    generationId: number,
    dimensions: number,
    private readonly health: DatabaseHealth,
  ) {
    this.tables = generationTables(generationId);
    this.vectorType = `vector(${Math.round(dimensions)})`;
  }

  private async query<Row extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<Row[]> {
    try {
      const result = await this.pool.query<Row>(text, values);
      this.health.observe(true);
      return result.rows;
    } catch (error) {
      if (isUnavailable(error)) {
        this.health.observe(false);
        throw new DatabaseUnavailableError((error as Error).message);
      }
      throw error;
    }
  }

  /** pg_textsearch's bm25query has no per-term weights: `termWeights` is not applied here (see CandidateSource). */
  async lexicalCandidates(query: string, limit: number, allowed?: ReadonlySet<string>): Promise<LexicalHit[]> {
    if (query.trim() === '' || (allowed && allowed.size === 0)) return [];
    const { papers, bm25 } = this.tables;
    const score = `body <@> to_bm25query($1, '${bm25}')`;
    const rows = await this.query<{ paper_id: string; score: number }>(
      `SELECT paper_id, ${score} AS score FROM ${papers} ${allowed ? 'WHERE paper_id = ANY($3)' : ''} ORDER BY ${score} LIMIT $2`,
      allowed ? [query, limit, [...allowed]] : [query, limit],
    );
    // pg_textsearch returns the negated BM25 (lower is better); papers without a query term score 0.
    return rows.filter((row) => row.score < 0).map((row) => ({ paperId: row.paper_id, score: -row.score }));
  }

  async vectorCandidates(queryVector: Float32Array, limit: number, allowed?: ReadonlySet<string>): Promise<string[]> {
    if (allowed && allowed.size === 0) return [];
    const { units } = this.tables;
    const rows = await this.query<{ paper_id: string }>(
      `SELECT paper_id FROM ${units} ${allowed ? 'WHERE paper_id = ANY($3)' : ''} ORDER BY embedding::${this.vectorType} <=> $1::${this.vectorType} LIMIT $2`,
      allowed ? [toVectorLiteral(queryVector), limit, [...allowed]] : [toVectorLiteral(queryVector), limit],
    );
    return rows.map((row) => row.paper_id);
  }

  async scoreUnitsOfPapers(paperIds: readonly string[], queryVector: Float32Array): Promise<Map<string, ScoredUnits>> {
    const scored = new Map<string, ScoredUnits>();
    if (paperIds.length === 0) return scored;
    const rows = await this.query<{ paper_id: string; chunk_id: string; kind: VectorUnitKind; start_offset: number; end_offset: number; similarity: number }>(
      `SELECT paper_id, chunk_id, kind, start_offset, end_offset, 1 - (embedding::${this.vectorType} <=> $1::${this.vectorType}) AS similarity
         FROM ${this.tables.units} WHERE paper_id = ANY($2) ORDER BY ordinal`,
      [toVectorLiteral(queryVector), [...paperIds]],
    );
    const byPaper = new Map<string, { units: UnitRef[]; similarities: number[] }>(paperIds.map((paperId) => [paperId, { units: [], similarities: [] }]));
    for (const row of rows) {
      const paper = byPaper.get(row.paper_id);
      paper?.units.push({ chunkId: row.chunk_id, kind: row.kind, start: row.start_offset, end: row.end_offset });
      paper?.similarities.push(row.similarity);
    }
    for (const [paperId, { units, similarities }] of byPaper) scored.set(paperId, { units, similarities: Float64Array.from(similarities) });
    return scored;
  }

  async paperUnits(paperIds: readonly string[]): Promise<Map<string, StoredUnit[]>> {
    const units = new Map<string, StoredUnit[]>(paperIds.map((paperId) => [paperId, []]));
    if (paperIds.length === 0) return units;
    const rows = await this.query<{ paper_id: string; chunk_id: string; kind: VectorUnitKind; start_offset: number; end_offset: number; embedding: string }>(
      `SELECT paper_id, chunk_id, kind, start_offset, end_offset, embedding::text AS embedding FROM ${this.tables.units} WHERE paper_id = ANY($1) ORDER BY ordinal`,
      [[...paperIds]],
    );
    for (const row of rows) {
      units.get(row.paper_id)?.push({ chunkId: row.chunk_id, kind: row.kind, start: row.start_offset, end: row.end_offset, vector: fromVectorLiteral(row.embedding) });
    }
    return units;
  }

  async unitVectors(chunkIds: readonly string[]): Promise<Map<string, Float32Array>> {
    if (chunkIds.length === 0) return new Map();
    const rows = await this.query<{ chunk_id: string; embedding: string }>(`SELECT chunk_id, embedding::text AS embedding FROM ${this.tables.units} WHERE chunk_id = ANY($1)`, [[...chunkIds]]);
    return new Map(rows.map((row) => [row.chunk_id, fromVectorLiteral(row.embedding)]));
  }
}
