import { promises as fs } from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';

/**
 * Writes a tiny BERT-style feature-extraction model, in the layout transformers.js reads
 * (`config.json`, `tokenizer.json`, `tokenizer_config.json`, `onnx/model.onnx`), generated
 * at test time so that no binary is committed. The "network" is small but contextual, so
 * CLS pooling and mean pooling differ and a query prefix changes the vector:
 *
 *   X = E[input_ids] + T[token_type_ids]                     [batch, seq, hidden]
 *   C = Σ_s X·mask / Σ_s mask                                [batch, 1, hidden]
 *   last_hidden_state = tanh(X·W1 + C·W2)                    [batch, seq, hidden]
 *
 * `computeTinyBertHiddenStates` does the same computation in plain TypeScript so tests
 * can check pooling by hand.
 */

export const TINY_HIDDEN_SIZE = 8;
export const TINY_SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

const WORDS = [
  'the', 'a', 'of', 'and', 'to', 'in', 'for', 'with', 'on', 'is', 'we',
  'event', 'events', 'camera', 'cameras', 'transformer', 'transformers', 'language', 'model', 'models',
  'small', 'large', 'phone', 'phones', 'satellite', 'images', 'vision', 'remote', 'sensing', 'earth',
  'speech', 'synthesis', 'text', 'audio', 'flow', 'represent', 'this', 'sentence', 'searching',
  'relevant', 'passages', 'query', 'passage', 'hello', 'world',
];
const PUNCTUATION = ['.', ',', ':', ';', '!', '?', '-', '(', ')', '%', '/'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');

/** The WordPiece vocabulary: special tokens first (ids 0-4), then words, characters and `##` pieces. */
export function tinyVocabulary(): Map<string, number> {
  const tokens = [...TINY_SPECIAL_TOKENS, ...WORDS, ...PUNCTUATION, ...LETTERS, ...LETTERS.map((letter) => `##${letter}`)];
  return new Map(tokens.map((token, index) => [token, index]));
}

export interface TinyBertWeights {
  hidden: number;
  /** [vocab][hidden] token embeddings. */
  embeddings: number[][];
  /** [2][hidden] token-type embeddings. */
  tokenTypes: number[][];
  /** [hidden][hidden] */
  w1: number[][];
  /** [hidden][hidden] */
  w2: number[][];
}

/** Fixed pseudo-random weights (mulberry32), the same on every run. */
export function tinyBertWeights(seed = 20261122): TinyBertWeights {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    // Rounded through float32 so TypeScript and ONNX Runtime start from identical values.
    return Math.fround(((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5);
  };
  const matrix = (rows: number, columns: number) => Array.from({ length: rows }, () => Array.from({ length: columns }, random));
  const hidden = TINY_HIDDEN_SIZE;
  return {
    hidden,
    embeddings: matrix(tinyVocabulary().size, hidden),
    tokenTypes: matrix(2, hidden),
    w1: matrix(hidden, hidden),
    w2: matrix(hidden, hidden),
  };
}

/** The model's forward pass for one unpadded sequence of token ids (token type 0), in float64. */
export function computeTinyBertHiddenStates(weights: TinyBertWeights, ids: number[]): number[][] {
  const x = ids.map((id) => weights.embeddings[id]!.map((value, h) => value + weights.tokenTypes[0]![h]!));
  const context = Array.from({ length: weights.hidden }, (_, h) => x.reduce((sum, row) => sum + row[h]!, 0) / ids.length);
  const times = (vector: number[], matrix: number[][]) =>
    Array.from({ length: weights.hidden }, (_, column) => vector.reduce((sum, value, row) => sum + value * matrix[row]![column]!, 0));
  const contextPart = times(context, weights.w2);
  return x.map((row) => times(row, weights.w1).map((value, h) => Math.tanh(value + contextPart[h]!)));
}

export function normalizeVector(vector: number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
  return vector.map((value) => value / norm);
}

/** What transformers.js's BERT WordPiece tokenizer should produce for simple lowercase ASCII text. */
export function tinyTokenize(text: string, maxLength = Infinity): number[] {
  const vocabulary = tinyVocabulary();
  const ids: number[] = [];
  for (const word of text.toLowerCase().match(/[a-z0-9]+|[^\sa-z0-9]/g) ?? []) {
    if (vocabulary.has(word)) {
      ids.push(vocabulary.get(word)!);
      continue;
    }
    // Greedy longest-match-first, as WordPiece does; this vocabulary has every single character.
    let start = 0;
    while (start < word.length) {
      let end = word.length;
      let id: number | undefined;
      while (end > start) {
        const piece = (start === 0 ? '' : '##') + word.slice(start, end);
        id = vocabulary.get(piece);
        if (id !== undefined) break;
        end -= 1;
      }
      ids.push(id ?? vocabulary.get('[UNK]')!);
      start = id === undefined ? word.length : end;
    }
  }
  const body = ids.slice(0, Math.max(0, maxLength - 2));
  return [vocabulary.get('[CLS]')!, ...body, vocabulary.get('[SEP]')!];
}

// ---- ONNX encoding -------------------------------------------------------------------

/** The subset of onnx.proto3 the generator needs; field numbers as in the ONNX spec. */
const ONNX_PROTO = `
syntax = "proto3";
package onnx;
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
message ValueInfoProto { string name = 1; TypeProto type = 2; }
message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  string name = 8;
  bytes raw_data = 9;
}
message AttributeProto {
  string name = 1;
  int64 i = 3;
  repeated int64 ints = 8;
  int32 type = 20;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  repeated AttributeProto attribute = 5;
}
message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message ModelProto {
  int64 ir_version = 1;
  string producer_name = 2;
  GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
`;

const FLOAT = 1;
const INT64 = 7;
const ATTRIBUTE_INT = 2;

type Dim = number | string;

function valueInfo(name: string, elemType: number, dims: Dim[]) {
  return {
    name,
    type: { tensor_type: { elem_type: elemType, shape: { dim: dims.map((dim) => (typeof dim === 'number' ? { dim_value: dim } : { dim_param: dim })) } } },
  };
}

function floatTensor(name: string, dims: number[], values: number[]) {
  return { name, dims, data_type: FLOAT, raw_data: new Uint8Array(new Float32Array(values).buffer) };
}

function int64Tensor(name: string, dims: number[], values: number[]) {
  return { name, dims, data_type: INT64, raw_data: new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer) };
}

function node(op_type: string, input: string[], output: string[], attribute: object[] = []) {
  return { op_type, input, output, name: `${op_type}_${output[0]}`, attribute };
}

/** The ONNX ModelProto bytes for the tiny model (ir_version 8, opset 17). */
export function encodeTinyBertOnnx(weights: TinyBertWeights): Uint8Array {
  const root = protobuf.parse(ONNX_PROTO, { keepCase: true }).root;
  const ModelProto = root.lookupType('onnx.ModelProto');
  const hidden = weights.hidden;
  const graph = {
    name: 'tiny-bert',
    input: [
      valueInfo('input_ids', INT64, ['batch_size', 'sequence_length']),
      valueInfo('attention_mask', INT64, ['batch_size', 'sequence_length']),
      valueInfo('token_type_ids', INT64, ['batch_size', 'sequence_length']),
    ],
    output: [valueInfo('last_hidden_state', FLOAT, ['batch_size', 'sequence_length', hidden])],
    initializer: [
      floatTensor('word_embeddings', [weights.embeddings.length, hidden], weights.embeddings.flat()),
      floatTensor('token_type_embeddings', [2, hidden], weights.tokenTypes.flat()),
      floatTensor('w1', [hidden, hidden], weights.w1.flat()),
      floatTensor('w2', [hidden, hidden], weights.w2.flat()),
      int64Tensor('axis_last', [1], [-1]),
      int64Tensor('axis_sequence', [1], [1]),
    ],
    node: [
      node('Gather', ['word_embeddings', 'input_ids'], ['words'], [{ name: 'axis', type: ATTRIBUTE_INT, i: 0 }]),
      node('Gather', ['token_type_embeddings', 'token_type_ids'], ['types'], [{ name: 'axis', type: ATTRIBUTE_INT, i: 0 }]),
      node('Add', ['words', 'types'], ['x']),
      node('Cast', ['attention_mask'], ['mask_float'], [{ name: 'to', type: ATTRIBUTE_INT, i: FLOAT }]),
      node('Unsqueeze', ['mask_float', 'axis_last'], ['mask_3d']),
      node('Mul', ['x', 'mask_3d'], ['x_masked']),
      node('ReduceSum', ['x_masked', 'axis_sequence'], ['x_sum'], [{ name: 'keepdims', type: ATTRIBUTE_INT, i: 1 }]),
      node('ReduceSum', ['mask_3d', 'axis_sequence'], ['mask_sum'], [{ name: 'keepdims', type: ATTRIBUTE_INT, i: 1 }]),
      node('Div', ['x_sum', 'mask_sum'], ['context']),
      node('MatMul', ['x', 'w1'], ['x_w1']),
      node('MatMul', ['context', 'w2'], ['context_w2']),
      node('Add', ['x_w1', 'context_w2'], ['pre_activation']),
      node('Tanh', ['pre_activation'], ['last_hidden_state']),
    ],
  };
  const model = { ir_version: 8, producer_name: 'paperchat-tests', opset_import: [{ domain: '', version: 17 }], graph };
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`tiny ONNX model: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

function tokenizerJson(vocabulary: Map<string, number>) {
  const special = (token: string) => ({ id: vocabulary.get(token)!, content: token, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const specialToken = (token: string) => ({ id: token, ids: [vocabulary.get(token)!], tokens: [token] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: TINY_SPECIAL_TOKENS.map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': specialToken('[CLS]'), '[SEP]': specialToken('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocabulary) },
  };
}

export interface WriteTinyModelOptions {
  /** `onnx/model.onnx` (fp32, the default) or only `onnx/model_quantized.onnx` (same float graph, picked as q8). */
  onnxFile?: 'model.onnx' | 'model_quantized.onnx';
  /** tokenizer_config.json `model_max_length`. */
  maxLength?: number;
  weights?: TinyBertWeights;
}

/** Writes the tiny model into `<modelsDir>/<modelId>/` and returns that folder. */
export async function writeTinyBertModel(modelsDir: string, modelId: string, options: WriteTinyModelOptions = {}): Promise<string> {
  const weights = options.weights ?? tinyBertWeights();
  const vocabulary = tinyVocabulary();
  const folder = path.join(modelsDir, ...modelId.split('/'));
  await fs.mkdir(path.join(folder, 'onnx'), { recursive: true });
  const config = {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: weights.hidden,
    vocab_size: vocabulary.size,
    type_vocab_size: 2,
    max_position_embeddings: 64,
    num_attention_heads: 1,
    num_hidden_layers: 1,
    intermediate_size: weights.hidden,
  };
  const tokenizerConfig = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: options.maxLength ?? 32,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    mask_token: '[MASK]',
    clean_up_tokenization_spaces: true,
  };
  await fs.writeFile(path.join(folder, 'config.json'), JSON.stringify(config, null, 2));
  await fs.writeFile(path.join(folder, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2));
  await fs.writeFile(path.join(folder, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocabulary)));
  await fs.writeFile(path.join(folder, 'onnx', options.onnxFile ?? 'model.onnx'), encodeTinyBertOnnx(weights));
  return folder;
}
