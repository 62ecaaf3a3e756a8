import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { formatForFile } from './formats/index.ts';
import { readSeedBytes } from './formats/read-seed-file.ts';
import type { SeedEntry } from './formats/types.ts';
import { mergeEntries } from './merge-entries.ts';
import type { FileReading, ParsedCorpus } from './types.ts';

/** Uploaded files (POST /api/admin/papers) live here, inside SEEDS_DIR. */
export const UPLOADS_DIR = 'uploads';

export interface ReadSeedsOptions {
  /** Keep entries without an abstract as title-only papers. */
  titleOnly?: boolean;
  /** Larger files are refused without being read (a 200 MB export is a mistake, not a corpus). */
  maxFileBytes?: number;
}

export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;

export interface SeedFile {
  /** Relative to the seeds folder, with `/` separators (`uploads/zotero.bib`). */
  name: string;
  path: string;
  bytes: number;
  mtimeMs: number;
}

/** Whether a name is a seed file at all: dot-files and editors' temporary files are not. */
export function isSeedFileName(name: string): boolean {
  const base = path.basename(name);
  return !base.startsWith('.') && !base.endsWith('~') && !/\.(tmp|swp|part|partial)$/i.test(base);
}

/**
 * Every file of the seeds folder and its uploads/ subfolder, in code-unit order of the
 * relative name (not locale order, so the paper order never depends on the machine).
 * Files of unknown types are listed too: the report says they were ignored.
 */
export async function listSeedFiles(dir: string): Promise<SeedFile[]> {
  const files: SeedFile[] = [];
  for (const sub of ['', UPLOADS_DIR]) {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(path.join(dir, sub), { withFileTypes: true });
    } catch (error) {
      if (sub && (error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new ConfigError(`Cannot read the seeds folder ${dir}: ${(error as Error).message}`);
    }
    for (const entry of entries) {
      if (!entry.isFile() || !isSeedFileName(entry.name)) continue;
      const full = path.join(dir, sub, entry.name);
      const stat = await fs.stat(full);
      files.push({ name: sub ? `${sub}/${entry.name}` : entry.name, path: full, bytes: stat.size, mtimeMs: stat.mtimeMs });
    }
  }
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Reads every seed file in every supported format and merges duplicates across them. A file
 * that cannot be read (too large, wrong encoding, broken syntax) is reported in its reading and
 * costs only its own entries. Throws only when the folder holds no seed file at all.
 */
export async function parseSeedFiles(dir: string, options: ReadSeedsOptions = {}): Promise<ParsedCorpus> {
  const formatOptions = { titleOnly: options.titleOnly ?? false };
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const files = await listSeedFiles(dir);
  const supported = files.filter((file) => formatForFile(file.name));
  if (supported.length === 0) {
    throw new ConfigError(`No seed files found in ${dir} (supported: .txt, .jsonl, .json, .csv, .bib, .xml)`);
  }

  const readings: FileReading[] = [];
  const entries: SeedEntry[] = [];
  for (const file of files) {
    if (!formatForFile(file.name)) {
      readings.push({ file: file.name, format: null, bytes: file.bytes, entries: 0, problems: [{ file: file.name, line: 0, text: '', reason: 'ignored: not a supported seed file type', kind: 'note' }] });
      continue;
    }
    if (file.bytes > maxBytes) {
      const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
      readings.push({
        file: file.name,
        format: formatForFile(file.name)?.format ?? null,
        bytes: file.bytes,
        entries: 0,
        problems: [{ file: file.name, line: 1, text: '', reason: `file is ${megabytes(file.bytes)} MB, over the ${megabytes(maxBytes)} MB limit (INGEST_MAX_FILE_MB); not read`, kind: 'file' }],
      });
      continue;
    }
    const result = readSeedBytes(file.name, await fs.readFile(file.path), formatOptions);
    readings.push(result.reading);
    entries.push(...result.entries);
  }

  const merged = mergeEntries(entries);
  const problems = [...readings.flatMap((reading) => reading.problems), ...merged.problems];
  return { papers: merged.papers, entryCount: entries.length, problems, files: readings, duplicates: merged.duplicates };
}
