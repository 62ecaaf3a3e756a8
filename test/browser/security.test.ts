import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, launchBrowser, openApp, type OpenedPage, type PaperJson } from './helpers.ts';

const IMG = '<img src=x onerror="window.__xss=1">';
const SCRIPT = '<script>window.__xss=1</script>';
const ABSTRACT_INJECTION = '<img src=x onerror=window.__xss=2>';

describe('untrusted text renders inert', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function xssFlag(opened: OpenedPage): Promise<unknown> {
    return opened.page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss);
  }

  it('shows HTML in a question as text', async () => {
    const opened = await openApp(browser);
    const { page } = opened;
    const question = `What do transformers do with event cameras ${IMG} and ${SCRIPT}?`;
    await ask(page, question);
    const user = page.locator('.msg.user').last();
    expect(await user.locator('.msg-text').textContent()).toBe(question);
    expect(await page.locator('#conversation-title').textContent()).toContain(IMG.slice(0, 10));
    expect(await page.locator('.messages img, .messages script, #conversation-list img, #conversation-list script').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(await xssFlag(opened)).toBeUndefined();
    expect(opened.problems).toEqual([]);
    await opened.context.close();
  });

  it('shows HTML in a source abstract as text in the citation popover', async () => {
    const opened = await openApp(browser);
    const { page } = opened;
    let patchedId = '';
    // Exactly one paper response is modified: the first one the page asks for (the chip's paper).
    await page.route(
      '**/api/papers/*',
      async (route) => {
        const response = await route.fetch();
        const paper = (await response.json()) as PaperJson;
        patchedId = paper.paperId;
        await route.fulfill({ response, json: { ...paper, abstract: `${paper.abstract} ${ABSTRACT_INJECTION} <script>window.__xss=2</script>` } });
      },
      { times: 1 },
    );
    const { answer } = await ask(page, 'Which papers use transformers for event cameras?');
    await answer.locator('.msg-body button.cite').first().click();
    const popover = page.locator('#popover');
    await expect.poll(() => popover.locator('mark').count(), { timeout: 15_000 }).toBe(1);
    expect(patchedId).not.toBe('');
    const abstractText = (await popover.locator('.abstract').textContent()) ?? '';
    expect(abstractText).toContain(ABSTRACT_INJECTION);
    expect(abstractText).toContain('<script>window.__xss=2</script>');
    expect(await popover.locator('img, script').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(await xssFlag(opened)).toBeUndefined();

    // The paper page renders the same abstract as text too.
    await popover.getByRole('link', { name: 'Open paper' }).click();
    await expect.poll(() => page.locator('#paper-view .abstract').textContent()).toContain(ABSTRACT_INJECTION);
    // Opened from a citation: the cited sentence is highlighted on the paper page too.
    expect(await page.locator('#paper-view mark').count()).toBe(1);
    expect(await page.locator('#paper-view img, #paper-view script').count()).toBe(0);
    expect(await xssFlag(opened)).toBeUndefined();
    expect(opened.problems).toEqual([]);
    await opened.context.close();
  });

  it('renders Markdown answers without running HTML or javascript: links', async () => {
    const opened = await openApp(browser);
    const { page } = opened;
    const evil = [
      'Answer with **bold** text [1] and raw HTML <img src=x onerror="window.__xss=3"> inline.',
      '',
      '<script>window.__xss=4</script>',
      '',
      '- a [link](javascript:window.__xss=5) and an ![image](x" onerror="window.__xss=6) [1]',
      '- <a href="javascript:window.__xss=7">anchor</a>',
    ].join('\n');
    const result = {
      answer: evil,
      citations: [{ n: 1, paperId: 'x', title: 'A <b>paper</b> title <img src=x onerror=window.__xss=8>', quote: 'q', start: 0, end: 1 }],
      refused: false,
      query: 'q',
      provider: 'test',
      timings: { retrieveMs: 1, generateMs: 1 },
      retrieved: [{ paperId: 'x', title: '<img src=x onerror=window.__xss=9>', score: 1, scores: { fused: 1 } }],
    };
    await page.route('**/api/ask', (route) =>
      route.fulfill({
        status: 200,
        headers: { 'Content-Type': 'text/event-stream' },
        body: `event: text-delta\ndata: ${JSON.stringify({ text: evil })}\n\nevent: answer-end\ndata: ${JSON.stringify(result)}\n\n`,
      }),
    );
    await page.getByLabel('Show retrieval').check();
    const { answer } = await ask(page, 'Show me something');
    expect(await answer.locator('strong').first().textContent()).toBe('bold');
    expect(await answer.locator('img, script, [onerror]').count()).toBe(0);
    expect(await answer.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await answer.locator('.msg-body').textContent()).toContain('<img src=x onerror="window.__xss=3">');
    expect(await answer.locator('.sources .source-title').textContent()).toContain('<img src=x onerror=window.__xss=8>');
    expect(await answer.locator('.retrieval tbody').textContent()).toContain('<img src=x onerror=window.__xss=9>');
    await page.waitForTimeout(300);
    expect(await xssFlag(opened)).toBeUndefined();
    expect(opened.problems).toEqual([]);
    await opened.context.close();
  });
});
