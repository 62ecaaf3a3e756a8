import type { Config } from '../config.ts';
import type { Paper } from '../corpus/types.ts';
import { createEmbeddings, createEmbeddingsById } from '../embeddings/create-embeddings.ts';
import type { IdentifiedEmbeddings } from '../embeddings/types.ts';
import { IndexNotReadyError } from '../errors.ts';
import { buildIndex, isIndexCurrent, type BuildPhase } from '../index/build-index.ts';
import { IndexDirectory } from '../index/index-directory.ts';
import { loadIndex, readManifest, type LoadedIndex } from '../index/load-index.ts';
import { similarityCalibration } from '../index/similarity-calibration.ts';
import { HybridRetriever } from './hybrid-retriever.ts';
import { rankerFromFile, shippedRanker, type LinearRanker } from './linear-ranker.ts';
import { corpusTerms } from './paper-terms.ts';
import type { PaperHit, SearchOptions } from './types.ts';

export interface LibraryLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** How the library gets embedders; tests pass a deterministic one. */
export interface EmbedderFactory {
  /** The embedder configuration selects for new builds. */
  select(): Promise<IdentifiedEmbeddings>;
  /** The embedder that built an existing index. */
  byId(id: string): Promise<IdentifiedEmbeddings>;
}

export interface LiveIndex {
  index: LoadedIndex;
  retriever: HybridRetriever;
}

export interface LibraryStatus {
  status: 'ok' | 'indexing';
  papers: number;
  chunks: number;
  embedder: string | null;
}

/**
 * The live index and its lifecycle: load on start (rebuilding when missing, stale or
 * damaged), rebuild aside while the old index keeps answering, swap atomically.
 */
export class PaperLibrary {
  private live: LiveIndex | null = null;
  private rebuilding: Promise<LiveIndex> | null = null;
  private readonly embedders = new Map<string, IdentifiedEmbeddings>();
  onBuildProgress?: (phase: BuildPhase, done: number, total: number) => void;
  onSwap?: (live: LiveIndex) => void;

  private readonly embedderFactory: EmbedderFactory;
  private readonly ranker: LinearRanker;

  constructor(
    private readonly config: Config,
    private readonly logger: LibraryLogger,
    embedderFactory?: EmbedderFactory,
  ) {
    this.ranker = config.RANKER_WEIGHTS ? rankerFromFile(config.RANKER_WEIGHTS) : shippedRanker();
    this.embedderFactory = embedderFactory ?? {
      select: () => createEmbeddings(config, logger),
      byId: (id) => createEmbeddingsById(id, config),
    };
  }

  get current(): LiveIndex | null {
    return this.live;
  }

  get isRebuilding(): boolean {
    return this.rebuilding !== null;
  }

  status(): LibraryStatus {
    const manifest = this.live?.index.manifest;
    return {
      status: this.live ? 'ok' : 'indexing',
      papers: manifest?.counts.papers ?? 0,
      chunks: manifest?.counts.chunks ?? 0,
      embedder: manifest?.embedder.id ?? null,
    };
  }

  requireLive(): LiveIndex {
    if (!this.live) throw new IndexNotReadyError();
    return this.live;
  }

  async search(query: string, options: SearchOptions): Promise<PaperHit[]> {
    return this.requireLive().retriever.search(query, options);
  }

  getPaper(paperId: string): Paper | undefined {
    return this.live?.index.paperById.get(paperId);
  }

  private async embedderById(id: string): Promise<IdentifiedEmbeddings> {
    const existing = this.embedders.get(id);
    if (existing) return existing;
    const embeddings = await this.embedderFactory.byId(id);
    this.embedders.set(id, embeddings);
    return embeddings;
  }

  private async selectedEmbedder(): Promise<IdentifiedEmbeddings> {
    const embeddings = await this.embedderFactory.select();
    const existing = this.embedders.get(embeddings.id);
    if (existing) {
      await embeddings.close?.();
      return existing;
    }
    this.embedders.set(embeddings.id, embeddings);
    return embeddings;
  }

