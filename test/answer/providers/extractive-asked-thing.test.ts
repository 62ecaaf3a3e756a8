import { describe, expect, it } from 'vitest';
import { chooseFactSentences } from '../../../src/answer/providers/extractive.ts';
import { makeSourceWithSentences } from './fixtures.ts';

describe('fact answers to "which <thing>" questions', () => {
  const PRUNING = makeSourceWithSentences(
    1,
    'Pruning Transformers in One Shot',
    'The OPTIN framework leverages intermediate feature distillation to prune pretrained transformers in one shot. ' +
      'We further show generalization with comparable performance using Mask2Former for semantic segmentation. ' +
      'OPTIN generalizes across classification tasks without re-training.',
    // The sentences naming OPTIN are closer in meaning and share the paper's name with the question.
    [0.55, 0.45, 0.5],
  );

  it('quotes the sentence that says what kind of thing it names, not the ones that repeat the paper name', () => {
    const question = 'Which segmentation model does OPTIN use to show that its one-shot pruning generalizes beyond classification?';
    const chosen = chooseFactSentences({ question, query: question, history: [], sources: [PRUNING] });
    expect(chosen[0]?.text).toContain('Mask2Former');
  });
});
