import { describe, expect, it } from 'vitest';
import { papersNamedIn, resolveFollowUp, type StandaloneQuestion } from '../../src/answer/condense.ts';
import { LlmProviderError } from '../../src/answer/providers/llm-provider-error.ts';
import type { AnswerProvider, ChatTurn } from '../../src/answer/types.ts';
import type { Paper } from '../../src/corpus/types.ts';

const paper = (id: string, title: string): Paper => ({ id, title, abstract: '', sources: [], links: [] });

// Ids run against the order the answers below name the papers, so answer order and index order differ.
const index = {
  papers: [
    paper('p-swin', 'Swin Transformer: Hierarchical Vision Transformer using Shifted Windows'),
    paper('p-itrans', 'iTransformer: Inverted Transformers Are Effective for Time Series Forecasting'),
    paper('p-tempo', 'TEMPO: Prompt-based Generative Pre-trained Transformer for Time Series Forecasting'),
    paper('p-patch', 'A Time Series is Worth 64 Words: Long-term Forecasting with Transformers'),
    paper('p-tnt', 'Transformer in Transformer'),
    paper('p-tnt-plus', 'Going Deeper with Transformer in Transformer Blocks'),
  ],
};

const offline: AnswerProvider = {
  name: 'extractive',
  async *generate() {},
};

const listAnswer = [
  'Papers in the index on this:',
  '',
  '- **TEMPO: Prompt-based Generative Pre-trained Transformer for Time Series Forecasting** [1]: We propose TEMPO. [1]',
  '- **A Time Series is Worth 64 Words: Long-term Forecasting with Transformers** [2]: Patches as tokens. [2]',
  '- **iTransformer: Inverted Transformers Are Effective for Time Series Forecasting** [3]: Variates as tokens. [3]',
].join('\n');

const topical: ChatTurn[] = [
  { role: 'user', content: 'What papers apply transformers to time series forecasting?' },
  { role: 'assistant', content: listAnswer },
];

const onePaper: ChatTurn[] = [
  { role: 'user', content: 'Which vision transformer computes attention in shifted local windows?' },
  { role: 'assistant', content: 'From *Swin Transformer: Hierarchical Vision Transformer using Shifted Windows* [1]: It computes self-attention within shifted windows. [1]' },
];

const resolve = (question: string, history: ChatTurn[], provider: AnswerProvider = offline): Promise<StandaloneQuestion> =>
  resolveFollowUp({ question, history, k: 6 }, index, provider);

describe('papersNamedIn', () => {
  it('keeps the order the answer names the papers in, not the index order', () => {
    expect(papersNamedIn(topical, index)).toEqual(['p-tempo', 'p-patch', 'p-itrans']);
  });

  it('does not count a title that only occurs inside a longer named title', () => {
    const history: ChatTurn[] = [
      { role: 'user', content: 'Papers on nested transformer blocks?' },
      { role: 'assistant', content: 'From *Going Deeper with Transformer in Transformer Blocks* [1]: Deeper TNT. [1]' },
    ];
    expect(papersNamedIn(history, index)).toEqual(['p-tnt-plus']);
  });

  it('reads only the latest answer', () => {
    expect(papersNamedIn([...onePaper, ...topical], index)).toEqual(['p-tempo', 'p-patch', 'p-itrans']);
  });
});

