import { describe, expect, it } from 'vitest';
import { chooseFactSentences } from '../../../src/answer/providers/extractive.ts';
import { makeSourceWithSentences } from './fixtures.ts';

describe('fact answers to a question that describes the paper first', () => {
  const RECIPE = makeSourceWithSentences(
    1,
    'Revenge of the Supervised ViT',
    'We revisit the supervised training of vision transformers. ' +
      'Our procedure builds upon and simplifies a recipe introduced for training ResNet-50 on ImageNet. ' +
      'It includes a new simple data-augmentation procedure with only 3 augmentations.',
    // The answer is a little closer in meaning, but shares fewer of the question's words.
    [0.3, 0.3, 0.45],
  );

  it('quotes the sentence that answers the asking clause, not the one that repeats the description', () => {
    const question = 'The supervised ViT training recipe that simplifies a ResNet-50 recipe: how many augmentations does it use?';
    const chosen = chooseFactSentences({ question, query: question, history: [], sources: [RECIPE] });
    expect(chosen[0]?.text).toContain('3 augmentations');
  });

  it('answers from the paper retrieved for the description, not from a lower-ranked one whose sentence echoes the asking clause', () => {
    const METHOD = makeSourceWithSentences(
      1,
      'Meta Decision Transformer',
      'We propose a decision transformer for offline meta-RL whose task representation comes from a pretrained world model. ' +
        'We test it in the MuJoCo and Meta-World simulated environments.',
      [0.5, 0.3],
    );
    // Its sentence shares the asking clause's words and is closer in meaning; only the retrieval rank tells them apart.
    const OTHER = makeSourceWithSentences(3, 'A Vision-Language-Action Model', 'We test in both real-world and simulated environments.', 0.7);
    const question = 'An offline meta-RL decision transformer with a pretrained world model for the task representation: in which simulated environments did they test it?';
    const chosen = chooseFactSentences({ question, query: question, history: [], sources: [METHOD, OTHER] });
    expect(chosen[0]?.text).toContain('MuJoCo');
  });
});
