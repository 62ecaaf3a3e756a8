import type { Logger } from 'pino';
import type { AskService } from '../answer/types.ts';
import type { SearchService } from '../retrieval/types.ts';

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
