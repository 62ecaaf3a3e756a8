import { describe, expect, it } from 'vitest';
import { processCitations } from '../../src/answer/citations.ts';
import type { AnswerSource } from '../../src/answer/types.ts';
import { splitSentences } from '../../src/corpus/sentences.ts';

function source(n: number, title: string, abstract: string): AnswerSource {
  return {
    n,
    paperId: `paper-${n}`,
    title,
    abstract,
    sentences: splitSentences(abstract),
    hit: { paperId: `paper-${n}`, title, score: 1, snippet: '', scores: { fused: 1 }, chunks: [] },
  };
}

const sources = [
  source(1, 'TinyText', 'Large models are too big for phones. TinyText runs on phones at 30 tokens per second. It keeps 94% of the quality.'),
  source(2, 'EventFormer', 'Event cameras record brightness changes. EventFormer reaches 91.2% accuracy on DVS Gesture.'),
];

describe('processCitations', () => {
  it('maps markers to papers and quotes the supporting sentence with exact offsets', () => {
    const { answer, citations } = processCitations('TinyText generates 30 tokens per second on a phone [1]. EventFormer hits 91.2% [2].', sources);
    expect(answer).toContain('[1]');
    expect(citations.map((citation) => citation.paperId)).toEqual(['paper-1', 'paper-2']);
    const [first, second] = citations;
    expect(first!.quote).toBe('TinyText runs on phones at 30 tokens per second.');
    expect(sources[0]!.abstract.slice(first!.start, first!.end)).toBe(first!.quote);
    expect(second!.quote).toContain('91.2%');
  });

  it.each([
    ['a marker past the sources', 'Claim [7].', 'Claim .', []],
    ['a zero marker', 'Claim [0] and [2].', 'Claim and [2].', ['paper-2']],
    ['grouped markers', 'Both [1, 2].', 'Both [1][2].', ['paper-1', 'paper-2']],
    ['a range', 'Both [1-2].', 'Both [1][2].', ['paper-1', 'paper-2']],
    ['no markers', 'Nothing cited.', 'Nothing cited.', []],
  ])('handles %s', (_name, input, expectedAnswer, expectedPapers) => {
    const { answer, citations } = processCitations(input, sources);
    expect(answer).toBe(expectedAnswer);
    expect(citations.map((citation) => citation.paperId)).toEqual(expectedPapers);
  });

  it('prefers the sentence an extractive answer quotes verbatim', () => {
    const { citations } = processCitations('From *TinyText* [1]: It keeps 94% of the quality. [1]', sources);
    expect(citations[0]!.quote).toBe('It keeps 94% of the quality.');
  });
});
