import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Embeddings } from '@langchain/core/embeddings';
import type { DataType, PreTrainedModel, PreTrainedTokenizer, Tensor } from '@huggingface/transformers';
import {
  errorText,
  importTransformers,
  locateTransformersModel,
  TransformersModelLoadError,
  type ModelSource,
  type TransformersLoadOptions,
  type TransformersModule,
} from './locate-transformers-model.ts';
import { modelFamily, type ModelFamily } from './model-families.ts';
import type { IdentifiedEmbeddings } from './types.ts';

export const TRANSFORMERS_ID_PREFIX = 'transformers:';

export function transformersEmbedderId(modelId: string): string {
  return `${TRANSFORMERS_ID_PREFIX}${modelId}`;
}

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
