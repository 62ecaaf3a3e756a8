import type { Config } from '../config.ts';
import type { Paper } from '../corpus/types.ts';
import { createEmbeddings, createEmbeddingsById } from '../embeddings/create-embeddings.ts';
import type { IdentifiedEmbeddings } from '../embeddings/types.ts';
import { IndexNotReadyError } from '../errors.ts';
import { isIndexCurrent, newBuildId, NoValidPapersError, type BuildPhase } from '../index/build-index.ts';
import { createIndexStore } from '../index/create-index-store.ts';
import type { IndexStore } from '../index/index-store.ts';
import type { IngestReport } from '../index/ingest-report.ts';
import type { ServedIndex } from '../index/served-index.ts';
import { watchSeeds } from '../index/watch-seeds.ts';
import type { ReadSeedsOptions } from '../corpus/read-seeds.ts';
import { HybridRetriever } from './hybrid-retriever.ts';
import { KeywordRetriever } from './keyword-retriever.ts';
import { parseSeedFiles } from '../corpus/read-seeds.ts';
import { allowedPaperIds, hasFilters, matchesFilters, type PaperFilters } from './paper-filters.ts';
import { rankerFromFile, shippedRanker, type LinearRanker } from './linear-ranker.ts';
import { prepareCorpusTerms } from './paper-terms.ts';
import { findSimilarPapers } from './similar-papers.ts';
import type { PaperHit, SearchOptions, SimilarOptions, SimilarPaper } from './types.ts';
import type { TopicMap } from '../index/topic-map.ts';

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
  index: ServedIndex;
  retriever: HybridRetriever;
  /** The ingest report of the build that made this index, when known. */
  report?: IngestReport | null;
}

/** What started a build, shown in GET /api/index. */
export type BuildTrigger = 'start' | 'admin' | 'upload' | 'seeds-changed';

export interface BuildState {
  buildId: string;
  trigger: BuildTrigger;
  startedAt: string;
  phase: BuildPhase;
  done: number;
  total: number;
}

/** GET /api/index: the live build, the one in progress and the last report. */
export interface IndexInfo {
  live: { buildId: string | null; builtAt: string; papers: number; chunks: number; vectors: number; embedder: string; buildMs: number } | null;
  building: BuildState | null;
  /** Another build was asked for while this one runs (files changed again): it follows. */
  queued: boolean;
  lastReport: IngestReport | null;
}

export interface LibraryStatus {
  status: 'ok' | 'indexing';
  /** True while no full index is live but questions get keyword-only (BM25) answers. */
  keywordAnswers: boolean;
  papers: number;
  chunks: number;
  embedder: string | null;
  /** Only with INDEX_STORE=postgres: whether the database answers (503s while it does not). */
  database?: 'up' | 'down';
}

/**
 * The live index and its lifecycle: load on start (rebuilding when missing, stale or
 * damaged), rebuild aside while the old index keeps answering, swap atomically.
 */
export class PaperLibrary {
  private live: LiveIndex | null = null;
  /** BM25 over the parsed papers while the first full index builds; dropped once it is live. */
  private keyword: KeywordRetriever | null = null;
  private rebuilding: Promise<LiveIndex> | null = null;
  private building: BuildState | null = null;
  private queuedTrigger: BuildTrigger | null = null;
  private lastReport: IngestReport | null = null;
  /** Called when a build finishes, with its report (built or failed). */
  onReport?: (report: IngestReport) => void;
  private readonly embedders = new Map<string, IdentifiedEmbeddings>();
  onBuildProgress?: (phase: BuildPhase, done: number, total: number) => void;
  onSwap?: (live: LiveIndex) => void;

  private readonly embedderFactory: EmbedderFactory;
  private readonly ranker: LinearRanker;
  /** Where indexes live (INDEX_STORE): folders in DATA_DIR or a Postgres database. */
  readonly store: IndexStore;

