import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexInfo } from '../../src/retrieval/paper-library.ts';
import { postJson, startTestApp, type TestApp } from '../helpers/test-app.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'ingest');
const ADMIN_TOKEN = 'test-admin-token';

interface SearchResult {
  paperId: string;
  title: string;
  authors: string[];
  year: number | null;
  venue: string | null;
  arxivId: string | null;
  doi: string | null;
  tags: string[];
  urls: Record<string, string>;
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const indexInfo = async (app: TestApp) => (await (await fetch(`${app.url}/api/index`)).json()) as IndexInfo;
const search = async (app: TestApp, body: unknown) => {
  const response = await postJson(`${app.url}/api/search`, body);
  return { status: response.status, body: (await response.json()) as { results: SearchResult[]; scope?: { papers: number }; error?: { message: string } } };
};

describe('dropping a Zotero export and an arXiv feed into SEEDS_DIR while the server runs', () => {
  let app: TestApp;
  let stopWatching: () => void;

  beforeAll(async () => {
    app = await startTestApp({ env: { SEEDS_WATCH_DEBOUNCE_MS: '100' } });
    stopWatching = app.library.watchSeedsDir();
    // Let the watcher attach to uploads/ before files arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await fs.copyFile(path.join(FIXTURES, 'good', 'zotero.bib'), path.join(app.config.SEEDS_DIR, 'zotero.bib'));
    await fs.copyFile(path.join(FIXTURES, 'good', 'arxiv.xml'), path.join(app.config.SEEDS_DIR, 'arxiv.xml'));
  });
  afterAll(async () => {
    stopWatching();
    await app.close();
  });

  it('rebuilds in the background and reports it on GET /api/index', async () => {
    const info = await until(async () => {
      const current = await indexInfo(app);
      return current.lastReport?.totals.added === 5 && current.building === null && !current.queued ? current : undefined;
    });
    expect(info.live).toMatchObject({ papers: 9, buildId: info.lastReport!.buildId });
    expect(info.lastReport!.files.map((file) => [file.file, file.added, file.rejected.length])).toEqual([
      ['000_fixture.txt', 0, 0],
      ['arxiv.xml', 3, 0],
      ['zotero.bib', 2, 3],
    ]);
    expect(info.lastReport!.files.find((file) => file.file === 'zotero.bib')!.rejected[0]).toMatchObject({ line: 33, reason: expect.stringContaining('broken BibTeX entry broken2020') });
  });

  it('serves metadata in /api/search and /api/papers/:id', async () => {
    const { body } = await search(app, { query: 'BERT bidirectional language representation', k: 1 });
    const [bert] = body.results;
    expect(bert).toMatchObject({ title: 'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding', year: 2018, arxivId: '1810.04805', urls: { arxiv: 'https://arxiv.org/abs/1810.04805' } });
    expect(bert!.authors).toEqual(['Jacob Devlin', 'Ming-Wei Chang', 'Kenton Lee', 'Kristina Toutanova']);
    const paper = (await (await fetch(`${app.url}/api/papers/${bert!.paperId}`)).json()) as SearchResult & { sources: Array<{ file: string }> };
    expect(paper.sources.map((source) => source.file)).toEqual(['arxiv.xml', 'zotero.bib']);
    expect(paper.tags).toEqual(['cs.CL', 'cs.LG', 'nlp', 'transformers']);
  });

  it('applies filters inside retrieval: k results still come back, unknown years are outside any range', async () => {
    const open = await search(app, { query: 'transformers event cameras tokens language', k: 3 });
    expect(open.body.results.some((hit) => hit.year === null)).toBe(true);
    const filtered = await search(app, { query: 'transformers event cameras tokens language', k: 3, filters: { yearFrom: 2020 } });
    expect(filtered.status).toBe(200);
    expect(filtered.body.results).toHaveLength(3);
    expect(filtered.body.results.every((hit) => hit.year !== null && hit.year >= 2020)).toBe(true);
    expect(filtered.body.scope).toEqual({ filters: { yearFrom: 2020 }, papers: 3 });

    const byAuthor = await search(app, { query: 'transformers', k: 10, filters: { authors: ['devlin'] } });
    expect(byAuthor.body.results.map((hit) => hit.arxivId)).toEqual(['1810.04805']);
    const byTag = await search(app, { query: 'vision', k: 10, filters: { tags: ['CS.CV'] } });
    expect(byTag.body.results.map((hit) => hit.title)).toEqual(['Sparse Mixture of Experts for Event Cameras']);
    const bySource = await search(app, { query: 'transformers', k: 10, filters: { source: 'bibtex', yearTo: 2018 } });
    expect(bySource.body.results.map((hit) => hit.year).sort()).toEqual([2016, 2018]);
  });

  it('answers from the new papers with citations, limited to the filters, and says what the scope was', async () => {
    const response = await postJson(`${app.url}/api/ask`, { question: 'Which model routes event tokens to a sparse mixture of experts?', filters: { yearFrom: 2023 } });
    expect(response.status).toBe(200);
    const result = (await response.json()) as { refused: boolean; citations: Array<{ title: string }>; retrieved: Array<{ title: string }>; scope: unknown };
    expect(result.refused).toBe(false);
    expect(result.citations.map((citation) => citation.title)).toContain('Sparse Mixture of Experts for Event Cameras');
    // EventFormer (event cameras, no year) is outside the range.
    expect(result.retrieved.map((hit) => hit.title)).toEqual(['Sparse Mixture of Experts for Event Cameras']);
    expect(result.scope).toEqual({ filters: { yearFrom: 2023 }, papers: 1 });
  });

  it('rejects bad filters with a 400 naming the field', async () => {
    const reversed = await search(app, { query: 'x', filters: { yearFrom: 2024, yearTo: 2020 } });
    expect(reversed.status).toBe(400);
    expect(reversed.body.error!.message).toContain('filters.yearFrom: yearFrom must not be after yearTo');
    const unknown = await postJson(`${app.url}/api/ask`, { question: 'x', filters: { venue: 'ACL' } });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/filters/);
  });
});

