import { describe, expect, it } from 'vitest';
import { chooseFactSentences } from '../../../src/answer/providers/extractive.ts';
import type { AnswerSource } from '../../../src/answer/types.ts';
import { makeSourceWithSentences } from './fixtures.ts';

/** The sentences a standalone question's fact answer quotes. */
const quoted = (question: string, sources: AnswerSource[]) => chooseFactSentences({ question, query: question, history: [], sources }).map((sentence) => sentence.text);

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
    const texts = quoted(question, [PARALLEL]);
    expect(texts.some((text) => text.includes('512 GPUs'))).toBe(true);
    expect(texts.some((text) => text.includes('76% scaling efficiency'))).toBe(true);
  });

  it('answers "how many" with the sentence that counts that thing, not another sentence with more of the part\'s words and numbers', () => {
    // "GPU" and "scaling" both sit in the efficiency sentence; the count of GPUs does not.
    const question = 'How many GPUs did they scale to, and with what scaling efficiency?';
    const texts = quoted(question, [PARALLEL]);
    expect(texts.some((text) => text.includes('512 GPUs'))).toBe(true);
    expect(texts.some((text) => text.includes('76% scaling efficiency'))).toBe(true);
  });

  it('answers "how long did training take" with the sentence stating a duration', () => {
    const DISTILLED = makeSourceWithSentences(
      1,
      'Training data-efficient image transformers',
      'Vision transformers are pre-trained with hundreds of millions of images using an expensive infrastructure. ' +
        'We train them on a single computer in less than 3 days. ' +
        'Our reference model (86M parameters) achieves top-1 accuracy of 83.1% on ImageNet.',
      [0.5, 0.2, 0.45],
    );
    const question = 'Image transformer trained on ImageNet alone: what top-1 does the reference model get, and how long did training take?';
    const texts = quoted(question, [DISTILLED]);
    expect(texts.some((text) => text.includes('83.1%'))).toBe(true);
    expect(texts.some((text) => text.includes('3 days'))).toBe(true);
  });

  it('answers a part asking for a number with a figure, not with a digit inside a name or a number in words', () => {
    const SLIMMED = makeSourceWithSentences(
      1,
      'idT5: Indonesian Version of Multilingual T5',
      'The mT5 model was adapted for only one language, Indonesian, resulting in a T5 model with a smaller size. ' +
        'Our model achieved 77.18% accuracy on sentiment analysis. ' +
        'It is possible to produce a smaller pre-trained model, reducing the model size by up to 58%.',
      [0.6, 0.4, 0.2],
    );
    const question = 'Multilingual T5 slimmed down to Indonesian: what accuracy did it reach on sentiment analysis, and how much smaller is the model?';
    const texts = quoted(question, [SLIMMED]);
    expect(texts.some((text) => text.includes('77.18%'))).toBe(true);
    expect(texts.some((text) => text.includes('58%'))).toBe(true);
  });

  it('answers each part of a follow-up from the paper under discussion, not from another source that outscores it', () => {
    const MEMORY = makeSourceWithSentences(
      1,
      'Characterizing Verbatim Short-Term Memory in Neural Language Models',
      'Language models (transformers and an LSTM) read English text in which a list of nouns occurred twice. ' +
        'Retrieval was measured as the drop in surprisal on the second list. ' +
        'The transformers were compared against an LSTM, a recurrent model that retrieved less precisely.',
      [0.2, 0.25, 0.3],
    );
    // Another retrieved paper's sentence matches the follow-up's words best.
    const RECURRENT = makeSourceWithSentences(2, 'Exploring RNNs for Sample-Efficient Training', 'Our recurrent model was compared against transformer models, and retrieval was measured on benchmarks.', 0.9);
    const question = 'Which recurrent model was it compared against, and how was retrieval measured?';
    const history = [
      { role: 'user' as const, content: 'Is there a study of whether language models recall nouns from a list they saw earlier?' },
      { role: 'assistant' as const, content: 'Characterizing Verbatim Short-Term Memory in Neural Language Models [1]' },
    ];
    const chosen = chooseFactSentences({ question, query: question, history, sources: [MEMORY, RECURRENT], reference: 'pronoun', referent: MEMORY.paperId });
    const texts = chosen.map((sentence) => sentence.text);
    expect(texts.some((text) => text.includes('surprisal'))).toBe(true);
    expect(texts.some((text) => text.includes('LSTM'))).toBe(true);
  });
});
