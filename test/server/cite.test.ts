import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bibtexFormat } from '../../src/corpus/formats/bibtex.ts';
import { postJson, startTestApp, type TestApp } from '../helpers/test-app.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'ingest', 'good');

let app: TestApp;
let bertId: string;
let resnetId: string;

async function idOf(query: string): Promise<string> {
  const { results } = (await (await postJson(`${app.url}/api/search`, { query, k: 1 })).json()) as { results: Array<{ paperId: string }> };
  return results[0]!.paperId;
}

beforeAll(async () => {
  app = await startTestApp();
  await fs.copyFile(path.join(FIXTURES, 'zotero.bib'), path.join(app.config.SEEDS_DIR, 'zotero.bib'));
  await app.library.rebuild();
  bertId = await idOf('BERT pre-training deep bidirectional transformers');
  resnetId = await idOf('deep residual learning image recognition');
});
afterAll(async () => {
  await app.close();
});

describe('GET /api/papers/:id/cite', () => {
  it('exports BibTeX by default, with key, arXiv eprint and the BibTeX media type', async () => {
    const response = await fetch(`${app.url}/api/papers/${bertId}/cite`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-bibtex; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBeNull();
    const text = await response.text();
    expect(text).toMatch(/^@\w+\{devlin2018bert,\n/);
    expect(text).toContain('  title = {{BERT}: Pre-training');
    expect(text).toContain('  eprint = {1810.04805},\n  archivePrefix = {arXiv},');
    const [entry] = bibtexFormat.parse('x.bib', text, { titleOnly: false }).entries;
    const paper = app.library.getPaper(bertId)!;
    expect(entry).toMatchObject({ title: paper.title, abstract: paper.abstract, authors: paper.authors, year: paper.year, arxivId: paper.arxivId });
  });

  it.each([
    ['ris', 'application/x-research-info-systems; charset=utf-8', 'ris', /^TY {2}- /],
    ['csl-json', 'application/vnd.citationstyles.csl+json; charset=utf-8', 'json', /^\[\n/],
    ['bibtex', 'application/x-bibtex; charset=utf-8', 'bib', /^@/],
  ])('format=%s has its media type, and download=1 an attachment filename', async (format, contentType, extension, start) => {
    const response = await fetch(`${app.url}/api/papers/${resnetId}/cite?format=${format}&download=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="he2016deep.${extension}"`);
    expect(await response.text()).toMatch(start);
  });

  it('rejects an unknown format with a 400 naming it, and an unknown paper with a 404', async () => {
    const bad = await fetch(`${app.url}/api/papers/${bertId}/cite?format=endnote`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^format: /);
    const missing = await fetch(`${app.url}/api/papers/no-such-paper/cite`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'No paper with id "no-such-paper".' } });
  });
});

describe('POST /api/cite', () => {
  it('exports a set of papers in the order given, duplicates dropped, as CSL-JSON', async () => {
    const response = await postJson(`${app.url}/api/cite`, { paperIds: [resnetId, bertId, resnetId], format: 'csl-json' });
    expect(response.status).toBe(200);
    const items = (await response.json()) as Array<{ id: string; title: string }>;
    expect(items.map((item) => item.id)).toEqual(['he2016deep', 'devlin2018bert']);
  });

  it('names the whole set in the download filename', async () => {
    const response = await postJson(`${app.url}/api/cite`, { paperIds: [resnetId, bertId], format: 'ris', download: true });
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="paperchat-citations.ris"');
    expect((await response.text()).match(/^ER {2}- /gm)).toHaveLength(2);
  });

  it.each([
    [{ paperIds: [], format: 'bibtex' }, 'paperIds'],
    [{ paperIds: ['x'], format: 'word' }, 'format'],
    [{ paperIds: ['x'] }, 'format'],
    [{ paperIds: 'x', format: 'bibtex' }, 'paperIds'],
    [{ paperIds: ['x'], format: 'bibtex', style: 'apa' }, 'body'],
  ])('rejects %j with a 400 naming %s', async (body, field) => {
    const response = await postJson(`${app.url}/api/cite`, body);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_request');
    expect(error.message.startsWith(`${field}: `) || error.message.includes(field)).toBe(true);
  });

  it('answers unknown ids with one 404 listing them', async () => {
    const response = await postJson(`${app.url}/api/cite`, { paperIds: [bertId, 'ghost-1', 'ghost-2'], format: 'bibtex' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'No paper with ids "ghost-1", "ghost-2".' } });
  });
});
