import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';

/**
 * Layout of DATA_DIR:
 *   CURRENT                 name of the live index folder (replaced atomically)
 *   indexes/<name>/         one complete index: manifest.json, papers.json, lexical.bin, vectors/
 *   indexes/<name>.partial/ a build in progress; never read, removed by the next build
 *   cache/embeddings/       embedding cache, per embedder
 *   build.lock              held by the process that is building
 *
 * A build writes a fresh folder and only then points CURRENT at it, so a crash at any
 * moment leaves the previous index (or none) in place, never a half-written one.
 */
export class IndexDirectory {
  constructor(readonly dataDir: string) {}

  get indexesDir(): string {
    return path.join(this.dataDir, 'indexes');
  }

  get embeddingCacheDir(): string {
    return path.join(this.dataDir, 'cache', 'embeddings');
  }

  private get currentFile(): string {
    return path.join(this.dataDir, 'CURRENT');
  }

  private get lockFile(): string {
    return path.join(this.dataDir, 'build.lock');
  }

  /** The live index folder, or null when none has been built. */
  async current(): Promise<string | null> {
    let name: string;
    try {
      name = (await fs.readFile(this.currentFile, 'utf8')).trim();
    } catch {
      return null;
    }
    if (!/^[\w.-]+$/.test(name)) return null;
    return path.join(this.indexesDir, name);
  }

  /** A new, empty folder for a build. */
  async createPartial(): Promise<string> {
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}.partial`;
    const folder = path.join(this.indexesDir, name);
    await fs.mkdir(folder, { recursive: true });
    return folder;
  }

  /** Completes a build: renames the partial folder and points CURRENT at it, then drops older indexes. */
  async publish(partialFolder: string): Promise<string> {
    const finalFolder = partialFolder.replace(/\.partial$/, '');
    await fs.rename(partialFolder, finalFolder);
    await writeFileAtomic(this.currentFile, `${path.basename(finalFolder)}\n`);
    await this.removeStale(finalFolder);
    return finalFolder;
  }

  /** Removes every index folder except `keep` (partials of dead builds included). */
  async removeStale(keep: string | null): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(this.indexesDir);
    } catch {
      return;
    }
    await Promise.all(
      names
        .map((name) => path.join(this.indexesDir, name))
        .filter((folder) => folder !== keep)
        .map((folder) => fs.rm(folder, { recursive: true, force: true })),
    );
  }

  /**
   * Takes the build lock so two builds (server and `npm run ingest`) never interleave.
   * A lock left by a dead process (kill -9) is taken over. Returns null when another live
   * process holds it.
   */
  async acquireBuildLock(): Promise<(() => Promise<void>) | null> {
    await fs.mkdir(this.dataDir, { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await fs.writeFile(this.lockFile, String(process.pid), { flag: 'wx' });
        return async () => {
          await fs.rm(this.lockFile, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = Number((await fs.readFile(this.lockFile, 'utf8').catch(() => '')).trim());
        if (holder && holder !== process.pid && isAlive(holder)) return null;
        await fs.rm(this.lockFile, { force: true });
      }
    }
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process can linger as a zombie until reaped; it holds nothing.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
