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

const CHECKSUM_READ_BYTES = 4 * 1024 * 1024;

/**
 * Size and SHA-256 of a file, read through one reused buffer. Reading the file whole would
 * allocate a buffer its size, and faulting that memory in cost several times the hashing: a
 * 1.1 GB graph took 4–10 s of CPU that way, ~1 s this way (docs/performance.md).
 */
async function fileChecksum(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHECKSUM_READ_BYTES);
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      bytes += bytesRead;
    }
    return { bytes, sha256: hash.digest('hex') };
  } finally {
    await handle.close();
  }
}

/** Size and SHA-256 of every file under `folder` except those named in `exclude`. */
export async function checksumFiles(folder: string, exclude: string[]): Promise<FileChecksums> {
  const checksums: FileChecksums = {};
  for (const file of await listFiles(folder)) {
    if (exclude.includes(file)) continue;
    checksums[file] = await fileChecksum(path.join(folder, file));
  }
  return checksums;
}

/**
 * Names the first file that is missing, truncated or altered. Checked before anything is
 * parsed, because the native HNSW reader aborts the process on a damaged file.
 */
export async function findDamagedFile(folder: string, expected: FileChecksums): Promise<string | null> {
  for (const [file, { bytes, sha256 }] of Object.entries(expected)) {
    const full = path.join(folder, file);
    let size: number;
    try {
      size = (await fs.stat(full)).size;
    } catch {
      return `${file} is missing`;
    }
    // The size first: a truncated file is named without reading it.
    if (size !== bytes) return `${file} has ${size} bytes, expected ${bytes}`;
    let actual: { bytes: number; sha256: string };
    try {
      actual = await fileChecksum(full);
    } catch (error) {
      return `${file} is unreadable (${(error as Error).message})`;
    }
    if (actual.bytes !== bytes) return `${file} has ${actual.bytes} bytes, expected ${bytes}`;
    if (actual.sha256 !== sha256) return `${file} does not match its checksum`;
  }
  return null;
}
