import { loadConfig, type Config } from '../../../src/config.ts';
import { splitSentences } from '../../../src/corpus/sentences.ts';
import type { AnswerSource, GenerationInput } from '../../../src/answer/types.ts';

export function makeSource(n: number, title: string, abstract: string): AnswerSource {
  const paperId = title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return {
    n,
    paperId,
    title,
    abstract,
    sentences: [{ text: abstract, start: 0, end: abstract.length }],
    hit: { paperId, title, score: 1 / n, snippet: abstract.slice(0, 80), scores: { fused: 1 / n }, chunks: [] },
  };
}

/** A source split into its sentences, with the question's similarity to each (one number: the same for all). */
export function makeSourceWithSentences(n: number, title: string, abstract: string, similarities: number[] | number = 0.3): AnswerSource {
  const sentences = splitSentences(abstract);
  const sentenceSimilarities = typeof similarities === 'number' ? sentences.map(() => similarities) : similarities;
  return { ...makeSource(n, title, abstract), sentences, sentenceSimilarities };
}

export const SOURCES: AnswerSource[] = [
  makeSource(
    1,
    'Attention Is All You Need',
    'We propose the Transformer, a network architecture based solely on attention mechanisms, dispensing with recurrence and convolutions entirely.',
  ),
  makeSource(
    2,
    'BERT: Pre-training of Deep Bidirectional Transformers',
    'BERT is designed to pre-train deep bidirectional representations from unlabeled text by jointly conditioning on both left and right context.',
  ),
];

export const INPUT: GenerationInput = {
  question: 'What architecture does the Transformer use?',
  query: 'Transformer architecture attention',
  history: [],
  sources: SOURCES,
};

export async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const parts: string[] = [];
  for await (const part of iterable) parts.push(part);
  return parts;
}

/** Collects until the iterator throws; returns what arrived and the error. */
export async function collectUntilError(iterable: AsyncIterable<string>): Promise<{ parts: string[]; error: unknown }> {
  const parts: string[] = [];
  try {
    for await (const part of iterable) parts.push(part);
  } catch (error) {
    return { parts, error };
  }
  return { parts, error: undefined };
}

export function testConfig(overrides: Record<string, string>): Config {
  return loadConfig({ LLM_MODEL: 'fake-model', LLM_TIMEOUT_MS: '2000', ...overrides });
}
