import { readFile } from 'node:fs/promises';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, ask, launchBrowser, openApp, questionBox, screenshot, type OpenedPage, type PaperJson } from './helpers.ts';

const FIRST_QUESTION = 'Which papers use transformers for event cameras?';
const FOLLOW_UP = 'Which of them reports results on N-EPIC Kitchens?';
const OFF_TOPIC = 'What is the best recipe for chocolate cake?';

interface AskBody {
  question: string;
  history: Array<{ role: string; content: string }>;
  paperIds?: string[];
  stream: boolean;
}

describe('chat against the real server', () => {
  let browser: Browser;
  let opened: OpenedPage;
  let page: Page;
  let firstRequest: Request;

  beforeAll(async () => {
    browser = await launchBrowser();
    opened = await openApp(browser, { permissions: ['clipboard-read', 'clipboard-write'] });
    page = opened.page;
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('starts with an intro, example questions and the index status', async () => {
    await expect.poll(() => page.locator('.intro').isVisible()).toBe(true);
    expect(await page.locator('.intro .example').count()).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.locator('#index-status').textContent(), { timeout: 10_000 }).toMatch(/\d+ papers .*embeddings: \S+/);
    expect(await page.locator('#banner').isHidden()).toBe(true);
  });

  it('streams an answer with citation chips and a sources panel', async () => {
    const response = page.waitForResponse((candidate) => candidate.url().endsWith('/api/ask'));
    const { answer, request } = await ask(page, FIRST_QUESTION);
    firstRequest = request;
    const sse = await response;
    expect(sse.headers()['content-type']).toContain('text/event-stream');
    const events = await sse.text();
    expect(events.match(/^event: text-delta$/gm)?.length ?? 0).toBeGreaterThan(1);
    expect(events).toMatch(/^event: answer-end$/m);

    const body = request.postDataJSON() as AskBody;
    expect(body).toMatchObject({ question: FIRST_QUESTION, history: [], stream: true });

    expect(await answer.getAttribute('class')).not.toContain('refused');
    const chips = answer.locator('.msg-body button.cite');
    expect(await chips.count()).toBeGreaterThan(0);
    expect(await answer.locator('.sources li').count()).toBeGreaterThan(0);
    expect(await answer.locator('.msg-body').textContent()).toMatch(/event/i);
    // Saved and listed in the sidebar under its first question.
    expect(await page.locator('#conversation-list .conversation-title').first().textContent()).toBe(FIRST_QUESTION);
  });

  it('opens a citation popover with the paper and the supporting sentence highlighted', async () => {
    const chip = page.locator('.msg.assistant').last().locator('.msg-body button.cite').first();
    const chipLabel = (await chip.getAttribute('aria-label')) ?? '';
    await chip.click();
    const popover = page.locator('#popover');
    await expect.poll(() => popover.isVisible()).toBe(true);
    await expect.poll(() => popover.locator('mark').count(), { timeout: 15_000 }).toBe(1);
    const title = (await popover.locator('.popover-title').textContent()) ?? '';
    expect(chipLabel).toContain(title);
    const href = (await popover.locator('.popover-title a').getAttribute('href')) ?? '';
    const paperId = decodeURIComponent(/#\/paper\/([^?]+)/.exec(href)?.[1] ?? '');
    const paper = await apiGet<PaperJson>(page, `/api/papers/${encodeURIComponent(paperId)}`);
    const marked = (await popover.locator('mark').textContent()) ?? '';
    expect(marked.length).toBeGreaterThan(10);
    // The page shows LaTeX escapes such as `\%` as the plain character.
    const tidy = (text: string) => text.replace(/\\([%&#$_])/g, '$1');
    expect(tidy(paper.abstract)).toContain(marked);
    expect(await popover.locator('.abstract').textContent()).toBe(tidy(paper.abstract));
    await screenshot(page, 'chat-popover-desktop.png');

    // Escape closes it and gives focus back to the chip.
    await page.keyboard.press('Escape');
    await expect.poll(() => popover.isHidden()).toBe(true);
    expect(await chip.evaluate((element) => element === document.activeElement)).toBe(true);

    // Keyboard: Enter on the focused chip opens it and moves focus inside.
    await page.keyboard.press('Enter');
    await expect.poll(() => popover.isVisible()).toBe(true);
    expect(await popover.evaluate((element) => element.contains(document.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => popover.isHidden()).toBe(true);

    // Hover shows it too (from elsewhere: the pointer is still where the click was).
    await page.mouse.move(5, 5);
    await chip.hover();
    await expect.poll(() => popover.isVisible()).toBe(true);
    await page.mouse.move(5, 5);
    await expect.poll(() => popover.isHidden()).toBe(true);
  });

  it('shows the retrieval scores behind the toggle', async () => {
    const retrieval = page.locator('.msg.assistant').last().locator('.retrieval');
    expect(await retrieval.isHidden()).toBe(true);
    await page.getByLabel('Show retrieval').check();
    expect(await retrieval.isVisible()).toBe(true);
    expect(await retrieval.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await retrieval.locator('thead').textContent()).toMatch(/Fused.*Lexical.*Vector/);
    expect(await retrieval.locator('tbody tr').first().locator('td.num').first().textContent()).toMatch(/^\d+\.\d{3}$/);
    await retrieval.scrollIntoViewIfNeeded();
    await screenshot(page, 'chat-retrieval-desktop.png');
    await page.getByLabel('Show retrieval').uncheck();
  });

  it('sends the earlier turns as history with a follow-up', async () => {
    const first = page.locator('.msg.assistant').last();
    const { answer, request } = await ask(page, FOLLOW_UP);
    const body = request.postDataJSON() as AskBody;
    expect(body.question).toBe(FOLLOW_UP);
    expect(body.history).toHaveLength(2);
    expect(body.history[0]).toEqual({ role: 'user', content: FIRST_QUESTION });
    expect(body.history[1]?.role).toBe('assistant');
    expect(body.history[1]?.content.length).toBeGreaterThan(20);
    expect(body.history[1]?.content).toMatch(/\[\d+\]/);
    expect(await first.isVisible()).toBe(true);
    expect(await answer.isVisible()).toBe(true);
    expect(firstRequest).toBeDefined();
  });

  it('copies an answer and exports the conversation as Markdown', async () => {
    const answer = page.locator('.msg.assistant').first();
    await answer.getByRole('button', { name: 'Copy answer' }).click();
    await expect.poll(() => answer.getByRole('button', { name: /Copied/ }).count()).toBe(1);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain('Sources:');
    expect(copied).toMatch(/\[1\] /);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^paperchat-.*\.md$/);
    const markdown = await readFile((await file.path()) ?? '', 'utf8');
    expect(markdown).toContain(`## ${FIRST_QUESTION}`);
    expect(markdown).toContain(`## ${FOLLOW_UP}`);
    expect(markdown).toContain('**Sources**');
  });

  it('keeps conversations across reloads and starts new chats', async () => {
    await page.reload();
    await page.waitForFunction(() => document.body.classList.contains('ready'));
    expect(await page.locator('.msg.user').count()).toBe(2);
    expect(await page.locator('.msg.assistant button.cite').count()).toBeGreaterThan(0);
    await screenshot(page, 'chat-desktop.png');

    await page.getByRole('button', { name: 'New chat' }).click();
    expect(await page.locator('.intro').isVisible()).toBe(true);
    expect(await page.locator('.msg').count()).toBe(0);
    expect(await questionBox(page).evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await page.locator('#conversation-list .conversation').count()).toBe(1);
  });

  it('shows a refusal as a refusal, without citations', async () => {
    const { answer } = await ask(page, OFF_TOPIC);
    expect(await answer.getAttribute('class')).toContain('refused');
    expect(await answer.locator('.refusal-head').textContent()).toMatch(/No answer/);
    expect(await answer.locator('.cite').count()).toBe(0);
    expect(await answer.locator('.sources').count()).toBe(0);
    await screenshot(page, 'chat-refusal-desktop.png');
    expect(await page.locator('#conversation-list .conversation').count()).toBe(2);

    // Back to the first conversation from the sidebar.
    await page.locator('#conversation-list .conversation', { hasText: FIRST_QUESTION }).click();
    expect(await page.locator('.msg.user').count()).toBe(2);
  });

  it('has a dark theme that follows the system and a remembered toggle', async () => {
    const dark = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark', storageState: await opened.context.storageState() });
    const darkPage = await dark.newPage();
    await darkPage.goto(`${new URL(page.url()).origin}/#/`);
    await darkPage.waitForFunction(() => document.body.classList.contains('ready'));
    const background = () => darkPage.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await background()).toBe('rgb(17, 19, 24)');
    expect(await darkPage.locator('.msg.assistant button.cite').count()).toBeGreaterThan(0);
    await screenshot(darkPage, 'chat-desktop-dark.png');

    await darkPage.getByRole('button', { name: 'Switch to light theme' }).click();
    expect(await background()).toBe('rgb(246, 246, 243)');
    await darkPage.reload();
    await darkPage.waitForFunction(() => document.body.classList.contains('ready'));
    expect(await background()).toBe('rgb(246, 246, 243)');
    expect(await darkPage.locator('html').getAttribute('data-theme')).toBe('light');
    await dark.close();
  });

  it('fits a phone screen, with the sidebar collapsed', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const phone = await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        colorScheme,
        storageState: await opened.context.storageState(),
      });
      const phonePage = await phone.newPage();
      await phonePage.goto(`${new URL(page.url()).origin}/#/`);
      await phonePage.waitForFunction(() => document.body.classList.contains('ready'));
      expect(await phonePage.locator('#sidebar').isVisible()).toBe(false);
      const overflow = await phonePage.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(phonePage, colorScheme === 'light' ? 'chat-phone.png' : 'chat-phone-dark.png');
      if (colorScheme === 'light') {
        await phonePage.getByRole('button', { name: 'Conversations' }).click();
        await expect.poll(() => phonePage.locator('#sidebar').isVisible()).toBe(true);
        await phonePage.waitForTimeout(300);
        await screenshot(phonePage, 'chat-phone-sidebar.png');
        await phonePage.keyboard.press('Escape');
        await expect.poll(() => phonePage.locator('#sidebar').isVisible()).toBe(false);
        await phonePage.locator('.msg.assistant').first().locator('.msg-body button.cite').first().tap();
        await expect.poll(() => phonePage.locator('#popover mark').count(), { timeout: 15_000 }).toBe(1);
        expect(await phonePage.locator('#popover').getAttribute('class')).toContain('sheet');
        await screenshot(phonePage, 'chat-phone-popover.png');
      }
      await phone.close();
    }
  });

  it('logged no errors in the page', () => {
    expect(opened.problems).toEqual([]);
  });
});
