import type { Logger } from 'pino';
import type { AskService } from '../answer/types.ts';
import type { BuildTrigger, IndexInfo } from '../retrieval/paper-library.ts';
import type { IngestReport } from '../index/ingest-report.ts';
import type { SearchService } from '../retrieval/types.ts';

/** Rebuilding the index while serving (POST /api/admin/reindex, uploads, GET /api/index). */
export interface IndexAdmin {
  readonly isRebuilding: boolean;
  /** Starts a rebuild; the promise settles when the new index is live. */
  rebuild(trigger?: BuildTrigger): Promise<unknown>;
  /** Starts a rebuild, or queues one after the build in progress. */
  requestRebuild(trigger: BuildTrigger): { buildId: string | null; queued: boolean };
  /** Settles when no build runs or is queued, with the last report. */
  waitForBuild(): Promise<IngestReport | null>;
  indexInfo(): IndexInfo;
}

/** Where uploads go and how they are read (POST /api/admin/papers). */
export interface UploadSettings {
  seedsDir: string;
  maxBytes: number;
  titleOnly: boolean;
}

/** Everything `createApp` needs; only src/main.ts wires the real implementations. */
export interface AppDependencies {
  searchService: SearchService;
  askService: AskService;
  logger: Logger;
  indexAdmin?: IndexAdmin;
  uploads?: UploadSettings;
  metrics?: import('./metrics.ts').Metrics;
  /** POST /api/table; the route is absent without it. */
  tableService?: import('../answer/table/types.ts').TableService;
}