describe('resolveFollowUp', () => {
  it('leaves a first question alone', async () => {
    const resolved = await resolve('What papers apply transformers to time series forecasting?', []);
    expect(resolved).toMatchObject({ reference: 'standalone', query: 'What papers apply transformers to time series forecasting?', earlierPaperIds: [] });
    expect(resolved.referent).toBeUndefined();
  });

  it.each([
    ['Tell me more about the second one.', 'p-patch'],
    ['What does the first paper use as tokens?', 'p-tempo'],
    ['Which datasets does the last one use?', 'p-itrans'],
    ['How does the third of them handle variates?', 'p-itrans'],
    ['And the latter?', 'p-itrans'],
    ['What about paper 2?', 'p-patch'],
  ])('"%s" points at the paper at that position of the previous answer', async (question, expected) => {
    const resolved = await resolve(question, topical);
    expect(resolved.reference).toBe('ordinal');
    expect(resolved.referent).toBe(expected);
  });

  it('does not take an ordinal beyond the listed papers as a reference', async () => {
    const resolved = await resolve('What does the fifth one do?', topical);
    expect(resolved.reference).not.toBe('ordinal');
    expect(resolved.referent).toBeUndefined();
  });

  it('does not read "the first" of a method description as a position', async () => {
    const resolved = await resolve('Which of those was the first to tokenise whole variates?', topical);
    expect(resolved.reference).toBe('selection');
    expect(resolved.referent).toBeUndefined();
  });

  it.each(['What ADE20K score did it reach?', 'How does it compare with DeiT-S?', 'Which datasets did they evaluate on?', 'How much memory did that take?', 'What is the window size of this model?'])(
    'after an answer about one paper, "%s" is about that paper',
    async (question) => {
      const resolved = await resolve(question, onePaper);
      expect(resolved.reference).toBe('pronoun');
      expect(resolved.referent).toBe('p-swin');
      expect(resolved.query).toContain('shifted local windows');
    },
  );

  it('after a list, a pronoun names no single referent but keeps the listed papers', async () => {
    const resolved = await resolve('Which datasets did they evaluate on?', topical);
    expect(resolved.reference).toBe('pronoun');
    expect(resolved.referent).toBeUndefined();
    expect(resolved.earlierPaperIds).toEqual(['p-tempo', 'p-patch', 'p-itrans']);
  });

  it.each([
    "Which one turns each variable's whole history into one token instead of each timestamp?",
    'Which of those uses a pretrained GPT backbone?',
    'Is there one that splits the series into patches?',
    'Do any of them forecast more than a year ahead?',
    'Anything on irregularly sampled series?',
  ])('"%s" selects among the listed papers by its own detail, within the topic', async (question) => {
    const resolved = await resolve(question, topical);
    expect(resolved.reference).toBe('selection');
    expect(resolved.referent).toBeUndefined();
    expect(resolved.earlierPaperIds).toEqual(['p-tempo', 'p-patch', 'p-itrans']);
    expect(resolved.query).toContain('time series forecasting');
    expect(resolved.query).toContain(question);
  });

  it('a relative "that" is not a pronoun: "a fix that…" after one paper is no reference to it', async () => {
    const resolved = await resolve('Is there a simple prompting fix that just repeats the context?', onePaper);
    expect(resolved.referent).toBeUndefined();
  });

  it('does not glue a question with a new subject of its own to the old topic', async () => {
    const resolved = await resolve('What accuracy does TinyViT reach on ImageNet?', topical);
    expect(resolved).toMatchObject({ reference: 'standalone', query: 'What accuracy does TinyViT reach on ImageNet?', earlierPaperIds: [] });
  });

  it('does not take a measure for a new subject: "what was the best F1?" continues the conversation', async () => {
    const resolved = await resolve('How many teams entered and what was the best F1?', onePaper);
    expect(resolved.reference).toBe('ellipsis');
    expect(resolved.earlierPaperIds).toEqual(['p-swin']);
  });

  it('does not glue a long question without any reference to the old topic', async () => {
    const question = 'Which vision transformer splits the attention matrix into sparse sub-matrices to get global context at local-window cost?';
    const resolved = await resolve(question, topical);
    expect(resolved).toMatchObject({ reference: 'standalone', query: question });
  });

  it('keeps a continuation that names something new attached to the conversation', async () => {
    const resolved = await resolve('What about ADE20K?', onePaper);
    expect(resolved.reference).toBe('ellipsis');
    expect(resolved.query).toContain('shifted local windows');
    expect(resolved.earlierPaperIds).toEqual(['p-swin']);
  });

  it('glues a short question with an elided subject to the earlier turns', async () => {
    const resolved = await resolve('How big was the gain over patching?', topical);
    expect(resolved.reference).toBe('ellipsis');
    expect(resolved.query).toBe('What papers apply transformers to time series forecasting? How big was the gain over patching?');
  });

  it("uses a generative provider's rewrite as the query and still resolves the referent from the answer", async () => {
    const rewriting: AnswerProvider = { ...offline, condense: async () => 'A Time Series is Worth 64 Words datasets' };
    const resolved = await resolve('Which datasets does the second one use?', topical, rewriting);
    expect(resolved).toMatchObject({ reference: 'ordinal', referent: 'p-patch', query: 'A Time Series is Worth 64 Words datasets' });
  });

  it('falls back to the offline query when the rewrite fails', async () => {
    const failing: AnswerProvider = {
      ...offline,
      condense: async () => {
        throw new LlmProviderError('model timed out', { provider: 'openai', kind: 'timeout' });
      },
    };
    const resolved = await resolve('Which datasets does the second one use?', topical, failing);
    expect(resolved.query).toBe('What papers apply transformers to time series forecasting? Which datasets does the second one use?');
    expect(resolved.referent).toBe('p-patch');
  });
});
