import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, launchBrowser, openApp, questionBox, screenshot, sendQuestion, type OpenedPage } from './helpers.ts';

const QUESTION = 'Which methods prune or merge tokens in vision transformers?';

function errorJson(code: string, message: string) {
  return JSON.stringify({ error: { code, message } });
}

async function expectErrorShown(page: Page, title: RegExp): Promise<void> {
  const error = page.locator('.msg.error').last();
  await expect.poll(() => error.isVisible(), { timeout: 15_000 }).toBe(true);
  expect(await error.getAttribute('role')).toBe('alert');
  expect(await error.locator('.error-title').textContent()).toMatch(title);
  // The question is not lost: it is back in the box, ready to retry.
  expect(await questionBox(page).inputValue()).toBe(QUESTION);
}

describe('errors are shown plainly and the question is kept', () => {
  let browser: Browser;
  let opened: OpenedPage;

  beforeAll(async () => {
    browser = await launchBrowser();
    opened = await openApp(browser);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('429: says when to retry; the retry then works', async () => {
    const { page } = opened;
    await page.route(
      '**/api/ask',
      (route) => route.fulfill({ status: 429, headers: { 'Content-Type': 'application/json', 'Retry-After': '7' }, body: errorJson('rate_limited', 'Too many requests: at most 120 a minute. Try again shortly.') }),
      { times: 1 },
    );
    await sendQuestion(page, QUESTION);
    await expectErrorShown(page, /Too many requests/);
    expect(await page.locator('.msg.error').last().textContent()).toMatch(/7 seconds/);
    expect(await page.locator('.msg.error button').last().isDisabled()).toBe(true);
    expect(await page.locator('.msg.user.failed').count()).toBe(1);
    await screenshot(page, 'chat-error-429.png');

    // Sending again (the route was used once) reaches the real server and replaces the error.
    const { answer, request } = await ask(page, await questionBox(page).inputValue());
    expect((request.postDataJSON() as { history: unknown[] }).history).toEqual([]);
    expect(await answer.locator('button.cite').count()).toBeGreaterThan(0);
    expect(await page.locator('.msg.error').count()).toBe(0);
    expect(await page.locator('.msg.user').count()).toBe(1);
    expect(await questionBox(page).inputValue()).toBe('');
  });

  it('503 while indexing, 400, network failure and a broken stream', async () => {
    const { page } = opened;
    await page.getByRole('button', { name: 'New chat' }).click();
    const cases: Array<{ title: RegExp; handle: Parameters<Page['route']>[1] }> = [
      { title: /still being indexed/, handle: (route) => route.fulfill({ status: 503, headers: { 'Content-Type': 'application/json', 'Retry-After': '5' }, body: errorJson('index_not_ready', 'The index is still being built; try again in a moment.') }) },
      { title: /could not be sent/, handle: (route) => route.fulfill({ status: 400, contentType: 'application/json', body: errorJson('invalid_request', 'question: must not be empty') }) },
      { title: /Can’t reach/, handle: (route) => route.abort('connectionrefused') },
      {
        title: /interrupted/,
        handle: (route) =>
          route.fulfill({ status: 200, headers: { 'Content-Type': 'text/event-stream' }, body: 'event: text-delta\ndata: {"text":"Partial "}\n\nevent: error\ndata: {"error":{"code":"llm_error","message":"The answer could not be completed."}}\n\n' }),
      },
    ];
    for (const { title, handle } of cases) {
      await page.route('**/api/ask', handle, { times: 1 });
      await questionBox(page).fill('');
      await sendQuestion(page, QUESTION);
      await expectErrorShown(page, title);
      // Only the latest failure is shown; failed turns are never sent as history.
      expect(await page.locator('.msg.error').count()).toBe(1);
    }
    expect(await page.locator('.msg.error').textContent()).toMatch(/could not be completed/);
    expect(await page.locator('#conversation-list .conversation').count()).toBe(1);
    expect(opened.problems).toEqual([]);
  });

  it('shows an indexing banner from /api/health', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.route('**/api/health', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ status: 'indexing', papers: 0, chunks: 0, embedder: null }) }));
    await page.goto(`${new URL(opened.page.url()).origin}/#/`);
    const banner = page.locator('#banner');
    await expect.poll(() => banner.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await banner.textContent()).toMatch(/Indexing/);
    expect(await page.locator('#index-status').textContent()).toMatch(/Indexing/);
    await screenshot(page, 'chat-indexing-banner.png');
    await context.close();
  });

  it('says keyword-only answers are served during a first build', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.route('**/api/health', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ status: 'indexing', keywordAnswers: true, papers: 500, chunks: 0, embedder: null }) }));
    await page.goto(`${new URL(opened.page.url()).origin}/#/`);
    const banner = page.locator('#banner');
    await expect.poll(() => banner.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await banner.textContent()).toMatch(/keyword-only answers/);
    expect(await page.locator('#index-status').textContent()).toMatch(/keyword-only/);
    await context.close();
  });
});
