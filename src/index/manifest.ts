import { z } from 'zod';

/** Bumped whenever the on-disk layout or what is embedded changes: older indexes are rebuilt. */
export const INDEX_FORMAT_VERSION = 4;

export const manifestSchema = z.object({
  formatVersion: z.number().int(),
  embedder: z.object({ id: z.string().min(1), dimensions: z.number().int().positive() }),
  /** SHA-256 over the seed files' names and bytes and the reading options: tells whether the index is stale. */
  corpusHash: z.string().min(1),
  /** SHA-256 over every vector unit's id and text: equal hashes mean an identical vector index. */
  unitsHash: z.string().min(1),
  counts: z.object({
    entries: z.number().int().nonnegative(),
    papers: z.number().int().nonnegative(),
    chunks: z.number().int().nonnegative(),
    vectors: z.number().int().nonnegative(),
  }),
  hnsw: z.object({ space: z.literal('cosine'), m: z.number().int(), efConstruction: z.number().int(), efSearch: z.number().int() }),
  /** Size and SHA-256 of every other file of the index, verified before loading. */
  files: z.record(z.string(), z.object({ bytes: z.number().int().nonnegative(), sha256: z.string() })),
  builtAt: z.string(),
  buildMs: z.number().nonnegative(),
});

export type IndexManifest = z.infer<typeof manifestSchema>;
