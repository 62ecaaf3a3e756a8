import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, ask, launchBrowser, openApp, screenshot, type OpenedPage, type PaperJson } from './helpers.ts';

interface SimilarJson {
  results: Array<{ paperId: string; title: string; reason: { summary: string; sentences: { similar: { text: string; start: number; end: number } } | null } }>;
}

describe('similar papers', () => {
  let browser: Browser;
  let opened: OpenedPage;

  beforeAll(async () => {
    browser = await launchBrowser();
    opened = await openApp(browser, {}, '#/papers');
  });

  afterAll(async () => {
    await opened?.context.close();
    await browser?.close();
  });

  it('the paper page lists similar papers with why, and following one highlights its matched sentence', async () => {
    const { page, problems } = opened;
    const search = await page.request.post('/api/search', { data: { query: 'event camera action recognition', k: 1 } });
    const [eventPaper] = ((await search.json()) as { results: Array<{ paperId: string; title: string }> }).results;
    await page.goto(`/#/paper/${encodeURIComponent(eventPaper!.paperId)}`);
    const items = page.locator('#similar-papers .similar-paper');
    await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(8);
    const expected = await apiGet<SimilarJson>(page, `/api/papers/${encodeURIComponent(eventPaper!.paperId)}/similar?k=8`);
    expect(await items.locator('.similar-title').allTextContents()).toEqual(expected.results.map((result) => result.title));
    expect(await items.first().locator('.similar-reason').textContent()).toBe(expected.results[0]!.reason.summary);
    expect(expected.results[0]!.reason.summary).toMatch(/^Shared terms: /);
    await screenshot(page, 'paper-similar-desktop.png');

    const first = expected.results[0]!;
    await items.first().locator('.similar-title').click();
    await expect.poll(() => page.locator('#paper-view h1').textContent()).toBe(first.title);
    const paper = await apiGet<PaperJson>(page, `/api/papers/${encodeURIComponent(first.paperId)}`);
    const pair = first.reason.sentences!;
    expect(paper.abstract.slice(pair.similar.start, pair.similar.end)).toBe(pair.similar.text);
    const mark = page.locator('#paper-view mark.quote');
    await expect.poll(() => mark.count()).toBe(1);
    // The page tidies LaTeX for display; the highlighted words are the matched sentence's.
    expect((await mark.textContent())!.slice(0, 20)).toBe(pair.similar.text.slice(0, 20));
    expect(await page.locator('#paper-view').textContent()).toContain('closest to the paper you came from');
    expect(problems).toEqual([]);
  });

  it('the citation popover has "More like this", which opens the paper page at its similar papers', async () => {
    const { page, problems } = opened;
    await page.goto('/#/');
    const { answer } = await ask(page, 'Which papers use event cameras?');
    const chip = answer.locator('.msg-body button.cite').first();
    await chip.click();
    const popover = page.locator('#popover');
    await expect.poll(() => popover.isVisible()).toBe(true);
    const title = (await popover.locator('.popover-title a').textContent()) ?? '';
    const more = popover.getByRole('link', { name: 'More like this' });
    expect(await more.getAttribute('href')).toMatch(/^#\/paper\/[^?]+\?similar=1$/);
    await more.click();
    await expect.poll(() => page.locator('#paper-view h1').textContent()).toBe(title);
    await expect.poll(() => page.locator('#similar-papers .similar-paper').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // Brought into view and focused, so keyboard and screen-reader users land on the list.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('similar-papers-heading');
    expect(await page.locator('#similar-papers').evaluate((element) => element.getBoundingClientRect().top < window.innerHeight)).toBe(true);
    expect(problems).toEqual([]);
  });
});
