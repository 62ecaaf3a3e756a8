import { readFile } from 'node:fs/promises';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, launchBrowser, openApp, screenshot, type OpenedPage } from './helpers.ts';

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ download: Download; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return { download, text: await readFile((await download.path())!, 'utf8') };
}

describe('bibliography export', () => {
  let browser: Browser;
  let opened: OpenedPage;

  beforeAll(async () => {
    browser = await launchBrowser();
    opened = await openApp(browser, { permissions: ['clipboard-read', 'clipboard-write'] }, '#/papers');
  });

  afterAll(async () => {
    await opened?.context.close();
    await browser?.close();
  });

  it('the paper page copies BibTeX and downloads .bib, .ris and CSL-JSON', async () => {
    const { page, problems } = opened;
    const search = await page.request.post('/api/search', { data: { query: 'event camera action recognition', k: 1 } });
    const [hit] = ((await search.json()) as { results: Array<{ paperId: string; title: string }> }).results;
    await page.goto(`/#/paper/${encodeURIComponent(hit!.paperId)}`);
    await expect.poll(() => page.locator('#paper-view h1').textContent()).toBe(hit!.title);
    const menu = page.locator('#paper-view .paper-actions .cite-menu');
    await menu.locator('summary').click();
    const expected = await (await page.request.get(`/api/papers/${encodeURIComponent(hit!.paperId)}/cite?format=bibtex`)).text();
    expect(expected).toMatch(/^@misc\{\w+,\n {2}title = \{\{EventTransAct\}/);

    await menu.getByRole('button', { name: 'Copy BibTeX' }).click();
    await expect.poll(() => menu.locator('.cite-status').textContent()).toBe('BibTeX copied ✓');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected);

    const bib = await downloaded(page, () => menu.getByRole('button', { name: 'BibTeX (.bib)' }).click());
    expect(bib.download.suggestedFilename()).toMatch(/^\w+\.bib$/);
    expect(bib.text).toBe(expected);
    const ris = await downloaded(page, () => menu.getByRole('button', { name: 'RIS (.ris)' }).click());
    expect(ris.download.suggestedFilename()).toMatch(/\.ris$/);
    expect(ris.text).toMatch(/^TY {2}- GEN\r\n/);
    const csl = await downloaded(page, () => menu.getByRole('button', { name: 'CSL-JSON (.json)' }).click());
    expect((JSON.parse(csl.text) as Array<{ title: string }>)[0]!.title).toBe(hit!.title);
    await screenshot(page, 'paper-cite-desktop.png');
    expect(problems).toEqual([]);
  });

  it('an answer cites its sources, the toolbar the whole conversation, and exportCitations is callable by other views', async () => {
    const { page, problems } = opened;
    await page.goto('/#/');
    const { answer } = await ask(page, 'Which papers use event cameras?');
    const sourceIds = await answer.locator('.sources .source-title').evaluateAll((links) => links.map((link) => decodeURIComponent(/#\/paper\/([^?]+)/.exec(link.getAttribute('href') ?? '')?.[1] ?? '')));
    expect(sourceIds.length).toBeGreaterThan(0);
    const sourcesMenu = answer.locator('.sources .cite-menu');
    await sourcesMenu.locator('summary').click();
    const ris = await downloaded(page, () => sourcesMenu.getByRole('button', { name: 'RIS (.ris)' }).click());
    expect(ris.text.match(/^ER {2}- /gm)?.length).toBe(new Set(sourceIds).size);
    await screenshot(page, 'chat-cite-sources-desktop.png');

    await ask(page, 'Which papers are about speech synthesis?');
    const cited = await page.locator('.msg.assistant .sources .source-title').evaluateAll((links) => [...new Set(links.map((link) => decodeURIComponent(/#\/paper\/([^?]+)/.exec(link.getAttribute('href') ?? '')?.[1] ?? '')))]);
    const allMenu = page.locator('.chat-toolbar .cite-menu');
    await allMenu.locator('summary').click();
    const all = await downloaded(page, () => allMenu.getByRole('button', { name: 'CSL-JSON (.json)' }).click());
    expect(all.download.suggestedFilename()).toBe('paperchat-citations.json');
    expect((JSON.parse(all.text) as unknown[]).length).toBe(cited.length);

    const viaFunction = await downloaded(page, async () => {
      // A string, so the test runner does not rewrite the page's dynamic import.
      await page.evaluate(`import('/cite.js').then((module) => module.exportCitations(${JSON.stringify(sourceIds)}, 'bibtex'))`);
    });
    expect(viaFunction.text.match(/^@\w+\{/gm)?.length).toBe(new Set(sourceIds).size);
    expect(problems).toEqual([]);
  });

  it('a comparison table and a topic-map cluster cite their papers', async () => {
    const { page, problems } = opened;
    const search = await page.request.post('/api/search', { data: { query: 'speech synthesis', k: 2 } });
    const ids = ((await search.json()) as { results: Array<{ paperId: string }> }).results.map((hit) => hit.paperId);
    await page.goto(`/#/table?ids=${ids.map(encodeURIComponent).join(',')}`);
    const tableMenu = page.locator('.table-export .cite-menu');
    await expect.poll(() => tableMenu.isVisible(), { timeout: 20_000 }).toBe(true);
    await tableMenu.locator('summary').click();
    const fromTable = await downloaded(page, () => tableMenu.getByRole('button', { name: 'RIS (.ris)' }).click());
    expect(fromTable.text.match(/^ER {2}- /gm)?.length).toBe(ids.length);

    const map = (await (await page.request.get('/api/map')).json()) as { clusters: Array<{ id: number; size: number }> };
    await page.goto('/#/map');
    await expect.poll(() => page.locator('#map-cluster-list li').count(), { timeout: 15_000 }).toBeGreaterThan(1);
    const label = page.locator('#map-labels .map-label:not(.map-label-hidden)').first();
    const clusterId = Number(await label.getAttribute('data-cluster'));
    const cluster = map.clusters.find((entry) => entry.id === clusterId)!;
    await label.locator('text').click();
    const mapMenu = page.locator('#map-selection .cite-menu');
    await expect.poll(() => mapMenu.isVisible()).toBe(true);
    await mapMenu.locator('summary').click();
    const fromMap = await downloaded(page, () => mapMenu.getByRole('button', { name: 'BibTeX (.bib)' }).click());
    expect(fromMap.text.match(/^@\w+\{/gm)?.length).toBe(cluster.size);
    expect(problems).toEqual([]);
  });
});
