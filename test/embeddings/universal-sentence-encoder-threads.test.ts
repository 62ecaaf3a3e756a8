import { afterAll, describe, expect, it } from 'vitest';
import { UniversalSentenceEncoderEmbeddings } from '../../src/embeddings/universal-sentence-encoder.ts';

const texts = [
  'Retrieval-augmented generation grounds answers in documents.',
  'A diffusion model generates images from text prompts.',
  'We train a small language model on synthetic data.',
  'Sparse mixture-of-experts layers scale model capacity.',
];
const inThread = new UniversalSentenceEncoderEmbeddings({ threads: 1 });
const inWorkers = new UniversalSentenceEncoderEmbeddings({ threads: 2 });

afterAll(async () => {
  await inThread.close();
  await inWorkers.close();
});

describe('bundled encoder in worker threads', () => {
  it('gives the same vectors as the calling thread, in input order, across batches', async () => {
    // 40 texts span several worker tasks, so order must survive the fan-out.
    const many = Array.from({ length: 40 }, (_, index) => `${texts[index % texts.length]} (variant ${index})`);
    const [expected, actual] = await Promise.all([inThread.embedDocuments(many), inWorkers.embedDocuments(many)]);
    expect(actual).toHaveLength(40);
    expect(actual[0]).toHaveLength(512);
    for (let index = 0; index < many.length; index++) {
      const difference = Math.max(...actual[index]!.map((value, dimension) => Math.abs(value - expected[index]![dimension]!)));
      expect(difference).toBeLessThan(1e-4);
    }
  }, 120_000);

  it('answers concurrent queries, and close() ends the workers so a new call starts them again', async () => {
    const vectors = await Promise.all(texts.map((text) => inWorkers.embedQuery(text)));
    expect(new Set(vectors.map((vector) => vector[0])).size).toBe(texts.length);
    // The typed form the server keeps is the same vector, and owns its buffer (not its batch's).
    const typed = await Promise.all(texts.map((text) => inWorkers.embedQueryVector(text)));
    typed.forEach((vector, position) => {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector.byteLength).toBe(vector.buffer.byteLength);
      expect(Array.from(vector)).toEqual(vectors[position]);
    });
    await inWorkers.close();
    const again = await inWorkers.embedQuery(texts[0]!);
    expect(again[0]).toBeCloseTo(vectors[0]![0]!, 5);
  }, 120_000);
});
