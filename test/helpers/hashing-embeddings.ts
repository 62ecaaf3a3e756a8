import { createHash } from 'node:crypto';
import { Embeddings } from '@langchain/core/embeddings';
import type { IdentifiedEmbeddings } from '../../src/embeddings/types.ts';

/** Deterministic bag-of-words embeddings: texts sharing words get similar vectors. For tests only. */
export class TestHashingEmbeddings extends Embeddings implements IdentifiedEmbeddings {
  readonly id = 'test-hashing';
  readonly dimensions = 64;
  calls = 0;
  queryCalls = 0;

  constructor() {
    super({});
  }

  private embed(text: string): number[] {
    const vector = new Array<number>(this.dimensions).fill(0);
    for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
      const digest = createHash('md5').update(word).digest();
      vector[digest[0]! % this.dimensions]! += 1;
      vector[digest[1]! % this.dimensions]! += 0.5;
    }
    const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
    return vector.map((value) => value / norm);
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    this.calls += texts.length;
    return texts.map((text) => this.embed(text));
  }

  async embedQuery(text: string): Promise<number[]> {
    this.queryCalls++;
    return this.embed(text);
  }
}
