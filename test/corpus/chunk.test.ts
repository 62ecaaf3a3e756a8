import { describe, expect, it } from 'vitest';
import { chunkCorpus, chunkPaper, estimateTokens } from '../../src/corpus/chunk.ts';
import { paperIdFromTitle } from '../../src/corpus/paper-id.ts';
import { splitSentences } from '../../src/corpus/sentences.ts';
import type { Paper } from '../../src/corpus/types.ts';
import { ConfigError } from '../../src/errors.ts';

function paper(title: string, abstract: string): Paper {
  return { id: paperIdFromTitle(title), title, abstract, sources: [{ file: 'x.txt', line: 1 }], links: [] };
}

const SENTENCES = [
  'Transformers dominate natural language processing and are spreading to vision and speech.',
  'Their attention cost grows quadratically with sequence length, which limits long inputs.',
  'We propose a sparse attention pattern that keeps a few global tokens and a local window.',
  'The pattern is learned jointly with the model, e.g. BERT or ViT, without extra supervision.',
  'On long-document benchmarks it matches dense attention at 3.5 times lower memory.',
  'It also speeds up training by 2.1x on a single GPU compared with the dense baseline.',
  'Ablations show that both the global tokens and the learned window size are necessary.',
  'Code is available at https://github.com/example/sparse-attn for anyone to reproduce the results.',
];
const SAMPLE = paper('Sparse Attention for Long Documents', SENTENCES.join(' '));

describe('estimateTokens', () => {
  it.each([
    ['', 0],
    ['word', 2], // 1 word * 1.4 -> 2 beats 4 chars / 3.5 -> 2
    ['a b c d e f g h i j', 14], // words dominate: 10 * 1.4
    ['x'.repeat(35), 10], // characters dominate
  ])('estimates %j as %i tokens', (text, tokens) => {
    expect(estimateTokens(text)).toBe(tokens);
  });
});

describe('chunkPaper', () => {
  it.each([256, 128, 64, 48])('keeps exact offsets, the title and the budget of %i tokens', (maxTokens) => {
    const documents = chunkPaper(SAMPLE, { maxTokens });
    expect(documents.length).toBeGreaterThan(0);
    documents.forEach((document, position) => {
      const { metadata } = document;
      expect(metadata).toEqual({
        chunkId: `${SAMPLE.id}#${position}`,
        paperId: SAMPLE.id,
        title: SAMPLE.title,
        position,
        start: metadata.start,
        end: metadata.end,
      });
      expect(document.id).toBe(metadata.chunkId);
      expect(document.pageContent).toBe(`${SAMPLE.title}\n${SAMPLE.abstract.slice(metadata.start, metadata.end)}`);
      expect(estimateTokens(document.pageContent)).toBeLessThanOrEqual(maxTokens);
    });
    // Together the chunks cover the whole abstract, in order.
    expect(documents[0]?.metadata.start).toBe(0);
    expect(documents.at(-1)?.metadata.end).toBe(SAMPLE.abstract.length);
    for (let i = 1; i < documents.length; i++) {
      const previous = documents[i - 1]!.metadata;
      const current = documents[i]!.metadata;
      expect(current.start).toBeGreaterThan(previous.start);
      expect(current.end).toBeGreaterThan(previous.end);
      expect(SAMPLE.abstract.slice(previous.end, Math.max(previous.end, current.start)).trim()).toBe('');
    }
  });

  it('keeps a short abstract in one chunk', () => {
    const documents = chunkPaper(SAMPLE);
    expect(documents).toHaveLength(1);
    expect(documents[0]?.metadata).toMatchObject({ position: 0, start: 0, end: SAMPLE.abstract.length });
  });

  it('repeats one sentence between consecutive chunks by default', () => {
    const documents = chunkPaper(SAMPLE, { maxTokens: 80 });
    expect(documents.length).toBeGreaterThan(2);
    for (let i = 1; i < documents.length; i++) {
      const previous = documents[i - 1]!.metadata;
      const current = documents[i]!.metadata;
      const previousSentences = splitSentences(SAMPLE.abstract.slice(previous.start, previous.end));
      const lastOfPrevious = previousSentences.at(-1)!;
      // The next chunk starts exactly at the previous chunk's last sentence.
      expect(current.start).toBe(previous.start + lastOfPrevious.start);
    }
  });

  it('has no overlap when overlapSentences is 0', () => {
    const documents = chunkPaper(SAMPLE, { maxTokens: 80, overlapSentences: 0 });
    for (let i = 1; i < documents.length; i++) {
      expect(documents[i]!.metadata.start).toBeGreaterThan(documents[i - 1]!.metadata.end);
    }
    const covered = documents.map((d) => SAMPLE.abstract.slice(d.metadata.start, d.metadata.end)).join(' ');
    expect(covered).toBe(SAMPLE.abstract);
  });

  it('never emits a chunk with nothing new when the overlap would not fit', () => {
    const documents = chunkPaper(SAMPLE, { maxTokens: 48, overlapSentences: 3 });
    const ends = documents.map((d) => d.metadata.end);
    expect(new Set(ends).size).toBe(ends.length);
  });

  it('splits a sentence longer than the budget at word boundaries', () => {
    const words = Array.from({ length: 120 }, (_, i) => `token${i}`);
    const runOn = paper('Run-On', `${words.join(' ')}.`);
    const documents = chunkPaper(runOn, { maxTokens: 40 });
    expect(documents.length).toBeGreaterThan(3);
    for (const { metadata, pageContent } of documents) {
      expect(estimateTokens(pageContent)).toBeLessThanOrEqual(40);
      const before = runOn.abstract[metadata.start - 1];
      const after = runOn.abstract[metadata.end];
      expect(before === undefined || before === ' ').toBe(true);
      expect(after === undefined || after === ' ').toBe(true);
    }
    const pieces = documents.map((d) => runOn.abstract.slice(d.metadata.start, d.metadata.end));
    expect(new Set(pieces.flatMap((piece) => piece.split(' '))).size).toBe(120);
  });

  it('cuts a single over-long word only when it has to', () => {
    const blob = paper('Blob', `See ${'x'.repeat(400)} now.`);
    const documents = chunkPaper(blob, { maxTokens: 40 });
    for (const document of documents) expect(estimateTokens(document.pageContent)).toBeLessThanOrEqual(40);
    expect(documents.map((d) => blob.abstract.slice(d.metadata.start, d.metadata.end)).join('').replace(/\s/g, '')).toContain('x'.repeat(400));
  });

  it.each([
    [{ maxTokens: 0 }],
    [{ maxTokens: 12.5 }],
    [{ overlapSentences: -1 }],
    [{ maxTokens: 5 }], // the title alone is over budget
  ])('rejects unusable options %j', (options) => {
    expect(() => chunkPaper(paper('A Title That Is Long Enough', 'Some abstract text that needs a chunk.'), options)).toThrow(ConfigError);
  });
});

describe('chunkCorpus', () => {
  it('chunks every paper in order with ids unique across papers', () => {
    const other = paper('Another Paper', 'A second abstract about efficient vision transformers and their training.');
    const documents = chunkCorpus([SAMPLE, other], { maxTokens: 80 });
    expect(documents.at(-1)?.metadata.paperId).toBe(other.id);
    expect(documents[0]?.metadata.paperId).toBe(SAMPLE.id);
    expect(new Set(documents.map((d) => d.metadata.chunkId)).size).toBe(documents.length);
  });
});
