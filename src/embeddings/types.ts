import type { Embeddings } from '@langchain/core/embeddings';

/**
 * A LangChain `Embeddings` that also says what it is. The index manifest records `id`
 * and `dimensions`, and queries must use the embedder that built the index.
 */
export interface IdentifiedEmbeddings extends Embeddings {
  /** e.g. `universal-sentence-encoder` or `transformers:Xenova/bge-small-en-v1.5`. */
  readonly id: string;
  readonly dimensions: number;
  /** Frees workers / native sessions; safe to call twice. */
  close?(): Promise<void>;
}
