import { hostname } from 'node:os';
import type pg from 'pg';
import type { Paper } from '../../corpus/types.ts';
import type { IdentifiedEmbeddings } from '../../embeddings/types.ts';
import { dotProduct, unitVector } from '../../util/vectors.ts';
import { BuildInProgressError, hashUnits, INDEXED_UNIT_KINDS, NoValidPapersError, readBuildCorpus } from '../build-index.ts';
import { DEFAULT_HNSW_PARAMETERS } from '../hnsw-vector-store.ts';
import type { IndexStore, StoreBuildOptions, StoreBuildResult } from '../index-store.ts';
import { ingestReportSchema, type IngestReport } from '../ingest-report.ts';
import { IndexUnusableError, papersSchema } from '../load-index.ts';
import { INDEX_FORMAT_VERSION, manifestSchema, type IndexManifest } from '../manifest.ts';
import type { ServedIndex } from '../served-index.ts';
import { calibrate, calibrationFromJson, calibrationToJson, type SimilarityCalibration } from '../similarity-calibration.ts';
import { computeTopicMap, paperVectors, parseTopicMap, type TopicMap } from '../topic-map.ts';
import { buildVectorUnits } from '../vector-units.ts';
import { checkDatabaseUrl, connectForIngest, createPool, DatabaseConfigError, DatabaseUnavailableError, describeDatabase, isUnavailable, toVectorLiteral, type DatabaseSettings } from './database.ts';
import { migrate } from './migrate.ts';
import { generationTables, PostgresCandidateSource, type DatabaseHealth } from './postgres-candidate-source.ts';
import { embedAllCached } from './postgres-embedding-cache.ts';

export const GENERATION_CHANNEL = 'paperchat_generation';
/** An ingest renews its lease every third of this; a killed one blocks the next for at most this long. */
export const LEASE_TTL_MS = 30_000;
const INSERT_BATCH = 500;

export interface PostgresStoreSettings extends DatabaseSettings {
  /** Seconds a replaced generation is kept before it is dropped. */
  graceSeconds: number;
}

export interface PostgresStoreLogger {
  warn(message: string): void;
}

const generationIdOf = (liveId: string) => Number(/^postgres:generation-(\d+)$/.exec(liveId)?.[1] ?? NaN);
const servedIdOf = (generationId: number) => `postgres:generation-${generationId}`;

/**
 * Indexes as generations in one Postgres database, shared by stateless replicas. An ingest
 * writes a new generation aside (its own partitions and indexes), then one transaction
 * moves the live pointer and NOTIFYs; replicas swap on the notification or their next poll.
 */
export class PostgresIndexStore implements IndexStore, DatabaseHealth {
  readonly kind = 'postgres';
  readonly shared = true;
  private pool: pg.Pool | null = null;
  private listener: pg.Client | null = null;
  private listening = false;
  private readonly subscribers = new Set<() => void>();
  private up = true;

  constructor(
    private readonly settings: PostgresStoreSettings,
    private readonly logger: PostgresStoreLogger = { warn: () => {} },
  ) {}

  get description(): string {
    return `the database at ${describeDatabase(this.settings.url)}`;
  }

  get reachable(): boolean {
    return this.up;
  }

  observe(ok: boolean): void {
    if (ok !== this.up) this.logger.warn(ok ? `${this.description} is reachable again` : `${this.description} is unreachable; requests get 503 until it returns`);
    this.up = ok;
  }

  private get db(): pg.Pool {
    if (!this.pool) throw new Error('PostgresIndexStore used before open()');
    return this.pool;
  }

  /** Runs a query, turning "database not there" into a 503 and tracking reachability. */
  private async query<Row extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<Row>> {
    try {
      const result = await this.db.query<Row>(text, values);
      this.observe(true);
      return result;
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      this.observe(false);
      throw new DatabaseUnavailableError((error as Error).message);
    }
  }