describe('POST /api/admin/papers', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ appOptions: { adminToken: ADMIN_TOKEN }, env: { UPLOAD_MAX_MB: '1' } });
  });
  afterAll(() => app.close());

  const upload = (name: string, body: Uint8Array | string, query = '', token = ADMIN_TOKEN) =>
    fetch(`${app.url}/api/admin/papers?filename=${encodeURIComponent(name)}${query}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]) });

  it('stores the file under uploads/, rebuilds and returns the report when asked to wait', async () => {
    const response = await upload('my-list.json', await fs.readFile(path.join(FIXTURES, 'good', 'list.json')), '&wait=true');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; file: { entries: number }; report: { totals: { added: number }; files: Array<{ file: string; added: number; rejected: Array<{ line: number }> }> } };
    expect(body.status).toBe('built');
    expect(body.file.entries).toBe(1);
    expect(body.report.files.find((file) => file.file === 'uploads/my-list.json')).toMatchObject({ added: 1, rejected: [{ line: 10, reason: expect.any(String), text: expect.any(String) }] });
    await fs.access(path.join(app.config.SEEDS_DIR, 'uploads', 'my-list.json'));
    const { body: found } = await search(app, { query: 'register tokens vision transformers', k: 1, filters: { source: 'uploads/' } });
    expect(found.results[0]).toMatchObject({ title: 'Vision Transformers Need Registers', year: 2023 });
  });

  it('answers 202 with a build id to poll when not waiting', async () => {
    const response = await upload('feed.xml', await fs.readFile(path.join(FIXTURES, 'good', 'arxiv.xml')));
    expect(response.status).toBe(202);
    const body = (await response.json()) as { status: string; buildId: string | null; poll: string };
    expect(body.poll).toBe('/api/index');
    const report = await until(async () => {
      const info = await indexInfo(app);
      return info.building === null && !info.queued && info.lastReport?.files.some((file) => file.file === 'uploads/feed.xml') ? info.lastReport : undefined;
    });
    if (body.buildId) expect(report.buildId).toBe(body.buildId);
    expect(report.files.find((file) => file.file === 'uploads/feed.xml')!.added).toBe(3);
  });

  it('refuses a file with no valid entry with a 400 naming file:line, and stores nothing', async () => {
    const response = await upload('broken.xml', await fs.readFile(path.join(FIXTURES, 'bad', 'truncated.xml')));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error).toEqual({ code: 'invalid_file', message: expect.stringContaining('uploads/broken.xml:23: invalid XML at line 23') });
    await expect(fs.access(path.join(app.config.SEEDS_DIR, 'uploads', 'broken.xml'))).rejects.toThrow();
  });

  it('checks the token, the file name, the type and the size', async () => {
    expect((await upload('a.bib', '@misc{x, title={T}, abstract={A}}', '', 'wrong')).status).toBe(401);
    const noName = await fetch(`${app.url}/api/admin/papers`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body: 'x' });
    expect(noName.status).toBe(400);
    expect(((await noName.json()) as { error: { message: string } }).error.message).toMatch(/^filename: required/);
    expect((await upload('../escape.bib', 'x')).status).toBe(400);
    const wrongType = await upload('paper.pdf', 'x');
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { error: { code: string } }).error.code).toBe('unsupported_format');
    const tooLarge = await upload('big.jsonl', Buffer.alloc(1024 * 1024 + 10, 0x20));
    expect(tooLarge.status).toBe(413);
  });
});

describe('POST /api/admin/papers without ADMIN_TOKEN', () => {
  it('does not exist', async () => {
    const app = await startTestApp();
    try {
      const response = await fetch(`${app.url}/api/admin/papers?filename=a.bib`, { method: 'POST', body: 'x' });
      expect(response.status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
