import { randomUUID } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline as pipeStreams } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Embeddings } from '@langchain/core/embeddings';
import type { DataType, PreTrainedModel, PreTrainedTokenizer, Tensor } from '@huggingface/transformers';
import type { IdentifiedEmbeddings } from './types.ts';

export const TRANSFORMERS_ID_PREFIX = 'transformers:';

export function transformersEmbedderId(modelId: string): string {
  return `${TRANSFORMERS_ID_PREFIX}${modelId}`;
}

// ---- model families --------------------------------------------------------------------

export interface ModelFamily {
  name: string;
  pattern: RegExp;
  pooling: 'cls' | 'mean';
  /** Prepended to queries (embedQuery) only. */
  queryPrefix: string;
  /** Prepended to documents (embedDocuments) only. */
  documentPrefix: string;
}

const RETRIEVAL_INSTRUCTION = 'Represent this sentence for searching relevant passages: ';

/**
 * How each model family is pooled and prompted, first match wins; every vector is
 * L2-normalised. Keyed by model id so that an index built with a model is always
 * queried the same way.
 */
export const MODEL_FAMILIES: readonly ModelFamily[] = [
  { name: 'bge-m3', pattern: /bge-m3/i, pooling: 'cls', queryPrefix: '', documentPrefix: '' },
  { name: 'bge-zh', pattern: /bge-[^/]*-zh/i, pooling: 'cls', queryPrefix: '为这个句子生成表示以用于检索相关文章：', documentPrefix: '' },
  // BAAI bge-*-en(-v1.5), mixedbread mxbai-embed-*, Snowflake arctic-embed: CLS + retrieval instruction.
  { name: 'bge', pattern: /bge|mxbai-embed|arctic-embed/i, pooling: 'cls', queryPrefix: RETRIEVAL_INSTRUCTION, documentPrefix: '' },
  { name: 'e5', pattern: /(^|[/_-])e5([_-]|$)/i, pooling: 'mean', queryPrefix: 'query: ', documentPrefix: 'passage: ' },
  { name: 'nomic-embed', pattern: /nomic-embed-text/i, pooling: 'mean', queryPrefix: 'search_query: ', documentPrefix: 'search_document: ' },
  // sentence-transformers models (all-MiniLM-*, all-mpnet-*, paraphrase-*), gte-small/base/large, ...
  { name: 'mean', pattern: /.*/, pooling: 'mean', queryPrefix: '', documentPrefix: '' },
];

export function modelFamily(modelId: string): ModelFamily {
  return MODEL_FAMILIES.find((family) => family.pattern.test(modelId))!;
}

// ---- locating the model files ----------------------------------------------------------

/** ONNX file name → transformers.js `dtype`, in order of preference (full precision first). */
const ONNX_FILES: ReadonlyArray<readonly [string, DataType]> = [
  ['model.onnx', 'fp32'],
  ['model_quantized.onnx', 'q8'],
  ['model_int8.onnx', 'int8'],
  ['model_uint8.onnx', 'uint8'],
  ['model_fp16.onnx', 'fp16'],
  ['model_q4.onnx', 'q4'],
  ['model_bnb4.onnx', 'bnb4'],
  ['model_q4f16.onnx', 'q4f16'],
];
/** Downloaded from the hub: full precision, else the quantized export (what Xenova/* repos carry). */
const HUB_ONNX_FILES = ONNX_FILES.slice(0, 2);
const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

export type ModelSource = 'models-dir' | 'cache' | 'hub';

interface ModelFolder {
  folder: string;
  dtype: DataType;
  source: ModelSource;
}

export interface TransformersLoadOptions {
  /** `MODELS_DIR`: a model is looked for in `<modelsDir>/<model id>/` first. */
  modelsDir: string;
  /** The transformers.js file cache (default: transformers.js `env.cacheDir`); hub downloads land here. */
  cacheDir?: string;
  /** Whether the hub may be tried as the last resort (default: transformers.js `env.allowRemoteModels`). */
  allowRemote?: boolean;
  /** Default: transformers.js `env.remoteHost` (https://huggingface.co/). */
  remoteHost?: string;
  /** Aborts a download or the wait for one; a model already loading is disposed when it finishes. */
  signal?: AbortSignal;
  /** Longest wait for the hub to answer, or between two chunks of a download (default 10 s). */
  networkTimeoutMs?: number;
  /** Progress notes, e.g. "downloading …". */
  onProgress?: (message: string) => void;
}

/** The model is in none of the places searched; `searched` says where each look ended. */
export class TransformersModelNotFoundError extends Error {
  constructor(
    readonly modelId: string,
    readonly searched: string[],
  ) {
    super(`${modelId} is not available: ${searched.join('; ')}`);
    this.name = 'TransformersModelNotFoundError';
  }
}

