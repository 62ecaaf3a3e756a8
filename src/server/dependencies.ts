import type { Logger } from 'pino';
import type { AskEvent, AskResult, ChatTurn } from '../answer/types.ts';
import type { Paper } from '../corpus/types.ts';
import type { PaperHit, SearchOptions } from '../retrieval/types.ts';

export interface IndexStatus {
  status: 'ok' | 'indexing';
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
}

export interface AskRequest {
  question: string;
  history: ChatTurn[];
  k: number;
  paperIds?: string[];
}

export interface AskService {
  ask(request: AskRequest, signal?: AbortSignal): Promise<AskResult>;
  askStream(request: AskRequest, signal?: AbortSignal): AsyncIterable<AskEvent>;
}

/** Rebuilding the index while serving (POST /api/admin/reindex). */
export interface IndexAdmin {
  readonly isRebuilding: boolean;
  /** Starts a rebuild; the promise settles when the new index is live. */
  rebuild(): Promise<unknown>;
}

/** Everything `createApp` needs; only src/main.ts wires the real implementations. */
export interface AppDependencies {
  searchService: SearchService;
  askService: AskService;
  logger: Logger;
  indexAdmin?: IndexAdmin;
  metrics?: import('./metrics.ts').Metrics;
}
