import path from 'node:path';
import type { Config } from '../config.ts';
import { ConfigError } from '../errors.ts';
import { TransformersModelNotFoundError, type TransformersLoadOptions } from './locate-transformers-model.ts';
import { TRANSFORMERS_ID_PREFIX, TransformersEmbeddings } from './transformers-embeddings.ts';
import type { IdentifiedEmbeddings } from './types.ts';
import { UNIVERSAL_SENTENCE_ENCODER_ID, UniversalSentenceEncoderEmbeddings } from './universal-sentence-encoder.ts';

export interface EmbeddingsLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface CreateEmbeddingsOptions {
  /** Overrides for finding transformers.js models (tests: a private cache folder, a fake hub). */
  transformers?: Partial<Omit<TransformersLoadOptions, 'modelsDir' | 'signal'>>;
}

class LoadTimeoutError extends Error {
  constructor(modelId: string, timeoutMs: number, downloading: boolean) {
    super(
      downloading
        ? `${modelId} did not finish downloading within EMBEDDINGS_LOAD_TIMEOUT_MS=${timeoutMs} ms; run EMBEDDINGS=transformers npm run ingest once to download it without that limit`
        : `${modelId} did not load within EMBEDDINGS_LOAD_TIMEOUT_MS=${timeoutMs} ms`,
    );
  }
}

function loadOptions(config: Config, options: CreateEmbeddingsOptions | undefined, signal?: AbortSignal, onProgress?: (message: string) => void): TransformersLoadOptions {
  const loadOptions: TransformersLoadOptions = { ...options?.transformers, modelsDir: config.MODELS_DIR, signal };
  if (onProgress) {
    const outer = options?.transformers?.onProgress;
    loadOptions.onProgress = (message) => {
      onProgress(message);
      outer?.(message);
    };
  }
  return loadOptions;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function howToProvide(config: Config, modelId: string): string {
  const folder = path.resolve(config.MODELS_DIR, ...modelId.split('/'));
  return `to provide it, put config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx (or onnx/model_quantized.onnx) in ${folder}, or run once with access to the Hugging Face hub`;
}

function describe(embeddings: TransformersEmbeddings, started: number): string {
  const { info } = embeddings;
  const where = { 'models-dir': `from ${info.folder}`, cache: `from the transformers.js cache ${info.folder}`, hub: `downloaded into ${info.folder}` }[info.source];
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  return `embeddings: ${embeddings.id} (${where}, ${info.dtype}, ${embeddings.dimensions} dimensions, ${info.family.pooling} pooling, loaded in ${seconds} s)`;
}

/**
 * The embedder configuration selects for new index builds:
 * - `use`: the bundled Universal Sentence Encoder;
 * - `transformers`: EMBEDDING_MODEL, or a ConfigError saying where it was looked for;
 * - `auto`: EMBEDDING_MODEL if it loads (and embeds a probe) within
 *   EMBEDDINGS_LOAD_TIMEOUT_MS, else the bundled encoder, with one log line saying why.
 */
export async function createEmbeddings(config: Config, logger?: EmbeddingsLogger, options?: CreateEmbeddingsOptions): Promise<IdentifiedEmbeddings> {
  const modelId = config.EMBEDDING_MODEL;
  const started = performance.now();

  if (config.EMBEDDINGS === 'use') {
    logger?.info(`embeddings: ${UNIVERSAL_SENTENCE_ENCODER_ID} (EMBEDDINGS=use)`);
    return new UniversalSentenceEncoderEmbeddings({ threads: config.EMBEDDING_THREADS, queryBatch: config.EMBEDDING_QUERY_BATCH });
  }

  if (config.EMBEDDINGS === 'transformers') {
    try {
      const embeddings = await TransformersEmbeddings.load(modelId, loadOptions(config, options));
      logger?.info(describe(embeddings, started));
      return embeddings;
    } catch (error) {
      const advice = error instanceof TransformersModelNotFoundError ? `; ${howToProvide(config, modelId)}` : '';
      throw new ConfigError(`EMBEDDINGS=transformers: ${reason(error)}${advice}; or set EMBEDDINGS=auto or EMBEDDINGS=use for the bundled encoder`);
    }
  }

  // auto: a bounded wait. On timeout the download (if any) is aborted, and a model that
  // finishes loading afterwards is disposed.
  const controller = new AbortController();
  let downloading = false;
  const loading = TransformersEmbeddings.load(modelId, loadOptions(config, options, controller.signal, () => (downloading = true)));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LoadTimeoutError(modelId, config.EMBEDDINGS_LOAD_TIMEOUT_MS, downloading)), config.EMBEDDINGS_LOAD_TIMEOUT_MS);
  });
  try {
    const embeddings = await Promise.race([loading, timeout]);
    logger?.info(describe(embeddings, started));
    return embeddings;
  } catch (error) {
    if (error instanceof LoadTimeoutError) {
      controller.abort(error);
      loading.then(
        (late) => late.close(),
        () => undefined,
      );
    }
    const message = `embeddings: ${UNIVERSAL_SENTENCE_ENCODER_ID} (EMBEDDINGS=auto fell back to the bundled encoder: ${reason(error)})`;
    // A model that is simply not there is the normal offline case; anything else deserves attention.
    if (error instanceof TransformersModelNotFoundError) logger?.info(message);
    else logger?.warn(message);
    return new UniversalSentenceEncoderEmbeddings({ threads: config.EMBEDDING_THREADS, queryBatch: config.EMBEDDING_QUERY_BATCH });
  } finally {
    clearTimeout(timer);
  }
}

/** The embedder that built an existing index (its manifest's `embedder.id`). */
export async function createEmbeddingsById(id: string, config: Config, options?: CreateEmbeddingsOptions): Promise<IdentifiedEmbeddings> {
  if (id === UNIVERSAL_SENTENCE_ENCODER_ID) return new UniversalSentenceEncoderEmbeddings({ threads: config.EMBEDDING_THREADS, queryBatch: config.EMBEDDING_QUERY_BATCH });
  if (id.startsWith(TRANSFORMERS_ID_PREFIX)) {
    const modelId = id.slice(TRANSFORMERS_ID_PREFIX.length);
    try {
      return await TransformersEmbeddings.load(modelId, loadOptions(config, options));
    } catch (error) {
      throw new ConfigError(`The index was built with ${id}, which cannot be loaded here (${reason(error)}); rebuild it with npm run ingest`);
    }
  }
  throw new ConfigError(`The index was built with ${id}, an embedder this build does not know; rebuild it with npm run ingest`);
}
