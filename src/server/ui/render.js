/**
 * Untrusted text to DOM. Answers are Markdown: rendered with marked, raw HTML in them
 * escaped (shown literally), then sanitised with DOMPurify (defence in depth) and
 * returned as a DOM fragment; `[n]` citation markers become chips built with DOM APIs.
 * Abstracts are never parsed as HTML: they become text nodes, with a <mark> around the quote.
 */
import { Marked } from '/vendor/marked.esm.js';
import DOMPurify from '/vendor/purify.es.mjs';
import { h, safeHttpUrl } from './dom.js';

/** `[1]`, `[1][3]`, `[1, 3]`, `[1-2]`: the marker forms the server understands. */
const MARKER_GROUP = /\[(\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*)\]/g;
/** Private-use sentinels carry markers through Markdown untouched (a `[1]:` line would otherwise be a link definition). */
const OPEN = '\uE000';
const CLOSE = '\uE001';
const SENTINEL = /\uE000(\d{1,3})\uE001/g;

/** @param {string} text */
export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** @param {string} group */
function expandGroup(group) {
  /** @type {number[]} */
  const numbers = [];
  for (const part of group.split(/\s*[,;]\s*/)) {
    const range = /^(\d+)\s*[–-]\s*(\d+)$/.exec(part);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      for (let n = from; n <= to && n - from < 20; n++) numbers.push(n);
    } else {
      numbers.push(Number(part));
    }
  }
  return [...new Set(numbers)];
}

const markdown = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    // Raw HTML in an answer is shown as text, never parsed.
    html(token) {
      const escaped = escapeHtml(token.text);
      return 'block' in token && token.block ? `<p>${escaped}</p>` : escaped;
    },
    // No remote images: the alt text stands in.
    image(token) {
      return escapeHtml(token.text || '');
    },
  },
});

const ALLOWED_TAGS = ['p', 'br', 'strong', 'em', 'b', 'i', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'sup', 'sub'];
const ALLOWED_ATTR = ['href', 'title', 'start', 'align'];

/**
 * Renders answer Markdown. `chip(n)` makes the element for citation number n (or null to
 * leave `[n]` as text).
 * @param {string} text
 * @param {(n: number) => Node | null} chip
 * @returns {DocumentFragment}
 */
export function renderAnswer(text, chip) {
  const withSentinels = text.replace(/[\uE000\uE001]/g, '').replace(MARKER_GROUP, (_match, group) =>
    expandGroup(group)
      .map((n) => `${OPEN}${n}${CLOSE}`)
      .join(''),
  );
  const html = /** @type {string} */ (markdown.parse(withSentinels));
  const fragment = /** @type {DocumentFragment} */ (
    DOMPurify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false, RETURN_DOM_FRAGMENT: true })
  );
  for (const anchor of fragment.querySelectorAll('a')) {
    const href = safeHttpUrl(anchor.getAttribute('href') ?? '');
    if (!href) {
      anchor.replaceWith(...anchor.childNodes);
      continue;
    }
    anchor.setAttribute('href', href);
    anchor.setAttribute('target', '_blank');
    anchor.setAttribute('rel', 'noopener noreferrer');
  }
  replaceSentinels(fragment, chip);
  return fragment;
}

/** @param {Node} root @param {(n: number) => Node | null} chip */
function replaceSentinels(root, chip) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  /** @type {Text[]} */
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) if (node.nodeValue?.includes(OPEN)) texts.push(/** @type {Text} */ (node));
  for (const textNode of texts) {
    const value = textNode.nodeValue ?? '';
    const parts = [];
    let last = 0;
    for (const match of value.matchAll(SENTINEL)) {
      const index = match.index ?? 0;
      if (index > last) parts.push(value.slice(last, index));
      const n = Number(match[1]);
      parts.push(chip(n) ?? `[${n}]`);
      last = index + match[0].length;
    }
    if (last < value.length) parts.push(value.slice(last));
    textNode.replaceWith(...parts.map((part) => (typeof part === 'string' ? part.replace(/[\uE000\uE001]/g, '') : part)));
  }
}

/**
 * The quote's place in the abstract: the given offsets when they match the quote,
 * else where the quote occurs, else the offsets as given (when in range).
 * @param {string} abstract @param {{ start?: number, end?: number, quote?: string }} citation
 * @returns {[number, number] | null}
 */
export function quoteRange(abstract, citation) {
  const { start, end, quote } = citation;
  const valid = Number.isInteger(start) && Number.isInteger(end) && /** @type {number} */ (start) >= 0 && /** @type {number} */ (end) > /** @type {number} */ (start) && /** @type {number} */ (end) <= abstract.length;
  if (valid && (!quote || abstract.slice(start, end) === quote)) return [/** @type {number} */ (start), /** @type {number} */ (end)];
  if (quote) {
    const found = abstract.indexOf(quote);
    if (found >= 0) return [found, found + quote.length];
  }
  return valid ? [/** @type {number} */ (start), /** @type {number} */ (end)] : null;
}

/** Abstracts carry LaTeX escapes (`74.9\%`); shown as the characters they stand for. @param {string} text */
export function tidyLatex(text) {
  return text.replace(/\\([%&#$_])/g, '$1');
}

/**
 * The abstract as text, with the supporting quote in a <mark>. Offsets index the raw
 * abstract; each piece is tidied on its own so they stay right.
 * @param {string} abstract @param {{ start?: number, end?: number, quote?: string } | null} citation
 * @returns {{ element: HTMLElement, mark: HTMLElement | null }}
 */
export function renderAbstract(abstract, citation) {
  const element = h('p', { class: 'abstract' });
  const range = citation ? quoteRange(abstract, citation) : null;
  if (!range) {
    element.textContent = tidyLatex(abstract);
    return { element, mark: null };
  }
  const mark = h('mark', { class: 'quote' }, tidyLatex(abstract.slice(range[0], range[1])));
  element.append(tidyLatex(abstract.slice(0, range[0])), mark, tidyLatex(abstract.slice(range[1])));
  return { element, mark };
}

/** The first words of a question, for titles. @param {string} text @param {number} [max] */
export function shorten(text, max = 60) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}
