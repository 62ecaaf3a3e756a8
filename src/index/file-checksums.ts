import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export type FileChecksums = Record<string, { bytes: number; sha256: string }>;

async function listFiles(folder: string, prefix = ''): Promise<string[]> {
  const entries = await fs.readdir(path.join(folder, prefix), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const relative = path.posix.join(prefix, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(folder, relative)));
    else files.push(relative);
  }
  return files.sort();
}

/** Size and SHA-256 of every file under `folder` except those named in `exclude`. */
export async function checksumFiles(folder: string, exclude: string[]): Promise<FileChecksums> {
  const checksums: FileChecksums = {};
  for (const file of await listFiles(folder)) {
    if (exclude.includes(file)) continue;
    const bytes = await fs.readFile(path.join(folder, file));
    checksums[file] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  return checksums;
}

/**
 * Names the first file that is missing, truncated or altered. Checked before anything is
 * parsed, because the native HNSW reader aborts the process on a damaged file.
 */
export async function findDamagedFile(folder: string, expected: FileChecksums): Promise<string | null> {
  for (const [file, { bytes, sha256 }] of Object.entries(expected)) {
    let content: Buffer;
    try {
      content = await fs.readFile(path.join(folder, file));
    } catch {
      return `${file} is missing`;
    }
    if (content.length !== bytes) return `${file} has ${content.length} bytes, expected ${bytes}`;
    if (createHash('sha256').update(content).digest('hex') !== sha256) return `${file} does not match its checksum`;
  }
  return null;
}
