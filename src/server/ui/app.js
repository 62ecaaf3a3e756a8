/** paperchat's page: routing between the chat, the papers list and a paper; index status; theme. */
import { clearPaperCache, getHealth, getIndexInfo } from './api.js';
import { showIndexReport, updateNotice } from './index-report.js';
import { byId } from './dom.js';
import { askAboutPaper, askAboutPapers, focusComposer, initChat, setPaperCount } from './chat.js';
import { forgetMap, initMap, showMap } from './map.js';
import { focusPaperSearch, initPapers, showPaper, showPapers } from './papers.js';
import { initPopover } from './popover.js';
import { readSetting, writeSetting } from './store.js';
import { showTable } from './table.js';

const VIEWS = ['chat-view', 'papers-view', 'paper-view', 'index-view', 'table-view', 'map-view'];
let firstRoute = true;

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path = '/', queryString = ''] = hash.split('?');
  const params = new URLSearchParams(queryString);
  let view = 'chat-view';
  if (path === '/papers') view = 'papers-view';
  else if (path.startsWith('/paper/')) view = 'paper-view';
  else if (path === '/index') view = 'index-view';
  else if (path === '/table') view = 'table-view';
  else if (path === '/map') view = 'map-view';
  for (const id of VIEWS) byId(id).hidden = id !== view;
  for (const tab of document.querySelectorAll('.tabs a')) {
    const current = (tab.getAttribute('data-view') === 'chat' && view === 'chat-view') || (tab.getAttribute('data-view') === 'papers' && (view === 'papers-view' || view === 'paper-view')) || (tab.getAttribute('data-view') === 'map' && view === 'map-view');
    if (current) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  document.body.dataset.view = view.replace('-view', '');
  if (view === 'chat-view') {
    document.title = 'paperchat — ask the papers';
    if (!firstRoute) focusComposer();
  } else if (view === 'index-view') {
    document.title = 'Index report · paperchat';
    void showIndexReport();
  } else if (view === 'table-view') {
    void showTable(params);
  } else if (view === 'map-view') {
    document.title = 'Topic map · paperchat';
    void showMap();
  } else if (view === 'papers-view') {
    document.title = 'Papers · paperchat';
    showPapers(params.get('q') ?? '');
    if (!firstRoute) focusPaperSearch();
  } else {
    const id = decodeURIComponent(path.slice('/paper/'.length));
    const start = Number(params.get('start'));
    const end = Number(params.get('end'));
    void showPaper(id, params.has('start') && params.has('end') && end > start ? { start, end } : null);
  }
  firstRoute = false;
}

// ---------------------------------------------------------------- index status

/** The build whose report the page has seen: a different one means the index changed. @type {string | null | undefined} */
let seenBuild;

/**
 * Polls GET /api/index: a finished build the page has not seen yet shows a quiet notice
 * ("Updated: 5 papers added") linking to the report, and cached papers are refreshed.
 * @returns {Promise<boolean>} whether a build is running or queued
 */
async function pollIndex() {
  try {
    const info = await getIndexInfo();
    const report = info.lastReport;
    const current = report?.buildId ?? null;
    if (seenBuild === undefined) seenBuild = current;
    else if (current !== seenBuild) {
      seenBuild = current;
      clearPaperCache();
      forgetMap();
      if (!byId('map-view').hidden) void showMap();
      updateNotice(report);
      if (!byId('index-view').hidden) void showIndexReport();
    }
    if (info.building && !byId('index-view').hidden) void showIndexReport();
    return Boolean(info.building) || info.queued;
  } catch {
    return false;
  }
}

async function pollHealth() {
  const banner = byId('banner');
  const status = byId('index-status');
  // New papers can arrive at any time (SEEDS_DIR watcher, uploads): check every few seconds.
  let next = 10_000;
  if (await pollIndex()) next = 2000;
  try {
    const health = await getHealth();
    setPaperCount(health.papers);
    const embedder = health.embedder ? `embeddings: ${health.embedder}` : 'embeddings: not loaded yet';
    if (health.status === 'ok') {
      banner.hidden = true;
      banner.className = 'banner';
      status.textContent = `${health.papers.toLocaleString()} papers · ${health.chunks.toLocaleString()} passages · ${embedder}`;
    } else {
      next = 3000;
      banner.hidden = false;
      banner.className = 'banner info';
      if (health.keywordAnswers) {
        banner.textContent = `Building the semantic index… Meanwhile questions get keyword-only answers over the ${health.papers.toLocaleString()} papers (marked as such).`;
        status.textContent = 'Indexing… · keyword-only answers';
      } else {
        banner.textContent =
          health.papers > 0
            ? `Updating the index… Answers use the current ${health.papers.toLocaleString()} papers until it is done.`
            : 'Indexing the papers… This takes a few minutes on first start; questions can be asked as soon as it is done.';
        status.textContent = `Indexing… · ${embedder}`;
      }
    }
  } catch {
    next = 5000;
    banner.hidden = false;
    banner.className = 'banner warn';
    banner.textContent = 'Can’t reach the paperchat server. Retrying…';
    status.textContent = 'Server unreachable';
  }
  setTimeout(() => void pollHealth(), next);
}

// ---------------------------------------------------------------- theme

function effectiveTheme() {
  const chosen = document.documentElement.getAttribute('data-theme');
  if (chosen === 'light' || chosen === 'dark') return chosen;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function renderThemeButton() {
  const button = byId('theme-toggle');
  const dark = effectiveTheme() === 'dark';
  button.textContent = dark ? '☀' : '☾';
  button.setAttribute('aria-label', dark ? 'Switch to light theme' : 'Switch to dark theme');
  button.title = dark ? 'Light theme' : 'Dark theme';
}

function initTheme() {
  const stored = readSetting('theme');
  if (stored === 'light' || stored === 'dark') document.documentElement.setAttribute('data-theme', stored);
  renderThemeButton();
  byId('theme-toggle').addEventListener('click', () => {
    const next = effectiveTheme() === 'dark' ? 'light' : 'dark';
    document.documentElement.setAttribute('data-theme', next);
    writeSetting('theme', next);
    renderThemeButton();
  });
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', renderThemeButton);
}

// ---------------------------------------------------------------- start

initTheme();
initPopover({ onAsk: askAboutPaper });
initChat();
initPapers({ onAsk: askAboutPaper });
initMap({ onAsk: askAboutPapers });
window.addEventListener('hashchange', route);
// The skip link goes to the question box without putting "#question" in the route.
document.querySelector('.skip-link')?.addEventListener('click', (event) => {
  event.preventDefault();
  if (byId('chat-view').hidden) location.hash = '#/';
  focusComposer();
});
route();
void pollHealth();
document.body.classList.add('ready');
