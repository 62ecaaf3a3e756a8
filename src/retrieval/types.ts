import type { Paper } from '../corpus/types.ts';
import type { TopicMap } from '../index/topic-map.ts';
import type { PaperFilters } from './paper-filters.ts';

export type { PaperFilters } from './paper-filters.ts';

/** Scores kept per paper for debugging and for the UI's "show retrieval" view. */
export interface RetrievalScores {
  /** Fused score used for ranking. */
  fused: number;
  /** Best BM25 score of the paper (raw), absent when the lexical side did not find it. */
  lexical?: number;
  /** Best cosine similarity of the paper's chunks/sentences to the query. */
  vector?: number;
  lexicalRank?: number;
  vectorRank?: number;
  /** The ranker's raw score: differences between papers of one query are comparable across queries. */
  ranker?: number;
  /** Share of the query's terms (idf-weighted) that the paper's title and abstract contain. */
  termCoverage?: number;
}

export interface MatchedChunk {
  chunkId: string;
  text: string;
  /** Character offsets within the abstract. */
  start: number;
  end: number;
  score: number;
}

export interface PaperHit {
  paperId: string;
  title: string;
  score: number;
  snippet: string;
  scores: RetrievalScores;
  chunks: MatchedChunk[];
}

export interface SearchOptions {
  k: number;
  /** Restrict results to these papers. */
  paperIds?: string[];
  /** Restrict results to papers whose metadata passes these filters (resolved to paperIds before retrieval). */
  filters?: PaperFilters;
}

export interface IndexStatus {
  /** "ok" once the full (hybrid) index is live; monitors wait for it. */
  status: 'ok' | 'indexing';
  /** While indexing: questions are answered from BM25 alone (labelled keyword-only). */
  keywordAnswers: boolean;
  papers: number;
  chunks: number;
  /** e.g. `universal-sentence-encoder` or `transformers:Xenova/bge-small-en-v1.5`; null before the first index. */
  embedder: string | null;
}

/** The retrieval side as the server sees it: backed by whichever index is live. */
export interface SearchService {
  status(): IndexStatus;
  /** Throws IndexNotReadyError while no index is loaded. */
  search(query: string, options: SearchOptions): Promise<PaperHit[]>;
  getPaper(paperId: string): Paper | undefined;
  /** How many papers of the live index pass the filters (all of them without filters); 0 before the first index. */
  countPapers(filters?: PaperFilters): number;
  /** The live index's topic map (clusters, labels, 2-D layout); throws IndexNotReadyError while no index is loaded. */
  topicMap(): TopicMap;
}