  /**
   * Loads the index on disk when it is usable and current; otherwise builds one. Any
   * problem with the stored index is reported in one line and answered by a rebuild.
   */
  async start(): Promise<LiveIndex> {
    const directory = new IndexDirectory(this.config.DATA_DIR);
    const folder = await directory.current();
    if (folder) {
      try {
        const manifest = await readManifest(folder);
        const embeddings = await this.embedderById(manifest.embedder.id);
        // The model loads while the index does, so the first question does not pay for it.
        const [index] = await Promise.all([loadIndex(folder, embeddings), embeddings.embedQuery('warm-up').catch(() => undefined)]);
        if (await isIndexCurrent(index.manifest, this.config.SEEDS_DIR, embeddings.id)) {
          this.swapIn(index);
          this.logger.info(`index loaded: ${index.manifest.counts.papers} papers, ${index.manifest.counts.vectors} vectors, embedder ${embeddings.id}`);
          return this.live!;
        }
        this.swapIn(index);
        this.logger.warn('index is stale (seeds changed): serving it while a new one is built');
      } catch (error) {
        this.logger.warn(`${(error as Error).message}; rebuilding`);
      }
    } else {
      this.logger.info(`no index in ${this.config.DATA_DIR}: building one (first start)`);
    }
    return this.rebuild();
  }

  /** Builds a new index aside and swaps it in; concurrent calls share one build. */
  rebuild(): Promise<LiveIndex> {
    if (this.rebuilding) return this.rebuilding;
    this.rebuilding = (async () => {
      try {
        const embeddings = await this.selectedEmbedder();
        const started = performance.now();
        const result = await buildIndex({
          seedsDir: this.config.SEEDS_DIR,
          dataDir: this.config.DATA_DIR,
          embeddings,
          onProgress: this.onBuildProgress,
          onParseProblem: (problem) => this.logger.warn(`seed ${problem.file}:${problem.line}: ${problem.reason}`),
        });
        const index = await loadIndex(result.folder, embeddings);
        this.swapIn(index);
        this.logger.info(
          `index built in ${((performance.now() - started) / 1000).toFixed(1)} s: ${result.manifest.counts.papers} papers, ${result.manifest.counts.vectors} vectors (${result.embeddedCount} newly embedded), embedder ${embeddings.id}`,
        );
        return this.live!;
      } finally {
        this.rebuilding = null;
      }
    })();
    return this.rebuilding;
  }

  /**
   * Picks up an index published by another process (`npm run ingest` while the server
   * runs): when data/CURRENT changes, the new index is loaded aside and swapped in.
   */
  watchForExternalBuilds(intervalMs = 2000): () => void {
    const directory = new IndexDirectory(this.config.DATA_DIR);
    let checking = false;
    let failedFolder: string | null = null;
    const timer = setInterval(() => {
      if (checking || this.rebuilding) return;
      checking = true;
      void (async () => {
        try {
          const folder = await directory.current();
          if (!folder || folder === this.live?.index.folder || folder === failedFolder) return;
          failedFolder = folder;
          const manifest = await readManifest(folder);
          const index = await loadIndex(folder, await this.embedderById(manifest.embedder.id));
          if (this.rebuilding) return;
          failedFolder = null;
          this.swapIn(index);
          this.logger.info(`switched to the index built by another process: ${index.manifest.counts.papers} papers, embedder ${index.manifest.embedder.id}`);
        } catch (error) {
          this.logger.warn(`could not load the new index: ${(error as Error).message}; still serving the previous one`);
        } finally {
          checking = false;
        }
      })();
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private swapIn(index: LoadedIndex): void {
    this.live = { index, retriever: new HybridRetriever(index, { ranker: this.ranker }) };
    // Derived per-index data (term sets, similarity calibration: a few hundred ms) is made
    // right after the swap, off the start-up path, so the first question rarely pays for it.
    setImmediate(() => {
      corpusTerms(index);
      similarityCalibration(index);
    });
    this.onSwap?.(this.live);
  }

  async close(): Promise<void> {
    await Promise.all([...this.embedders.values()].map((embeddings) => embeddings.close?.()));
    this.embedders.clear();
  }
}
