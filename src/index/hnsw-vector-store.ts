import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { SaveableVectorStore } from '@langchain/core/vectorstores';
import hnswlib from 'hnswlib-node';
import { z } from 'zod';
import type { VectorUnitMetadata } from './vector-units.ts';
import { dotProduct, normaliseInPlace, unitVector } from '../util/vectors.ts';

const { HierarchicalNSW } = hnswlib;

export interface HnswParameters {
  /** Graph degree: higher = better recall, more memory. */
  m: number;
  efConstruction: number;
  /** Candidate list size at query time (raised to k when k is larger). */
  efSearch: number;
}

/** Measured on this corpus and the synthetic scale tiers (docs/performance.md). */
export const DEFAULT_HNSW_PARAMETERS: HnswParameters = { m: 16, efConstruction: 100, efSearch: 128 };

const storedUnitSchema = z.object({
  pageContent: z.string(),
  metadata: z.object({
    chunkId: z.string(),
    paperId: z.string(),
    title: z.string(),
    position: z.number(),
    start: z.number(),
    end: z.number(),
    kind: z.enum(['chunk', 'sentence', 'title']),
  }),
});
const storedArgsSchema = z.object({ dimensions: z.number().int().positive(), parameters: z.object({ m: z.number(), efConstruction: z.number(), efSearch: z.number() }) });

const INDEX_FILE = 'hnswlib.index';

const UNITS_FILE = 'units.json';
const ARGS_FILE = 'args.json';
/** The normalised vectors in label order, so loading needs no per-point native calls. */
const VECTORS_FILE = 'unit-vectors.f32';

/**
 * A LangChain vector store over hnswlib-node. Written instead of community's `HNSWLib`
 * because that one fixes M/efConstruction, leaves ef at 10 and returns cosine distances;
 * this one takes tuned parameters and returns cosine similarity (higher is closer), so
 * its scores can be fused with BM25 directly.
 */
export class HnswVectorStore extends SaveableVectorStore {
  declare FilterType: (document: Document<VectorUnitMetadata>) => boolean;

  private readonly index: InstanceType<typeof HierarchicalNSW>;
  private readonly units: Document<VectorUnitMetadata>[] = [];
  private readonly labelsByChunkId = new Map<string, number>();
  private readonly labelsByPaper = new Map<string, number[]>();
  /** Each paper's unit metadata in label order, so scoring a paper hands out the stored objects. */
  private readonly unitsByPaper = new Map<string, VectorUnitMetadata[]>();
  /** Copies of the stored vectors, so exact re-scoring of candidates needs no native calls. */
  private readonly unitVectors: Float32Array[] = [];

  constructor(
    embeddings: EmbeddingsInterface,
    readonly dimensions: number,
    readonly parameters: HnswParameters = DEFAULT_HNSW_PARAMETERS,
    capacity = 1024,
  ) {
    super(embeddings, {});
    this.index = new HierarchicalNSW('cosine', dimensions);
    this.index.initIndex({ maxElements: capacity, m: parameters.m, efConstruction: parameters.efConstruction, randomSeed: 100 });
    this.index.setEf(parameters.efSearch);
  }

  _vectorstoreType(): string {
    return 'hnswlib-node';
  }

  get size(): number {
    return this.units.length;
  }

  unit(label: number): Document<VectorUnitMetadata> | undefined {
    return this.units[label];
  }

  private register(document: Document<VectorUnitMetadata>, label: number, unitLengthVector: Float32Array): void {
    this.units[label] = document;
    this.unitVectors[label] = unitLengthVector;
    this.labelsByChunkId.set(document.metadata.chunkId, label);
    const paperLabels = this.labelsByPaper.get(document.metadata.paperId) ?? [];
    paperLabels.push(label);
    this.labelsByPaper.set(document.metadata.paperId, paperLabels);
    const paperUnits = this.unitsByPaper.get(document.metadata.paperId) ?? [];
    paperUnits.push(document.metadata);
    this.unitsByPaper.set(document.metadata.paperId, paperUnits);
  }

  /** The stored (normalised) vector of a unit, e.g. to score an abstract's sentences against a question. */
  vectorOf(chunkId: string): Float32Array | undefined {
    const label = this.labelsByChunkId.get(chunkId);
    return label === undefined ? undefined : this.unitVectors[label];
  }

  /** The labels of a paper's units (title, sentences, chunks), e.g. to use the paper itself as the query. */
  paperLabels(paperId: string): readonly number[] {
    return this.labelsByPaper.get(paperId) ?? [];
  }

  /** The stored (normalised) vector of a unit by label. */
  vectorOfLabel(label: number): Float32Array | undefined {
    return this.unitVectors[label];
  }

  /** The metadata of a paper's units, in the order of `paperLabels`. */
  paperUnitMetadata(paperId: string): readonly VectorUnitMetadata[] {
    return this.unitsByPaper.get(paperId) ?? [];
  }

  /**
   * Exact cosine similarity of every unit of a paper to a (normalised) query vector, written
   * into `into` from `offset` in the order of `paperLabels` (callers scoring many papers
   * share one array); returns how many were written.
   */
  scorePaperUnitsInto(paperId: string, query: Float32Array, into: Float64Array, offset = 0): number {
    const labels = this.labelsByPaper.get(paperId) ?? [];
    const dimensions = query.length;
    for (let position = 0; position < labels.length; position++) into[offset + position] = dotProduct(this.unitVectors[labels[position]!]!, query, dimensions);
    return labels.length;
  }

