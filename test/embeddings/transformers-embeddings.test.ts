import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransformersModelLoadError, TransformersModelNotFoundError, type TransformersLoadOptions } from '../../src/embeddings/locate-transformers-model.ts';
import { modelFamily } from '../../src/embeddings/model-families.ts';
import { TransformersEmbeddings } from '../../src/embeddings/transformers-embeddings.ts';
import { makeTempDir } from '../helpers/fixture-seeds.ts';
import { closedPortUrl, startFakeHub, startSilentHub } from './fake-hub.ts';
import { computeTinyBertHiddenStates, normalizeVector, TINY_HIDDEN_SIZE, tinyBertWeights, tinyTokenize, writeTinyBertModel } from './tiny-bert-model.ts';

const BGE_PREFIX = 'Represent this sentence for searching relevant passages: ';
const weights = tinyBertWeights();

let modelsDir: string;
let emptyCache: string;
let offline: TransformersLoadOptions;
let bge: TransformersEmbeddings;
let minilm: TransformersEmbeddings;

function norm(vector: number[]): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

function expectClose(actual: number[], expected: number[], digits = 5) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, digits));
}

function clsPooled(text: string, maxLength?: number): number[] {
  return normalizeVector(computeTinyBertHiddenStates(weights, tinyTokenize(text, maxLength))[0]!);
}

function meanPooled(text: string, maxLength?: number): number[] {
  const states = computeTinyBertHiddenStates(weights, tinyTokenize(text, maxLength));
  return normalizeVector(states[0]!.map((_, h) => states.reduce((sum, row) => sum + row[h]!, 0) / states.length));
}

beforeAll(async () => {
  modelsDir = await makeTempDir('paperchat-models-');
  emptyCache = await makeTempDir('paperchat-cache-');
  await writeTinyBertModel(modelsDir, 'test/tiny-bge');
  await writeTinyBertModel(modelsDir, 'test/tiny-minilm');
  offline = { modelsDir, cacheDir: emptyCache, allowRemote: false };
  [bge, minilm] = await Promise.all([TransformersEmbeddings.load('test/tiny-bge', offline), TransformersEmbeddings.load('test/tiny-minilm', offline)]);
});

afterAll(async () => {
  await Promise.all([bge?.close(), minilm?.close()]);
});

describe('model families', () => {
  it.each([
    ['Xenova/bge-small-en-v1.5', 'bge', 'cls', BGE_PREFIX],
    ['BAAI/bge-base-en-v1.5', 'bge', 'cls', BGE_PREFIX],
    ['Xenova/bge-m3', 'bge-m3', 'cls', ''],
    ['Xenova/all-MiniLM-L6-v2', 'mean', 'mean', ''],
    ['Xenova/gte-small', 'mean', 'mean', ''],
    ['Xenova/e5-small-v2', 'e5', 'mean', 'query: '],
    ['Xenova/multilingual-e5-small', 'e5', 'mean', 'query: '],
    ['test/tiny-bge', 'bge', 'cls', BGE_PREFIX],
    ['test/tiny-minilm', 'mean', 'mean', ''],
  ])('%s → %s', (modelId, name, pooling, queryPrefix) => {
    expect(modelFamily(modelId)).toMatchObject({ name, pooling, queryPrefix });
  });
});

