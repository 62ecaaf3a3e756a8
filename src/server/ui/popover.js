/**
 * The citation popover: one shared dialog-like panel that shows a cited paper (title,
 * links) and its abstract with the supporting quote highlighted. Opens on hover, on
 * keyboard focus and on click / Enter (which pins it and moves focus into it);
 * Escape or a click elsewhere closes it. On narrow screens it is a bottom sheet.
 */
import { getPaper } from './api.js';
import { byline } from './filters.js';
import { byId, externalLink, h } from './dom.js';
import { renderAbstract, tidyLatex } from './render.js';
import { moreLikeThisLink } from './similar.js';

/** @typedef {{ n: number, paperId: string, title: string, quote: string, start: number, end: number }} Citation */

/** @type {WeakMap<Element, Citation>} */
const citations = new WeakMap();
/** @type {HTMLElement} */
let popover;
/** @type {HTMLElement | null} */
let anchor = null;
let pinned = false;
/** Focus going back to a chip after closing must not reopen the popover. */
let restoringFocus = false;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let openTimer;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let closeTimer;
/** @type {(paper: { paperId: string, title: string }) => void} */
let askAbout = () => {};

const NARROW = window.matchMedia('(max-width: 600px)');

/** A chip for citation `citation` (a button: focusable, Enter/Space activate it). @param {Citation} citation */
export function citationChip(citation) {
  const chip = h(
    'button',
    {
      type: 'button',
      class: 'cite',
      'data-n': citation.n,
      'aria-haspopup': 'dialog',
      'aria-expanded': 'false',
      'aria-controls': 'popover',
      'aria-label': `Source ${citation.n}: ${citation.title}`,
    },
    String(citation.n),
  );
  citations.set(chip, citation);
  return chip;
}

/** @param {{ onAsk: (paper: { paperId: string, title: string }) => void }} options */
export function initPopover(options) {
  askAbout = options.onAsk;
  popover = byId('popover');

  document.addEventListener('mouseover', (event) => {
    const chip = chipOf(event.target);
    if (chip) {
      clearTimeout(closeTimer);
      if (anchor !== chip && !pinned) {
        clearTimeout(openTimer);
        openTimer = setTimeout(() => open(chip, false), 120);
      }
    } else if (popover.contains(/** @type {Node} */ (event.target))) {
      clearTimeout(closeTimer);
    }
  });
  document.addEventListener('mouseout', (event) => {
    const from = /** @type {Node} */ (event.target);
    const to = /** @type {Node | null} */ (event.relatedTarget);
    if (!(chipOf(from) || popover.contains(from))) return;
    clearTimeout(openTimer);
    if (to && (popover.contains(to) || (anchor && anchor.contains(to)))) return;
    if (!pinned) closeTimer = setTimeout(() => close(false), 200);
  });
  document.addEventListener('focusin', (event) => {
    const chip = chipOf(event.target);
    if (chip && !restoringFocus && anchor !== chip && !(pinned && popover.contains(document.activeElement))) open(chip, false);
  });
  document.addEventListener('focusout', (event) => {
    const to = /** @type {Node | null} */ (event.relatedTarget);
    const from = /** @type {Node} */ (event.target);
    if (popover.hidden || !(chipOf(from) || popover.contains(from))) return;
    if (to && (popover.contains(to) || to === anchor)) return;
    // Focus went elsewhere on the page: a keyboard user has moved on.
    if (to) close(false);
    else if (!pinned) close(false);
  });
  document.addEventListener('click', (event) => {
    const chip = chipOf(event.target);
    if (chip) {
      event.preventDefault();
      clearTimeout(openTimer);
      if (anchor === chip && pinned) {
        close(true);
        return;
      }
      open(chip, true);
      // Keyboard activation (Enter/Space): move into the popover so it can be read and tabbed.
      if (event.detail === 0) /** @type {HTMLElement | null} */ (popover.querySelector('.popover-title a'))?.focus();
      return;
    }
    if (!popover.hidden && !popover.contains(/** @type {Node} */ (event.target))) close(false);
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !popover.hidden) {
      event.preventDefault();
      close(true);
    }
  });
  window.addEventListener('resize', () => position());
  document.addEventListener('scroll', () => position(), true);
  window.addEventListener('hashchange', () => close(false));
}

/** @param {EventTarget | null} target @returns {HTMLElement | null} */
function chipOf(target) {
  if (!(target instanceof Element)) return null;
  const chip = target.closest('.cite');
  return chip instanceof HTMLElement && citations.has(chip) ? chip : null;
}

