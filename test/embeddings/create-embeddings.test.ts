import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { createEmbeddings, createEmbeddingsById, type CreateEmbeddingsOptions } from '../../src/embeddings/create-embeddings.ts';
import { TransformersEmbeddings } from '../../src/embeddings/transformers-embeddings.ts';
import type { IdentifiedEmbeddings } from '../../src/embeddings/types.ts';
import { UniversalSentenceEncoderEmbeddings } from '../../src/embeddings/universal-sentence-encoder.ts';
import { ConfigError } from '../../src/errors.ts';
import { readManifest } from '../../src/index/load-index.ts';
import { IndexDirectory } from '../../src/index/index-directory.ts';
import { PaperLibrary } from '../../src/retrieval/paper-library.ts';
import { FIXTURE_PAPERS, makeTempDir, writeFixtureSeeds } from '../helpers/fixture-seeds.ts';
import { closedPortUrl, startSilentHub } from './fake-hub.ts';
import { TINY_HIDDEN_SIZE, writeTinyBertModel } from './tiny-bert-model.ts';

interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
}

function recordingLogger() {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (message: string) => lines.push({ level: 'info', message }),
    warn: (message: string) => lines.push({ level: 'warn', message }),
    error: (message: string) => lines.push({ level: 'error', message }),
  };
}

let modelsDir: string;
/** Never the real transformers.js cache or the real hub. */
let offline: CreateEmbeddingsOptions;
const opened: IdentifiedEmbeddings[] = [];

function testConfig(overrides: Record<string, string>): Config {
  return loadConfig({ MODELS_DIR: modelsDir, EMBEDDING_MODEL: 'test/tiny-bge', EMBEDDINGS_LOAD_TIMEOUT_MS: '5000', ...overrides });
}

async function track<T extends IdentifiedEmbeddings>(embeddings: Promise<T>): Promise<T> {
  const resolved = await embeddings;
  opened.push(resolved);
  return resolved;
}

beforeAll(async () => {
  modelsDir = await makeTempDir('paperchat-models-');
  await writeTinyBertModel(modelsDir, 'test/tiny-bge');
  offline = { transformers: { cacheDir: await makeTempDir('paperchat-cache-'), allowRemote: true, remoteHost: await closedPortUrl() } };
});

afterAll(async () => {
  await Promise.all(opened.map((embeddings) => embeddings.close?.()));
});

describe('createEmbeddings', () => {
  it('EMBEDDINGS=auto picks the transformers.js model when it is in MODELS_DIR', async () => {
    const logger = recordingLogger();
    const embeddings = await track(createEmbeddings(testConfig({ EMBEDDINGS: 'auto' }), logger, offline));
    expect(embeddings).toBeInstanceOf(TransformersEmbeddings);
    expect(embeddings.id).toBe('transformers:test/tiny-bge');
    expect(embeddings.dimensions).toBe(TINY_HIDDEN_SIZE);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]!.level).toBe('info');
    expect(logger.lines[0]!.message).toMatch(/^embeddings: transformers:test\/tiny-bge \(from .*tiny-bge, fp32, 8 dimensions, cls pooling, loaded in [\d.]+ s\)$/);
  });

  it('EMBEDDINGS=auto falls back to the bundled encoder, saying why, when the model is absent', async () => {
    const logger = recordingLogger();
    const started = performance.now();
    const embeddings = await track(createEmbeddings(testConfig({ EMBEDDINGS: 'auto', EMBEDDING_MODEL: 'test/absent' }), logger, offline));
    expect(performance.now() - started).toBeLessThan(4000);
    expect(embeddings).toBeInstanceOf(UniversalSentenceEncoderEmbeddings);
    expect(embeddings.id).toBe('universal-sentence-encoder');
    expect(logger.lines).toHaveLength(1);
    const [line] = logger.lines;
    expect(line!.level).toBe('info');
    expect(line!.message).toContain('embeddings: universal-sentence-encoder (EMBEDDINGS=auto fell back to the bundled encoder: test/absent is not available');
    expect(line!.message).toContain(path.join(modelsDir, 'test', 'absent'));
    expect(line!.message).toMatch(/could not download it from .*ECONNREFUSED/);
    // The one real load of the bundled model in this suite: the fallback works.
    const vector = await embeddings.embedQuery('satellite images');
    expect(vector).toHaveLength(512);
  });

  it('EMBEDDINGS=auto does not wait longer than EMBEDDINGS_LOAD_TIMEOUT_MS for a hub that never answers', async () => {
    const hub = await startSilentHub();
    try {
      const logger = recordingLogger();
      const started = performance.now();
      const config = testConfig({ EMBEDDINGS: 'auto', EMBEDDING_MODEL: 'test/absent', EMBEDDINGS_LOAD_TIMEOUT_MS: '300' });
      const embeddings = await track(createEmbeddings(config, logger, { transformers: { ...offline.transformers, remoteHost: hub.url } }));
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(3000);
      expect(embeddings.id).toBe('universal-sentence-encoder');
      expect(hub.requests).toEqual(['/test/absent/resolve/main/config.json']);
      expect(logger.lines).toEqual([
        {
          level: 'warn',
          message:
            'embeddings: universal-sentence-encoder (EMBEDDINGS=auto fell back to the bundled encoder: test/absent did not finish downloading within EMBEDDINGS_LOAD_TIMEOUT_MS=300 ms; run EMBEDDINGS=transformers npm run ingest once to download it without that limit)',
        },
      ]);
    } finally {
      await hub.close();
    }
  });

  it('EMBEDDINGS=auto falls back with a warning when the model is there but broken', async () => {
    const dir = await makeTempDir('paperchat-models-');
    await writeTinyBertModel(dir, 'test/tiny-bge');
    const { promises: fs } = await import('node:fs');
    await fs.rm(path.join(dir, 'test', 'tiny-bge', 'tokenizer.json'));
    const logger = recordingLogger();
    const embeddings = await track(createEmbeddings(testConfig({ EMBEDDINGS: 'auto', MODELS_DIR: dir }), logger, offline));
    expect(embeddings.id).toBe('universal-sentence-encoder');
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]!.level).toBe('warn');
    expect(logger.lines[0]!.message).toContain('incomplete (missing tokenizer.json)');
  });

  it('EMBEDDINGS=transformers loads the model, or throws a ConfigError saying where it looked and what to do', async () => {
    const loaded = await track(createEmbeddings(testConfig({ EMBEDDINGS: 'transformers' }), undefined, offline));
    expect(loaded.id).toBe('transformers:test/tiny-bge');

    const error = await createEmbeddings(testConfig({ EMBEDDINGS: 'transformers', EMBEDDING_MODEL: 'test/absent' }), undefined, offline).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('EMBEDDINGS=transformers: test/absent is not available');
    expect(message).toContain(`not in MODELS_DIR (${path.join(modelsDir, 'test', 'absent')})`);
    expect(message).toContain('not in the transformers.js cache');
    expect(message).toContain(`put config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx (or onnx/model_quantized.onnx) in ${path.join(modelsDir, 'test', 'absent')}`);
  });

  it('EMBEDDINGS=use returns the bundled encoder without touching transformers.js', async () => {
    const logger = recordingLogger();
    const embeddings = await createEmbeddings(testConfig({ EMBEDDINGS: 'use' }), logger, offline);
    expect(embeddings).toBeInstanceOf(UniversalSentenceEncoderEmbeddings);
    expect(logger.lines).toEqual([{ level: 'info', message: 'embeddings: universal-sentence-encoder (EMBEDDINGS=use)' }]);
  });
});

