import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Document } from '@langchain/core/documents';
import { describe, expect, it } from 'vitest';
import { HnswVectorStore } from '../../src/index/hnsw-vector-store.ts';
import type { VectorUnitMetadata } from '../../src/index/vector-units.ts';
import { unitVector } from '../../src/util/vectors.ts';
import { makeTempDir } from '../helpers/fixture-seeds.ts';
import { TestHashingEmbeddings } from '../helpers/hashing-embeddings.ts';

const DIMENSIONS = 24;
const UNITS = 240;
const UNITS_PER_PAPER = 4;

/** Seeded, not unit length, so the store's normalisation has work to do. */
function randomVectors(count: number, seed: number): number[][] {
  let state = seed;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 4 - 2;
  return Array.from({ length: count }, () => Array.from({ length: DIMENSIONS }, next));
}

function units(count: number): Document<VectorUnitMetadata>[] {
  return Array.from({ length: count }, (_, label) => {
    const paperId = `p${Math.floor(label / UNITS_PER_PAPER)}`;
    const position = label % UNITS_PER_PAPER;
    return new Document<VectorUnitMetadata>({
      pageContent: `unit ${label}`,
      metadata: { chunkId: `${paperId}#s${position}`, paperId, title: `Paper ${paperId}`, position, start: 0, end: 7, kind: 'sentence' },
    });
  });
}

const bits = (vector: Float32Array) => Array.from(new Uint32Array(vector.buffer, vector.byteOffset, vector.length));

describe('HnswVectorStore.load', () => {
  it('holds the saved vectors normalised exactly as unitVector does, each its own, and answers as the store that was saved', async () => {
    const embeddings = new TestHashingEmbeddings();
    const built = new HnswVectorStore(embeddings, DIMENSIONS, { m: 8, efConstruction: 40, efSearch: 32 });
    await built.addVectors(randomVectors(UNITS, 7), units(UNITS));
    const folder = await makeTempDir('paperchat-vectors-');
    await built.save(folder);
    const loaded = await HnswVectorStore.load(folder, embeddings);

    expect(loaded.size).toBe(UNITS);
    const saved = new Float32Array((await fs.readFile(path.join(folder, 'unit-vectors.f32'))).buffer.slice(0));
    for (let label = 0; label < UNITS; label++) {
      const vector = loaded.vectorOfLabel(label)!;
      expect(vector).toHaveLength(DIMENSIONS);
      // What loading did before it normalised in place: a unit-length copy of each stored vector.
      expect(bits(vector)).toEqual(bits(unitVector(saved.subarray(label * DIMENSIONS, (label + 1) * DIMENSIONS))));
      expect(loaded.vectorOf(loaded.unit(label)!.metadata.chunkId)).toBe(vector);
    }
    for (const query of randomVectors(20, 11)) {
      expect(loaded.searchLabels(query, 10)).toEqual(built.searchLabels(query, 10));
    }
    const query = unitVector(randomVectors(1, 13)[0]!);
    const scores = (store: HnswVectorStore) => Array.from(store.scorePaperUnits('p3', query), (similarity) => Number(similarity.toFixed(6)));
    expect(scores(loaded)).toEqual(scores(built));
    expect(loaded.paperLabels('p3')).toEqual(built.paperLabels('p3'));

    // Views of one array must not overlap: filling one unit's vector leaves its neighbours alone.
    const neighbour = bits(loaded.vectorOfLabel(1)!);
    loaded.vectorOfLabel(0)!.fill(0);
    expect(bits(loaded.vectorOfLabel(1)!)).toEqual(neighbour);
  });
});
