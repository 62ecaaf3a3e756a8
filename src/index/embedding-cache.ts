import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { IdentifiedEmbeddings } from '../embeddings/types.ts';
import { writeFileAtomic } from './atomic-write.ts';

const HASH_BYTES = 32;

/**
 * Embeddings already computed, keyed by embedder and the SHA-256 of the exact text, so an
 * unchanged corpus re-embeds nothing and an edited paper re-embeds only its own texts.
 * One binary file per embedder: records of [32-byte hash][dimensions × float32].
 */
export class EmbeddingCache {
  private readonly vectors = new Map<string, Float32Array>();
  private dirty = false;

  private constructor(
    private readonly file: string,
    readonly embedderId: string,
    readonly dimensions: number,
  ) {}

  static fileFor(cacheDir: string, embedderId: string): string {
    const safeName = embedderId.replace(/[^a-zA-Z0-9._-]+/g, '_');
    return path.join(cacheDir, `${safeName}.bin`);
  }

  /** Loads the cache; a missing or damaged file yields an empty cache (it is only a cache). */
  static async open(cacheDir: string, embedderId: string, dimensions: number): Promise<EmbeddingCache> {
    const cache = new EmbeddingCache(EmbeddingCache.fileFor(cacheDir, embedderId), embedderId, dimensions);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(cache.file);
    } catch {
      return cache;
    }
    const recordBytes = HASH_BYTES + dimensions * 4;
    if (bytes.length % recordBytes !== 0) return cache;
    for (let offset = 0; offset < bytes.length; offset += recordBytes) {
      const key = bytes.subarray(offset, offset + HASH_BYTES).toString('hex');
      const vector = new Float32Array(dimensions);
      const source = bytes.subarray(offset + HASH_BYTES, offset + recordBytes);
      for (let index = 0; index < dimensions; index++) vector[index] = source.readFloatLE(index * 4);
      cache.vectors.set(key, vector);
    }
    return cache;
  }

  get size(): number {
    return this.vectors.size;
  }

  /** Every cached vector with its key (hex SHA-256 of embedder id and text), e.g. to copy the cache into the Postgres store. */
  entries(): IterableIterator<[string, Float32Array]> {
    return this.vectors.entries();
  }

  /** The key of a text: SHA-256 over the embedder id, a NUL and the text. */
  static keyOf(embedderId: string, text: string): string {
    return createHash('sha256').update(embedderId).update('\0').update(text).digest('hex');
  }

  private keyOf(text: string): string {
    return EmbeddingCache.keyOf(this.embedderId, text);
  }

  /**
   * Returns one vector per text, embedding only the texts not cached yet (in batches,
   * reporting progress as `done` texts out of those that needed embedding).
   */
  async embedAll(
    texts: string[],
    embeddings: IdentifiedEmbeddings,
    onProgress?: (done: number, total: number) => void,
    batchSize = 64,
  ): Promise<{ vectors: Float32Array[]; embeddedCount: number }> {
    const keys = texts.map((text) => this.keyOf(text));
    const missing = new Map<string, string>();
    keys.forEach((key, index) => {
      if (!this.vectors.has(key) && !missing.has(key)) missing.set(key, texts[index]!);
    });
    const pending = [...missing.entries()];
    onProgress?.(0, pending.length);
    for (let start = 0; start < pending.length; start += batchSize) {
      const batch = pending.slice(start, start + batchSize);
      const batchVectors = await embeddings.embedDocuments(batch.map(([, text]) => text));
      batch.forEach(([key], index) => {
        const vector = batchVectors[index];
        if (!vector || vector.length !== this.dimensions) {
          throw new Error(`Embedder ${this.embedderId} returned a vector of ${vector?.length} dimensions, expected ${this.dimensions}`);
        }
        this.vectors.set(key, Float32Array.from(vector));
      });
      this.dirty = true;
      onProgress?.(Math.min(start + batchSize, pending.length), pending.length);
    }
    return { vectors: keys.map((key) => this.vectors.get(key)!), embeddedCount: pending.length };
  }

  /** Writes the cache atomically, only when something new was embedded. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    const recordBytes = HASH_BYTES + this.dimensions * 4;
    const buffer = Buffer.alloc(this.vectors.size * recordBytes);
    let offset = 0;
    for (const [key, vector] of this.vectors) {
      buffer.write(key, offset, HASH_BYTES, 'hex');
      for (let index = 0; index < this.dimensions; index++) {
        buffer.writeFloatLE(vector[index]!, offset + HASH_BYTES + index * 4);
      }
      offset += recordBytes;
    }
    await writeFileAtomic(this.file, buffer);
    this.dirty = false;
  }
}
