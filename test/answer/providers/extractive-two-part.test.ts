import { describe, expect, it } from 'vitest';
import { chooseFactSentences } from '../../../src/answer/providers/extractive.ts';
import { makeSourceWithSentences } from './fixtures.ts';

describe('fact answers to a question that asks two things', () => {
  const PARALLEL = makeSourceWithSentences(
    1,
    'Training Large Language Models with Model Parallelism',
    'We train transformer language models with a simple intra-layer model parallel approach. ' +
      'We converge models up to 8.3 billion parameters using 512 GPUs. ' +
      'We sustain 15.1 PetaFLOPs across the application with 76% scaling efficiency compared to a single GPU baseline. ' +
      'Our model sets a new state of the art on WikiText103 with a perplexity of 10.8.',
    // The efficiency sentence matches the whole question best; the GPU count is far behind it.
    [0.3, 0.1, 0.6, 0.45],
  );

  it('quotes the sentence that answers each part', () => {
    const question = 'How many GPUs did the 8.3 billion parameter run use, and what scaling efficiency did it sustain?';
    const texts = chooseFactSentences({ question, query: question, history: [], sources: [PARALLEL] }).map((sentence) => sentence.text);
    expect(texts.some((text) => text.includes('512 GPUs'))).toBe(true);
    expect(texts.some((text) => text.includes('76% scaling efficiency'))).toBe(true);
  });
});
