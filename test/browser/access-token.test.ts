import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, launchBrowser, questionBox, screenshot, sendQuestion } from './helpers.ts';

const TOKEN = 'lab-token';
const OPEN_PATHS = new Set(['/api/health', '/api/ready']);

/**
 * The shared test server runs without API_TOKEN; this answers /api as a server with
 * API_TOKEN=lab-token does (the same 401 body, health and readiness open) and passes
 * requests carrying the token through to the real server.
 */
async function guardLikeApiToken(context: BrowserContext, seen: Array<string | undefined>): Promise<void> {
  await context.route('**/api/**', async (route: Route) => {
    const request = route.request();
    const { pathname } = new URL(request.url());
    if (OPEN_PATHS.has(pathname)) return route.continue();
    const authorization = request.headers().authorization;
    seen.push(authorization);
    if (authorization === `Bearer ${TOKEN}`) return route.continue();
    return route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unauthorized', message: 'A valid Authorization: Bearer <API_TOKEN> header is required.' } }) });
  });
}

async function open(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto('/#/');
  await page.waitForFunction(() => document.body.classList.contains('ready'));
  return page;
}

describe('a server with API_TOKEN', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('asks for the token once, keeps it, and sends it with every API request', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: baseUrl() });
    const seen: Array<string | undefined> = [];
    await guardLikeApiToken(context, seen);
    const dialogs: string[] = [];
    // A wrong token first: it is refused and asked for again.
    const answers = ['not-the-token', TOKEN];
    context.on('page', (page) => page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept(answers.shift() ?? '');
    }));
    const page = await open(context);
    await expect.poll(() => dialogs.length, { timeout: 15_000 }).toBe(2);
    expect(dialogs[0]).toMatch(/needs an access token/);
    expect(dialogs[1]).toMatch(/not accepted/);

    const request = await sendQuestion(page, 'Which methods prune or merge tokens in vision transformers?');
    expect(request.headers().authorization).toBe(`Bearer ${TOKEN}`);
    await expect.poll(() => page.locator('.msg.assistant:not(.streaming)').count(), { timeout: 90_000 }).toBe(1);
    expect(await page.locator('.msg.assistant button.cite').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => localStorage.getItem('paperchat:apiToken'))).toBe(TOKEN);
    await screenshot(page, 'access-token-answer.png');

    // A new visit uses the kept token without asking.
    const again = await open(context);
    await again.waitForTimeout(500);
    expect(dialogs).toHaveLength(2);
    expect(seen.at(-1)).toBe(`Bearer ${TOKEN}`);
    await context.close();
  });

  it('declined: the chat says a token is needed, and stops asking', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: baseUrl() });
    await guardLikeApiToken(context, []);
    let dialogs = 0;
    context.on('page', (page) => page.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    }));
    const page = await open(context);
    await expect.poll(() => dialogs, { timeout: 15_000 }).toBe(1);
    await sendQuestion(page, 'What is TinyText?');
    const error = page.locator('.msg.error').last();
    await expect.poll(() => error.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await error.textContent()).toMatch(/needs an access token/);
    expect(await questionBox(page).inputValue()).toBe('What is TinyText?');
    expect(dialogs).toBe(1);
    await context.close();
  });
});
