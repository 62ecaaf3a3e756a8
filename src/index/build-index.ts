import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { formatForFile } from '../corpus/formats/index.ts';
import { DEFAULT_MAX_FILE_BYTES, listSeedFiles, parseSeedFiles, type ReadSeedsOptions } from '../corpus/read-seeds.ts';
import type { Paper, ParseProblem } from '../corpus/types.ts';
import type { IdentifiedEmbeddings } from '../embeddings/types.ts';
import { PaperchatError } from '../errors.ts';
import { EmbeddingCache } from './embedding-cache.ts';
import { checksumFiles } from './file-checksums.ts';
import { DEFAULT_HNSW_PARAMETERS, HnswVectorStore, type HnswParameters } from './hnsw-vector-store.ts';
import { IndexDirectory } from './index-directory.ts';
import { PostingsLexicalIndex } from './postings-lexical-index.ts';
import { findDamagedFile } from './file-checksums.ts';
import { buildIngestReport, type IngestReport } from './ingest-report.ts';
import { LEXICAL_FILE, MANIFEST_FILE, PAPERS_FILE, readManifest, readPapers, REPORT_FILE, VECTORS_DIR } from './load-index.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { INDEX_FORMAT_VERSION, type IndexManifest } from './manifest.ts';
import { buildVectorUnits, type VectorUnitKind } from './vector-units.ts';
import { CALIBRATION_FILE, calibrationToJson, measureCalibration } from './similarity-calibration.ts';
import { writeTopicMap } from './topic-map.ts';

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
  /** How seed files are read (title-only papers, size limit). */
  ingest?: ReadSeedsOptions;
  /** Names the build in its report; a random one when absent. */
  buildId?: string;
}

export interface BuildIndexResult {
  folder: string;
  manifest: IndexManifest;
  /** Texts that had to be embedded (0 when the cache held everything). */
  embeddedCount: number;
  problems: ParseProblem[];
  report: IngestReport;
}

/** The last build's report, kept beside the index so a restarted server and `npm run ingest` can show it. */
export const LAST_REPORT_FILE = 'last-report.json';

/** No seed file held a single valid paper: nothing is published and the previous index keeps serving. */
export class NoValidPapersError extends PaperchatError {
  constructor(readonly report: IngestReport) {
    super('no_valid_papers', `No valid papers in the seed files (${report.totals.rejected} entries rejected, ${report.totals.unreadableFiles} files unreadable); the previous index is kept.`, 422);
  }
}

