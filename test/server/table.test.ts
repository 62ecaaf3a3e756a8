import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComparisonTable } from '../../src/answer/table/types.ts';
import { postJson, startTestApp, type TestApp } from '../helpers/test-app.ts';

let app: TestApp;
let ids: Record<string, string>;

beforeAll(async () => {
  app = await startTestApp();
  const papers = app.library.current!.index.papers;
  const idOf = (prefix: string) => papers.find((paper) => paper.title.startsWith(prefix))!.id;
  ids = { eventformer: idOf('EventFormer'), tinytext: idOf('TinyText'), speech: idOf('Speech Synthesis') };
});
afterAll(async () => {
  await app.close();
});

describe('POST /api/table', () => {
  it('gives one row per paper and one cell per column, each cell with spans into the abstract or "not stated"', async () => {
    const response = await postJson(`${app.url}/api/table`, { paperIds: [ids.eventformer, ids.tinytext] });
    expect(response.status).toBe(200);
    const table = (await response.json()) as ComparisonTable;
    expect(table.provider).toBe('extractive');
    expect(table.columns.map((column) => column.id)).toEqual(['problem', 'method', 'data', 'results', 'code']);
    expect(table.rows.map((row) => row.paperId)).toEqual([ids.eventformer, ids.tinytext]);
    for (const row of table.rows) {
      const abstract = ((await (await fetch(`${app.url}/api/papers/${row.paperId}`)).json()) as { abstract: string }).abstract;
      expect(row.cells).toHaveLength(5);
      for (const cell of row.cells) {
        if (cell.status === 'not_stated') expect(cell).toMatchObject({ text: 'not stated in the abstract', spans: [] });
        else for (const span of cell.spans) expect(abstract.slice(span.start, span.end)).toBe(span.text);
      }
    }
    const [eventformer, tinytext] = table.rows;
    expect(eventformer!.cells[4]).toMatchObject({ status: 'stated', text: 'https://github.com/example/eventformer' });
    expect(eventformer!.cells[3]!.text).toContain('91.2%');
    expect(tinytext!.cells[4]!.status).toBe('not_stated');
  });

  it('answers a user column from the abstract, or says it is not stated', async () => {
    const response = await postJson(`${app.url}/api/table`, { paperIds: [ids.tinytext, ids.speech], columns: ['How many tokens per second does it run at on phones?', 'Does it use Mixtral 8x7B?'] });
    const table = (await response.json()) as ComparisonTable;
    expect(table.columns.map((column) => [column.id, column.kind])).toEqual([
      ['c1', 'question'],
      ['c2', 'question'],
    ]);
    expect(table.rows[0]!.cells[0]).toMatchObject({ status: 'stated', text: expect.stringContaining('30 tokens per second') });
    expect(table.rows[0]!.cells[1]!.status).toBe('not_stated');
    expect(table.rows[1]!.cells[1]!.status).toBe('not_stated');
  });

  it('builds the rows from the papers retrieved for a question', async () => {
    const response = await postJson(`${app.url}/api/table`, { question: 'satellite images remote sensing', k: 2, columns: ['results'] });
    const table = (await response.json()) as ComparisonTable;
    expect(table.question).toBe('satellite images remote sensing');
    expect(table.rows).toHaveLength(2);
    expect(table.rows[0]!.title).toContain('Orbital Vision');
    expect(table.rows[0]!.cells[0]!.text).toContain('4.1 mIoU');
  });

  it('answers unknown paper ids with a 404 listing them', async () => {
    const response = await postJson(`${app.url}/api/table`, { paperIds: [ids.eventformer, 'no-such-paper', 'nor-this'] });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('not_found');
    expect(body.error.message).toContain('no-such-paper, nor-this');
  });

  it.each([
    ['neither paperIds nor question', { columns: ['x'] }, 'paperIds'],
    ['both paperIds and question', { paperIds: ['a'], question: 'q' }, 'question'],
    ['an empty paperIds list', { paperIds: [] }, 'paperIds'],
    ['31 papers', { paperIds: Array.from({ length: 31 }, (_, index) => `p${index}`) }, 'paperIds'],
    ['an empty columns list', { paperIds: ['a'], columns: [] }, 'columns'],
    ['13 columns', { paperIds: ['a'], columns: Array.from({ length: 13 }, (_, index) => `column ${index}`) }, 'columns'],
    ['a column over 200 characters', { paperIds: ['a'], columns: ['x'.repeat(201)] }, 'columns.0'],
    ['a blank column', { paperIds: ['a'], columns: ['   '] }, 'columns.0'],
    ['a column with markup', { paperIds: ['a'], columns: ['<script>alert(1)</script>'] }, 'columns.0'],
    ['a column with no words', { paperIds: ['a'], columns: ['???'] }, 'columns.0'],
    ['k without a question', { paperIds: ['a'], k: 3 }, 'k'],
    ['k = 0', { question: 'q', k: 0 }, 'k'],
    ['an unknown format', { paperIds: ['a'], format: 'xlsx' }, 'format'],
    ['an unknown field', { paperIds: ['a'], colums: ['x'] }, 'Unrecognized key: "colums"'],
  ])('answers %s with a 400 naming the field', async (_name, body, field) => {
    const response = await postJson(`${app.url}/api/table`, body);
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe('invalid_request');
    expect(json.error.message).toContain(field.startsWith('Unrecognized') ? field : `${field}:`);
  });

  it('exports CSV as a download', async () => {
    const response = await postJson(`${app.url}/api/table`, { paperIds: [ids.eventformer, ids.tinytext], format: 'csv' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="comparison-[a-z0-9-]+\.csv"$/);
    const rows = parse(await response.text()) as string[][];
    expect(rows[0]).toEqual(['Paper', 'Problem / task', 'Method', 'Data (datasets, benchmarks)', 'Results', 'Code / project link']);
    expect(rows[1]![0]).toBe('EventFormer: Transformers for Event Cameras');
    expect(rows[1]![5]).toBe('https://github.com/example/eventformer');
    expect(rows[2]![5]).toBe('not stated in the abstract');
  });

  it('exports Markdown, also when asked with ?format=markdown', async () => {
    const response = await postJson(`${app.url}/api/table?format=markdown`, { question: 'speech synthesis', k: 1, columns: ['results'] });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="comparison-speech-synthesis.md"');
    const lines = (await response.text()).trim().split('\n');
    expect(lines[0]).toBe('| Paper | Results |');
    expect(lines[2]).toContain('4.3 MOS');
  });

  it('rejects an unknown ?format with a 400', async () => {
    const response = await postJson(`${app.url}/api/table?format=pdf`, { paperIds: [ids.eventformer] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('format:');
  });
});
