import { describe, expect, it } from 'vitest';
import { chooseFactSentences } from '../../../src/answer/providers/extractive.ts';
import { makeSourceWithSentences } from './fixtures.ts';

describe('a question that sets its subject against something', () => {
  const ATTENTION = makeSourceWithSentences(2, 'Efficient Attention Mechanisms: A Survey', 'We survey linear attention and sparse attention mechanisms for long inputs.', 0.4);
  const MIXTURE = makeSourceWithSentences(1, 'Sparse Mixture Architectures', 'Whole architectures like MoE focus on sparse experts.', 0.4);

  it('is answered by the sentence about the subject, not by the words of what it rules out', () => {
    const question = 'Which one focuses only on attention itself, linear versus sparse, rather than whole architectures like MoE?';
    const chosen = chooseFactSentences({ question, query: question, history: [], sources: [MIXTURE, ATTENTION] });
    expect(chosen[0]?.source).toBe(ATTENTION);
  });
});
