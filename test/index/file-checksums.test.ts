import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksumFiles, findDamagedFile } from '../../src/index/file-checksums.ts';
import { makeTempDir } from '../helpers/fixture-seeds.ts';

/** Larger than the checksum's read buffer and not a multiple of it, so the last read is partial. */
const LARGE_BYTES = 9 * 1024 * 1024 + 3;

async function folderWithFiles(): Promise<{ folder: string; contents: Record<string, Buffer> }> {
  const folder = await makeTempDir('paperchat-checksums-');
  const large = Buffer.alloc(LARGE_BYTES);
  for (let at = 0; at < large.length; at++) large[at] = (at * 31 + (at >> 13)) & 0xff;
  const contents: Record<string, Buffer> = { 'manifest.json': Buffer.from('{}'), 'papers.json': Buffer.from('[{"id":"p1"}]'), 'vectors/hnswlib.index': large, 'vectors/empty.bin': Buffer.alloc(0) };
  for (const [file, content] of Object.entries(contents)) {
    await fs.mkdir(path.dirname(path.join(folder, file)), { recursive: true });
    await fs.writeFile(path.join(folder, file), content);
  }
  return { folder, contents };
}

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

describe('checksumFiles', () => {
  it('records the size and SHA-256 of every file but the excluded, large files read in parts included', async () => {
    const { folder, contents } = await folderWithFiles();
    const checksums = await checksumFiles(folder, ['manifest.json']);
    expect(checksums).toEqual({
      'papers.json': { bytes: contents['papers.json']!.length, sha256: sha256(contents['papers.json']!) },
      'vectors/empty.bin': { bytes: 0, sha256: sha256(Buffer.alloc(0)) },
      'vectors/hnswlib.index': { bytes: LARGE_BYTES, sha256: sha256(contents['vectors/hnswlib.index']!) },
    });
  });
});

describe('findDamagedFile', () => {
  it('finds nothing wrong with the files as checksummed', async () => {
    const { folder } = await folderWithFiles();
    expect(await findDamagedFile(folder, await checksumFiles(folder, []))).toBeNull();
  });

  it.each([
    ['missing', (file: string) => fs.rm(file), /vectors\/hnswlib\.index is missing/],
    ['truncated', (file: string) => fs.truncate(file, 100), new RegExp(`vectors/hnswlib\\.index has 100 bytes, expected ${LARGE_BYTES}`)],
    [
      'altered in its last byte, size unchanged',
      async (file: string) => {
        const handle = await fs.open(file, 'r+');
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, LARGE_BYTES - 1);
        await handle.write(Buffer.from([last[0]! ^ 0xff]), 0, 1, LARGE_BYTES - 1);
        await handle.close();
      },
      /vectors\/hnswlib\.index does not match its checksum/,
    ],
  ])('names a file that is %s', async (_name, damage, reason) => {
    const { folder } = await folderWithFiles();
    const checksums = await checksumFiles(folder, []);
    await damage(path.join(folder, 'vectors', 'hnswlib.index'));
    expect(await findDamagedFile(folder, checksums)).toMatch(reason);
  });
});
