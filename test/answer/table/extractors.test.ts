import { describe, expect, it } from 'vitest';
import { resolveColumns } from '../../../src/answer/table/columns.ts';
import { extractCell } from '../../../src/answer/table/extractors.ts';
import { NOT_STATED, type TableCell } from '../../../src/answer/table/types.ts';
import { EVENTFORMER, evidenceOf, paper, PLAIN } from './fixtures.ts';

const column = (kind: 'problem' | 'method' | 'data' | 'results' | 'code') => resolveColumns([kind])[0]!;
const questionColumn = (question: string) => resolveColumns([question])[0]!;

function expectSpansMatch(cell: TableCell, abstract: string): void {
  for (const span of cell.spans) expect(abstract.slice(span.start, span.end)).toBe(span.text);
}

describe('default column extractors', () => {
  const evidence = evidenceOf(EVENTFORMER);

  it('problem: the sentence framing what is hard, not the contribution', () => {
    const cell = extractCell(column('problem'), evidence);
    expect(cell.status).toBe('stated');
    expect(cell.text).toBe('Event cameras record brightness changes asynchronously, which standard vision models struggle to process.');
    expectSpansMatch(cell, EVENTFORMER.abstract);
  });

  it('problem: not a sentence reporting findings, even early in the abstract', () => {
    const findings = paper('f', 'Findings', 'We show that sparse attention addresses the cost of long documents. Long documents are costly to model because attention is quadratic in their length. We propose a sparse attention pattern.');
    expect(extractCell(column('problem'), evidenceOf(findings)).text).toBe('Long documents are costly to model because attention is quadratic in their length.');
  });

  it('method: the "we propose" sentence', () => {
    const cell = extractCell(column('method'), evidence);
    expect(cell.text).toBe('We propose EventFormer, a transformer that reads event streams directly.');
    expectSpansMatch(cell, EVENTFORMER.abstract);
  });

  it('data: the sentences naming datasets and benchmarks', () => {
    const cell = extractCell(column('data'), evidence);
    expect(cell.status).toBe('stated');
    expect(cell.text).toContain('DVS Gesture and N-Caltech101 benchmarks');
    expectSpansMatch(cell, EVENTFORMER.abstract);
  });

  it('results: the sentence with numbers and what they measure', () => {
    const cell = extractCell(column('results'), evidence);
    expect(cell.spans).toHaveLength(1);
    expect(cell.text).toBe('EventFormer reaches 91.2% accuracy on DVS Gesture, outperforming prior spiking networks by 3.1 points.');
    expectSpansMatch(cell, EVENTFORMER.abstract);
  });

  it('code: the link as written, without the full stop after it', () => {
    const cell = extractCell(column('code'), evidence);
    expect(cell).toMatchObject({ status: 'stated', text: 'https://github.com/example/eventformer', spans: [{ text: 'https://github.com/example/eventformer' }] });
    expectSpansMatch(cell, EVENTFORMER.abstract);
  });

  it('code with LaTeX residue: the link is cleaned, the span is what the abstract shows', () => {
    const latex = paper('latex', 'Latex', 'We release everything. Our code is available at \\url{https://github.com/a/b\\_c}.');
    const cell = extractCell(column('code'), evidenceOf(latex));
    expect(cell.text).toBe('https://github.com/a/b_c');
    expect(cell.spans[0]!.text).toBe('https://github.com/a/b\\_c');
    expectSpansMatch(cell, latex.abstract);
  });

  it('says "not stated" when the abstract has no results, data or link (never a guess)', () => {
    const plain = evidenceOf(PLAIN);
    for (const kind of ['results', 'data', 'code'] as const) {
      expect(extractCell(column(kind), plain)).toEqual({ columnId: kind, status: 'not_stated', text: NOT_STATED, spans: [], generated: false });
    }
  });

  it('a title-only paper has nothing stated', () => {
    const titleOnly = paper('t', 'Only a Title', '');
    for (const kind of ['problem', 'method', 'data', 'results', 'code'] as const) expect(extractCell(column(kind), evidenceOf(titleOnly)).status).toBe('not_stated');
  });
});

describe('question columns', () => {
  it('quote the sentences that answer the question', () => {
    const cell = extractCell(questionColumn('What accuracy does EventFormer reach on DVS Gesture?'), evidenceOf(EVENTFORMER, { 3: 0.4 }));
    expect(cell.status).toBe('stated');
    expect(cell.text).toContain('91.2%');
    expectSpansMatch(cell, EVENTFORMER.abstract);
  });

  it('are "not stated" when the question names something the paper never mentions', () => {
    const cell = extractCell(questionColumn('How many experts does Mixtral 8x7B route each token to?'), evidenceOf(EVENTFORMER, { 1: 0.5 }));
    expect(cell.status).toBe('not_stated');
  });

  it('are "not stated" when no sentence scores above the threshold', () => {
    const cell = extractCell(questionColumn('does it need labels?'), evidenceOf(EVENTFORMER, { 0: 0.2, 1: 0.2 }));
    expect(cell).toMatchObject({ status: 'not_stated', spans: [] });
  });

  it('are "not stated" when they ask for a number and the matching sentences state none', () => {
    const shared = paper('shared', 'Shared Weights', 'Transformers have many parameters. We share the parameters of all layers, so the parameters are reused at every depth.');
    expect(extractCell(questionColumn('How many parameters does the model have?'), evidenceOf(shared, { 0: 0.4, 1: 0.4 })).status).toBe('not_stated');
    const sized = paper('sized', 'Sized Weights', 'Transformers have many parameters. Our model has 1.3B parameters and shares them across layers.');
    expect(extractCell(questionColumn('How many parameters does the model have?'), evidenceOf(sized, { 1: 0.4 }))).toMatchObject({ status: 'stated', text: expect.stringContaining('1.3B') });
  });

  it('a name given as the setting or written in the plural is not missing', () => {
    const vits = paper('vits', 'Scaling ViTs with Multi-Resolution Training', 'Vision transformers are trained at one resolution. Our ViTs reach 81.7% top-1 at 640 pixels on ImageNet.');
    const cell = extractCell(questionColumn('ViT trained at mixed sizes: what top-1 at 640 pixels on Intel Xeon?'), evidenceOf(vits, { 1: 0.4 }));
    expect(cell.status).toBe('stated');
    expect(cell.text).toContain('81.7%');
  });
});

describe('resolveColumns', () => {
  it('gives the five defaults when none are asked for', () => {
    expect(resolveColumns(undefined).map((item) => item.id)).toEqual(['problem', 'method', 'data', 'results', 'code']);
  });

  it('maps default names and labels to their extractor and other words to questions, in order', () => {
    const columns = resolveColumns(['Results', 'which model size?', 'code / project link', 'results']);
    expect(columns.map(({ id, kind }) => [id, kind])).toEqual([
      ['results', 'results'],
      ['c2', 'question'],
      ['code', 'code'],
      ['c4', 'question'],
    ]);
    expect(columns[1]!.label).toBe('which model size?');
  });
});