describe('TransformersEmbeddings', () => {
  it('loads from MODELS_DIR offline: right dimension, unit norm, deterministic', async () => {
    expect(bge.id).toBe('transformers:test/tiny-bge');
    expect(bge.dimensions).toBe(TINY_HIDDEN_SIZE);
    expect(bge.info).toMatchObject({ source: 'models-dir', dtype: 'fp32', folder: path.join(modelsDir, 'test', 'tiny-bge'), maxLength: 32 });
    const texts = ['Event cameras record brightness changes.', 'Satellite images of the Earth.', ''];
    const first = await bge.embedDocuments(texts);
    expect(first).toHaveLength(3);
    for (const vector of first) {
      expect(vector).toHaveLength(TINY_HIDDEN_SIZE);
      expect(norm(vector)).toBeCloseTo(1, 5);
    }
    expect(await bge.embedDocuments(texts)).toEqual(first);
    expect(first[0]).not.toEqual(first[1]);
    expect(await bge.embedDocuments([])).toEqual([]);
  });

  it('applies the query instruction for bge-style ids only', async () => {
    const text = 'satellite images of the earth';
    const [bgeDocument] = await bge.embedDocuments([text]);
    const bgeQuery = await bge.embedQuery(text);
    expect(bgeQuery).not.toEqual(bgeDocument);
    expectClose(bgeQuery, clsPooled(BGE_PREFIX + text));

    const [minilmDocument] = await minilm.embedDocuments([text]);
    expectClose(await minilm.embedQuery(text), minilmDocument!, 6);
  });

  it('pools as computed by hand from the known weights: CLS for bge, masked mean otherwise', async () => {
    const text = 'Hello world of event cameras';
    const [cls] = await bge.embedDocuments([text]);
    const [mean] = await minilm.embedDocuments([text]);
    expectClose(cls!, clsPooled(text));
    expectClose(mean!, meanPooled(text));
    expect(cls).not.toEqual(mean);
    // Padding next to a longer text must not change the mean (the attention mask is honoured).
    const [padded] = await minilm.embedDocuments([text, 'the event camera and the satellite images of the earth with speech synthesis']);
    expectClose(padded!, mean!);
  });

  it('batches documents and keeps their order', async () => {
    const words = ['event', 'camera', 'satellite', 'speech', 'language', 'vision', 'flow'];
    const texts = Array.from({ length: 70 }, (_, i) => Array.from({ length: 1 + (i % 9) }, (__, j) => words[(i + j) % words.length]).join(' '));
    const vectors = await minilm.embedDocuments(texts);
    expect(vectors).toHaveLength(70);
    for (const i of [0, 31, 32, 33, 64, 69]) expectClose(vectors[i]!, meanPooled(texts[i]!));
  });

  it('truncates to the model maximum length and keeps the closing [SEP]', async () => {
    const short = await makeTempDir('paperchat-models-');
    await writeTinyBertModel(short, 'test/tiny-minilm', { maxLength: 6 });
    const embeddings = await TransformersEmbeddings.load('test/tiny-minilm', { ...offline, modelsDir: short });
    try {
      expect(embeddings.info.maxLength).toBe(6);
      const text = 'the event camera and the satellite images of the earth';
      expectClose((await embeddings.embedDocuments([text]))[0]!, meanPooled(text, 6));
      expect(tinyTokenize(text, 6)).toHaveLength(6);
    } finally {
      await embeddings.close();
    }
  });

  it('uses the quantized file (dtype q8) when it is the only one', async () => {
    const dir = await makeTempDir('paperchat-models-');
    await writeTinyBertModel(dir, 'test/tiny-bge', { onnxFile: 'model_quantized.onnx' });
    const embeddings = await TransformersEmbeddings.load('test/tiny-bge', { ...offline, modelsDir: dir });
    try {
      expect(embeddings.info.dtype).toBe('q8');
      expectClose(await embeddings.embedQuery('hello world'), await bge.embedQuery('hello world'), 6);
    } finally {
      await embeddings.close();
    }
  });

  it('finds a model in the transformers.js cache folder', async () => {
    const cacheDir = await makeTempDir('paperchat-cache-');
    await writeTinyBertModel(cacheDir, 'test/tiny-bge');
    const embeddings = await TransformersEmbeddings.load('test/tiny-bge', { modelsDir: await makeTempDir(), cacheDir, allowRemote: false });
    expect(embeddings.info.source).toBe('cache');
    await embeddings.close();
    await embeddings.close();
    await expect(embeddings.embedQuery('hello')).rejects.toThrow(/closed/);
  });

  it('reports where it looked when the model is nowhere and the hub is off', async () => {
    const error = await TransformersEmbeddings.load('test/absent', offline).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransformersModelNotFoundError);
    const message = (error as Error).message;
    expect(message).toContain(path.join(modelsDir, 'test', 'absent'));
    expect(message).toContain(path.join(emptyCache, 'test', 'absent'));
    expect(message).toContain('hub downloads are disabled');
  });

  it('fails fast when the hub refuses connections', async () => {
    const started = performance.now();
    const error = await TransformersEmbeddings.load('test/absent', { ...offline, allowRemote: true, remoteHost: await closedPortUrl() }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransformersModelNotFoundError);
    expect((error as Error).message).toMatch(/could not download it from http:\/\/127\.0\.0\.1:\d+\/: .*ECONNREFUSED/);
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it('gives up on a hub that never answers after networkTimeoutMs', async () => {
    const hub = await startSilentHub();
    try {
      const started = performance.now();
      const error = await TransformersEmbeddings.load('test/absent', { ...offline, allowRemote: true, remoteHost: hub.url, networkTimeoutMs: 300 }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(TransformersModelNotFoundError);
      expect((error as Error).message).toContain('no response from 127.0.0.1');
      expect(performance.now() - started).toBeLessThan(4000);
      expect(hub.requests).toEqual(['/test/absent/resolve/main/config.json']);
    } finally {
      await hub.close();
    }
  });

  it('downloads from the hub into the cache folder, then loads from the cache', async () => {
    const remote = await makeTempDir('paperchat-remote-');
    await writeTinyBertModel(remote, 'test/tiny-bge', { onnxFile: 'model_quantized.onnx' });
    const hub = await startFakeHub(remote);
    const cacheDir = await makeTempDir('paperchat-cache-');
    const options = { modelsDir: await makeTempDir(), cacheDir, allowRemote: true, remoteHost: hub.url };
    try {
      const downloaded = await TransformersEmbeddings.load('test/tiny-bge', options);
      expect(downloaded.info).toMatchObject({ source: 'hub', dtype: 'q8', folder: path.join(cacheDir, 'test', 'tiny-bge') });
      expectClose(await downloaded.embedQuery('hello world'), await bge.embedQuery('hello world'), 6);
      await downloaded.close();
      // model.onnx is asked for first (404 here), then the quantized export.
      expect(hub.requests).toContain('/test/tiny-bge/resolve/main/onnx/model.onnx');
      expect((await fs.readdir(path.join(cacheDir, 'test', 'tiny-bge', 'onnx'))).sort()).toEqual(['model_quantized.onnx']);

      const requestsBefore = hub.requests.length;
      const cached = await TransformersEmbeddings.load('test/tiny-bge', options);
      expect(cached.info.source).toBe('cache');
      expect(hub.requests).toHaveLength(requestsBefore);
      await cached.close();
    } finally {
      await hub.close();
    }
  });

  it('refuses an incomplete model folder, a broken ONNX file and a path-like model id', async () => {
    const dir = await makeTempDir('paperchat-models-');
    await fs.mkdir(path.join(dir, 'test', 'partial'), { recursive: true });
    await fs.writeFile(path.join(dir, 'test', 'partial', 'config.json'), '{"model_type": "bert"}');
    await expect(TransformersEmbeddings.load('test/partial', { ...offline, modelsDir: dir })).rejects.toThrow(/incomplete \(missing tokenizer\.json, tokenizer_config\.json, onnx\/model\.onnx/);

    const folder = await writeTinyBertModel(dir, 'test/broken');
    await fs.writeFile(path.join(folder, 'onnx', 'model.onnx'), 'not an onnx model');
    const broken = TransformersEmbeddings.load('test/broken', { ...offline, modelsDir: dir });
    await expect(broken).rejects.toBeInstanceOf(TransformersModelLoadError);
    await expect(broken).rejects.toThrow(/could not load test\/broken from .*broken \(fp32\)/);

    await expect(TransformersEmbeddings.load('../../etc', offline)).rejects.toThrow(/is not a model id/);
  });
});