export function newBuildId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(2).toString('hex')}`;
}

export class BuildInProgressError extends PaperchatError {
  constructor(message = 'An index build is already running (another process holds data/build.lock).') {
    super('build_in_progress', message, 409, true);
  }
}

/**
 * SHA-256 over what decides the corpus: every seed file's name and bytes (a file over the size
 * limit only by name, size and time, since it is not read) and the reading options.
 */
export async function hashSeeds(seedsDir: string, ingest: ReadSeedsOptions = {}): Promise<string> {
  const maxBytes = ingest.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const hash = createHash('sha256').update(JSON.stringify({ titleOnly: ingest.titleOnly ?? false, maxBytes })).update('\0');
  for (const file of await listSeedFiles(seedsDir)) {
    if (!formatForFile(file.name)) continue;
    hash.update(file.name).update('\0');
    if (file.bytes > maxBytes) hash.update(`${file.bytes}:${file.mtimeMs}`);
    else hash.update(await fs.readFile(file.path));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Papers of the live index, to tell added / updated / removed apart; none when there is no usable one. */
async function previousPapers(directory: IndexDirectory): Promise<Paper[]> {
  const current = await directory.current();
  if (!current) return [];
  try {
    return await readPapers(current);
  } catch {
    return [];
  }
}

/**
 * Builds a complete index from the seed files into a fresh folder and publishes it
 * atomically. Embeddings come from the cache where possible. Throws BuildInProgressError
 * when another build holds the lock, so two builds never interleave.
 */
export async function buildIndex(options: BuildIndexOptions): Promise<BuildIndexResult> {
  const started = performance.now();
  const startedAt = new Date();
  const buildId = options.buildId ?? newBuildId();
  const directory = new IndexDirectory(options.dataDir);
  const release = await directory.acquireBuildLock();
  if (!release) throw new BuildInProgressError();
  let partial: string | null = null;
  try {
    const { corpus, corpusHash, report } = await readBuildCorpus(options, { buildId, startedAt, previous: previousPapers(directory) });
    if (corpus.papers.length === 0) {
      const failed = report(0, 'no valid papers in the seed files');
      await writeFileAtomic(path.join(options.dataDir, LAST_REPORT_FILE), JSON.stringify(failed, null, 2));
      throw new NoValidPapersError(failed);
    }

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
      const vectorsDir = path.join(partial, VECTORS_DIR);
      await fs.cp(reusable, vectorsDir, { recursive: true });
      // Indexes built before the calibration was stored: measure it once, here, not on every load.
      if (!(await fs.stat(path.join(vectorsDir, CALIBRATION_FILE)).catch(() => null))) {
        const vectors = await HnswVectorStore.load(vectorsDir, embeddings);
        await fs.writeFile(path.join(vectorsDir, CALIBRATION_FILE), JSON.stringify(calibrationToJson(measureCalibration(vectors, embeddings.dimensions))));
      }
    } else {
      const vectors = new HnswVectorStore(embeddings, embeddings.dimensions, hnsw, units.length);
      await vectors.addVectors(embedded.vectors, units);
      await vectors.save(path.join(partial, VECTORS_DIR));
      await fs.writeFile(path.join(partial, VECTORS_DIR, CALIBRATION_FILE), JSON.stringify(calibrationToJson(measureCalibration(vectors, embeddings.dimensions))));
    }
    const lexical = PostingsLexicalIndex.build(corpus.papers);
    await writeTopicMap({ folder: partial, papers: corpus.papers, units, vectors: embedded.vectors, dimensions: embeddings.dimensions, sameUnitsAs: reusable ? path.dirname(reusable) : null });
    options.onProgress?.('index', units.length, units.length);

    options.onProgress?.('write', 0, 1);
    await fs.writeFile(path.join(partial, PAPERS_FILE), JSON.stringify(corpus.papers));
    await fs.writeFile(path.join(partial, LEXICAL_FILE), lexical.serialize());
    const built = report(embedded.embeddedCount);
    await fs.writeFile(path.join(partial, REPORT_FILE), JSON.stringify(built, null, 2));
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
    await writeFileAtomic(path.join(options.dataDir, LAST_REPORT_FILE), JSON.stringify(built, null, 2));
    options.onProgress?.('write', 1, 1);
    return { folder, manifest, embeddedCount: embedded.embeddedCount, problems: corpus.problems, report: built };
  } finally {
    if (partial) await fs.rm(partial, { recursive: true, force: true });
    await release();
  }
}

export function hashUnits(units: ReturnType<typeof buildVectorUnits>, embedderId: string, hnsw: HnswParameters): string {
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

/**
 * The first step of every build, whichever store it writes to: the seeds parsed and merged,
 * their hash, and the ingest report against the papers the live index holds.
 */
export async function readBuildCorpus(
  options: Pick<BuildIndexOptions, 'seedsDir' | 'ingest' | 'onProgress' | 'onParseProblem'>,
  build: { buildId: string; startedAt: Date; previous: Promise<Paper[]> },
) {
  options.onProgress?.('parse', 0, 1);
  const [corpus, corpusHash, previous] = await Promise.all([parseSeedFiles(options.seedsDir, options.ingest), hashSeeds(options.seedsDir, options.ingest), build.previous]);
  corpus.problems.forEach((problem) => options.onParseProblem?.(problem));
  options.onProgress?.('parse', 1, 1);
  const mergeProblems = corpus.problems.filter((problem) => !corpus.files.some((file) => file.problems.includes(problem)));
  const report = (embedded: number, error?: string): IngestReport =>
    buildIngestReport({ buildId: build.buildId, startedAt: build.startedAt, files: corpus.files, duplicates: corpus.duplicates, mergeProblems, papers: corpus.papers, previous, embedded, ...(error ? { error } : {}) });
  return { corpus, corpusHash, report };
}

/** Whether the live index was built from exactly these seeds with this embedder. */
export async function isIndexCurrent(manifest: IndexManifest, seedsDir: string, embedderId: string, ingest?: ReadSeedsOptions): Promise<boolean> {
  return manifest.embedder.id === embedderId && manifest.corpusHash === (await hashSeeds(seedsDir, ingest));
}
