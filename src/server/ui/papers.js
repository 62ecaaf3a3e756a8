/**
 * The papers view (#/papers): search-as-you-type over /api/search; and the paper page
 * (#/paper/<id>): abstract, links, similar papers (similar.js), "Ask about this paper".
 */
import { ApiError, getPaper, search } from './api.js';
import { byId, debounce, externalLink, formatScore, h } from './dom.js';
import { byline, describeFilters, filterControls } from './filters.js';
import { renderAbstract, tidyLatex } from './render.js';
import { highlightFromSimilar, similarSection } from './similar.js';
import { citeMenu } from './cite.js';
import { MAX_TABLE_PAPERS, tableHash } from './table.js';

const TOPICS = ['token pruning', 'event cameras', 'linear attention', 'vision-language models', 'diffusion transformers', 'medical imaging', 'knowledge distillation', 'state space models'];

/** @type {(paper: { paperId: string, title: string }) => void} */
let askAbout = () => {};
/** @type {HTMLInputElement} */
let searchInput;
/** @type {AbortController | null} */
let searching = null;
let lastQuery = '';
let lastFilters = '';
let paperShown = 0;
/** @type {{ element: HTMLElement, get: () => import('./filters.js').Filters | undefined, set: (f: import('./filters.js').Filters | undefined) => void }} */
let filters;
/** Papers ticked for a comparison table, kept across searches (id → title). @type {Map<string, string>} */
const selected = new Map();
/** @type {HTMLElement} */
let compareBar;

/** @param {{ onAsk: (paper: { paperId: string, title: string }) => void }} options */
export function initPapers(options) {
  askAbout = options.onAsk;
  searchInput = /** @type {HTMLInputElement} */ (byId('paper-search'));
  const run = debounce(() => void runSearch(searchInput.value), 250);
  searchInput.addEventListener('input', () => run());
  filters = filterControls({ idPrefix: 'paper-filter', label: 'Filter papers', onChange: () => run() });
  byId('paper-search-form').after(filters.element);
  compareBar = h('div', { class: 'compare-bar', role: 'group', 'aria-label': 'Compare selected papers', hidden: true });
  byId('paper-search-status').after(compareBar);
  byId('paper-search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    run.cancel();
    void runSearch(searchInput.value);
  });
  renderTopics();
}

/** Called by the router for #/papers?q=… @param {string} query */
export function showPapers(query) {
  if (query && query !== searchInput.value) searchInput.value = query;
  if (searchInput.value.trim() !== lastQuery || JSON.stringify(filters.get() ?? null) !== lastFilters || !query) void runSearch(searchInput.value);
}

export function focusPaperSearch() {
  searchInput.focus();
}

function renderTopics() {
  byId('paper-topics').replaceChildren(
    ...TOPICS.map((topic) =>
      h(
        'li',
        null,
        h(
          'button',
          {
            type: 'button',
            class: 'chip-button',
            onclick: () => {
              searchInput.value = topic;
              void runSearch(topic);
              searchInput.focus();
            },
          },
          topic,
        ),
      ),
    ),
  );
}

/** @param {string} raw */
async function runSearch(raw) {
  const query = raw.trim();
  const status = byId('paper-search-status');
  const results = byId('paper-results');
  const topics = byId('paper-topics-block');
  const active = filters.get();
  lastQuery = query;
  lastFilters = JSON.stringify(active ?? null);
  const wanted = query ? `#/papers?q=${encodeURIComponent(query)}` : '#/papers';
  if (location.hash.startsWith('#/papers') && location.hash !== wanted) history.replaceState(null, '', wanted);
  searching?.abort();
  if (!query) {
    searching = null;
    results.replaceChildren();
    status.textContent = '';
    topics.hidden = false;
    return;
  }
  topics.hidden = true;
  const controller = new AbortController();
  searching = controller;
  status.textContent = 'Searching…';
  results.setAttribute('aria-busy', 'true');
  try {
    const hits = await search(query, { k: 20, signal: controller.signal, ...(active ? { filters: active } : {}) });
    if (searching !== controller) return;
    const limited = active ? ` (limited to ${describeFilters(active)})` : '';
    status.textContent = hits.length === 0 ? `No papers match “${query}”${limited}.` : `${hits.length} ${hits.length === 1 ? 'paper' : 'papers'} for “${query}”${limited}, best first.`;
    results.replaceChildren(...hits.map(resultView));
  } catch (error) {
    if (controller.signal.aborted) return;
    status.textContent = error instanceof ApiError ? searchErrorText(error) : 'The search failed.';
    results.replaceChildren();
  } finally {
    if (searching === controller) {
      searching = null;
      results.removeAttribute('aria-busy');
    }
  }
}