  async open(): Promise<void> {
    if (this.pool) return;
    checkDatabaseUrl(this.settings.url);
    const pool = createPool(this.settings);
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new DatabaseConfigError(`cannot connect to ${this.description}: ${(error as Error).message || String(error)}`);
    }
    try {
      await migrate(client);
    } catch (error) {
      client.release();
      await pool.end().catch(() => undefined);
      throw new DatabaseConfigError(`${this.description}: ${(error as Error).message}`);
    }
    client.release();
    this.pool = pool;
  }

  async liveId(): Promise<string | null> {
    this.ensureListening();
    const result = await this.query<{ generation_id: string }>('SELECT generation_id FROM live_generation');
    const row = result.rows[0];
    return row ? servedIdOf(Number(row.generation_id)) : null;
  }

  async loadLive(embedderById: (id: string) => Promise<IdentifiedEmbeddings>) {
    const live = await this.liveId();
    if (!live) return null;
    return this.loadGeneration(generationIdOf(live), embedderById);
  }

  private async loadGeneration(generationId: number, embedderById: (id: string) => Promise<IdentifiedEmbeddings>): Promise<{ index: ServedIndex; report: IngestReport | null }> {
    const result = await this.query<{ manifest: unknown; calibration: unknown; report: unknown; topic_map: unknown }>('SELECT manifest, calibration, report, topic_map FROM generations WHERE id = $1', [generationId]);
    const row = result.rows[0];
    const where = `postgres generation ${generationId}`;
    if (!row) throw new IndexUnusableError(where, 'no such generation');
    const manifest = manifestSchema.safeParse(row.manifest);
    if (!manifest.success) throw new IndexUnusableError(where, 'bad manifest');
    if (manifest.data.formatVersion !== INDEX_FORMAT_VERSION) throw new IndexUnusableError(where, `format version ${manifest.data.formatVersion}, this build reads ${INDEX_FORMAT_VERSION}`);
    const embeddings = await embedderById(manifest.data.embedder.id);
    if (embeddings.dimensions !== manifest.data.embedder.dimensions) throw new IndexUnusableError(where, `built with ${manifest.data.embedder.dimensions}d vectors, embedder gives ${embeddings.dimensions}d`);
    const calibration: SimilarityCalibration = calibrationFromJson(row.calibration);
    const paperRows = await this.query<{ paper: unknown }>(`SELECT paper FROM ${generationTables(generationId).papers} ORDER BY ordinal`);
    const papers = papersSchema.parse(paperRows.rows.map((paperRow) => paperRow.paper)) as Paper[];
    if (papers.length !== manifest.data.counts.papers) throw new IndexUnusableError(where, `holds ${papers.length} papers, its manifest says ${manifest.data.counts.papers}`);
    const report = ingestReportSchema.safeParse(row.report);
    let topicMap: TopicMap;
    try {
      topicMap = parseTopicMap(row.topic_map, papers, where);
    } catch (error) {
      // Generations written before the map was stored: unusable, so the next ingest replaces them.
      throw new IndexUnusableError(where, `no usable topic map (${(error as Error).message.split('\n')[0]})`);
    }
    const index: ServedIndex = {
      id: servedIdOf(generationId),
      manifest: manifest.data,
      papers,
      paperById: new Map(papers.map((paper) => [paper.id, paper])),
      embeddings,
      candidates: new PostgresCandidateSource(this.db, generationId, manifest.data.embedder.dimensions, this),
      calibration: () => calibration,
      topicMap: () => topicMap,
    };
    return { index, report: report.success ? report.data : null };
  }

  async lastReport(): Promise<IngestReport | null> {
    const result = await this.query<{ report: unknown }>('SELECT report FROM generations WHERE report IS NOT NULL ORDER BY id DESC LIMIT 1');
    const parsed = ingestReportSchema.safeParse(result.rows[0]?.report);
    return parsed.success ? parsed.data : null;
  }

  subscribe(onChange: () => void): () => void {
    this.subscribers.add(onChange);
    this.ensureListening();
    return () => this.subscribers.delete(onChange);
  }

  /** LISTEN on a connection of its own; after a failure it is retried on the next poll. */
  private ensureListening(): void {
    if (this.listening || this.subscribers.size === 0 || !this.pool) return;
    this.listening = true;
    void (async () => {
      const client = await connectForIngest(this.settings.url);
      const drop = () => {
        if (this.listener === client) this.listener = null;
        this.listening = false;
        client.end().catch(() => undefined);
      };
      client.on('error', drop);
      client.on('end', drop);
      client.on('notification', () => this.subscribers.forEach((subscriber) => subscriber()));
      await client.query(`LISTEN ${GENERATION_CHANNEL}`);
      this.listener = client;
    })().catch(() => {
      this.listening = false;
    });
  }

  private async acquireLease(buildId: string): Promise<{ holder: string; stop: () => void; lost: () => boolean }> {
    const holder = `${hostname()}:${process.pid}:${buildId}`;
    const taken = await this.query<{ holder: string }>(
      `INSERT INTO ingest_lease (holder, build_id, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
       ON CONFLICT (singleton) DO UPDATE SET holder = excluded.holder, build_id = excluded.build_id, expires_at = excluded.expires_at
         WHERE ingest_lease.expires_at < now()
       RETURNING holder`,
      [holder, buildId, LEASE_TTL_MS],
    );
    if (taken.rowCount === 0) {
      const current = await this.query<{ holder: string; build_id: string; expires_at: Date }>('SELECT holder, build_id, expires_at FROM ingest_lease');
      const other = current.rows[0];
      throw new BuildInProgressError(
        `Another ingest is writing to the database (build ${other?.build_id ?? '?'} on ${other?.holder.split(':').slice(0, 2).join(':') ?? '?'}); this one was not started. The other one publishes when it finishes.`,
      );
    }
    let lost = false;
    const timer = setInterval(() => {
      this.query('UPDATE ingest_lease SET expires_at = now() + $2 * interval \'1 millisecond\' WHERE holder = $1', [holder, LEASE_TTL_MS])
        .then((result) => {
          if (result.rowCount === 0) lost = true;
        })
        .catch(() => undefined);
    }, LEASE_TTL_MS / 3);
    timer.unref();
    return { holder, stop: () => clearInterval(timer), lost: () => lost };
  }

  async build(options: StoreBuildOptions): Promise<StoreBuildResult> {
    const started = performance.now();
    const startedAt = new Date();
    const { buildId, embeddings } = options;
    const lease = await this.acquireLease(buildId);
    let client: pg.Client;
    try {
      client = await connectForIngest(this.settings.url);
    } catch (error) {
      lease.stop();
      await this.releaseLease(lease.holder);
      throw new DatabaseUnavailableError((error as Error).message);
    }
    let generationId: number | null = null;
    try {
      const { corpus, corpusHash, report } = await readBuildCorpus(options, { buildId, startedAt, previous: this.livePapers(client) });
      if (corpus.papers.length === 0) {
        const failed = report(0, 'no valid papers in the seed files');
        await client.query(`INSERT INTO generations (build_id, state, finished_at, report) VALUES ($1, 'failed', now(), $2)`, [buildId, JSON.stringify(failed)]);
        throw new NoValidPapersError(failed);
      }

      const units = buildVectorUnits(corpus.papers, INDEXED_UNIT_KINDS);
      const embedded = await embedAllCached(client, units.map((unit) => unit.pageContent), embeddings, (done, total) => options.onProgress?.('embed', done, total));
      const vectors = embedded.vectors.map((vector) => unitVector(vector));

      options.onProgress?.('index', 0, units.length);
      await this.dropAbandoned(client);
      const inserted = await client.query<{ id: string }>(`INSERT INTO generations (build_id, state) VALUES ($1, 'building') RETURNING id`, [buildId]);
      generationId = Number(inserted.rows[0]!.id);
      const tables = generationTables(generationId);
      await client.query(`CREATE TABLE ${tables.papers} PARTITION OF papers FOR VALUES IN (${generationId})`);
      await client.query(`CREATE TABLE ${tables.units} PARTITION OF units FOR VALUES IN (${generationId})`);
      for (let start = 0; start < corpus.papers.length; start += INSERT_BATCH) {
        const batch = corpus.papers.slice(start, start + INSERT_BATCH);
        await client.query(
          `INSERT INTO ${tables.papers} (generation_id, paper_id, ordinal, paper, body)
             SELECT $1, paper_id, ordinal, paper::jsonb, body FROM unnest($2::text[], $3::int[], $4::text[], $5::text[]) AS batch (paper_id, ordinal, paper, body)`,
          [generationId, batch.map((paper) => paper.id), batch.map((_, offset) => start + offset), batch.map((paper) => JSON.stringify(paper)), batch.map((paper) => `${paper.title}\n${paper.abstract}`)],
        );
      }
      for (let start = 0; start < units.length; start += INSERT_BATCH) {
        const batch = units.slice(start, start + INSERT_BATCH);
        const positions = batch.map((_, offset) => start + offset);
        await client.query(
          `INSERT INTO ${tables.units} (generation_id, chunk_id, paper_id, ordinal, kind, position, start_offset, end_offset, text_hash, embedding)
             SELECT $1, chunk_id, paper_id, ordinal, kind, position, start_offset, end_offset, text_hash, embedding::vector
               FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::int[], $8::int[], $9::bytea[], $10::text[])
                 AS batch (chunk_id, paper_id, ordinal, kind, position, start_offset, end_offset, text_hash, embedding)`,
          [
            generationId,
            batch.map((unit) => unit.metadata.chunkId),
            batch.map((unit) => unit.metadata.paperId),
            positions,
            batch.map((unit) => unit.metadata.kind),
            batch.map((unit) => unit.metadata.position),
            batch.map((unit) => unit.metadata.start),
            batch.map((unit) => unit.metadata.end),
            positions.map((position) => embedded.hashes[position]!),
            positions.map((position) => toVectorLiteral(vectors[position]!)),
          ],
        );
        options.onProgress?.('index', Math.min(start + INSERT_BATCH, units.length), units.length);
      }
      const hnsw = DEFAULT_HNSW_PARAMETERS;
      const dimensions = embeddings.dimensions;
      await client.query(`CREATE INDEX ${tables.bm25} ON ${tables.papers} USING bm25 (body) WITH (text_config = 'english')`);
      await client.query(`CREATE INDEX ${tables.hnsw} ON ${tables.units} USING hnsw ((embedding::vector(${dimensions})) vector_cosine_ops) WITH (m = ${hnsw.m}, ef_construction = ${hnsw.efConstruction})`);
      await client.query(`CREATE INDEX ${tables.unitsByPaper} ON ${tables.units} (paper_id)`);
      await client.query(`CREATE INDEX ${tables.units}_chunk ON ${tables.units} (chunk_id)`);
      await client.query(`ANALYZE ${tables.papers}; ANALYZE ${tables.units}`);

      options.onProgress?.('write', 0, 1);
      const calibration = calibrateUnits(units.map((unit) => unit.metadata), vectors, dimensions);
      const topicMap = await computeTopicMap(corpus.papers, paperVectors(corpus.papers, units.map((unit, position) => ({ paperId: unit.metadata.paperId, vector: vectors[position]! })), dimensions));
      const built = report(embedded.embeddedCount);
      const manifest: IndexManifest = {
        formatVersion: INDEX_FORMAT_VERSION,
        embedder: { id: embeddings.id, dimensions },
        corpusHash,
        unitsHash: hashUnits(units, embeddings.id, hnsw),
        counts: { entries: corpus.entryCount, papers: corpus.papers.length, chunks: units.filter((unit) => unit.metadata.kind === 'chunk').length, vectors: units.length },
        hnsw: { space: 'cosine', m: hnsw.m, efConstruction: hnsw.efConstruction, efSearch: this.settings.efSearch },
        files: {},
        builtAt: new Date().toISOString(),
        buildMs: Math.round(performance.now() - started),
      };
      await this.flip(client, generationId, lease, { manifest, calibration: calibrationToJson(calibration), report: built, topicMap });
      options.onProgress?.('write', 1, 1);
      await this.dropExpired(client).catch((error: unknown) => this.logger.warn(`could not drop old generations: ${(error as Error).message}`));
      const loaded = await this.loadGeneration(generationId, async () => embeddings);
      return { index: loaded.index, manifest, embeddedCount: embedded.embeddedCount, report: built, location: `postgres generation ${generationId}` };
    } catch (error) {
      // A generation that never went live is dropped now (a killed ingest's is dropped by the next one).
      if (generationId !== null) await this.dropGeneration(client, generationId, 'failed').catch(() => undefined);
      if (isUnavailable(error)) throw new DatabaseUnavailableError((error as Error).message);
      throw error;
    } finally {
      lease.stop();
      await client.end().catch(() => undefined);
      await this.releaseLease(lease.holder).catch(() => undefined);
    }
  }

  /** The one transaction that makes a generation live: every replica sees all of it or none. */
  private async flip(client: pg.Client, generationId: number, lease: { holder: string; lost: () => boolean }, stored: { manifest: IndexManifest; calibration: unknown; report: IngestReport; topicMap: TopicMap }): Promise<void> {
    await client.query('BEGIN');
    try {
      const held = await client.query('SELECT 1 FROM ingest_lease WHERE holder = $1 AND expires_at > now() FOR UPDATE', [lease.holder]);
      if (held.rowCount === 0 || lease.lost()) throw new BuildInProgressError('This ingest lost its lease (it stalled longer than the lease); another ingest may be running. Nothing was published.');
      await client.query(`UPDATE generations SET state = 'retired', retired_at = now() WHERE id = (SELECT generation_id FROM live_generation)`);
      await client.query(`UPDATE generations SET state = 'ready', finished_at = now(), manifest = $2, calibration = $3, report = $4, topic_map = $5 WHERE id = $1`, [
        generationId,
        JSON.stringify(stored.manifest),
        JSON.stringify(stored.calibration),
        JSON.stringify(stored.report),
        JSON.stringify(stored.topicMap),
      ]);
      await client.query(
        `INSERT INTO live_generation (generation_id) VALUES ($1) ON CONFLICT (singleton) DO UPDATE SET generation_id = excluded.generation_id, switched_at = now()`,
        [generationId],
      );
      await client.query(`SELECT pg_notify($1, $2)`, [GENERATION_CHANNEL, String(generationId)]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  private async releaseLease(holder: string): Promise<void> {
    await this.db.query('DELETE FROM ingest_lease WHERE holder = $1', [holder]);
  }

  private async livePapers(client: pg.Client): Promise<Paper[]> {
    const live = await client.query<{ generation_id: string }>('SELECT generation_id FROM live_generation');
    const row = live.rows[0];
    if (!row) return [];
    try {
      const papers = await client.query<{ paper: unknown }>(`SELECT paper FROM ${generationTables(Number(row.generation_id)).papers} ORDER BY ordinal`);
      return papersSchema.parse(papers.rows.map((paperRow) => paperRow.paper)) as Paper[];
    } catch {
      return [];
    }
  }

  private async dropGeneration(client: pg.ClientBase, generationId: number, state: 'failed' | null): Promise<void> {
    const tables = generationTables(generationId);
    await client.query(`DROP TABLE IF EXISTS ${tables.units}; DROP TABLE IF EXISTS ${tables.papers}`);
    if (state) await client.query(`UPDATE generations SET state = $2, finished_at = coalesce(finished_at, now()) WHERE id = $1`, [generationId, state]);
    else await client.query('DELETE FROM generations WHERE id = $1', [generationId]);
  }

  /** Generations left 'building' by an ingest that died (only the lease holder builds, and that is us now). */
  private async dropAbandoned(client: pg.Client): Promise<void> {
    const abandoned = await client.query<{ id: string }>(`SELECT id FROM generations WHERE state = 'building'`);
    for (const row of abandoned.rows) await this.dropGeneration(client, Number(row.id), 'failed');
  }

  /** Replaced generations older than the grace period: their tables go, their row (with its report) goes too. */
  private async dropExpired(client: pg.Client): Promise<void> {
    const expired = await client.query<{ id: string }>(`SELECT id FROM generations WHERE state = 'retired' AND retired_at < now() - $1 * interval '1 second'`, [this.settings.graceSeconds]);
    for (const row of expired.rows) await this.dropGeneration(client, Number(row.id), null);
  }

  async close(): Promise<void> {
    this.subscribers.clear();
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
    await this.pool?.end().catch(() => undefined);
    this.pool = null;
  }
}

/**
 * The corpus's similarity calibration, computed by the ingest (which holds every vector) and
 * stored with the generation, so replicas never scan all vectors. The nearest unit of a
 * sample sentence is found exactly here; the files store asks its HNSW graph (ef 128, near-exact
 * at this size).
 */
function calibrateUnits(units: ReadonlyArray<{ kind: string; paperId: string }>, vectors: readonly Float32Array[], dimensions: number): SimilarityCalibration {
  const sentences = units.flatMap((unit, position) => (unit.kind === 'sentence' ? [{ paperId: unit.paperId, vector: vectors[position]! }] : []));
  return calibrate({
    dimensions,
    sentences,
    nearest: (vector, k) => {
      const best: Array<{ paperId: string; similarity: number }> = [];
      for (let position = 0; position < vectors.length; position++) {
        const similarity = dotProduct(vectors[position]!, vector, dimensions);
        if (best.length < k || similarity > best[best.length - 1]!.similarity) {
          best.push({ paperId: units[position]!.paperId, similarity });
          best.sort((a, b) => b.similarity - a.similarity);
          if (best.length > k) best.pop();
        }
      }
      return best;
    },
  });
}
