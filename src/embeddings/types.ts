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
  /**
   * `embedQuery` as a Float32Array, for an embedder that has it that way: the server keeps
   * query vectors as Float32Array, and a number[] made only to be converted is garbage.
   */
  embedQueryVector?(text: string): Promise<Float32Array>;
}
