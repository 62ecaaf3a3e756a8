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
  /** Only with INDEX_STORE=postgres: whether the database answers (503s while it does not). */
  database?: 'up' | 'down';
}

/** A span of an abstract: the text and its character offsets in it. */
export interface SentenceSpan {
  text: string;
  start: number;
  end: number;
}

export interface SimilarOptions {
  /** How many papers to return (the paper itself never among them). */
  k: number;
}

/** A paper near another one, with why (see similar-papers.ts). */
export interface SimilarPaper {
  paperId: string;
  title: string;
  /** Fused score in [0, 1]: both sides min-max normalised over the candidates, weighted. */
  score: number;
  scores: { fused: number; vector: number; vectorRank: number; lexical?: number; lexicalRank?: number };
  reason: {
    /** One line for people: the shared key terms. */
    summary: string;
    /** Distinctive terms both title+abstracts contain, idf-weighted, strongest first. */
    sharedTerms: string[];
    /** The best-matching sentence of each abstract (offsets into each), null when either has no sentences. */
    sentences: { source: SentenceSpan; similar: SentenceSpan; similarity: number } | null;
  };
}

/** The retrieval side as the server sees it: backed by whichever index is live. */
export interface SearchService {
  status(): IndexStatus;
  /** Throws IndexNotReadyError while no index is loaded. */
  search(query: string, options: SearchOptions): Promise<PaperHit[]>;
  getPaper(paperId: string): Paper | undefined;
  /** The papers nearest to one paper; NotFoundError for an unknown id, IndexNotReadyError while no full index is live. */
  similarPapers(paperId: string, options: SimilarOptions): Promise<SimilarPaper[]>;
  /** How many papers of the live index pass the filters (all of them without filters); 0 before the first index. */
  countPapers(filters?: PaperFilters): number;
  /** The live index's topic map (clusters, labels, 2-D layout); throws IndexNotReadyError while no index is loaded. */
  topicMap(): TopicMap;
}
