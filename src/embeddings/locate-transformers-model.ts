import { randomUUID } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline as pipeStreams } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { DataType } from '@huggingface/transformers';

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

export interface ModelFolder {
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

export function errorText(error: unknown): string {
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

export type TransformersModule = typeof import('@huggingface/transformers');

let transformersModule: Promise<TransformersModule> | null = null;
/** Imported on first use: EMBEDDINGS=use never pays for onnxruntime. */
export function importTransformers(): Promise<TransformersModule> {
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