/** The model files were found but could not be loaded or run. */
export class TransformersModelLoadError extends Error {
  constructor(
    readonly modelId: string,
    message: string,
  ) {
    super(message);
    this.name = 'TransformersModelLoadError';
  }
}

const MODEL_ID_PATTERN = /^[\w.-]+(\/[\w.-]+)?$/;

function validateModelId(modelId: string): void {
  if (!MODEL_ID_PATTERN.test(modelId) || modelId.split('/').some((part) => part === '.' || part === '..')) {
    throw new TransformersModelLoadError(modelId, `"${modelId}" is not a model id (expected "name" or "owner/name")`);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

async function missingFiles(folder: string): Promise<string[]> {
  const missing: string[] = [];
  for (const file of REQUIRED_FILES) if (!(await exists(path.join(folder, file)))) missing.push(file);
  return missing;
}

async function onnxDtype(folder: string): Promise<DataType | null> {
  for (const [file, dtype] of ONNX_FILES) if (await exists(path.join(folder, 'onnx', file))) return dtype;
  return null;
}

/** A folder holding a complete model, or why not; `null` when there is no such folder at all. */
async function inspectFolder(folder: string): Promise<{ dtype: DataType } | { problem: string } | null> {
  if (!(await exists(folder))) return null;
  const missing = await missingFiles(folder);
  const dtype = await onnxDtype(folder);
  if (dtype === null) missing.push('onnx/model.onnx (or onnx/model_quantized.onnx)');
  if (missing.length > 0) return { problem: `${folder} is incomplete (missing ${missing.join(', ')})` };
  return { dtype: dtype! };
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ((error.cause as NodeJS.ErrnoException).code ?? error.cause.message) : null;
  return cause ? `${error.message} (${cause})` : error.message;
}

/**
 * Downloads one file with bounded waits: for the response headers and between chunks.
 * The file appears under `destination` only once complete (written aside, then renamed),
 * so an interrupted download never leaves a truncated file that looks cached.
 * Returns false on HTTP 404.
 */
async function downloadFile(url: string, destination: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = (what: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`${what} from ${new URL(url).host} within ${timeoutMs} ms`)), timeoutMs);
  };
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) throw signal.reason;
  signal?.addEventListener('abort', onAbort, { once: true });
  const partial = `${destination}.${randomUUID()}.partial`;
  try {
    arm('no response');
    const response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    if (response.status === 404) {
      await response.body?.cancel();
      return false;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new Error(`${url}: HTTP ${response.status}`);
    }
    arm('download stalled: no data');
    await fs.mkdir(path.dirname(destination), { recursive: true });
    const rearm = new Transform({
      transform(chunk, _encoding, callback) {
        arm('download stalled: no data');
        callback(null, chunk);
      },
    });
    await pipeStreams(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), rearm, createWriteStream(partial), { signal: controller.signal });
    await fs.rename(partial, destination);
    return true;
  } catch (error) {
    await fs.rm(partial, { force: true });
    if (controller.signal.aborted) throw controller.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Fetches the files transformers.js needs from the hub into `<cacheDir>/<model id>/`, the
 * layout of transformers.js's own file cache. Files already there are kept.
 */
async function downloadFromHub(modelId: string, folder: string, remoteHost: string, remotePathTemplate: string, options: TransformersLoadOptions): Promise<DataType> {
  const timeoutMs = options.networkTimeoutMs ?? 10_000;
  const base = new URL(remotePathTemplate.replaceAll('{model}', modelId).replaceAll('{revision}', 'main'), remoteHost.endsWith('/') ? remoteHost : `${remoteHost}/`);
  const fetchOne = async (file: string): Promise<boolean> => {
    const destination = path.join(folder, ...file.split('/'));
    if (await exists(destination)) return true;
    options.onProgress?.(`downloading ${modelId}/${file} from ${base.host}`);
    return downloadFile(new URL(file, base).href, destination, timeoutMs, options.signal);
  };
  for (const file of REQUIRED_FILES) {
    if (!(await fetchOne(file))) throw new Error(`${new URL(file, base).href} does not exist (HTTP 404)`);
  }
  for (const [file, dtype] of HUB_ONNX_FILES) if (await fetchOne(`onnx/${file}`)) return dtype;
  throw new Error(`${modelId} on ${base.host} has no ${HUB_ONNX_FILES.map(([file]) => `onnx/${file}`).join(' or ')}`);
}

type TransformersModule = typeof import('@huggingface/transformers');

let transformersModule: Promise<TransformersModule> | null = null;
/** Imported on first use: EMBEDDINGS=use never pays for onnxruntime. */
function importTransformers(): Promise<TransformersModule> {
  transformersModule ??= import('@huggingface/transformers');
  return transformersModule;
}

/**
 * Where the model is: `<modelsDir>/<id>/`, else the transformers.js cache `<cacheDir>/<id>/`,
 * else (when remote models are allowed) downloaded from the hub into that cache folder.
 * transformers.js is then always given an absolute folder with `local_files_only`, so its
 * global `env` (localModelPath, allowRemoteModels, cacheDir…) is read but never changed.
 */
export async function locateTransformersModel(modelId: string, options: TransformersLoadOptions): Promise<ModelFolder> {
  validateModelId(modelId);
  const { env } = await importTransformers();
  const parts = modelId.split('/');
  const searched: string[] = [];

  const localFolder = path.resolve(options.modelsDir, ...parts);
  const local = await inspectFolder(localFolder);
  if (local && 'problem' in local) throw new TransformersModelLoadError(modelId, `MODELS_DIR: ${local.problem}`);
  if (local) return { folder: localFolder, dtype: local.dtype, source: 'models-dir' };
  searched.push(`not in MODELS_DIR (${localFolder})`);

  const cacheDir = options.cacheDir ?? (env.useFSCache ? env.cacheDir : null);
  const cacheFolder = cacheDir ? path.resolve(cacheDir, ...parts) : null;
  if (cacheFolder) {
    const cached = await inspectFolder(cacheFolder);
    if (cached && 'dtype' in cached) return { folder: cacheFolder, dtype: cached.dtype, source: 'cache' };
    searched.push(cached ? `the transformers.js cache copy is incomplete (${cacheFolder})` : `not in the transformers.js cache (${cacheFolder})`);
  }

  const remoteHost = options.remoteHost ?? env.remoteHost;
  if (!(options.allowRemote ?? env.allowRemoteModels)) {
    searched.push('hub downloads are disabled');
    throw new TransformersModelNotFoundError(modelId, searched);
  }
  if (!cacheFolder) {
    searched.push('no cache folder to download into');
    throw new TransformersModelNotFoundError(modelId, searched);
  }
  try {
    const dtype = await downloadFromHub(modelId, cacheFolder, remoteHost, env.remotePathTemplate, options);
    return { folder: cacheFolder, dtype, source: 'hub' };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    searched.push(`could not download it from ${remoteHost}: ${errorText(error)}`);
    throw new TransformersModelNotFoundError(modelId, searched);
  }
}

// ---- the embedder ----------------------------------------------------------------------

interface EncodedBatch {
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids?: number[][];
}

interface ModelOutput {
  last_hidden_state?: Tensor;
  token_embeddings?: Tensor;
  logits?: Tensor;
}

type TokenizerCall = (texts: string[], options: { padding: boolean; truncation: boolean; return_tensor: boolean; add_special_tokens: boolean }) => EncodedBatch;
type ModelCall = (inputs: Record<string, Tensor>) => Promise<ModelOutput>;

const DEFAULT_MAX_LENGTH = 512;
const PROBE_TEXT = 'paperchat embedding probe: transformers in retrieval.';

export interface TransformersEmbeddingsInfo {
  modelId: string;
  folder: string;
  source: ModelSource;
  dtype: DataType;
  family: ModelFamily;
  maxLength: number;
}

/**
 * A transformers.js (ONNX Runtime) feature-extraction model as a LangChain `Embeddings`.
 * Create with `TransformersEmbeddings.load`, which also embeds a probe text so that a
 * broken model fails there rather than in the middle of an ingest.
 */
export class TransformersEmbeddings extends Embeddings implements IdentifiedEmbeddings {
  static readonly BATCH_SIZE = 32;

  readonly id: string;
  readonly dimensions: number;
  private closed = false;

  private constructor(
    readonly info: TransformersEmbeddingsInfo,
    private readonly module: TransformersModule,
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly model: PreTrainedModel,
    dimensions: number,
  ) {
    super({ maxConcurrency: 1 });
    this.id = transformersEmbedderId(info.modelId);
    this.dimensions = dimensions;
  }

  static async load(modelId: string, options: TransformersLoadOptions): Promise<TransformersEmbeddings> {
    const located = await locateTransformersModel(modelId, options);
    const module = await importTransformers();
    let model: PreTrainedModel | null = null;
    try {
      const config = JSON.parse(await fs.readFile(path.join(located.folder, 'config.json'), 'utf8')) as { max_position_embeddings?: unknown };
      const tokenizer = await module.AutoTokenizer.from_pretrained(located.folder, { local_files_only: true });
      model = await module.AutoModel.from_pretrained(located.folder, { local_files_only: true, dtype: located.dtype, device: 'cpu' });
      const limits = [tokenizer.model_max_length, config.max_position_embeddings].filter(
        (value): value is number => typeof value === 'number' && Number.isFinite(value) && value > 2 && value < 1e6,
      );
      const info: TransformersEmbeddingsInfo = {
        modelId,
        folder: located.folder,
        source: located.source,
        dtype: located.dtype,
        family: modelFamily(modelId),
        maxLength: limits.length > 0 ? Math.min(...limits) : DEFAULT_MAX_LENGTH,
      };
      const [probe] = await new TransformersEmbeddings(info, module, tokenizer, model, 0).embedBatch([PROBE_TEXT], '');
      if (!probe || probe.length === 0 || probe.some((value) => !Number.isFinite(value))) {
        throw new Error('the probe embedding is empty or not finite');
      }
      // Aborted while loading (EMBEDDINGS=auto gave up waiting): the catch below disposes it.
      if (options.signal?.aborted) throw options.signal.reason;
      return new TransformersEmbeddings(info, module, tokenizer, model, probe.length);
    } catch (error) {
      await model?.dispose().catch(() => undefined);
      if (options.signal?.aborted) throw options.signal.reason;
      throw new TransformersModelLoadError(modelId, `could not load ${modelId} from ${located.folder} (${located.dtype}): ${errorText(error)}`);
    }
  }

  /** Tokenizes with truncation to the model's maximum length, keeping the closing special token. */
  private encode(texts: string[]): Record<string, Tensor> {
    const tokenize = this.tokenizer as unknown as TokenizerCall;
    const encoded = tokenize(texts, { padding: false, truncation: false, return_tensor: false, add_special_tokens: true });
    const special = new Set(this.tokenizer.all_special_ids);
    const max = this.info.maxLength;
    const truncate = (row: number[]) => {
      if (row.length <= max) return row;
      const last = row[row.length - 1]!;
      // transformers.js truncation would cut the final [SEP]/</s>; models are trained with it.
      return special.has(last) ? [...row.slice(0, max - 1), last] : row.slice(0, max);
    };
    const inputIds = encoded.input_ids.map(truncate);
    const length = Math.max(...inputIds.map((row) => row.length));
    const tensor = (rows: number[][], pad: number) => {
      const data = new BigInt64Array(rows.length * length).fill(BigInt(pad));
      rows.forEach((row, r) => row.forEach((value, c) => (data[r * length + c] = BigInt(value))));
      return new this.module.Tensor('int64', data, [rows.length, length]);
    };
    const inputs: Record<string, Tensor> = {
      input_ids: tensor(inputIds, this.tokenizer.pad_token_id ?? 0),
      attention_mask: tensor(inputIds.map((row) => row.map(() => 1)), 0),
    };
    if (encoded.token_type_ids) inputs.token_type_ids = tensor(encoded.token_type_ids.map((row) => row.slice(0, max)), 0);
    return inputs;
  }

  private async embedBatch(texts: string[], prefix: string): Promise<number[][]> {
    if (this.closed) throw new Error(`${this.id} is closed`);
    const inputs = this.encode(texts.map((text) => prefix + text));
    const output = await (this.model as unknown as ModelCall)(inputs);
    const hidden = output.last_hidden_state ?? output.token_embeddings ?? output.logits;
    if (!hidden || hidden.dims.length !== 3) throw new Error(`unexpected model output (${Object.keys(output).join(', ')})`);
    const [batch, length, size] = hidden.dims as [number, number, number];
    const data = (hidden.type === 'float32' ? hidden : hidden.to('float32')).data as Float32Array;
    const mask = inputs.attention_mask!.data as BigInt64Array;
    const vectors: number[][] = [];
    for (let b = 0; b < batch; b++) {
      const vector = new Array<number>(size).fill(0);
      if (this.info.family.pooling === 'cls') {
        for (let h = 0; h < size; h++) vector[h] = data[b * length * size + h]!;
      } else {
        let count = 0;
        for (let s = 0; s < length; s++) {
          if (mask[b * length + s] === 0n) continue;
          count++;
          const offset = (b * length + s) * size;
          for (let h = 0; h < size; h++) vector[h]! += data[offset + h]!;
        }
        for (let h = 0; h < size; h++) vector[h]! /= Math.max(count, 1);
      }
      const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
      vectors.push(vector.map((value) => value / norm));
    }
    return vectors;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    // Batches of similar length waste little on padding; vectors go back in input order.
    const order = texts.map((text, index) => ({ text, index })).sort((a, b) => a.text.length - b.text.length);
    const vectors = new Array<number[]>(texts.length);
    for (let start = 0; start < order.length; start += TransformersEmbeddings.BATCH_SIZE) {
      const batch = order.slice(start, start + TransformersEmbeddings.BATCH_SIZE);
      const embedded = await this.embedBatch(batch.map((item) => item.text), this.info.family.documentPrefix);
      batch.forEach((item, i) => (vectors[item.index] = embedded[i]!));
    }
    return vectors;
  }

  async embedQuery(text: string): Promise<number[]> {
    const [vector] = await this.embedBatch([text], this.info.family.queryPrefix);
    return vector!;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.model.dispose();
  }
}
