import type { ParseProblem } from '../corpus/types.ts';
import type { ReadSeedsOptions } from '../corpus/read-seeds.ts';
import type { IdentifiedEmbeddings } from '../embeddings/types.ts';
import type { BuildPhase } from './build-index.ts';
import type { IngestReport } from './ingest-report.ts';
import type { IndexManifest } from './manifest.ts';
import type { ServedIndex } from './served-index.ts';

/** Where built indexes live. Chosen once at start from INDEX_STORE; PaperLibrary never knows which. */
export type IndexStoreKind = 'files' | 'postgres';

export interface StoreBuildOptions {
  seedsDir: string;
  embeddings: IdentifiedEmbeddings;
  buildId: string;
  ingest?: ReadSeedsOptions;
  onProgress?: (phase: BuildPhase, done: number, total: number) => void;
  onParseProblem?: (problem: ParseProblem) => void;
}

export interface StoreBuildResult {
  index: ServedIndex;
  manifest: IndexManifest;
  /** Texts that had to be embedded (0 when the cache held everything). */
  embeddedCount: number;
  report: IngestReport;
  /** Where the build went, for people: a folder or `postgres generation 7`. */
  location: string;
}

export interface IndexStore {
  readonly kind: IndexStoreKind;
  /** For log lines: `data/` or `the database`. */
  readonly description: string;
  /** Prepares the store (the database: connect and migrate); throws a clear error when it cannot. */
  open(): Promise<void>;
  /** Names the live index (compare with ServedIndex.id), or null when there is none. */
  liveId(): Promise<string | null>;
  /** The live index, or null when none was built; IndexUnusableError when it is damaged (the caller rebuilds). */
  loadLive(embedderById: (id: string) => Promise<IdentifiedEmbeddings>): Promise<{ index: ServedIndex; report: IngestReport | null } | null>;
  /** Builds aside and publishes atomically; BuildInProgressError when another build holds the store. */
  build(options: StoreBuildOptions): Promise<StoreBuildResult>;
  /** The report of the last build (failed ones included), or null. */
  lastReport(): Promise<IngestReport | null>;
  /** Calls back when another process may have published a new live index; returns the unsubscribe. */
  subscribe(onChange: () => void): () => void;
  /**
   * Shared by replicas (Postgres): the live index is served as it is at start, not rebuilt
   * because this process's SEEDS_DIR differs — ingests are asked for explicitly.
   */
  readonly shared: boolean;
  /** False while the store cannot be reached (the files store always can). */
  readonly reachable: boolean;
  close(): Promise<void>;
}