  /** `scorePaperUnitsInto` for one paper. */
  scorePaperUnits(paperId: string, query: Float32Array): Float64Array {
    const scores = new Float64Array(this.paperLabels(paperId).length);
    this.scorePaperUnitsInto(paperId, query, scores);
    return scores;
  }

  async addDocuments(documents: Document<VectorUnitMetadata>[]): Promise<void> {
    const vectors = await this.embeddings.embedDocuments(documents.map((document) => document.pageContent));
    await this.addVectors(vectors, documents);
  }

  async addVectors(vectors: ArrayLike<number>[], documents: Document<VectorUnitMetadata>[]): Promise<void> {
    if (vectors.length !== documents.length) throw new Error('addVectors: one vector per document is required');
    const needed = this.units.length + vectors.length;
    if (needed > this.index.getMaxElements()) this.index.resizeIndex(Math.max(needed, this.index.getMaxElements() * 2));
    vectors.forEach((vector, offset) => {
      if (vector.length !== this.dimensions) throw new Error(`Vector has ${vector.length} dimensions, index has ${this.dimensions}`);
      const label = this.units.length;
      this.index.addPoint(Array.from(vector), label);
      this.register(documents[offset]!, label, unitVector(this.index.getPoint(label)));
    });
  }

  /** Nearest units with cosine similarity (1 − distance). */
  async similaritySearchVectorWithScore(query: number[], k: number, filter?: this['FilterType']): Promise<[Document<VectorUnitMetadata>, number][]> {
    return this.searchLabels(query, k, filter).map(({ label, similarity }) => [this.units[label]!, similarity]);
  }

  /** Nearest units with cosine similarity. */
  searchLabels(query: ArrayLike<number>, k: number, filter?: (document: Document<VectorUnitMetadata>) => boolean): Array<{ label: number; similarity: number }> {
    const result = this.searchKnn(query, k, filter);
    return result.neighbors.map((label, rank) => ({ label, similarity: 1 - result.distances[rank]! }));
  }

  /** The labels of the nearest units, nearest first: the hot path's search (a question's candidates), without an object per hit. */
  nearestLabels(query: ArrayLike<number>, k: number, filter?: (document: Document<VectorUnitMetadata>) => boolean): number[] {
    return this.searchKnn(query, k, filter).neighbors;
  }

  private searchKnn(query: ArrayLike<number>, k: number, filter?: (document: Document<VectorUnitMetadata>) => boolean): { neighbors: number[]; distances: number[] } {
    const count = Math.min(k, this.units.length);
    if (count === 0) return { neighbors: [], distances: [] };
    if (count > this.parameters.efSearch) this.index.setEf(count);
    const result = this.index.searchKnn(Array.from(query), count, filter ? (label: number) => filter(this.units[label]!) : undefined);
    if (count > this.parameters.efSearch) this.index.setEf(this.parameters.efSearch);
    return result;
  }

  async save(directory: string): Promise<void> {
    await fs.mkdir(directory, { recursive: true });
    await this.index.writeIndex(path.join(directory, INDEX_FILE));
    await fs.writeFile(path.join(directory, UNITS_FILE), JSON.stringify(this.units.map(({ pageContent, metadata }) => ({ pageContent, metadata }))));
    await fs.writeFile(path.join(directory, ARGS_FILE), JSON.stringify({ dimensions: this.dimensions, parameters: this.parameters }));
    const packed = new Float32Array(this.units.length * this.dimensions);
    this.unitVectors.forEach((vector, label) => packed.set(vector, label * this.dimensions));
    await fs.writeFile(path.join(directory, VECTORS_FILE), new Uint8Array(packed.buffer));
  }

  static override async load(directory: string, embeddings: EmbeddingsInterface): Promise<HnswVectorStore> {
    const args = storedArgsSchema.parse(JSON.parse(await fs.readFile(path.join(directory, ARGS_FILE), 'utf8')));
    // The files are checksummed by the manifest, so one unit is validated for shape, not all.
    const units = JSON.parse(await fs.readFile(path.join(directory, UNITS_FILE), 'utf8')) as z.infer<typeof storedUnitSchema>[];
    if (!Array.isArray(units) || (units.length > 0 && !storedUnitSchema.safeParse(units[0]).success)) throw new Error('units.json has an unexpected shape');
    const bytes = await fs.readFile(path.join(directory, VECTORS_FILE));
    if (bytes.length !== units.length * args.dimensions * 4) throw new Error(`${VECTORS_FILE} has ${bytes.length} bytes, expected ${units.length * args.dimensions * 4}`);
    // Normalised in place and held as views of the one array: copying the file's contents, then
    // each unit's vector again, cost more CPU than reading the file (docs/performance.md). The
    // arithmetic is unitVector's, so the vectors are the same to the bit.
    const packed = bytes.byteOffset % 4 === 0 ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) : new Float32Array(new Uint8Array(bytes).buffer);
    const store = new HnswVectorStore(embeddings, args.dimensions, args.parameters, 1);
    await store.index.readIndex(path.join(directory, INDEX_FILE));
    store.index.setEf(args.parameters.efSearch);
    if (store.index.getCurrentCount() !== units.length) {
      throw new Error(`Vector index holds ${store.index.getCurrentCount()} vectors but ${units.length} units are listed`);
    }
    units.forEach((unit, label) => store.register(new Document<VectorUnitMetadata>(unit), label, normaliseInPlace(packed.subarray(label * args.dimensions, (label + 1) * args.dimensions))));
    return store;
  }
}
