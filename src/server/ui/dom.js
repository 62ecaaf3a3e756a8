/**
 * Tiny DOM helpers. Everything untrusted goes in as text (textContent / text nodes),
 * never as HTML; the only HTML this page parses is sanitised Markdown (render.js).
 */

/**
 * h('button', { class: 'btn', onclick: fn, 'aria-label': 'Close' }, 'x')
 * Event handlers are attached with addEventListener (the CSP forbids inline handlers).
 * @param {string} tag
 * @param {Record<string, unknown> | null} [props]
 * @param {...(Node | string | number | null | undefined | false | Array<Node | string | null | undefined | false>)} children
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') element.className = String(value);
    else if (key === 'text') element.textContent = String(value);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, String(value));
  }
  append(element, children);
  return element;
}

/** @param {Element | DocumentFragment} parent @param {unknown[]} children */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
}

/** @param {string} id @returns {HTMLElement} */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element;
}

/** Only http(s) links from untrusted data become anchors. @param {string} url */
export function safeHttpUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** An external link that opens in a new tab without giving it a handle on this page. @param {string} url @param {string} [label] */
export function externalLink(url, label) {
  const href = safeHttpUrl(url);
  if (!href) return document.createTextNode(label ?? url);
  return h('a', { href, target: '_blank', rel: 'noopener noreferrer', class: 'external' }, label ?? url);
}

/** Announces a short message to screen readers (the page's polite status region). @param {string} message */
export function announce(message) {
  const region = document.getElementById('sr-status');
  if (!region) return;
  region.textContent = '';
  // A fresh text node in a later task is announced even when the message repeats.
  setTimeout(() => (region.textContent = message), 50);
}

/** @template {(...args: any[]) => void} F @param {F} fn @param {number} ms */
export function debounce(fn, ms) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const debounced = /** @type {F & { cancel(): void }} */ (
    (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    }
  );
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}

/** @param {number} value @param {number} [digits] */
export function formatScore(value, digits = 3) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '—';
}

/** @param {number} ms */
export function formatMs(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Copies text; falls back to a hidden textarea where the Clipboard API is refused (plain http, older browsers).
 * @param {string} text @returns {Promise<boolean>} whether it was copied
 */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h('textarea', { class: 'offscreen', 'aria-hidden': 'true', readonly: true });
    /** @type {HTMLTextAreaElement} */ (area).value = text;
    document.body.append(area);
    /** @type {HTMLTextAreaElement} */ (area).select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}
