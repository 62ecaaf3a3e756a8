import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseSeedFiles } from '../corpus/parse-seeds.ts';
import type { ParseProblem } from '../corpus/types.ts';
import type { IdentifiedEmbeddings } from '../embeddings/types.ts';
import { PaperchatError } from '../errors.ts';
import { EmbeddingCache } from './embedding-cache.ts';
import { checksumFiles } from './file-checksums.ts';
import { DEFAULT_HNSW_PARAMETERS, HnswVectorStore, type HnswParameters } from './hnsw-vector-store.ts';
import { IndexDirectory } from './index-directory.ts';
import { PostingsLexicalIndex } from './postings-lexical-index.ts';
import { findDamagedFile } from './file-checksums.ts';
import { LEXICAL_FILE, MANIFEST_FILE, PAPERS_FILE, readManifest, VECTORS_DIR } from './load-index.ts';
import { INDEX_FORMAT_VERSION, type IndexManifest } from './manifest.ts';
import { buildVectorUnits, type VectorUnitKind } from './vector-units.ts';

/** Every granularity earns its place in the measured fusion (see src/retrieval/hybrid-retriever.ts). */
export const INDEXED_UNIT_KINDS: readonly VectorUnitKind[] = ['title', 'sentence', 'chunk'];

export type BuildPhase = 'parse' | 'embed' | 'index' | 'write';

export interface BuildIndexOptions {
  seedsDir: string;
  dataDir: string;
  embeddings: IdentifiedEmbeddings;
  hnsw?: HnswParameters;
  onProgress?: (phase: BuildPhase, done: number, total: number) => void;
  onParseProblem?: (problem: ParseProblem) => void;
}

export interface BuildIndexResult {
  folder: string;
  manifest: IndexManifest;
  /** Texts that had to be embedded (0 when the cache held everything). */
  embeddedCount: number;
  problems: ParseProblem[];
}

export class BuildInProgressError extends PaperchatError {
  constructor() {
    super('build_in_progress', 'An index build is already running (another process holds data/build.lock).', 409, true);
  }
}

async function hashSeeds(seedsDir: string): Promise<string> {
  const hash = createHash('sha256');
  const names = (await fs.readdir(seedsDir)).filter((name) => name.endsWith('.txt')).sort();
  for (const name of names) {
    hash.update(name).update('\0').update(await fs.readFile(path.join(seedsDir, name))).update('\0');
  }
  return hash.digest('hex');
}

/**
 * Builds a complete index from the seed files into a fresh folder and publishes it
 * atomically. Embeddings come from the cache where possible. Throws BuildInProgressError
 * when another build holds the lock, so two builds never interleave.
 */
export async function buildIndex(options: BuildIndexOptions): Promise<BuildIndexResult> {
  const started = performance.now();
  const directory = new IndexDirectory(options.dataDir);
  const release = await directory.acquireBuildLock();
  if (!release) throw new BuildInProgressError();
  let partial: string | null = null;
  try {
    options.onProgress?.('parse', 0, 1);
    const [corpus, corpusHash] = await Promise.all([parseSeedFiles(options.seedsDir), hashSeeds(options.seedsDir)]);
    corpus.problems.forEach((problem) => options.onParseProblem?.(problem));
    options.onProgress?.('parse', 1, 1);

    const units = buildVectorUnits(corpus.papers, INDEXED_UNIT_KINDS);
    const { embeddings } = options;
    const cache = await EmbeddingCache.open(directory.embeddingCacheDir, embeddings.id, embeddings.dimensions);
    let embedded: Awaited<ReturnType<EmbeddingCache['embedAll']>>;
    try {
      embedded = await cache.embedAll(
        units.map((unit) => unit.pageContent),
        embeddings,
        (done, total) => options.onProgress?.('embed', done, total),
      );
    } finally {
      // Whatever was embedded before a failure is kept: the next build resumes from it.
      await cache.save();
    }

    options.onProgress?.('index', 0, units.length);
    const hnsw = options.hnsw ?? DEFAULT_HNSW_PARAMETERS;
    const unitsHash = hashUnits(units, embeddings.id, hnsw);
    partial = await directory.createPartial();
    // An unchanged set of units gives the same graph: copy it instead of rebuilding it.
    const reusable = await reusableVectors(directory, unitsHash);
    if (reusable) {
      await fs.cp(reusable, path.join(partial, VECTORS_DIR), { recursive: true });
    } else {
      const vectors = new HnswVectorStore(embeddings, embeddings.dimensions, hnsw, units.length);
      await vectors.addVectors(embedded.vectors, units);
      await vectors.save(path.join(partial, VECTORS_DIR));
    }
    const lexical = PostingsLexicalIndex.build(corpus.papers);
    options.onProgress?.('index', units.length, units.length);

    options.onProgress?.('write', 0, 1);
    await fs.writeFile(path.join(partial, PAPERS_FILE), JSON.stringify(corpus.papers));
    await fs.writeFile(path.join(partial, LEXICAL_FILE), lexical.serialize());
    const manifest: IndexManifest = {
      formatVersion: INDEX_FORMAT_VERSION,
      embedder: { id: embeddings.id, dimensions: embeddings.dimensions },
      corpusHash,
      unitsHash,
      counts: { entries: corpus.entryCount, papers: corpus.papers.length, chunks: units.filter((unit) => unit.metadata.kind === 'chunk').length, vectors: units.length },
      hnsw: { space: 'cosine', m: hnsw.m, efConstruction: hnsw.efConstruction, efSearch: hnsw.efSearch },
      files: await checksumFiles(partial, [MANIFEST_FILE]),
      builtAt: new Date().toISOString(),
      buildMs: Math.round(performance.now() - started),
    };
    // The manifest is written last: a folder without one is never loadable.
    await fs.writeFile(path.join(partial, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
    const folder = await directory.publish(partial);
    partial = null;
    options.onProgress?.('write', 1, 1);
    return { folder, manifest, embeddedCount: embedded.embeddedCount, problems: corpus.problems };
  } finally {
    if (partial) await fs.rm(partial, { recursive: true, force: true });
    await release();
  }
}

function hashUnits(units: ReturnType<typeof buildVectorUnits>, embedderId: string, hnsw: HnswParameters): string {
  const hash = createHash('sha256').update(`${INDEX_FORMAT_VERSION}\0${embedderId}\0${JSON.stringify(hnsw)}\0`);
  for (const unit of units) hash.update(unit.metadata.chunkId).update('\0').update(unit.pageContent).update('\0');
  return hash.digest('hex');
}

/** The vectors folder of the live index when it was built from exactly these units. */
async function reusableVectors(directory: IndexDirectory, unitsHash: string): Promise<string | null> {
  const current = await directory.current();
  if (!current) return null;
  try {
    const manifest = await readManifest(current);
    if (manifest.unitsHash !== unitsHash) return null;
    if (await findDamagedFile(current, manifest.files)) return null;
    return path.join(current, VECTORS_DIR);
  } catch {
    return null;
  }
}

/** Whether the live index was built from exactly these seeds with this embedder. */
export async function isIndexCurrent(manifest: IndexManifest, seedsDir: string, embedderId: string): Promise<boolean> {
  return manifest.embedder.id === embedderId && manifest.corpusHash === (await hashSeeds(seedsDir));
}
