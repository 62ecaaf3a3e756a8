/**
 * The comparison table (#/table): one row per paper, one column per question, each cell the
 * abstract sentence(s) that state it, linked to the paper page with that span highlighted, or
 * "not stated in the abstract". Opened with paper ids (`#/table?ids=a,b,c`, from an answer's
 * sources, the papers view or any other view) or a question (`#/table?q=…`, rows = the papers
 * retrieved for it); `col=` (repeatable) names the columns, the five defaults when absent.
 */
import { ApiError, exportTable, getTable } from './api.js';
import { citeMenu } from './cite.js';
import { announce, append, byId, h } from './dom.js';
import { tidyLatex } from './render.js';

/** The API's limits (POST /api/table): checked here so the user gets the reason, not a 400. */
export const MAX_TABLE_PAPERS = 30;
const MAX_COLUMNS = 12;

/** @typedef {import('./api.js').TableRequest} TableRequest */
/** @typedef {import('./api.js').ComparisonTable} ComparisonTable */

let shown = 0;
/** @type {AbortController | null} */
let loading = null;

/**
 * The route of a table. @param {{ paperIds?: string[], question?: string, columns?: string[] }} what
 * @returns {string}
 */
export function tableHash(what) {
  const params = new URLSearchParams();
  if (what.paperIds) params.set('ids', what.paperIds.join(','));
  else if (what.question) params.set('q', what.question);
  for (const column of what.columns ?? []) params.append('col', column);
  // Commas in the id list read better unescaped (ids never contain one).
  return `#/table?${params.toString().replace(/%2C/g, ',')}`;
}

