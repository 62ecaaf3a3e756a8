import { describe, expect, it } from 'vitest';
import { chooseFactSentences } from '../../../src/answer/providers/extractive.ts';
import { makeSourceWithSentences } from './fixtures.ts';

describe('fact answers to "what was it evaluated on?"', () => {
  const DISTILLATION = makeSourceWithSentences(
    1,
    'TransKD: Transformer Knowledge Distillation for Efficient Semantic Segmentation',
    'We put forward a framework which learns compact student transformers by distilling both feature maps and patch embeddings of large teacher transformers. ' +
      'It has two modules: Cross Selective Fusion (CSF) and Patch Embedding Alignment (PEA). ' +
      'Experiments on Cityscapes, ACDC, and NYUv2 datasets show that it outperforms state-of-the-art distillation frameworks.',
    // The description's sentences are what the question's description matches.
    [0.6, 0.4, 0.2],
  );
  // Another retrieved paper states an evaluation and matches the description's words better.
  const OTHER = makeSourceWithSentences(
    2,
    'Open-vocabulary Segmentation with Frozen Models',
    'We experiment on a broad range of distillation teachers, e.g. MoCo v3, DINO, BERT and CLIP, while evaluating on PASCAL-5i and COCO-20i with feature maps and patch embeddings.',
    0.9,
  );
  const question = 'There is a distillation approach that teaches a small segmentation transformer from the feature maps and patch embeddings of a large teacher. What data was it tested on?';

  it('quotes the described paper\'s sentence that reports its experiments', () => {
    const chosen = chooseFactSentences({ question, query: question, history: [], sources: [DISTILLATION, OTHER] });
    expect(chosen.some((sentence) => sentence.text.includes('Cityscapes'))).toBe(true);
  });

  it('quotes only the described paper: the asking clause points back at it', () => {
    const chosen = chooseFactSentences({ question, query: question, history: [], sources: [DISTILLATION, OTHER] });
    expect(chosen.every((sentence) => sentence.source === DISTILLATION)).toBe(true);
  });

  it('still answers from any source when the question describes nothing before asking', () => {
    const plain = 'Which distillation methods were evaluated on PASCAL-5i?';
    const chosen = chooseFactSentences({ question: plain, query: plain, history: [], sources: [DISTILLATION, OTHER] });
    expect(chosen.some((sentence) => sentence.source === OTHER)).toBe(true);
  });
});

describe('a part that asks for a number', () => {
  const PARTI = makeSourceWithSentences(
    1,
    'Scaling Autoregressive Models for Content-Rich Text-to-Image Generation',
    'Parti treats text-to-image generation as a sequence-to-sequence problem, akin to machine translation. ' +
      'This strategy taps into prior work on large language models, which improve by scaling data and model sizes. ' +
      'We achieve consistent quality improvements by scaling the encoder-decoder model up to 20B parameters. ' +
      'PartiPrompts, a new holistic benchmark of over 1600 English prompts, shows its effectiveness.',
    [0.6, 0.5, 0.2, 0.3],
  );

  it('is answered by a sentence stating a number, without dropping the other part\'s sentence', () => {
    const question = 'The autoregressive text-to-image model that treats generation like translation: how large did they scale it, and what is their new prompt benchmark called?';
    const texts = chooseFactSentences({ question, query: question, history: [], sources: [PARTI] }).map((sentence) => sentence.text);
    expect(texts.some((text) => text.includes('20B'))).toBe(true);
    expect(texts.some((text) => text.includes('PartiPrompts'))).toBe(true);
  });
});
