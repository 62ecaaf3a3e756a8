import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ask, launchBrowser, openApp, screenshot, type OpenedPage } from './helpers.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'ingest', 'good');
const ADDED = ['zotero.bib', 'arxiv.xml'];

interface IndexInfo {
  live: { papers: number } | null;
  building: unknown;
  queued: boolean;
  lastReport: { buildId: string; totals: { added: number; removed: number } } | null;
}

/**
 * The "done when": drop a Zotero export and an arXiv feed into SEEDS_DIR while the
 * server runs, see the report, filter by year and get cited answers from the new papers.
 */
describe('bring your own papers', () => {
  const seedsDir = inject('seedsDir');
  let browser: Browser;
  let opened: OpenedPage;
  let basePapers = 0;

  const info = async (): Promise<IndexInfo> => (await (await opened.page.request.get('/api/index')).json()) as IndexInfo;
  const settled = async (): Promise<IndexInfo | undefined> => {
    const current = await info();
    return current.building === null && !current.queued ? current : undefined;
  };

  beforeAll(async () => {
    browser = await launchBrowser();
    opened = await openApp(browser);
    basePapers = (await info()).live?.papers ?? 0;
  });

  afterAll(async () => {
    // Put the corpus back as it was for the other browser tests (and the next run).
    if (seedsDir) {
      for (const name of ADDED) await fs.rm(path.join(seedsDir, name), { force: true });
      // expect.poll is for tests only: a plain wait here.
      const deadline = Date.now() + 170_000;
      while ((await settled().catch(() => undefined))?.live?.papers !== basePapers && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await browser?.close();
  });

  it.skipIf(!seedsDir)('notices the new files, shows the report, filters by year and cites the new papers', async () => {
    const { page } = opened;
    // Wait for the notice that a previous build may already have set, so only the new one counts.
    await page.waitForTimeout(500);
    for (const name of ADDED) await fs.copyFile(path.join(FIXTURES, name), path.join(seedsDir, name));

    const notice = page.locator('#index-notice');
    await expect.poll(() => notice.textContent(), { timeout: 170_000, interval: 1000 }).toMatch(/^Updated: 5 papers added · 3 problems$/);
    expect(await notice.getAttribute('class')).toContain('updated');
    await screenshot(page, 'ingest-notice.png');

    // The report page, reachable from the status bar.
    await page.locator('#index-report-link').click();
    await expect.poll(() => page.locator('#index-view').isVisible()).toBe(true);
    const bib = page.locator('.report-file', { has: page.locator('h3 code', { hasText: /^zotero\.bib$/ }) });
    await expect.poll(() => bib.locator('.report-counts').textContent(), { timeout: 10_000 }).toContain('2 added');
    const problems = await bib.locator('.report-problem').allTextContents();
    expect(problems.some((text) => /^zotero\.bib:33 broken BibTeX entry broken2020/.test(text))).toBe(true);
    expect(problems.some((text) => /^zotero\.bib:44 no abstract/.test(text))).toBe(true);
    expect(problems.some((text) => /^zotero\.bib:13 merged into BERT/.test(text))).toBe(true);
    await screenshot(page, 'index-report.png');

    // Papers view: a year filter keeps only papers with a known year in range.
    await page.goto('/#/papers');
    await page.getByLabel('Search titles and abstracts').fill('event cameras');
    await expect.poll(() => page.locator('.paper-result').count(), { timeout: 15_000 }).toBeGreaterThan(1);
    const searched = page.waitForRequest((request) => request.url().endsWith('/api/search') && Boolean((request.postDataJSON() as { filters?: unknown }).filters));
    await page.locator('#paper-filter-year-from').fill('2023');
    expect(((await searched).postDataJSON() as { filters: unknown }).filters).toEqual({ yearFrom: 2023 });
    await expect.poll(() => page.locator('.paper-result-title').allTextContents(), { timeout: 15_000 }).toEqual(['Sparse Mixture of Experts for Event Cameras']);
    expect(await page.locator('#paper-search-status').textContent()).toContain('limited to 2023 or later');
    expect(await page.locator('.paper-result .byline').first().textContent()).toBe('Ada Example · 2023 · CVPR 2023');

    // The paper page shows the metadata and the arXiv / DOI links.
    await page.locator('.paper-result-title a').first().click();
    await expect.poll(() => page.locator('#paper-view h1').textContent()).toBe('Sparse Mixture of Experts for Event Cameras');
    expect(await page.locator('#paper-view .paper-ids a').allTextContents()).toEqual(['arXiv:2303.01234', 'DOI 10.5555/moe.events.2023']);
    expect(await page.locator('#paper-view .paper-ids a').first().getAttribute('href')).toBe('https://arxiv.org/abs/2303.01234');
    expect(await page.locator('#paper-view .tag').allTextContents()).toEqual(['cs.CV']);
    await screenshot(page, 'paper-metadata.png');

    // Chat: limit answers to 2020 or later; the request carries the filters and the answer says its scope.
    await page.goto('/#/');
    await page.locator('#filters-toggle').click();
    await page.locator('#chat-filter-year-from').fill('2020');
    expect(await page.locator('#filter-scope').textContent()).toContain('2020 or later');
    const { answer, request } = await ask(page, 'Which model routes event tokens to a sparse mixture of experts?');
    expect((request.postDataJSON() as { filters?: unknown }).filters).toEqual({ yearFrom: 2020 });
    expect(await answer.locator('.answer-scope').textContent()).toMatch(/^Limited to 2020 or later · \d+ papers$/);
    const titles = await answer.locator('.sources .source-title').allTextContents();
    expect(titles).toContain('Sparse Mixture of Experts for Event Cameras');
    // The citation popover shows who wrote it, when, and the arXiv link.
    await answer.locator('.sources .cite').first().click();
    const popover = page.locator('#popover');
    await expect.poll(() => popover.locator('.popover-byline').textContent(), { timeout: 15_000 }).toMatch(/\d{4}/);
    expect(await popover.locator('.popover-links a').first().getAttribute('href')).toMatch(/^https:\/\/arxiv\.org\/abs\//);
    await screenshot(page, 'chat-filtered.png');

    // The filter chip clears the filters.
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: /^Remove filters/ }).click();
    expect(await page.locator('#filter-scope').isHidden()).toBe(true);
    expect(opened.problems).toEqual([]);
  });
});