/** The request a route asks for, or null when it names neither papers nor a question. @param {URLSearchParams} params @returns {TableRequest | null} */
function requestOf(params) {
  const ids = (params.get('ids') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const question = (params.get('q') ?? '').trim();
  const columns = params.getAll('col').map((column) => column.trim()).filter(Boolean);
  const base = columns.length > 0 ? { columns } : {};
  if (ids.length > 0) return { paperIds: [...new Set(ids)], ...base };
  if (question) return { question, ...base };
  return null;
}

/** What to send to keep a table's columns: default columns by id, the user's by their words. @param {ComparisonTable} table */
function columnsOf(table) {
  return table.columns.map((column) => (column.kind === 'question' ? column.label : column.id));
}

/** Called by the router for #/table?… @param {URLSearchParams} params */
export async function showTable(params) {
  const token = ++shown;
  loading?.abort();
  const view = byId('table-view');
  const request = requestOf(params);
  const heading = h('h1', { id: 'table-heading', tabindex: '-1' }, 'Compare papers');
  const status = h('p', { class: 'search-status', role: 'status', 'aria-live': 'polite' });
  const page = h('div', { class: 'page table-page' }, h('a', { href: '#/papers', class: 'back' }, '← Papers'), heading, status);
  view.replaceChildren(page);
  document.title = 'Compare papers · paperchat';
  if (!request) {
    status.textContent = 'Choose papers to compare: tick them in the Papers view, or use “Compare” under an answer’s sources.';
    return;
  }
  if (request.paperIds && request.paperIds.length > MAX_TABLE_PAPERS) {
    status.textContent = `A table compares at most ${MAX_TABLE_PAPERS} papers; ${request.paperIds.length} were given.`;
    return;
  }
  const controller = new AbortController();
  loading = controller;
  status.textContent = request.question ? `Finding papers for “${request.question}” and reading their abstracts…` : `Reading ${request.paperIds?.length ?? 0} abstracts…`;
  page.setAttribute('aria-busy', 'true');
  /** @type {ComparisonTable} */
  let table;
  try {
    table = await getTable(request, controller.signal);
  } catch (error) {
    if (controller.signal.aborted || token !== shown) return;
    page.removeAttribute('aria-busy');
    status.textContent = error instanceof ApiError ? tableErrorText(error) : 'The table could not be built.';
    return;
  } finally {
    if (loading === controller) loading = null;
  }
  if (token !== shown) return;
  page.removeAttribute('aria-busy');
  heading.textContent = table.question ? `Compare papers for “${table.question}”` : 'Compare papers';
  status.textContent = `${table.rows.length} ${table.rows.length === 1 ? 'paper' : 'papers'} · every cell quotes its abstract; click one to see it highlighted.`;
  const columns = columnsOf(table);
  /** @param {string[]} next */
  const withColumns = (next) => tableHash({ ...(request.paperIds ? { paperIds: table.rows.map((row) => row.paperId) } : { question: request.question }), columns: next });
  append(page, [table.warning ? h('p', { class: 'banner info table-warning' }, table.warning) : null, toolbar(columns, withColumns, request, table.rows.map((row) => row.paperId)), tableView(table, columns, withColumns)]);
  // The control that opened the table (Compare, Add column, a remove link) is gone: start from the heading.
  heading.focus({ preventScroll: true });
  announce(`Table ready: ${table.rows.length} papers, ${table.columns.length} columns.`);
}

/** @param {ApiError} error */
function tableErrorText(error) {
  if (error.kind === 'network') return 'Can’t reach the paperchat server. Check that it is running, then try again.';
  if (error.kind === 'indexing') return 'The papers are still being indexed. Try again in a moment.';
  if (error.kind === 'rate_limited') return `Too many requests in a short time. Try again in ${error.retryAfter ?? 30} seconds.`;
  if (error.kind === 'not_found') return `${error.message} They may have been removed from the index.`;
  return error.message;
}

/**
 * Adding a column (a question in plain words) and exporting.
 * @param {string[]} columns @param {(next: string[]) => string} withColumns @param {TableRequest} request @param {string[]} paperIds the table's rows
 */
function toolbar(columns, withColumns, request, paperIds) {
  const input = /** @type {HTMLInputElement} */ (h('input', { id: 'table-new-column', type: 'text', maxlength: '200', placeholder: 'e.g. which model size? does it need labels?', autocomplete: 'off' }));
  const full = columns.length >= MAX_COLUMNS;
  const form = h(
    'form',
    {
      class: 'table-add-column',
      onsubmit: (/** @type {SubmitEvent} */ event) => {
        event.preventDefault();
        const question = input.value.trim();
        if (!question || full) return;
        location.hash = withColumns([...columns, question]);
      },
    },
    h('label', { for: 'table-new-column' }, 'Add a column (a question)'),
    h('div', { class: 'table-add-row' }, input, h('button', { type: 'submit', class: 'btn small', disabled: full }, 'Add column')),
    full ? h('p', { class: 'muted small' }, `At most ${MAX_COLUMNS} columns: remove one to add another.`) : null,
  );
  if (full) input.disabled = true;
  /** @param {'csv' | 'markdown'} format */
  const download = async (format) => {
    try {
      const { blob, fileName } = await exportTable({ ...request, columns }, format);
      const url = URL.createObjectURL(blob);
      const link = h('a', { href: url, download: fileName, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      announce(`Downloaded ${fileName}`);
    } catch (error) {
      announce(error instanceof Error ? `Export failed: ${error.message}` : 'Export failed');
    }
  };
  return h(
    'div',
    { class: 'table-toolbar' },
    form,
    h(
      'div',
      { class: 'table-export', role: 'group', 'aria-label': 'Export' },
      h('button', { type: 'button', class: 'btn small ghost', onclick: () => void download('csv') }, 'Export CSV'),
      h('button', { type: 'button', class: 'btn small ghost', onclick: () => void download('markdown') }, 'Export Markdown'),
      citeMenu(() => paperIds, { label: 'Cite these papers' }),
    ),
  );
}

/**
 * The table itself: a real <table> with row and column headers, in a region that scrolls
 * sideways on narrow screens (keyboard-scrollable: it takes focus).
 * @param {ComparisonTable} table @param {string[]} columns @param {(next: string[]) => string} withColumns
 */
function tableView(table, columns, withColumns) {
  const head = h(
    'tr',
    null,
    h('th', { scope: 'col', class: 'table-paper-col' }, 'Paper'),
    table.columns.map((column, position) =>
      h(
        'th',
        { scope: 'col' },
        h('span', { class: 'table-column-label' }, column.label),
        columns.length > 1
          ? h(
              'a',
              { class: 'table-remove-column', href: withColumns(columns.filter((_, index) => index !== position)), 'aria-label': `Remove column ${column.label}`, title: 'Remove this column' },
              '×',
            )
          : null,
      ),
    ),
  );
  const body = table.rows.map((row) =>
    h(
      'tr',
      null,
      h('th', { scope: 'row', class: 'table-paper-col' }, h('a', { href: `#/paper/${encodeURIComponent(row.paperId)}` }, row.title)),
      row.cells.map((cell) => h('td', { class: cell.status === 'stated' ? 'stated' : 'not-stated' }, cellView(row.paperId, cell))),
    ),
  );
  return h(
    'div',
    { class: 'table-scroll', role: 'region', 'aria-label': 'Comparison table', tabindex: '0' },
    h('table', { class: 'comparison-table' }, h('caption', { class: 'visually-hidden' }, 'Papers compared: one row per paper, one column per question'), h('thead', null, head), h('tbody', null, body)),
  );
}

/** @param {string} paperId @param {import('./api.js').TableCell} cell */
function cellView(paperId, cell) {
  if (cell.status !== 'stated' || cell.spans.length === 0) return h('span', { class: 'muted' }, 'not stated in the abstract');
  const href = (/** @type {import('./api.js').EvidenceSpan} */ span) => `#/paper/${encodeURIComponent(paperId)}?start=${span.start}&end=${span.end}`;
  const [first, ...more] = cell.spans;
  return [
    h('a', { class: 'table-cell-link', href: href(/** @type {import('./api.js').EvidenceSpan} */ (first)), title: 'Show this in the abstract' }, tidyLatex(cell.text)),
    more.length > 0
      ? h(
          'span',
          { class: 'table-more-spans small' },
          ' ',
          more.map((span, index) => [h('a', { href: href(span), 'aria-label': `Evidence ${index + 2} in the abstract`, title: tidyLatex(span.text) }, `[${index + 2}]`), ' ']),
        )
      : null,
    cell.generated ? h('span', { class: 'table-generated muted small', title: 'Written by the model and checked against the highlighted sentence' }, ' (model-written)') : null,
  ];
}
