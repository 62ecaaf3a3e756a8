import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SOURCE_FORMATS, type Paper } from '../corpus/types.ts';
import type { IdentifiedEmbeddings } from '../embeddings/types.ts';
import { findDamagedFile } from './file-checksums.ts';
import { FilesCandidateSource } from './files-candidate-source.ts';
import type { ServedIndex } from './served-index.ts';
import { HnswVectorStore } from './hnsw-vector-store.ts';
import { ingestReportSchema, type IngestReport } from './ingest-report.ts';
import type { LexicalIndex } from './lexical-index.ts';
import { PostingsLexicalIndex } from './postings-lexical-index.ts';
import { INDEX_FORMAT_VERSION, manifestSchema, type IndexManifest } from './manifest.ts';
import { CALIBRATION_FILE, calibrationFromJson, similarityCalibration } from './similarity-calibration.ts';
import { readTopicMap } from './topic-map.ts';

export const MANIFEST_FILE = 'manifest.json';
export const PAPERS_FILE = 'papers.json';
export const LEXICAL_FILE = 'lexical.bin';
export const VECTORS_DIR = 'vectors';
/** The ingest report of the build that made this index (see ingest-report.ts). */
export const REPORT_FILE = 'report.json';

/** papers.json, checked field by field: a paper with a malformed field makes the index unusable (and rebuilt). */
export const papersSchema = z.array(
  z.object({
    id: z.string(),
    title: z.string(),
    abstract: z.string(),
    sources: z.array(z.object({ file: z.string(), line: z.number(), format: z.enum(SOURCE_FORMATS).optional(), key: z.string().optional() })),
    links: z.array(z.string()),
    authors: z.array(z.string()).optional(),
    year: z.number().int().optional(),
    published: z.string().optional(),
    venue: z.string().optional(),
    doi: z.string().optional(),
    arxivId: z.string().optional(),
    url: z.string().optional(),
    tags: z.array(z.string()).optional(),
  }),
);

export async function readPapers(folder: string): Promise<Paper[]> {
  return papersSchema.parse(JSON.parse(await fs.readFile(path.join(folder, PAPERS_FILE), 'utf8')));
}

/** The ingest report stored with an index, or null when it has none (or it is unreadable). */
export async function readReport(folder: string): Promise<IngestReport | null> {
  try {
    return ingestReportSchema.parse(JSON.parse(await fs.readFile(path.join(folder, REPORT_FILE), 'utf8')));
  } catch {
    return null;
  }
}

/** The files store's index: everything a query needs, in memory; the hot path never touches the disk. */
export interface LoadedIndex extends ServedIndex {
  folder: string;
  lexical: LexicalIndex;
  vectors: HnswVectorStore;
}

/** Thrown when an index on disk cannot be used as it is; the caller rebuilds. */
export class IndexUnusableError extends Error {
  constructor(folder: string, reason: string) {
    super(`index at ${folder} is unusable: ${reason}`);
  }
}

export async function readManifest(folder: string): Promise<IndexManifest> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(path.join(folder, MANIFEST_FILE), 'utf8'));
  } catch (error) {
    throw new IndexUnusableError(folder, `manifest unreadable (${(error as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new IndexUnusableError(folder, `bad manifest (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  if (parsed.data.formatVersion !== INDEX_FORMAT_VERSION) {
    throw new IndexUnusableError(folder, `format version ${parsed.data.formatVersion}, this build reads ${INDEX_FORMAT_VERSION}`);
  }
  return parsed.data;
}

/**
 * Loads and cross-checks an index folder with the embedder that built it. Any damage
 * (truncated file, counts that disagree, another embedder) is an IndexUnusableError.
 */
export async function loadIndex(folder: string, embeddings: IdentifiedEmbeddings): Promise<LoadedIndex> {
  const manifest = await readManifest(folder);
  if (manifest.embedder.id !== embeddings.id || manifest.embedder.dimensions !== embeddings.dimensions) {
    throw new IndexUnusableError(folder, `built with ${manifest.embedder.id} (${manifest.embedder.dimensions}d), loading with ${embeddings.id} (${embeddings.dimensions}d)`);
  }
  const damage = await findDamagedFile(folder, manifest.files);
  if (damage) throw new IndexUnusableError(folder, damage);
  try {
    const calibrationFile = path.posix.join(VECTORS_DIR, CALIBRATION_FILE);
    const [papers, lexical, vectors, calibration] = await Promise.all([
      readPapers(folder),
      fs.readFile(path.join(folder, LEXICAL_FILE)).then((bytes): LexicalIndex => PostingsLexicalIndex.deserialize(bytes)),
      HnswVectorStore.load(path.join(folder, VECTORS_DIR), embeddings),
      calibrationFile in manifest.files ? fs.readFile(path.join(folder, calibrationFile), 'utf8').then((text) => calibrationFromJson(JSON.parse(text))) : undefined,
    ]);
    if (papers.length !== manifest.counts.papers || vectors.size !== manifest.counts.vectors || lexical.documentCount !== papers.length) {
      throw new Error(`counts disagree with the manifest (papers ${papers.length}/${manifest.counts.papers}, vectors ${vectors.size}/${manifest.counts.vectors})`);
    }
    const topicMap = await readTopicMap(folder, papers);
    const index: LoadedIndex = {
      id: folder,
      folder,
      manifest,
      papers,
      paperById: new Map(papers.map((paper) => [paper.id, paper])),
      lexical,
      vectors,
      embeddings,
      candidates: new FilesCandidateSource(lexical, vectors),
      // Stored at build time; indexes built before it was stored measure it once, on first use.
      calibration: () => calibration ?? similarityCalibration(index),
      topicMap: () => topicMap,
    };
    return index;
  } catch (error) {
    if (error instanceof IndexUnusableError) throw error;
    throw new IndexUnusableError(folder, (error as Error).message.split('\n')[0] ?? 'unreadable');
  }
}
