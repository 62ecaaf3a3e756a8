import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, launchBrowser, openApp, questionBox, screenshot, type OpenedPage } from './helpers.ts';

describe('papers view', () => {
  let browser: Browser;
  let opened: OpenedPage;

  beforeAll(async () => {
    browser = await launchBrowser();
    opened = await openApp(browser, {}, '#/papers');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('finds a paper while typing, opens it, and asks about it with paperIds', async () => {
    const { page } = opened;
    const searches: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/search')) searches.push((request.postDataJSON() as { query: string }).query);
    });
    const box = page.getByLabel('Search titles and abstracts');
    await box.click();
    const typed = 'event camera action recognition';
    await box.pressSequentially(typed, { delay: 40 });
    const result = page.locator('.paper-result', { hasText: 'EventTransAct' });
    await expect.poll(() => result.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // Debounced: far fewer searches than keystrokes, and the last one is the full query.
    expect(searches.length).toBeLessThan(typed.length / 3);
    expect(searches.at(-1)).toBe(typed);
    expect(page.url()).toContain(`#/papers?q=${encodeURIComponent(typed)}`);
    await screenshot(page, 'papers-desktop.png');

    await result.first().locator('.paper-result-title a').click();
    await expect.poll(() => page.locator('#paper-view h1').textContent()).toMatch(/EventTransAct/);
    const paperId = decodeURIComponent(/#\/paper\/([^?]+)/.exec(page.url())?.[1] ?? '');
    expect(paperId).not.toBe('');
    expect(await page.locator('#paper-view .abstract').textContent()).toMatch(/event/i);
    expect(await page.locator('#paper-view .links a').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#paper-view .related a').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await screenshot(page, 'paper-desktop.png');

    await page.getByRole('button', { name: 'Ask about this paper' }).click();
    await expect.poll(() => page.locator('#chat-view').isVisible()).toBe(true);
    const scope = page.locator('#scope .chip');
    expect(await scope.textContent()).toMatch(/EventTransAct/);
    expect(await questionBox(page).evaluate((element) => element === document.activeElement)).toBe(true);

    const { answer, request } = await ask(page, 'What dataset is it evaluated on?');
    const body = request.postDataJSON() as { paperIds?: string[] };
    expect(body.paperIds).toEqual([paperId]);
    expect(await page.locator('.msg.user .msg-scope').last().textContent()).toMatch(/EventTransAct/);
    const sourceTitles = await answer.locator('.sources .source-title').allTextContents();
    for (const title of sourceTitles) expect(title).toMatch(/EventTransAct/);

    // The scope chip can be removed: later questions go to all papers.
    await page.getByRole('button', { name: /^Remove scope/ }).click();
    expect(await page.locator('#scope').isHidden()).toBe(true);
    const { request: unscoped } = await ask(page, 'Which papers use transformers for event cameras?');
    expect((unscoped.postDataJSON() as { paperIds?: string[] }).paperIds).toBeUndefined();
    expect(opened.problems).toEqual([]);
  });

  it('fits a phone screen', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await phone.newPage();
    await page.goto(`${new URL(opened.page.url()).origin}/#/papers?q=${encodeURIComponent('token pruning')}`);
    await expect.poll(() => page.locator('.paper-result').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await screenshot(page, 'papers-phone.png');
    await phone.close();
  });
});
