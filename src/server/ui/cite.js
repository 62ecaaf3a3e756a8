/**
 * Bibliography export in the page: copy BibTeX, download .bib / .ris / CSL-JSON for one paper,
 * an answer's sources or a whole conversation. Other views (comparison table, clusters) call
 * `exportCitations(paperIds, format)` or put a `citeMenu` next to their own actions.
 */
import { ApiError, citePapers } from './api.js';
import { announce, copyText, h } from './dom.js';

/** @typedef {'bibtex' | 'ris' | 'csl-json'} CitationFormat */

const DOWNLOADS = /** @type {Array<{ format: CitationFormat, label: string }>} */ ([
  { format: 'bibtex', label: 'BibTeX (.bib)' },
  { format: 'ris', label: 'RIS (.ris)' },
  { format: 'csl-json', label: 'CSL-JSON (.json)' },
]);

const EXTENSIONS = { bibtex: 'bib', ris: 'ris', 'csl-json': 'json' };


/** @param {string} text @param {string} type @param {string} filename */
function download(text, type, filename) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h('a', { href: url, download: filename, class: 'offscreen' });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** @param {unknown} error */
function failureText(error) {
  if (error instanceof ApiError && error.kind === 'not_found') return 'Some of these papers are no longer in the index.';
  if (error instanceof ApiError && error.kind === 'network') return 'Can’t reach the paperchat server.';
  return error instanceof Error ? error.message : 'The citations could not be exported.';
}

/**
 * Downloads the papers' citations as a file (`<key>.bib` for one paper, `paperchat-citations.<ext>`
 * for several, unless `filename` says otherwise) and returns the text. Throws ApiError on failure.
 * @param {string[]} paperIds @param {CitationFormat} format @param {{ filename?: string }} [options]
 */
export async function exportCitations(paperIds, format, options = {}) {
  const unique = [...new Set(paperIds)];
  if (unique.length === 0) throw new Error('No papers to cite.');
  const { text, contentType, filename } = await citePapers(unique, format);
  download(text, contentType, options.filename ?? filename ?? `paperchat-citations.${EXTENSIONS[format]}`);
  announce(`${unique.length === 1 ? 'Citation' : `${unique.length} citations`} downloaded.`);
  return text;
}

/** Copies the papers' BibTeX to the clipboard; false when copying failed. @param {string[]} paperIds */
export async function copyBibtex(paperIds) {
  const { text } = await citePapers([...new Set(paperIds)], 'bibtex');
  return copyText(text);
}

/** The papers an answer or a conversation cites, first-cited first. @param {Array<{ citations?: Array<{ paperId: string }>, refused?: boolean }>} messages */
export function citedPaperIds(messages) {
  const ids = new Set();
  for (const message of messages) {
    if (message.refused) continue;
    for (const citation of message.citations ?? []) ids.add(citation.paperId);
  }
  return /** @type {string[]} */ ([...ids]);
}

/**
 * A "Cite" disclosure with copy and download actions for the papers `paperIds()` returns when
 * clicked (so a conversation's menu always cites what it holds now).
 * @param {() => string[]} paperIds @param {{ label?: string, filename?: (format: CitationFormat) => string }} [options]
 */
export function citeMenu(paperIds, options = {}) {
  const status = h('span', { class: 'cite-status muted small', role: 'status' });
  /** @param {string} text */
  const say = (text) => {
    status.textContent = text;
    setTimeout(() => {
      if (status.textContent === text) status.textContent = '';
    }, 3000);
  };
  /** @param {() => Promise<void>} action */
  const run = async (action) => {
    if (paperIds().length === 0) {
      say('No papers to cite yet.');
      return;
    }
    try {
      await action();
    } catch (error) {
      say(failureText(error));
    }
  };
  const copy = h('button', { type: 'button', class: 'btn small ghost' }, 'Copy BibTeX');
  copy.addEventListener('click', () =>
    run(async () => {
      const ok = await copyBibtex(paperIds());
      say(ok ? 'BibTeX copied ✓' : 'Copy failed');
      announce(ok ? 'BibTeX copied to the clipboard.' : 'The BibTeX could not be copied.');
    }),
  );
  const downloads = DOWNLOADS.map(({ format, label }) => {
    const button = h('button', { type: 'button', class: 'btn small ghost', 'data-format': format }, label);
    button.addEventListener('click', () =>
      run(async () => {
        await exportCitations(paperIds(), format, options.filename ? { filename: options.filename(format) } : {});
        say('Downloaded ✓');
      }),
    );
    return button;
  });
  return h('details', { class: 'cite-menu' }, h('summary', { class: 'btn small ghost' }, options.label ?? 'Cite'), h('div', { class: 'cite-actions' }, copy, ...downloads, status));
}
