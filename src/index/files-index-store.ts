import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { IdentifiedEmbeddings } from '../embeddings/types.ts';
import { buildIndex, LAST_REPORT_FILE } from './build-index.ts';
import { IndexDirectory } from './index-directory.ts';
import type { IndexStore, StoreBuildOptions, StoreBuildResult } from './index-store.ts';
import { ingestReportSchema, type IngestReport } from './ingest-report.ts';
import { loadIndex, readManifest, readReport } from './load-index.ts';

/** Indexes as folders under DATA_DIR (see index-directory.ts): one process, or several sharing a disk. */
export class FilesIndexStore implements IndexStore {
  readonly kind = 'files';
  readonly reachable = true;
  readonly shared = false;
  private readonly directory: IndexDirectory;

  constructor(private readonly dataDir: string) {
    this.directory = new IndexDirectory(dataDir);
  }

  get description(): string {
    return this.dataDir;
  }

  async open(): Promise<void> {}

  liveId(): Promise<string | null> {
    return this.directory.current();
  }

  async loadLive(embedderById: (id: string) => Promise<IdentifiedEmbeddings>) {
    const folder = await this.directory.current();
    if (!folder) return null;
    const manifest = await readManifest(folder);
    const index = await loadIndex(folder, await embedderById(manifest.embedder.id));
    return { index, report: await readReport(folder) };
  }

  async build(options: StoreBuildOptions): Promise<StoreBuildResult> {
    const result = await buildIndex({ ...options, dataDir: this.dataDir });
    const index = await loadIndex(result.folder, options.embeddings);
    return { index, manifest: result.manifest, embeddedCount: result.embeddedCount, report: result.report, location: result.folder };
  }

  async lastReport(): Promise<IngestReport | null> {
    try {
      return ingestReportSchema.parse(JSON.parse(await fs.readFile(path.join(this.dataDir, LAST_REPORT_FILE), 'utf8')));
    } catch {
      return null;
    }
  }

  /** Another process publishing is seen by polling CURRENT (PaperLibrary's timer); nothing pushes. */
  subscribe(): () => void {
    return () => {};
  }

  async close(): Promise<void> {}
}
