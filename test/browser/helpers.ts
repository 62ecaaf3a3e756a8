import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page, type Request } from 'playwright-core';
import { expect, inject } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOT_DIR = path.join(ROOT, 'test-artifacts', 'screenshots');

/** Debian's chromium (scripts/browser-deps.sh installs it); never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function baseUrl(): string {
  return inject('baseUrl');
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors seen on the page (expected to stay empty). */
  problems: string[];
}

/** A fresh context (own localStorage) and page at the app. */
export async function openApp(browser: Browser, options: BrowserContextOptions = {}, hash = '#/'): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: baseUrl(), ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // Mocked failures (429, 503, aborted requests) log resource errors by design.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  await page.goto(`/${hash}`);
  await page.waitForFunction(() => document.body.classList.contains('ready'));
  return { context, page, problems };
}

export function questionBox(page: Page): Locator {
  return page.getByLabel('Your question about the papers');
}

/** Types a question, presses Enter, and returns the request that was sent. */
export async function sendQuestion(page: Page, question: string): Promise<Request> {
  const box = questionBox(page);
  await box.fill(question);
  const request = page.waitForRequest((candidate) => candidate.url().endsWith('/api/ask') && candidate.method() === 'POST');
  await box.press('Enter');
  return request;
}

/** Asks and waits for the finished answer (the last assistant message, no longer streaming). */
export async function ask(page: Page, question: string): Promise<{ answer: Locator; request: Request }> {
  const before = await page.locator('.msg.assistant:not(.streaming)').count();
  const request = await sendQuestion(page, question);
  await expect.poll(() => page.locator('.msg.assistant:not(.streaming)').count(), { timeout: 90_000 }).toBe(before + 1);
  return { answer: page.locator('.msg.assistant:not(.streaming)').last(), request };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, name);
  await page.screenshot({ path: file });
  return file;
}

/** Reads a JSON API response through the page's own origin (same cookies, same server). */
export async function apiGet<T>(page: Page, pathname: string): Promise<T> {
  const response = await page.request.get(pathname);
  expect(response.ok()).toBe(true);
  return (await response.json()) as T;
}

export interface PaperJson {
  paperId: string;
  title: string;
  abstract: string;
  links: string[];
}
