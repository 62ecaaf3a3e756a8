/**
 * "Similar papers" on the paper page and the popover's "More like this" link. Each similar
 * paper links to its page with its best-matching sentence highlighted (`?start=&end=`), and
 * says why it is similar: the key terms both abstracts use, and the matched sentence.
 */
import { ApiError, getSimilarPapers } from './api.js';
import { h } from './dom.js';
import { byline } from './filters.js';
import { tidyLatex } from './render.js';

const SHOWN = 8;
/** The route parameter that asks the paper page to bring its similar papers into view. */
const FOCUS_PARAMETER = 'similar';
/** The route parameter that says a highlight comes from a similar paper, not from a citation. */
export const HIGHLIGHT_FROM_SIMILAR = 'via=similar';

/** `#/paper/<id>?similar=1`: the paper page, scrolled to its similar papers. @param {string} paperId */
export function similarPapersHref(paperId) {
  return `#/paper/${encodeURIComponent(paperId)}?${FOCUS_PARAMETER}=1`;
}

/** Whether the current route asked for the similar papers to be brought into view. */
function focusRequested() {
  return new URLSearchParams(location.hash.split('?')[1] ?? '').has(FOCUS_PARAMETER);
}

/** Whether the highlight on the paper page comes from a similar-papers link. */
export function highlightFromSimilar() {
  return location.hash.includes(HIGHLIGHT_FROM_SIMILAR);
}

/** The popover's "More like this" action. @param {string} paperId @param {() => void} [onFollow] */
export function moreLikeThisLink(paperId, onFollow) {
  return h('a', { href: similarPapersHref(paperId), class: 'btn small ghost more-like-this', onclick: () => onFollow?.() }, 'More like this');
}

/** @param {string} text @param {number} max */
function clip(text, max) {
  return text.length <= max ? text : `${text.slice(0, max).replace(/\s+\S*$/, '')}…`;
}

/** @param {Awaited<ReturnType<typeof getSimilarPapers>>[number]} hit */
function similarItem(hit) {
  const pair = hit.reason?.sentences ?? null;
  const href = `#/paper/${encodeURIComponent(hit.paperId)}${pair ? `?start=${pair.similar.start}&end=${pair.similar.end}&${HIGHLIGHT_FROM_SIMILAR}` : ''}`;
  const line = byline(hit);
  return h(
    'li',
    { class: 'similar-paper' },
    h('a', { href, class: 'similar-title' }, hit.title),
    line ? h('span', { class: 'byline muted small' }, ` · ${line}`) : null,
    h('p', { class: 'similar-reason small' }, hit.reason?.summary ?? ''),
    pair ? h('p', { class: 'similar-sentence muted small', title: 'Its sentence closest to one of this paper’s' }, `“${clip(tidyLatex(pair.similar.text), 220)}”`) : null,
  );
}

/**
 * The "Similar papers" section for one paper: filled when the API answers; brought into view
 * when the route asked for it (the popover's "More like this").
 * @param {{ paperId: string }} paper @param {() => boolean} isCurrent false once the page shows another paper
 */
export function similarSection(paper, isCurrent) {
  const heading = h('h2', { id: 'similar-papers-heading', tabindex: '-1' }, 'Similar papers');
  const list = h('ol', { class: 'related similar-list', 'aria-labelledby': 'similar-papers-heading', 'aria-busy': 'true' }, h('li', { class: 'muted' }, 'Finding similar papers…'));
  const section = h('section', { class: 'similar-papers', id: 'similar-papers' }, heading, list);
  const focus = focusRequested();
  getSimilarPapers(paper.paperId, { k: SHOWN }).then(
    (hits) => {
      if (!isCurrent()) return;
      list.removeAttribute('aria-busy');
      list.replaceChildren(...(hits.length === 0 ? [h('li', { class: 'muted' }, 'No similar papers found.')] : hits.map(similarItem)));
      if (focus) {
        heading.focus({ preventScroll: true });
        section.scrollIntoView({ block: 'start' });
      }
    },
    (error) => {
      if (!isCurrent()) return;
      list.removeAttribute('aria-busy');
      const text = error instanceof ApiError && error.kind === 'indexing' ? 'Similar papers appear once the index is built.' : 'Similar papers could not be loaded.';
      list.replaceChildren(h('li', { class: 'muted' }, text));
    },
  );
  return section;
}
