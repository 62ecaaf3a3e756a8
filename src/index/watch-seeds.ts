import { watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { formatForFile } from '../corpus/formats/index.ts';
import { isSeedFileName, UPLOADS_DIR } from '../corpus/read-seeds.ts';

/**
 * Calls `onChange` once the seed files have been quiet for `debounceMs` after a change: a copy
 * of a large export fires many events, and a user dropping three files wants one rebuild.
 * Watches SEEDS_DIR and SEEDS_DIR/uploads (non-recursive fs.watch on each: recursive watching
 * is not portable across the platforms Node supports). Temporary and unknown files are ignored,
 * so an upload written aside and renamed into place triggers once.
 */
export function watchSeeds(seedsDir: string, debounceMs: number, onChange: (files: string[]) => void, warn: (message: string) => void): () => void {
  const watchers: FSWatcher[] = [];
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const fire = () => {
    timer = null;
    const files = [...changed].sort();
    changed.clear();
    if (!closed && files.length > 0) onChange(files);
  };
  const listen = (dir: string, prefix: string) => {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        const file = name ? `${prefix}${name.toString()}` : null;
        // A null name (some platforms) may be anything in the folder: rebuild to be safe.
        if (file && (!isSeedFileName(file) || !formatForFile(file))) return;
        changed.add(file ?? prefix ?? '.');
        if (timer) clearTimeout(timer);
        timer = setTimeout(fire, debounceMs);
        timer.unref();
      });
      watcher.on('error', (error) => warn(`watching ${dir} stopped: ${error.message}`));
      watchers.push(watcher);
    } catch (error) {
      warn(`cannot watch ${dir} for new seed files: ${(error as Error).message}`);
    }
  };

  listen(seedsDir, '');
  // uploads/ may not exist yet; create it so files dropped there later are seen too.
  const uploads = path.join(seedsDir, UPLOADS_DIR);
  void mkdir(uploads, { recursive: true })
    .then(() => {
      if (!closed) listen(uploads, `${UPLOADS_DIR}/`);
    })
    .catch((error: unknown) => warn(`cannot watch ${uploads}: ${(error as Error).message}`));

  return () => {
    closed = true;
    if (timer) clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}
