import { describe, expect, it } from 'vitest';
import { chooseFactSentences, namedSources } from '../../../src/answer/providers/extractive.ts';
import type { AnswerSource } from '../../../src/answer/types.ts';
import { makeSourceWithSentences } from './fixtures.ts';

const TOKENS = makeSourceWithSentences(1, 'Tokens-to-Token ViT: Training Vision Transformers from Scratch', 'We aggregate neighbouring tokens to make vision transformers cheaper. Tokens are merged layer by layer.', 0.6);
const TOKEN_MERGING = makeSourceWithSentences(2, 'Token Merging for Cheaper Vision Transformers', 'Merging similar tokens makes vision transformers cheaper at inference.', 0.7);
const EFFICIENT = makeSourceWithSentences(3, 'EfficientFormer: Vision Transformers at MobileNet Speed', 'A dimension-consistent design runs at MobileNet speed on phones.', 0.3);
const SIBLING = makeSourceWithSentences(4, 'FastViT: A Fast Hybrid Vision Transformer', 'Reparameterised blocks speed up ViT models.', 0.2);

const ask = (question: string, sources: AnswerSource[], reference?: 'standalone' | 'selection') =>
  chooseFactSentences({ question, query: question, history: reference === 'selection' ? [{ role: 'user', content: 'Any cheap vision transformers?' }] : [], sources, ...(reference ? { reference } : {}) });

describe('questions that name two papers', () => {
  it('are answered from each named paper, in the order named, and from no other', () => {
    const chosen = ask('Compare EfficientFormer and Tokens-to-Token ViT: how do they make vision transformers cheaper?', [TOKENS, TOKEN_MERGING, EFFICIENT, SIBLING]);
    expect(chosen.map((sentence) => sentence.source.n)).toEqual([3, 1]);
  });

  it('leave a question that names one paper, or shares a name across titles, to the usual choice', () => {
    expect(namedSources('How does EfficientFormer make vision transformers cheaper?', [TOKENS, EFFICIENT])).toEqual([]);
    // "ViT" is a word of two titles' names; "Transformers" is not shaped like a name.
    expect(namedSources('Compare ViT and Transformers for cheap inference', [TOKENS, SIBLING, TOKEN_MERGING])).toEqual([]);
    expect(ask('How do vision transformers get cheaper?', [TOKENS, TOKEN_MERGING, EFFICIENT])[0]?.source.n).toBe(2);
  });

  it('do not steer a follow-up, whose names qualify the papers under discussion', () => {
    const chosen = ask('Which one merges tokens like Tokens-to-Token ViT, unlike EfficientFormer?', [TOKEN_MERGING, TOKENS, EFFICIENT], 'selection');
    expect(chosen[0]?.source.n).toBe(2);
  });
});