/** @param {HTMLElement} chip @param {boolean} pin */
function open(chip, pin) {
  const citation = citations.get(chip);
  if (!citation) return;
  clearTimeout(closeTimer);
  pinned = pin;
  popover.classList.toggle('pinned', pin);
  if (anchor === chip && !popover.hidden) return;
  if (anchor) anchor.setAttribute('aria-expanded', 'false');
  anchor = chip;
  chip.setAttribute('aria-expanded', 'true');
  fill(citation);
  popover.hidden = false;
  position();
}

/** @param {boolean} restoreFocus */
export function close(restoreFocus) {
  clearTimeout(openTimer);
  clearTimeout(closeTimer);
  if (popover.hidden) return;
  const previous = anchor;
  popover.hidden = true;
  popover.replaceChildren();
  pinned = false;
  anchor = null;
  if (previous) {
    previous.setAttribute('aria-expanded', 'false');
    if (restoreFocus && previous.isConnected) {
      restoringFocus = true;
      try {
        previous.focus({ preventScroll: true });
      } finally {
        restoringFocus = false;
      }
    }
  }
}

/** @param {Citation} citation */
function fill(citation) {
  const paperHref = `#/paper/${encodeURIComponent(citation.paperId)}?start=${citation.start}&end=${citation.end}`;
  const body = h('div', { class: 'popover-body' }, h('p', { class: 'muted loading' }, 'Loading the abstract…'));
  const links = h('ul', { class: 'popover-links', hidden: true });
  const meta = h('p', { class: 'popover-byline muted small', hidden: true });
  const askButton = h('button', { type: 'button', class: 'btn small', onclick: () => { close(false); askAbout({ paperId: citation.paperId, title: citation.title }); } }, 'Ask about this paper');
  popover.replaceChildren(
    h(
      'div',
      { class: 'popover-head' },
      h('span', { class: 'cite static', 'aria-hidden': 'true' }, String(citation.n)),
      h('h2', { class: 'popover-title', id: 'popover-title' }, h('a', { href: paperHref }, citation.title)),
      h('button', { type: 'button', class: 'icon-btn popover-close', 'aria-label': 'Close source', onclick: () => close(true) }, '×'),
    ),
    meta,
    links,
    body,
    h('div', { class: 'popover-actions' }, h('a', { href: paperHref, class: 'btn small ghost' }, 'Open paper'), moreLikeThisLink(citation.paperId), askButton),
  );
  popover.setAttribute('aria-labelledby', 'popover-title');
  const forChip = anchor;
  getPaper(citation.paperId).then(
    (paper) => {
      if (anchor !== forChip || popover.hidden) return;
      const line = byline(paper);
      meta.textContent = line;
      meta.hidden = !line;
      // arXiv / DOI first: they are how a reader checks the citation; then code links from the abstract.
      const ids = paper.urls && typeof paper.urls === 'object' ? [paper.urls.arxiv, paper.urls.doi, paper.urls.page].filter((url) => typeof url === 'string') : [];
      const urls = [...ids, ...(Array.isArray(paper.links) ? paper.links : [])];
      links.replaceChildren(...urls.slice(0, 4).map((url) => h('li', null, externalLink(url))));
      links.hidden = urls.length === 0;
      const { element, mark } = renderAbstract(String(paper.abstract ?? ''), citation);
      body.replaceChildren(h('h3', { class: 'visually-hidden' }, 'Abstract'), element);
      if (mark) {
        mark.setAttribute('aria-label', 'Supporting sentence');
        body.scrollTop = Math.max(0, mark.offsetTop - 48);
      }
      position();
    },
    () => {
      if (anchor !== forChip || popover.hidden) return;
      body.replaceChildren(
        h('p', { class: 'muted' }, 'The abstract could not be loaded. The supporting quote:'),
        h('blockquote', { class: 'quote-only' }, h('mark', { class: 'quote' }, tidyLatex(citation.quote))),
      );
      position();
    },
  );
}

function position() {
  if (popover.hidden || !anchor) return;
  if (!anchor.isConnected) {
    close(false);
    return;
  }
  if (NARROW.matches) {
    popover.classList.add('sheet');
    popover.style.removeProperty('top');
    popover.style.removeProperty('left');
    return;
  }
  popover.classList.remove('sheet');
  const rect = anchor.getBoundingClientRect();
  const viewportWidth = document.documentElement.clientWidth;
  const viewportHeight = window.innerHeight;
  const width = popover.offsetWidth;
  const height = popover.offsetHeight;
  const left = Math.min(Math.max(8, rect.left - 24), viewportWidth - width - 8);
  const below = viewportHeight - rect.bottom - 8;
  const top = below >= height + 8 || rect.top < height + 16 ? Math.min(rect.bottom + 6, Math.max(8, viewportHeight - height - 8)) : rect.top - height - 6;
  popover.style.left = `${Math.round(left)}px`;
  popover.style.top = `${Math.round(Math.max(8, top))}px`;
}
