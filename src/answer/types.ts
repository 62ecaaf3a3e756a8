import type { Sentence } from '../corpus/types.ts';
import type { PaperFilters, PaperHit } from '../retrieval/types.ts';

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** A retrieved paper handed to an answer provider as numbered source `[n]`. */
export interface AnswerSource {
  n: number;
  paperId: string;
  title: string;
  abstract: string;
  sentences: Sentence[];
  /** Cosine similarity of each sentence to the question (aligned with `sentences`), when known. */
  sentenceSimilarities?: number[];
  hit: PaperHit;
}

/**
 * How a question leans on the conversation:
 * - `standalone`: it does not (first turn, or a new subject);
 * - `ordinal`: it points at a position in the previous answer ("the second one", "the latter");
 * - `selection`: it picks among the papers under discussion by a new detail ("which of those…",
 *   "which one…", "is there one that…"), so the detail decides and the earlier papers are a hint;
 * - `pronoun`: it asks about the paper(s) under discussion ("it", "they", "this model");
 * - `ellipsis`: a short question with its subject left out ("Anything on translation?").
 */
export type ReferenceKind = 'standalone' | 'ordinal' | 'selection' | 'pronoun' | 'ellipsis';

export interface GenerationInput {
  /**
   * In a follow-up, how the question leans on the previous answer and, when its wording
   * pins one down ("the second one", "it" after a one-paper answer), the paper it is about.
   */
  reference?: ReferenceKind;
  referent?: string;
  question: string;
  /** The standalone query used for retrieval (follow-ups resolved). */
  query: string;
  history: ChatTurn[];
  sources: AnswerSource[];
}

/**
 * One small interface over every LLM: the extractive answerer and the LangChain chat models.
 * `generate` streams answer text containing `[n]` markers.
 */
export interface AnswerProvider {
  readonly name: string;
  generate(input: GenerationInput, signal?: AbortSignal): AsyncIterable<string>;
  /** Rewrites a follow-up into a standalone query; absent when the provider cannot. */
  condense?(history: ChatTurn[], question: string, signal?: AbortSignal): Promise<string>;
}

export interface Citation {
  n: number;
  paperId: string;
  title: string;
  quote: string;
  /** Character offsets of `quote` within the paper's abstract. */
  start: number;
  end: number;
}

export interface AskResult {
  answer: string;
  citations: Citation[];
  refused: boolean;
  query: string;
  provider: string;
  warning?: string;
  /** "keyword" while the first index builds (BM25 only, see keyword-answer.ts); else "hybrid". */
  retrievalMode?: 'hybrid' | 'keyword';
  timings: { retrieveMs: number; generateMs: number };
  /** The papers retrieved for the answer, with their scores (for "show retrieval"). */
  retrieved: Array<Pick<PaperHit, 'paperId' | 'title' | 'score' | 'scores'>>;
  confidence?: number;
}

export type AskEvent =
  | { type: 'text-delta'; text: string }
  | { type: 'answer-end'; result: AskResult };

export interface AskRequest {
  question: string;
  history: ChatTurn[];
  k: number;
  paperIds?: string[];
  /** Metadata filters: retrieval only considers the papers that pass them. */
  filters?: PaperFilters;
}

export interface AskService {
  ask(request: AskRequest, signal?: AbortSignal): Promise<AskResult>;
  askStream(request: AskRequest, signal?: AbortSignal): AsyncIterable<AskEvent>;
}