/** The bar under the search: how many papers are ticked, Compare (2 to MAX_TABLE_PAPERS) and Clear. */
function renderCompareBar() {
  const count = selected.size;
  compareBar.hidden = count === 0;
  const tooMany = count > MAX_TABLE_PAPERS;
  compareBar.replaceChildren(
    h('span', { class: 'muted small' }, tooMany ? `${count} selected: a table compares at most ${MAX_TABLE_PAPERS}.` : `${count} selected${count < 2 ? ' (tick another to compare)' : ''}`),
    h('button', { type: 'button', class: 'btn small primary', disabled: count < 2 || tooMany, onclick: () => (location.hash = tableHash({ paperIds: [...selected.keys()] })) }, 'Compare'),
    h(
      'button',
      {
        type: 'button',
        class: 'btn small ghost',
        onclick: () => {
          selected.clear();
          for (const box of document.querySelectorAll('#paper-results .compare-check input')) /** @type {HTMLInputElement} */ (box).checked = false;
          renderCompareBar();
        },
      },
      'Clear',
    ),
  );
}

/** @param {{ paperId: string, title: string }} hit */
function compareCheckbox(hit) {
  const box = /** @type {HTMLInputElement} */ (
    h('input', {
      type: 'checkbox',
      'aria-label': `Select “${hit.title}” to compare`,
      onchange: () => {
        if (box.checked) selected.set(hit.paperId, hit.title);
        else selected.delete(hit.paperId);
        renderCompareBar();
      },
    })
  );
  box.checked = selected.has(hit.paperId);
  return h('label', { class: 'compare-check small' }, box, h('span', { 'aria-hidden': 'true' }, 'Compare'));
}

/** @param {ApiError} error */
function searchErrorText(error) {
  if (error.kind === 'network') return 'Can’t reach the paperchat server. Check that it is running, then try again.';
  if (error.kind === 'indexing') return 'The papers are still being indexed. Try again in a moment.';
  if (error.kind === 'rate_limited') return `Too many searches in a short time. Try again in ${error.retryAfter ?? 30} seconds.`;
  return error.message;
}

/** @param {{ paperId: string, title: string, score: number, snippet: string, scores: Record<string, number>, authors?: string[], year?: number | null, venue?: string | null }} hit */
function resultView(hit) {
  const scores = hit.scores ?? {};
  const line = byline(hit);
  return h(
    'li',
    { class: 'paper-result' },
    h('h2', { class: 'paper-result-title' }, h('a', { href: `#/paper/${encodeURIComponent(hit.paperId)}` }, hit.title)),
    line ? h('p', { class: 'byline muted small' }, line) : null,
    hit.snippet ? h('p', { class: 'snippet' }, clip(tidyLatex(hit.snippet), 320)) : null,
    h(
      'div',
      { class: 'paper-result-foot' },
      compareCheckbox(hit),
      h('button', { type: 'button', class: 'btn small ghost', onclick: () => askAbout({ paperId: hit.paperId, title: hit.title }) }, 'Ask about this paper'),
      h(
        'span',
        { class: 'scores muted small' },
        `relevance ${formatScore(scores.fused ?? hit.score, 2)}`,
        h('span', { class: 'retrieval-only' }, ` · BM25 ${scores.lexical === undefined ? '—' : formatScore(scores.lexical, 2)} · cosine ${scores.vector === undefined ? '—' : formatScore(scores.vector)}`),
      ),
    ),
  );
}

/** @param {string} text @param {number} max */
function clip(text, max) {
  return text.length <= max ? text : `${text.slice(0, max).replace(/\s+\S*$/, '')}…`;
}

