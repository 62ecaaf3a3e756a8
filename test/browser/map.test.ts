import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, launchBrowser, openApp, questionBox, screenshot, sendQuestion } from './helpers.ts';

interface MapBody {
  points: Array<{ paperId: string; title: string; x: number; y: number; cluster: number }>;
  clusters: Array<{ id: number; label: string[]; size: number }>;
}

/** A point whose centre is not covered by a label or another point: a click there hits it. */
async function clickablePoint(page: Page): Promise<{ paperId: string; x: number; y: number }> {
  const found = await page.evaluate(() => {
    for (const link of document.querySelectorAll('#map-points a.map-point')) {
      const box = link.querySelector('circle')!.getBoundingClientRect();
      const [x, y] = [box.left + box.width / 2, box.top + box.height / 2];
      if (document.elementFromPoint(x, y)?.closest('a.map-point') === link) return { paperId: link.getAttribute('data-paper-id')!, x, y };
    }
    return null;
  });
  expect(found).not.toBeNull();
  return found!;
}

describe('topic map', () => {
  let browser: Browser;
  let map: MapBody;

  beforeAll(async () => {
    browser = await launchBrowser();
    map = (await (await fetch(`${baseUrl()}/api/map`)).json()) as MapBody;
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('draws every paper and every cluster label, with a cluster list beside it', async () => {
    const { page, problems, context } = await openApp(browser, {}, '#/map');
    expect(map.clusters.length).toBeGreaterThan(1);
    await expect.poll(() => page.locator('#map-points circle').count(), { timeout: 15_000 }).toBe(map.points.length);
    expect(await page.locator('#map-labels .map-label').count()).toBe(map.clusters.length);
    const firstLabel = map.clusters[0]!.label.slice(0, 2).join(' · ');
    expect(await page.locator('#map-labels text').allTextContents()).toContain(firstLabel);
    // The largest cluster's label is always shown; overlapping smaller ones wait for a zoom.
    expect(await page.locator('#map-labels .map-label[data-cluster="0"]').isVisible()).toBe(true);
    expect(await page.locator('.tabs a[data-view="map"]').getAttribute('aria-current')).toBe('page');

    // The accessible alternative: every cluster, with its papers as links.
    const items = page.locator('#map-cluster-list > li');
    expect(await items.count()).toBe(map.clusters.length);
    expect(await items.first().locator('.map-cluster-papers a').count()).toBe(map.clusters[0]!.size);
    expect(await page.getByRole('button', { name: firstLabel }).count()).toBe(1);
    await screenshot(page, 'map-desktop.png');

    // Hover shows the title; wheel zooms; a click on a point opens the paper.
    const point = await clickablePoint(page);
    const title = map.points.find((entry) => entry.paperId === point.paperId)!.title;
    await page.mouse.move(point.x, point.y);
    await expect.poll(() => page.locator('#map-tooltip').textContent()).toBe(title);
    expect(await page.locator('#map-tooltip').isVisible()).toBe(true);

    await page.mouse.click(point.x, point.y);
    await expect.poll(() => decodeURIComponent(page.url())).toContain(`#/paper/${point.paperId}`);
    await expect.poll(() => page.locator('#paper-view h1').textContent()).toBe(title);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('zooms with the wheel and pans with a drag, and a drag over a point does not open it', async () => {
    const { page, problems, context } = await openApp(browser, {}, '#/map');
    await expect.poll(() => page.locator('#map-points circle').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const transform = () => page.locator('#map-points').getAttribute('transform');
    const box = (await page.locator('#map-svg').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await expect.poll(transform).toMatch(/scale\((?!1\))/);
    const zoomed = await transform();
    const point = await clickablePoint(page);
    await page.mouse.move(point.x, point.y);
    await page.mouse.down();
    await page.mouse.move(point.x + 80, point.y + 40, { steps: 6 });
    await page.mouse.up();
    expect(await transform()).not.toBe(zoomed);
    expect(page.url()).toContain('#/map');
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    expect(await transform()).toBe('translate(0 0) scale(1)');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('selects a cluster by its label and asks about its papers, or compares them', async () => {
    const { page, problems, context } = await openApp(browser, {}, '#/map');
    await expect.poll(() => page.locator('#map-labels .map-label').count(), { timeout: 15_000 }).toBeGreaterThan(1);
    // A label shown (overlapping ones are hidden until the map is zoomed in).
    const shownId = Number(await page.locator('#map-labels .map-label:not(.map-label-hidden)').nth(1).getAttribute('data-cluster'));
    const cluster = map.clusters.find((entry) => entry.id === shownId)!;
    const members = map.points.filter((point) => point.cluster === cluster.id).map((point) => point.paperId);
    await page.locator(`#map-labels .map-label[data-cluster="${cluster.id}"] text`).click();
    const panel = page.locator('#map-selection');
    await expect.poll(() => panel.isVisible()).toBe(true);
    expect(await panel.textContent()).toContain(`${cluster.size} papers`);
    expect(await page.locator(`#map-points a.selected`).count()).toBe(cluster.size);
    const compare = panel.getByRole('link', { name: 'Compare' });
    const ids = decodeURIComponent((await compare.getAttribute('href'))!.replace('#/table?ids=', '')).split(',');
    expect(ids).toHaveLength(Math.min(cluster.size, 50));
    expect(ids.every((id) => members.includes(id))).toBe(true);
    await screenshot(page, 'map-selected.png');

    await panel.getByRole('button', { name: 'Ask about these papers' }).click();
    await expect.poll(() => page.locator('#chat-view').isVisible()).toBe(true);
    expect(await page.locator('#scope').isVisible()).toBe(true);
    expect(await questionBox(page).getAttribute('placeholder')).toBe(`Ask about these ${Math.min(cluster.size, 50)} papers…`);
    const request = await sendQuestion(page, 'What do these papers have in common?');
    const body = request.postDataJSON() as { paperIds?: string[] };
    expect([...(body.paperIds ?? [])].sort()).toEqual([...ids].sort());
    expect(problems).toEqual([]);
    await context.close();
  });

  it('selects the papers drawn around with the lasso', async () => {
    const { page, problems, context } = await openApp(browser, {}, '#/map');
    await expect.poll(() => page.locator('#map-points circle').count(), { timeout: 15_000 }).toBe(map.points.length);
    await page.getByRole('button', { name: /^Lasso/ }).click();
    expect(await page.getByRole('button', { name: /^Lasso/ }).getAttribute('aria-pressed')).toBe('true');
    const box = (await page.locator('#map-svg').boundingBox())!;
    const [left, top, right, bottom] = [box.x + box.width * 0.35, box.y + box.height * 0.35, box.x + box.width * 0.6, box.y + box.height * 0.6];
    const expected = await page.evaluate(
      ([l, t, r, b]) =>
        [...document.querySelectorAll('#map-points a.map-point')]
          .filter((link) => {
            const circle = link.querySelector('circle')!.getBoundingClientRect();
            const [x, y] = [circle.left + circle.width / 2, circle.top + circle.height / 2];
            return x > l! && x < r! && y > t! && y < b!;
          })
          .map((link) => link.getAttribute('data-paper-id')!),
      [left, top, right, bottom],
    );
    expect(expected.length).toBeGreaterThan(0);
    await page.mouse.move(left, top);
    await page.mouse.down();
    for (const [x, y] of [[right, top], [right, bottom], [left, bottom], [left, top + 1]] as Array<[number, number]>) await page.mouse.move(x, y, { steps: 4 });
    await page.mouse.up();
    const panel = page.locator('#map-selection');
    await expect.poll(() => panel.isVisible()).toBe(true);
    expect(await panel.textContent()).toContain(`${expected.length} ${expected.length === 1 ? 'paper' : 'papers'} drawn around`);
    const selected = await page.locator('#map-points a.selected').evaluateAll((links) => links.map((link) => link.getAttribute('data-paper-id')));
    expect(selected.sort()).toEqual([...expected].sort());
    // Drawing did not pan the map, nor open a paper.
    expect(await page.locator('#map-points').getAttribute('transform')).toBe('translate(0 0) scale(1)');
    expect(page.url()).toContain('#/map');
    const compare = await panel.getByRole('link', { name: 'Compare' }).getAttribute('href');
    const compared = decodeURIComponent(compare!.replace('#/table?ids=', '')).split(',');
    expect(compared).toHaveLength(Math.min(expected.length, 50));
    expect(compared.every((id) => expected.includes(id))).toBe(true);
    await screenshot(page, 'map-lasso.png');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('works on a phone: the map fits, pinch zooms, a finger pans, a topic can be chosen from the list and a tap opens a paper', async () => {
    const { page, problems, context } = await openApp(browser, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true }, '#/map');
    await expect.poll(() => page.locator('#map-points circle').count(), { timeout: 15_000 }).toBe(map.points.length);
    await screenshot(page, 'map-phone.png');
    const box = (await page.locator('#map-svg').boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Two fingers spreading zoom in; one finger dragging pans.
    const transform = () => page.locator('#map-points').getAttribute('transform');
    const cdp = await context.newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', points: Array<[number, number]>) =>
      cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await touch('touchStart', [[cx - 20, cy], [cx + 20, cy]]);
    for (let step = 1; step <= 5; step++) await touch('touchMove', [[cx - 20 - step * 16, cy], [cx + 20 + step * 16, cy]]);
    await touch('touchEnd', []);
    const pinched = /scale\(([\d.]+)\)/.exec((await transform()) ?? '');
    expect(Number(pinched?.[1])).toBeGreaterThan(2);
    await touch('touchStart', [[cx, cy]]);
    for (let step = 1; step <= 5; step++) await touch('touchMove', [[cx + step * 10, cy + step * 6]]);
    await touch('touchEnd', []);
    expect(await transform()).not.toBe(pinched?.input);
    await page.getByRole('button', { name: 'Reset zoom' }).tap();

    const cluster = map.clusters[0]!;
    await page.getByRole('button', { name: cluster.label.slice(0, 2).join(' · ') }).tap();
    await expect.poll(() => page.locator('#map-selection').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: cluster.label.slice(0, 2).join(' · ') }).getAttribute('aria-pressed')).toBe('true');
    // A tap on a point opens its paper.
    await page.locator('#map-svg').scrollIntoViewIfNeeded();
    const point = await clickablePoint(page);
    await page.touchscreen.tap(point.x, point.y);
    await expect.poll(() => decodeURIComponent(page.url())).toContain(`#/paper/${point.paperId}`);
    expect(problems).toEqual([]);
    await context.close();
  });
});
