import type pg from 'pg';
import type { IdentifiedEmbeddings } from '../../embeddings/types.ts';
import { EmbeddingCache } from '../embedding-cache.ts';
import { fromVectorLiteral, toVectorLiteral } from './database.ts';

const LOOKUP_BATCH = 1000;

/** The cache key of a text: the files store's key (SHA-256 of embedder id, NUL, text), so its cache can be imported as it is. */
export function textHash(embedderId: string, text: string): Buffer {
  return Buffer.from(EmbeddingCache.keyOf(embedderId, text), 'hex');
}

/**
 * The embedding cache in the database (embedder id + text hash → vector), shared by every
 * replica and ingest worker. Each embedded batch is written at once, so an ingest killed
 * midway leaves its work for the next one.
 */
export async function embedAllCached(
  client: pg.ClientBase,
  texts: readonly string[],
  embeddings: IdentifiedEmbeddings,
  onProgress?: (done: number, total: number) => void,
  batchSize = 64,
): Promise<{ vectors: Float32Array[]; hashes: Buffer[]; embeddedCount: number }> {
  const hashes = texts.map((text) => textHash(embeddings.id, text));
  const known = new Map<string, Float32Array>();
  const distinct = [...new Map(hashes.map((hash, index) => [hash.toString('hex'), index])).entries()];
  for (let start = 0; start < distinct.length; start += LOOKUP_BATCH) {
    const batch = distinct.slice(start, start + LOOKUP_BATCH).map(([, index]) => hashes[index]!);
    const rows = await client.query<{ text_hash: Buffer; embedding: string }>(
      'SELECT text_hash, embedding::text AS embedding FROM embedding_cache WHERE embedder_id = $1 AND text_hash = ANY($2)',
      [embeddings.id, batch],
    );
    for (const row of rows.rows) known.set(row.text_hash.toString('hex'), fromVectorLiteral(row.embedding));
  }
  const missing = distinct.filter(([key]) => !known.has(key));
  onProgress?.(0, missing.length);
  for (let start = 0; start < missing.length; start += batchSize) {
    const batch = missing.slice(start, start + batchSize);
    const vectors = await embeddings.embedDocuments(batch.map(([, index]) => texts[index]!));
    batch.forEach(([key], position) => {
      const vector = vectors[position];
      if (!vector || vector.length !== embeddings.dimensions) {
        throw new Error(`Embedder ${embeddings.id} returned a vector of ${vector?.length} dimensions, expected ${embeddings.dimensions}`);
      }
      known.set(key, Float32Array.from(vector));
    });
    await client.query(
      `INSERT INTO embedding_cache (embedder_id, text_hash, embedding)
         SELECT $1, hash, embedding::vector FROM unnest($2::bytea[], $3::text[]) AS batch (hash, embedding)
       ON CONFLICT DO NOTHING`,
      [embeddings.id, batch.map(([, index]) => hashes[index]!), batch.map(([key]) => toVectorLiteral(known.get(key)!))],
    );
    onProgress?.(Math.min(start + batchSize, missing.length), missing.length);
  }
  return { vectors: hashes.map((hash) => known.get(hash.toString('hex'))!), hashes, embeddedCount: missing.length };
}