describe('createEmbeddingsById', () => {
  it('returns the bundled encoder for universal-sentence-encoder', async () => {
    const embeddings = await createEmbeddingsById('universal-sentence-encoder', testConfig({}), offline);
    expect(embeddings).toBeInstanceOf(UniversalSentenceEncoderEmbeddings);
  });

  it('loads transformers:<model> from MODELS_DIR whatever EMBEDDINGS says', async () => {
    const embeddings = await track(createEmbeddingsById('transformers:test/tiny-bge', testConfig({ EMBEDDINGS: 'use', EMBEDDING_MODEL: 'Xenova/other' }), offline));
    expect(embeddings).toBeInstanceOf(TransformersEmbeddings);
    expect(embeddings.id).toBe('transformers:test/tiny-bge');
  });

  it('says to rebuild when the model that built the index cannot be loaded, or the id is unknown', async () => {
    await expect(createEmbeddingsById('transformers:test/absent', testConfig({}), offline)).rejects.toThrow(
      /^The index was built with transformers:test\/absent, which cannot be loaded here \(test\/absent is not available: .*\); rebuild it with npm run ingest$/,
    );
    await expect(createEmbeddingsById('transformers:test/absent', testConfig({}), offline)).rejects.toBeInstanceOf(ConfigError);
    await expect(createEmbeddingsById('word2vec', testConfig({}), offline)).rejects.toThrow(/built with word2vec, an embedder this build does not know; rebuild it with npm run ingest/);
  });
});

describe('an index built with a transformers.js model', () => {
  it('records transformers:<id> in the manifest, answers searches and reloads with the same embedder', async () => {
    const config = testConfig({ EMBEDDINGS: 'auto', SEEDS_DIR: await writeFixtureSeeds(), DATA_DIR: await makeTempDir() });
    // The default factory (createEmbeddings / createEmbeddingsById with the real cache and
    // hub settings): the model is in MODELS_DIR, so neither is consulted.
    const logger = recordingLogger();
    const library = new PaperLibrary(config, logger);
    try {
      await library.start();
      expect(library.status()).toMatchObject({ status: 'ok', papers: FIXTURE_PAPERS.length, embedder: 'transformers:test/tiny-bge' });
      const folder = await new IndexDirectory(config.DATA_DIR).current();
      const manifest = await readManifest(folder!);
      expect(manifest.embedder).toEqual({ id: 'transformers:test/tiny-bge', dimensions: TINY_HIDDEN_SIZE });
      const hits = await library.search('satellite images of the Earth', { k: 3 });
      // The tiny model's vectors mean nothing; the lexical side still finds the paper.
      expect(hits.map((hit) => hit.title)).toContain('Orbital Vision: Remote Sensing with Vision Transformers');
      expect(hits.some((hit) => (hit.scores.vector ?? 0) > 0)).toBe(true);
    } finally {
      await library.close();
    }

    const restarted = new PaperLibrary(config, logger);
    try {
      await restarted.start();
      expect(logger.lines.at(-1)!.message).toMatch(/^index loaded: 4 papers, \d+ vectors, embedder transformers:test\/tiny-bge$/);
      expect(restarted.status().embedder).toBe('transformers:test/tiny-bge');
    } finally {
      await restarted.close();
    }
  });
});