  constructor(
    private readonly config: Config,
    private readonly logger: LibraryLogger,
    embedderFactory?: EmbedderFactory,
    store?: IndexStore,
  ) {
    this.store = store ?? createIndexStore(config, logger);
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

  /** The keyword-only retriever, when that is all there is (first build still running). */
  get keywordOnly(): KeywordRetriever | null {
    return this.live ? null : this.keyword;
  }

  status(): LibraryStatus {
    const manifest = this.live?.index.manifest;
    const keyword = this.keywordOnly;
    return {
      status: this.live ? 'ok' : 'indexing',
      keywordAnswers: keyword !== null,
      papers: manifest?.counts.papers ?? keyword?.papers.length ?? 0,
      chunks: manifest?.counts.chunks ?? 0,
      embedder: manifest?.embedder.id ?? null,
      ...(this.store.kind === 'postgres' ? { database: this.store.reachable ? ('up' as const) : ('down' as const) } : {}),
    };
  }

  requireLive(): LiveIndex {
    if (!this.live) throw new IndexNotReadyError();
    return this.live;
  }

  /** Metadata filters become the allowed paper set here, so the retriever only ever sees ids. */
  async search(query: string, options: SearchOptions): Promise<PaperHit[]> {
    const { filters, ...rest } = options;
    const keyword = this.keywordOnly;
    if (keyword) return keyword.search(query, { ...rest, paperIds: allowedPaperIds(keyword.papers, filters, rest.paperIds) });
    const live = this.requireLive();
    if (!hasFilters(filters)) return live.retriever.search(query, rest);
    return live.retriever.search(query, { ...rest, paperIds: allowedPaperIds(live.index.papers, filters, rest.paperIds) });
  }

  /** Needs the vectors: while only keywords are served (first build) this is IndexNotReadyError, like search's callers see. */
  async similarPapers(paperId: string, options: SimilarOptions): Promise<SimilarPaper[]> {
    return findSimilarPapers(this.requireLive().index, paperId, options);
  }

  getPaper(paperId: string): Paper | undefined {
    return this.live ? this.live.index.paperById.get(paperId) : this.keyword?.paperById.get(paperId);
  }

  /**
   * Parses the seeds and indexes them for BM25 (well under a second for the bundled corpus),
   * so a first start answers by keywords while the embeddings build. Failure only loses that.
   */
  private async serveKeywordsMeanwhile(): Promise<void> {
    try {
      const corpus = await parseSeedFiles(this.config.SEEDS_DIR, this.ingestOptions);
      if (this.live) return;
      this.keyword = KeywordRetriever.build(corpus.papers);
      this.logger.info(`serving keyword-only answers over ${corpus.papers.length} papers while the full index builds`);
    } catch (error) {
      this.logger.warn(`keyword-only answers unavailable during the build: ${(error as Error).message}`);
    }
  }

  topicMap(): TopicMap {
    return this.requireLive().index.topicMap();
  }

  countPapers(filters?: PaperFilters): number {
    const papers = this.live?.index.papers ?? [];
    return hasFilters(filters) ? papers.filter((paper) => matchesFilters(paper, filters)).length : papers.length;
  }

  private get ingestOptions(): ReadSeedsOptions {
    return { titleOnly: this.config.INGEST_TITLE_ONLY, maxFileBytes: this.config.INGEST_MAX_FILE_MB * 1024 * 1024 };
  }

  indexInfo(): IndexInfo {
    const manifest = this.live?.index.manifest;
    return {
      live: manifest
        ? {
            buildId: this.live?.report?.buildId ?? null,
            builtAt: manifest.builtAt,
            papers: manifest.counts.papers,
            chunks: manifest.counts.chunks,
            vectors: manifest.counts.vectors,
            embedder: manifest.embedder.id,
            buildMs: manifest.buildMs,
          }
        : null,
      building: this.building ? { ...this.building } : null,
      queued: this.queuedTrigger !== null,
      lastReport: this.lastReport,
    };
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
    await this.store.open();
    this.lastReport = await this.store.lastReport();
    try {
      const stored = await this.store.loadLive((id) => this.embedderById(id));
      if (stored) {
        const { index, report } = stored;
        const { embeddings } = index;
        // The model loads (in the embedding workers) once the index is live, not before: on
        // 2 cores the workers' start-up would slow the index load, and /api/health reports
        // "ok" as soon as the index can answer. A question that arrives first queues behind it.
        const warmUp = () => void embeddings.embedQuery('warm-up').catch(() => undefined);
        if (this.store.shared || (await isIndexCurrent(index.manifest, this.config.SEEDS_DIR, embeddings.id, this.ingestOptions))) {
          this.swapIn(index, report);
          warmUp();
          this.logger.info(`index loaded: ${index.manifest.counts.papers} papers, ${index.manifest.counts.vectors} vectors, embedder ${embeddings.id}`);
          return this.live!;
        }
        this.swapIn(index, report);
        warmUp();
        this.logger.warn('index is stale (seeds changed): serving it while a new one is built');
      } else {
        this.logger.info(`no index in ${this.store.description}: building one (first start)`);
      }
    } catch (error) {
      this.logger.warn(`${(error as Error).message}; rebuilding`);
    }
    if (!this.live) await this.serveKeywordsMeanwhile();
    return this.rebuild('start');
  }

  /** Builds a new index aside and swaps it in; concurrent calls share one build. */
  rebuild(trigger: BuildTrigger = 'admin'): Promise<LiveIndex> {
    if (this.rebuilding) return this.rebuilding;
    const buildId = newBuildId();
    this.building = { buildId, trigger, startedAt: new Date().toISOString(), phase: 'parse', done: 0, total: 1 };
    this.rebuilding = (async () => {
      try {
        const embeddings = await this.selectedEmbedder();
        // A watcher event for files that ended up as they were (or an upload already built) changes nothing.
        if (trigger === 'seeds-changed' && this.live && (await isIndexCurrent(this.live.index.manifest, this.config.SEEDS_DIR, embeddings.id, this.ingestOptions))) {
          this.logger.info('seed files changed but the corpus is the same: no rebuild needed');
          return this.live;
        }
        const started = performance.now();
        const result = await this.store.build({
          seedsDir: this.config.SEEDS_DIR,
          embeddings,
          buildId,
          ingest: this.ingestOptions,
          onProgress: (phase, done, total) => {
            if (this.building?.buildId === buildId) Object.assign(this.building, { phase, done, total });
            this.onBuildProgress?.(phase, done, total);
          },
          onParseProblem: (problem) => {
            if (problem.kind !== 'note') this.logger.warn(`seed ${problem.file}:${problem.line}: ${problem.reason}`);
          },
        });
        this.swapIn(result.index, result.report);
        this.recordReport(result.report);
        this.logger.info(
          `index built in ${((performance.now() - started) / 1000).toFixed(1)} s: ${result.manifest.counts.papers} papers, ${result.manifest.counts.vectors} vectors (${result.embeddedCount} newly embedded), embedder ${embeddings.id}`,
        );
        return this.live!;
      } catch (error) {
        if (error instanceof NoValidPapersError) this.recordReport(error.report);
        throw error;
      } finally {
        this.rebuilding = null;
        this.building = null;
        this.startQueuedBuild();
      }
    })();
    return this.rebuilding;
  }

  /**
   * Asks for a build without waiting for it. During a build the request is remembered and one
   * more build follows, so files that changed mid-build are never missed; a build that fails
   * is logged and the previous index keeps serving.
   */
  requestRebuild(trigger: BuildTrigger): { buildId: string | null; queued: boolean } {
    if (this.rebuilding) {
      this.queuedTrigger = trigger;
      return { buildId: null, queued: true };
    }
    this.rebuild(trigger).catch((error: unknown) => this.logger.error(`rebuild (${trigger}) failed: ${(error as Error).message}; still serving the previous index`));
    return { buildId: this.building?.buildId ?? null, queued: false };
  }

  /** The id of the build running now, if any. */
  get currentBuildId(): string | null {
    return this.building?.buildId ?? null;
  }

  /** Settles when no build runs or is queued any more, with the last report (the running build's, or a queued one's after it). */
  async waitForBuild(): Promise<IngestReport | null> {
    for (;;) {
      const running = this.rebuilding;
      if (!running) return this.lastReport;
      await running.catch(() => undefined);
      // A queued build starts in the finally of the one that just ended: wait for it too.
      if (!this.rebuilding) return this.lastReport;
    }
  }

  private startQueuedBuild(): void {
    const trigger = this.queuedTrigger;
    if (!trigger) return;
    this.queuedTrigger = null;
    this.requestRebuild(trigger);
  }

  private recordReport(report: IngestReport): void {
    this.lastReport = report;
    this.onReport?.(report);
  }

  /**
   * Rebuilds when files in SEEDS_DIR (or its uploads/) change, after they have been quiet for
   * the debounce time; off with SEEDS_WATCH=0. Returns the function that stops watching.
   */
  watchSeedsDir(): () => void {
    if (!this.config.SEEDS_WATCH) return () => {};
    return watchSeeds(this.config.SEEDS_DIR, this.config.SEEDS_WATCH_DEBOUNCE_MS, (files) => {
      this.logger.info(`seed files changed (${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}): rebuilding in the background`);
      this.requestRebuild('seeds-changed');
    }, (message) => this.logger.warn(message));
  }

  /**
   * Picks up an index published by another process (`npm run ingest` while the server runs,
   * or another replica's ingest into the shared database): when the store's live index
   * changes, it is loaded aside and swapped in. The store may also push a change (Postgres
   * NOTIFY); polling stays as the fallback. The poll also tells whether the store is reachable.
   */
  watchForExternalBuilds(intervalMs = this.store.kind === 'postgres' ? this.config.DATABASE_POLL_INTERVAL_MS : 2000): () => void {
    let checking = false;
    let failedId: string | null = null;
    const check = () => {
      if (checking || this.rebuilding) return;
      checking = true;
      void (async () => {
        try {
          const liveId = await this.store.liveId();
          if (!liveId || liveId === this.live?.index.id || liveId === failedId) return;
          failedId = liveId;
          const stored = await this.store.loadLive((id) => this.embedderById(id));
          if (!stored || this.rebuilding) return;
          failedId = null;
          this.swapIn(stored.index, stored.report);
          this.lastReport = (await this.store.lastReport()) ?? this.lastReport;
          this.logger.info(`switched to the index built by another process: ${stored.index.manifest.counts.papers} papers, embedder ${stored.index.manifest.embedder.id}`);
        } catch (error) {
          // An unreachable store is retried on the next tick; a damaged new index is not.
          // (The store logs when it becomes unreachable and reachable again, not on every poll.)
          if (!this.store.reachable) failedId = null;
          else this.logger.warn(`could not load the new index: ${(error as Error).message}; still serving the previous one`);
        } finally {
          checking = false;
        }
      })();
    };
    const timer = setInterval(check, intervalMs);
    timer.unref();
    const unsubscribe = this.store.subscribe(check);
    return () => {
      clearInterval(timer);
      unsubscribe();
    };
  }

  private swapIn(index: ServedIndex, report?: IngestReport | null): void {
    this.live = { index, retriever: new HybridRetriever(index, { ranker: this.ranker }), report: report ?? null };
    this.keyword = null;
    // Derived per-index data (term statistics, similarity calibration) is made right after
    // the swap, off the start-up path and in slices, so the first question rarely pays for it
    // and the requests in between are not held up.
    prepareCorpusTerms(index)
      .then(() => index.calibration())
      // Each is made again on first use; a failure here costs only that question's wait.
      .catch((error: unknown) => this.logger.warn(`preparing the new index's term statistics failed: ${(error as Error).message}`));
    this.onSwap?.(this.live);
  }

  async close(): Promise<void> {
    await Promise.all([...this.embedders.values()].map((embeddings) => embeddings.close?.()));
    this.embedders.clear();
    await this.store.close();
  }
}
