import type { Paper, Sentence } from '../../corpus/types.ts';
import type { PaperHit } from '../../retrieval/types.ts';

/** Columns every table starts with; each has a typed extractor (see extractors.ts). */
export const DEFAULT_COLUMN_KINDS = ['problem', 'method', 'data', 'results', 'code'] as const;
export type DefaultColumnKind = (typeof DEFAULT_COLUMN_KINDS)[number];
/** `question`: a column the user wrote in plain words, answered by question → sentence scoring. */
export type ColumnKind = DefaultColumnKind | 'question';

export interface TableColumn {
  /** Stable within one table: `problem`, …, or `c1`, `c2`… for user columns in request order. */
  id: string;
  label: string;
  kind: ColumnKind;
}

/** Part of an abstract, with the same character offsets citations use (`abstract.slice(start, end) === text`). */
export interface EvidenceSpan {
  start: number;
  end: number;
  text: string;
}

export const NOT_STATED = 'not stated in the abstract';

export type TableCell =
  | {
      columnId: string;
      status: 'stated';
      /** What the cell says: the evidence itself, or a model's short text that the evidence supports. */
      text: string;
      spans: EvidenceSpan[];
      /** True when `text` was written by the configured LLM (and checked against `spans`). */
      generated: boolean;
    }
  | { columnId: string; status: 'not_stated'; text: typeof NOT_STATED; spans: []; generated: false };

export interface TableRow {
  paperId: string;
  title: string;
  cells: TableCell[];
}

export interface ComparisonTable {
  columns: TableColumn[];
  rows: TableRow[];
  /** `extractive`, or the LLM provider that wrote cell texts. */
  provider: string;
  /** Set when the table was built from a question (its papers are the retrieved ones). */
  question?: string;
  /** e.g. the LLM failed and cells fell back to extracted text. */
  warning?: string;
}

export type TableRequest = { columns?: string[]; paperIds: string[]; k?: undefined; question?: undefined } | { columns?: string[]; question: string; k: number; paperIds?: undefined };

export interface TableService {
  /** Throws UnknownPapersError for paper ids the index does not hold. */
  build(request: TableRequest, signal?: AbortSignal): Promise<ComparisonTable>;
}

/** What the table builder reads from the index; PaperLibrary provides it (library-evidence.ts). */
export interface TableEvidenceSource {
  getPaper(paperId: string): Paper | undefined;
  search(query: string, options: { k: number }): Promise<PaperHit[]>;
  /** The abstract's sentences, split as the index split them (their offsets are the citation offsets). */
  sentencesOf(paper: Paper): Sentence[];
  /** The text embedded as a query; null when no vectors are loaded (keyword-only while the first index builds). */
  embedQuery(text: string): Promise<Float32Array | null>;
  /** Cosine similarity of an embedded query to each of the paper's sentences, aligned with `sentencesOf`. */
  sentenceSimilarities(paper: Paper, queryVector: Float32Array): Promise<number[]>;
}
