import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerPipeline } from '../../src/answer/pipeline.ts';
import type { ChatTurn } from '../../src/answer/types.ts';
import { loadConfig } from '../../src/config.ts';
import { PaperLibrary } from '../../src/retrieval/paper-library.ts';
import { makeTempDir, writeFixtureSeeds } from '../helpers/fixture-seeds.ts';
import { TestHashingEmbeddings } from '../helpers/hashing-embeddings.ts';
import { silentLibraryLogger } from '../helpers/test-app.ts';

/** The real pipeline over the fixture papers: what a resolved follow-up puts first. */
const ORBITAL = 'Orbital Vision: Remote Sensing with Vision Transformers';
const SPEECH = 'Speech Synthesis with Flow Transformers';
const EVENT = 'EventFormer: Transformers for Event Cameras';
const TINY = 'TinyText: Small Language Models on Phones';

let library: PaperLibrary;
let pipeline: AnswerPipeline;

beforeAll(async () => {
  const config = loadConfig({ SEEDS_DIR: await writeFixtureSeeds(), DATA_DIR: await makeTempDir(), LOG_LEVEL: 'silent' });
  const embeddings = new TestHashingEmbeddings();
  library = new PaperLibrary(config, silentLibraryLogger, { select: async () => embeddings, byId: async () => embeddings });
  await library.start();
  pipeline = new AnswerPipeline(library);
}, 60_000);

afterAll(async () => {
  await library.close();
});

const listed = (question: string, titles: string[]): ChatTurn[] => [
  { role: 'user', content: question },
  { role: 'assistant', content: `Papers in the index on this:\n\n${titles.map((title, position) => `- **${title}** [${position + 1}]: A sentence. [${position + 1}]`).join('\n')}` },
];

describe('follow-up retrieval', () => {
  it('an ordinal puts the paper at that position of the previous answer first, though the topic favours another', async () => {
    const history = listed('Which papers use vision transformers for remote sensing of satellite images?', [ORBITAL, SPEECH, EVENT]);
    const result = await pipeline.ask({ question: 'How accurate is the third one?', history, k: 3 });
    expect(result.retrieved[0]?.title).toBe(EVENT);
    expect(result.citations[0]?.title).toBe(EVENT);
  });

  it('a pronoun after an answer about one paper stays on that paper', async () => {
    const history: ChatTurn[] = [
      { role: 'user', content: 'Which model runs a small language model on phones?' },
      { role: 'assistant', content: `From *${TINY}* [1]: TinyText distills a 7B teacher into a 120M student that runs on phones at 30 tokens per second. [1]` },
    ];
    const result = await pipeline.ask({ question: 'How much of the teacher quality does it keep?', history, k: 3 });
    expect(result.retrieved[0]?.title).toBe(TINY);
    expect(result.citations[0]?.title).toBe(TINY);
  });

  it('a selection is decided by its detail, even when the paper it asks for was not listed', async () => {
    const history = listed('Which papers use transformers?', [ORBITAL, SPEECH]);
    const result = await pipeline.ask({ question: 'Which one reads event streams from cameras that record brightness changes?', history, k: 3 });
    expect(result.retrieved[0]?.title).toBe(EVENT);
  });

  it('a new subject is searched on its own, not next to the previous answer', async () => {
    const history = listed('Which papers use vision transformers for remote sensing?', [ORBITAL]);
    const result = await pipeline.ask({ question: 'How fast does TinyText run on phones?', history, k: 3 });
    expect(result.query).toBe('How fast does TinyText run on phones?');
    expect(result.retrieved[0]?.title).toBe(TINY);
  });
});