/**
 * The paper page. `highlight` (from a citation link) marks the supporting sentence.
 * @param {string} paperId @param {{ start: number, end: number } | null} highlight
 */
export async function showPaper(paperId, highlight) {
  const token = ++paperShown;
  const view = byId('paper-view');
  const page = h('div', { class: 'page' }, h('p', { class: 'muted' }, 'Loading the paper…'));
  view.replaceChildren(page);
  let paper;
  try {
    paper = await getPaper(paperId);
  } catch (error) {
    if (token !== paperShown) return;
    const notFound = error instanceof ApiError && error.kind === 'not_found';
    page.replaceChildren(
      h('a', { href: '#/papers', class: 'back' }, '← Papers'),
      h('h1', { tabindex: '-1' }, notFound ? 'Paper not found' : 'The paper could not be loaded'),
      h('p', null, notFound ? 'No paper has that id. It may have been removed from the index.' : error instanceof Error ? error.message : String(error)),
    );
    return;
  }
  if (token !== paperShown) return;
  const heading = h('h1', { tabindex: '-1', class: 'paper-title' }, paper.title);
  const line = byline(paper);
  const urls = paper.urls && typeof paper.urls === 'object' ? paper.urls : {};
  const tags = Array.isArray(paper.tags) ? paper.tags : [];
  const identifiers = [
    urls.arxiv ? h('a', { href: urls.arxiv, target: '_blank', rel: 'noopener noreferrer', class: 'paper-id-link' }, `arXiv:${paper.arxivId}`) : null,
    urls.doi ? h('a', { href: urls.doi, target: '_blank', rel: 'noopener noreferrer', class: 'paper-id-link' }, `DOI ${paper.doi}`) : null,
    urls.page ? h('a', { href: urls.page, target: '_blank', rel: 'noopener noreferrer', class: 'paper-id-link' }, 'Publisher page') : null,
  ].filter(Boolean);
  const metadata =
    line || identifiers.length > 0 || tags.length > 0
      ? h(
          'div',
          { class: 'paper-meta' },
          line ? h('p', { class: 'byline' }, line) : null,
          identifiers.length > 0 ? h('p', { class: 'paper-ids' }, identifiers.map((link, i) => [i > 0 ? ' · ' : null, link])) : null,
          tags.length > 0 ? h('ul', { class: 'tag-list', 'aria-label': 'Tags' }, tags.map((/** @type {string} */ tag) => h('li', { class: 'tag' }, tag))) : null,
        )
      : null;
  const { element: abstract, mark } = renderAbstract(String(paper.abstract ?? ''), highlight);
  const links = Array.isArray(paper.links) ? paper.links : [];
  const sources = Array.isArray(paper.sources) ? paper.sources : [];
  page.replaceChildren(
    h('a', { href: lastQuery ? `#/papers?q=${encodeURIComponent(lastQuery)}` : '#/papers', class: 'back' }, lastQuery ? `← Results for “${lastQuery}”` : '← Papers'),
    h(
      'article',
      { class: 'paper' },
      heading,
      metadata,
      h('div', { class: 'paper-actions' }, h('button', { type: 'button', class: 'btn primary', onclick: () => askAbout({ paperId: paper.paperId, title: paper.title }) }, 'Ask about this paper'), citeMenu(() => [paper.paperId])),
      h('h2', null, 'Abstract'),
      abstract,
      mark ? h('p', { class: 'muted small' }, highlightFromSimilar() ? 'The highlighted sentence is the one closest to the paper you came from.' : 'The highlighted sentence is the one cited in the answer.') : null,
      links.length > 0 ? [h('h2', null, 'Links'), h('ul', { class: 'links' }, links.map((url) => h('li', null, externalLink(url))))] : null,
      similarSection(paper, () => token === paperShown),
      sources.length > 0 ? h('p', { class: 'muted small provenance' }, `Source: ${sources.map((/** @type {{ file: string, line: number }} */ s) => `${s.file}:${s.line}`).join(', ')} · id ${paper.paperId}`) : null,
    ),
  );
  heading.focus({ preventScroll: true });
  document.title = `${paper.title} · paperchat`;
  if (mark) mark.scrollIntoView({ block: 'center' });
  else view.scrollTo(0, 0);
}
