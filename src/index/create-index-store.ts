import type { Config } from '../config.ts';
import { FilesIndexStore } from './files-index-store.ts';
import type { IndexStore } from './index-store.ts';
import { PostgresIndexStore, type PostgresStoreLogger } from './postgres/postgres-index-store.ts';

/** The store INDEX_STORE selects; everything above it only sees the IndexStore interface. */
export function createIndexStore(config: Config, logger?: PostgresStoreLogger): IndexStore {
  if (config.INDEX_STORE === 'files') return new FilesIndexStore(config.DATA_DIR);
  return new PostgresIndexStore(
    {
      url: config.DATABASE_URL!,
      poolMax: config.DATABASE_POOL_MAX,
      statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
      efSearch: config.HNSW_EF_SEARCH,
      graceSeconds: config.DATABASE_GENERATION_GRACE_S,
    },
    logger,
  );
}
