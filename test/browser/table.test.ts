import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, ask, launchBrowser, openApp, screenshot, type OpenedPage, type PaperJson } from './helpers.ts';

interface TableJson {
  columns: Array<{ id: string; label: string }>;
  rows: Array<{ paperId: string; title: string; cells: Array<{ status: string; text: string; spans: Array<{ start: number; end: number; text: string }> }> }>;
}

/** Waits for the table view to show a finished table and returns its request body. */
async function tableLoaded(page: Page, action: () => Promise<unknown>): Promise<{ paperIds?: string[]; question?: string; columns?: string[] }> {
  const request = page.waitForRequest((candidate) => candidate.url().endsWith('/api/table') && candidate.method() === 'POST');
  const response = page.waitForResponse((candidate) => candidate.url().endsWith('/api/table') && candidate.request().method() === 'POST');
  await action();
  const sent = (await request).postDataJSON() as { paperIds?: string[]; question?: string; columns?: string[] };
  expect((await response).status()).toBe(200);
  await expect.poll(() => page.locator('#table-view .comparison-table').count(), { timeout: 30_000 }).toBe(1);
  return sent;
}

describe('comparison table view', () => {
  let browser: Browser;
  let opened: OpenedPage;

  beforeAll(async () => {
    browser = await launchBrowser();
    opened = await openApp(browser, { acceptDownloads: true }, '#/papers');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('compares ticked papers: a real table whose cells open their highlighted span', async () => {
    const { page, problems } = opened;
    await page.getByLabel('Search titles and abstracts').fill('event camera');
    const results = page.locator('.paper-result');
    await expect.poll(() => results.count(), { timeout: 15_000 }).toBeGreaterThan(2);
    const titles = (await results.locator('.paper-result-title').allTextContents()).slice(0, 2);
    await results.nth(0).getByRole('checkbox').check();
    expect(await page.getByRole('button', { name: 'Compare', exact: true }).isDisabled()).toBe(true);
    await results.nth(1).getByRole('checkbox').check();
    const sent = await tableLoaded(page, () => page.getByRole('button', { name: 'Compare', exact: true }).click());
    expect(sent.paperIds).toHaveLength(2);
    expect(sent.columns).toBeUndefined();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('table-heading');
    expect(page.url()).toMatch(/#\/table\?ids=[^,&]+,[^,&]+$/);

    const table = page.locator('#table-view table.comparison-table');
    expect(await table.locator('thead th[scope="col"]').allTextContents()).toEqual([
      'Paper',
      expect.stringContaining('Problem / task'),
      expect.stringContaining('Method'),
      expect.stringContaining('Data'),
      expect.stringContaining('Results'),
      expect.stringContaining('Code / project link'),
    ]);
    expect(await table.locator('tbody th[scope="row"]').allTextContents()).toEqual(titles);
    expect(await table.locator('thead th').first().evaluate((cell) => getComputedStyle(cell).position)).toBe('sticky');
    // Only elements on the page: no stray text such as a "null" from an absent warning.
    expect(await page.locator('#table-view .table-page').evaluate((element) => [...element.childNodes].filter((node) => node.nodeType === Node.TEXT_NODE).length)).toBe(0);
    await screenshot(page, 'table-desktop.png');

    // Every cell either quotes its abstract or says it is not stated; a stated one opens the highlight.
    const cells = table.locator('tbody td');
    expect(await cells.count()).toBe(10);
    for (const text of await cells.allTextContents()) expect(text.trim()).not.toBe('');
    const link = table.locator('tbody tr').first().locator('td a.table-cell-link').first();
    const href = (await link.getAttribute('href')) ?? '';
    const [, paperId, start, end] = /#\/paper\/([^?]+)\?start=(\d+)&end=(\d+)/.exec(href) ?? [];
    expect(paperId).toBeTruthy();
    await link.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#paper-view mark.quote').count()).toBe(1);
    const paper = await apiGet<PaperJson>(page, `/api/papers/${paperId}`);
    const marked = await page.locator('#paper-view mark.quote').textContent();
    expect(marked).toBe(paper.abstract.slice(Number(start), Number(end)).replace(/\\([%&#$_])/g, '$1'));
    expect(problems).toEqual([]);
  });

  it('adds a column from a question, removes one, and exports CSV and Markdown', async () => {
    const { page, problems } = opened;
    await tableLoaded(page, () => page.goBack());
    const sent = await tableLoaded(page, async () => {
      await page.getByLabel('Add a column (a question)').fill('which dataset is it evaluated on?');
      await page.getByRole('button', { name: 'Add column' }).click();
    });
    expect(sent.columns).toEqual(['problem', 'method', 'data', 'results', 'code', 'which dataset is it evaluated on?']);
    const headers = page.locator('#table-view thead th[scope="col"]');
    await expect.poll(() => headers.count()).toBe(7);
    expect(await headers.last().textContent()).toContain('which dataset is it evaluated on?');

    const removed = await tableLoaded(page, () => page.getByRole('link', { name: 'Remove column Method' }).click());
    expect(removed.columns).toEqual(['problem', 'data', 'results', 'code', 'which dataset is it evaluated on?']);
    await expect.poll(() => headers.count()).toBe(6);

    const csvDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const csv = await csvDownload;
    expect(csv.suggestedFilename()).toMatch(/^comparison-[a-z0-9-]+\.csv$/);
    const rows = parse(await readFile((await csv.path())!, 'utf8')) as string[][];
    expect(rows[0]).toEqual(['Paper', 'Problem / task', 'Data (datasets, benchmarks)', 'Results', 'Code / project link', 'which dataset is it evaluated on?']);
    expect(rows).toHaveLength(3);

    const markdownDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export Markdown' }).click();
    const markdown = await markdownDownload;
    expect(markdown.suggestedFilename()).toMatch(/\.md$/);
    const lines = (await readFile((await markdown.path())!, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('| Paper | Problem / task | Data (datasets, benchmarks) | Results | Code / project link | which dataset is it evaluated on? |');
    expect(lines).toHaveLength(4);
    expect(problems).toEqual([]);
  });

  it('opens from a list of ids in the URL and scrolls sideways on a narrow screen', async () => {
    const narrow = await openApp(browser, { viewport: { width: 375, height: 740 } });
    const { page } = narrow;
    const found = (await (await page.request.post('/api/search', { data: { query: 'vision transformer token pruning', k: 3 } })).json()) as { results: Array<{ paperId: string }> };
    const ids = found.results.map((hit) => hit.paperId);
    await tableLoaded(page, () => page.goto(`/#/table?ids=${ids.join(',')}`));
    const api = (await (await page.request.post('/api/table', { data: { paperIds: ids } })).json()) as TableJson;
    expect(await page.locator('#table-view tbody tr').count()).toBe(3);
    expect(await page.locator('#table-view tbody td.not-stated').count()).toBe(api.rows.flatMap((row) => row.cells).filter((cell) => cell.status === 'not_stated').length);
    const region = page.getByRole('region', { name: 'Comparison table' });
    const { scrollWidth, clientWidth } = await region.evaluate((element) => ({ scrollWidth: element.scrollWidth, clientWidth: element.clientWidth }));
    expect(scrollWidth).toBeGreaterThan(clientWidth);
    // The table scrolls inside its region; the page itself does not overflow.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    // Keyboard: the region takes focus and arrow keys scroll it.
    await region.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => region.evaluate((element) => element.scrollLeft)).toBeGreaterThan(0);
    await screenshot(page, 'table-narrow.png');
    expect(narrow.problems).toEqual([]);
    await narrow.context.close();
  });

  it('opens a table of an answer’s sources from “Compare” under the answer', async () => {
    const chat = await openApp(browser);
    const { page } = chat;
    const { answer } = await ask(page, 'Which papers use transformers for event cameras?');
    const cited = await answer.locator('.sources .source-title').count();
    expect(cited).toBeGreaterThanOrEqual(2);
    const compare = answer.getByRole('link', { name: /^Compare \d+ papers$/ });
    const sent = await tableLoaded(page, () => compare.click());
    const sourceIds = await answer.locator('.sources .source-title').evaluateAll((links) => [...new Set(links.map((link) => decodeURIComponent(/#\/paper\/([^?]+)/.exec(link.getAttribute('href') ?? '')?.[1] ?? '')))]);
    expect(sent.paperIds).toEqual(sourceIds);
    expect(await page.locator('#table-view tbody tr').count()).toBe(sourceIds.length);
    expect(chat.problems).toEqual([]);
    await chat.context.close();
  });
});
