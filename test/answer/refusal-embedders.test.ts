import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerPipeline } from '../../src/answer/pipeline.ts';
import { loadConfig } from '../../src/config.ts';
import type { IdentifiedEmbeddings } from '../../src/embeddings/types.ts';
import { TransformersEmbeddings } from '../../src/embeddings/transformers-embeddings.ts';
import { UniversalSentenceEncoderEmbeddings } from '../../src/embeddings/universal-sentence-encoder.ts';
import { PaperLibrary } from '../../src/retrieval/paper-library.ts';
import { writeTinyBertModel } from '../embeddings/tiny-bert-model.ts';
import { makeTempDir, writeFixtureSeeds } from '../helpers/fixture-seeds.ts';
import { TestHashingEmbeddings } from '../helpers/hashing-embeddings.ts';
import { silentLibraryLogger } from '../helpers/test-app.ts';

/**
 * Refusal must not depend on one embedder's similarity scale: the answerability model
 * reads similarities on the index's own calibrated scale, so an off-topic question is
 * refused and an on-topic one answered whichever embedder built the index.
 */
const ON_TOPIC = 'transformers that read event camera streams';
const OFF_TOPIC = 'How long should a smoked beef brisket rest before slicing?';

interface Built {
  library: PaperLibrary;
  pipeline: AnswerPipeline;
  embeddings: IdentifiedEmbeddings;
}

async function build(embeddings: IdentifiedEmbeddings): Promise<Built> {
  const config = loadConfig({ SEEDS_DIR: await writeFixtureSeeds(), DATA_DIR: await makeTempDir(), LOG_LEVEL: 'silent' });
  const library = new PaperLibrary(config, silentLibraryLogger, { select: async () => embeddings, byId: async () => embeddings });
  await library.start();
  return { library, pipeline: new AnswerPipeline(library), embeddings };
}

const built = new Map<string, Built>();

beforeAll(async () => {
  const modelsDir = await makeTempDir('paperchat-models-');
  await writeTinyBertModel(modelsDir, 'test/tiny-minilm');
  const tiny = await TransformersEmbeddings.load('test/tiny-minilm', { modelsDir, cacheDir: await makeTempDir('paperchat-cache-'), allowRemote: false });
  built.set('bundled encoder', await build(new UniversalSentenceEncoderEmbeddings({ threads: 1 })));
  built.set('hashing', await build(new TestHashingEmbeddings()));
  built.set('transformers.js', await build(tiny));
}, 60_000);

afterAll(async () => {
  for (const { library, embeddings } of built.values()) {
    await library.close();
    await embeddings.close?.();
  }
});

describe.each(['bundled encoder', 'transformers.js', 'hashing'])('answerability with the %s embedder', (name) => {
  it('answers an on-topic question with a citation', async () => {
    const { pipeline } = built.get(name)!;
    const result = await pipeline.ask({ question: ON_TOPIC, history: [], k: 3 });
    expect(result.refused).toBe(false);
    expect(result.citations[0]?.title).toContain('EventFormer');
    expect(result.confidence).toBeGreaterThan(0);
  });

  it('refuses an off-topic question with no names in it, citing nothing', async () => {
    const { pipeline } = built.get(name)!;
    const result = await pipeline.ask({ question: OFF_TOPIC, history: [], k: 3 });
    expect(result.refused).toBe(true);
    expect(result.citations).toEqual([]);
  });
});

it('calibrates each index on its own similarity scale', () => {
  const calibrations = [...built.values()].map(({ library }) => library.requireLive().index.calibration());
  for (const calibration of calibrations) expect(calibration.relatedMean).toBeGreaterThan(calibration.unrelatedMean);
  const levels = calibrations.map((calibration) => calibration.relatedMean);
  expect(Math.max(...levels) - Math.min(...levels)).toBeGreaterThan(0.05);
});
