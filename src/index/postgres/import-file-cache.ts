import pg from 'pg';
import { EmbeddingCache } from '../embedding-cache.ts';
import { toVectorLiteral } from './database.ts';
import { migrate } from './migrate.ts';

const BATCH = 500;

/**
 * Copies the files store's embedding caches (DATA_DIR/cache/embeddings/<embedder>.bin) into the
 * database's, so moving to INDEX_STORE=postgres does not re-embed the corpus. The keys are the
 * same. `embedder` names the cache file (the files index's manifest tells which). Returns how many vectors were new to the database.
 */
export async function importFileEmbeddingCache(url: string, cacheDir: string, embedder: { id: string; dimensions: number }): Promise<number> {
  const cache = await EmbeddingCache.open(cacheDir, embedder.id, embedder.dimensions);
  const entries = [...cache.entries()];
  if (entries.length === 0) return 0;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let imported = 0;
  try {
    await migrate(client);
    for (let start = 0; start < entries.length; start += BATCH) {
      const batch = entries.slice(start, start + BATCH);
      const result = await client.query(
        `INSERT INTO embedding_cache (embedder_id, text_hash, embedding)
           SELECT $1, hash, embedding::vector FROM unnest($2::bytea[], $3::text[]) AS batch (hash, embedding)
         ON CONFLICT DO NOTHING`,
        [embedder.id, batch.map(([key]) => Buffer.from(key, 'hex')), batch.map(([, vector]) => toVectorLiteral(vector))],
      );
      imported += result.rowCount ?? 0;
    }
  } finally {
    await client.end();
  }
  return imported;
}
