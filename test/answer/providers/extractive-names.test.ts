import { describe, expect, it } from 'vitest';
import { chooseFactSentences } from '../../../src/answer/providers/extractive.ts';
import { makeSourceWithSentences } from './fixtures.ts';

const DISCUSSED = makeSourceWithSentences(
  1,
  'Dynamic Position Encoding',
  'Fixed position embeddings ignore the word order of the source or target language. ' +
    'We propose position embeddings that depend on the input text. ' +
    'We evaluated it on translating from English into German, French, and Italian.',
);
const OTHER = makeSourceWithSentences(2, 'Semantics-aware Attention', 'We show a consistent improvement for four language pairs over the vanilla baseline.');

describe('extractive answers to "which named things" questions', () => {
  it('quotes the sentence that names them, not the one that repeats the question noun', () => {
    const chosen = chooseFactSentences({
      question: 'Which language pairs did they test?',
      query: 'position encodings translation language pairs',
      history: [{ role: 'user', content: 'Which one makes positions depend on the input?' }, { role: 'assistant', content: 'From *Dynamic Position Encoding* [1]: …' }],
      sources: [DISCUSSED, OTHER],
      reference: 'pronoun',
      referent: DISCUSSED.paperId,
    });
    expect(chosen[0]?.text).toContain('German, French, and Italian');
  });

  it('leaves questions that ask for a number alone', () => {
    const chosen = chooseFactSentences({
      question: 'How many language pairs did they test?',
      query: 'language pairs',
      history: [],
      sources: [OTHER, DISCUSSED],
    });
    expect(chosen[0]?.text).toContain('four language pairs');
  });
});
