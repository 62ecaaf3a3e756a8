import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenerativeProvider } from '../../../src/answer/providers/create-provider.ts';
import { tableToCsv, tableToMarkdown } from '../../../src/answer/table/export.ts';
import { supportingSpans } from '../../../src/answer/table/llm-cells.ts';
import { ComparisonTableBuilder } from '../../../src/answer/table/table-builder.ts';
import type { ComparisonTable } from '../../../src/answer/table/types.ts';
import { splitSentences } from '../../../src/corpus/sentences.ts';
import { NotFoundError } from '../../../src/errors.ts';
import type { FakeLlmServer } from '../../fakes/fake-llm-server.ts';
import { startFakeOllamaServer } from '../../fakes/fake-ollama-server.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../fakes/fake-openai-server.ts';
import { testConfig } from '../providers/fixtures.ts';
import { EVENTFORMER, memoryEvidence, paper, PLAIN } from './fixtures.ts';

describe('ComparisonTableBuilder (extractive)', () => {
  const builder = new ComparisonTableBuilder(memoryEvidence([EVENTFORMER, PLAIN]));

  it('one row per paper in the given order, one cell per default column', async () => {
    const table = await builder.build({ paperIds: ['plain-survey', 'eventformer', 'plain-survey'] });
    expect(table.provider).toBe('extractive');
    expect(table.columns.map((column) => column.id)).toEqual(['problem', 'method', 'data', 'results', 'code']);
    expect(table.rows.map((row) => row.paperId)).toEqual(['plain-survey', 'eventformer']);
    for (const row of table.rows) expect(row.cells.map((cell) => cell.columnId)).toEqual(['problem', 'method', 'data', 'results', 'code']);
    const abstracts = { 'plain-survey': PLAIN.abstract, eventformer: EVENTFORMER.abstract } as Record<string, string>;
    for (const row of table.rows) for (const cell of row.cells) for (const span of cell.spans) expect(abstracts[row.paperId]!.slice(span.start, span.end)).toBe(span.text);
  });

  it('lists every unknown paper id in one NotFoundError', async () => {
    const failure = builder.build({ paperIds: ['eventformer', 'nope-1', 'nope-2'] });
    await expect(failure).rejects.toBeInstanceOf(NotFoundError);
    await expect(failure).rejects.toThrow('nope-1, nope-2');
  });

  it('a question gives the retrieved papers as rows and keeps the question', async () => {
    const table = await new ComparisonTableBuilder(memoryEvidence([EVENTFORMER, PLAIN], ['eventformer', 'plain-survey'])).build({ question: 'event cameras', k: 1, columns: ['results'] });
    expect(table.question).toBe('event cameras');
    expect(table.rows.map((row) => row.paperId)).toEqual(['eventformer']);
    expect(table.rows[0]!.cells[0]!.text).toContain('91.2%');
  });
});

const harnesses = [
  {
    name: 'openai',
    start: () => startFakeOpenAiServer({ apiKey: 'sk-test', models: ['fake-model'] }),
    config: (fake: FakeLlmServer) => testConfig({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: (fake as FakeOpenAiServer).baseUrl, OPENAI_API_KEY: 'sk-test' }),
  },
  { name: 'ollama', start: () => startFakeOllamaServer({ models: ['fake-model'] }), config: (fake: FakeLlmServer) => testConfig({ LLM_PROVIDER: 'ollama', OLLAMA_BASE_URL: fake.url }) },
];

describe.each(harnesses)('LLM cell texts (fake $name server)', (harness) => {
  let fake: FakeLlmServer;
  beforeAll(async () => {
    fake = await harness.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  const provider = () => createGenerativeProvider(harness.config(fake));
  const questionOf = (body: { messages?: Array<{ content?: unknown }> }) => String(body.messages?.at(-1)?.content ?? '');

  it('keeps a supported text with the evidence spans and drops an unsupported one', async () => {
    fake.setBehaviour((request) => {
      const prompt = questionOf(request.body);
      if (prompt.includes('What results does it report')) return { type: 'reply', text: '91.2% accuracy on DVS Gesture [1].' };
      if (prompt.includes('What method')) return { type: 'reply', text: 'A diffusion model trained on 5 billion web images [1].' };
      return { type: 'reply', text: "The indexed papers don't answer this question." };
    });
    const table = await new ComparisonTableBuilder(memoryEvidence([EVENTFORMER]), await provider()).build({ paperIds: ['eventformer'], columns: ['method', 'results', 'code'] });
    const [method, results, code] = table.rows[0]!.cells;
    expect(table.provider).toBe(harness.name);
    expect(results).toMatchObject({ status: 'stated', generated: true, text: '91.2% accuracy on DVS Gesture.' });
    expect(results!.spans.map((span) => span.text)).toEqual(['EventFormer reaches 91.2% accuracy on DVS Gesture, outperforming prior spiking networks by 3.1 points.']);
    // Unsupported (an invented model and number): the extracted sentence stands.
    expect(method).toMatchObject({ status: 'stated', generated: false, text: 'We propose EventFormer, a transformer that reads event streams directly.' });
    expect(table.warning).toContain('1 model-written cell text was not supported');
    // Links are exact already: no model call for them.
    expect(code).toMatchObject({ generated: false, text: 'https://github.com/example/eventformer' });
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it('falls back to the extracted cells with a warning when the model fails', async () => {
    fake.reset();
    fake.setBehaviour({ type: 'error', status: 500, message: 'boom' });
    const table = await new ComparisonTableBuilder(memoryEvidence([EVENTFORMER]), await provider()).build({ paperIds: ['eventformer'], columns: ['results'] });
    expect(table.rows[0]!.cells[0]).toMatchObject({ generated: false, text: expect.stringContaining('91.2%') });
    expect(table.warning).toMatch(new RegExp(`${harness.name} model failed`));
  });
});

describe('supportingSpans', () => {
  const sentences = splitSentences(EVENTFORMER.abstract);
  it('needs every number and most words of the text in the evidence', () => {
    expect(supportingSpans('EventFormer reaches 91.2% accuracy', [], sentences)?.[0]?.text).toContain('91.2%');
    expect(supportingSpans('EventFormer reaches 95.0% accuracy', [], sentences)).toBeNull();
    expect(supportingSpans('A quantum annealer for protein folding', [], sentences)).toBeNull();
    expect(supportingSpans('Yes.', [], sentences)).toBeNull();
  });
});

describe('export', () => {
  const table: ComparisonTable = {
    provider: 'extractive',
    columns: [{ id: 'c1', label: 'Size, "params"', kind: 'question' }],
    rows: [{ paperId: 'p', title: 'A | B', cells: [{ columnId: 'c1', status: 'stated', text: 'uses 7B, "big"\nmodels | wide', spans: [{ start: 0, end: 1, text: 'u' }], generated: false }] }],
  };

  it('CSV round-trips commas, quotes and line breaks', () => {
    expect(parse(tableToCsv(table))).toEqual([
      ['Paper', 'Size, "params"'],
      ['A | B', 'uses 7B, "big"\nmodels | wide'],
    ]);
  });

  it('Markdown escapes pipes and joins lines so every row stays one row', () => {
    const lines = tableToMarkdown(table).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('| A \\| B | uses 7B, "big" models \\| wide |');
  });
});

it('paper fixture helper keeps ids', () => expect(paper('x', 'X', 'Y.').id).toBe('x'));
