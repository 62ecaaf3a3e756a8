/**
 * Metadata filter controls (year range, author, tag, source), shared by the papers view and
 * the chat composer. The server applies them inside retrieval; a paper whose year is unknown
 * is outside any year range, which the hint says so that an empty result is not a surprise.
 */
import { h } from './dom.js';

/** @typedef {{ yearFrom?: number, yearTo?: number, authors?: string[], tags?: string[], source?: string }} Filters */

/** Drops empty fields; undefined when nothing is set. @param {Filters | undefined} filters @returns {Filters | undefined} */
export function cleanFilters(filters) {
  if (!filters) return undefined;
  /** @type {Filters} */
  const clean = {};
  if (Number.isInteger(filters.yearFrom)) clean.yearFrom = filters.yearFrom;
  if (Number.isInteger(filters.yearTo)) clean.yearTo = filters.yearTo;
  const authors = (filters.authors ?? []).map((a) => a.trim()).filter(Boolean);
  if (authors.length > 0) clean.authors = authors;
  const tags = (filters.tags ?? []).map((t) => t.trim()).filter(Boolean);
  if (tags.length > 0) clean.tags = tags;
  if (filters.source?.trim()) clean.source = filters.source.trim();
  return Object.keys(clean).length > 0 ? clean : undefined;
}

/** "2020–2023 · author Devlin · tag nlp · from zotero.bib" @param {Filters | undefined} filters */
export function describeFilters(filters) {
  const clean = cleanFilters(filters);
  if (!clean) return '';
  const parts = [];
  if (clean.yearFrom !== undefined || clean.yearTo !== undefined) {
    parts.push(clean.yearFrom !== undefined && clean.yearTo !== undefined ? (clean.yearFrom === clean.yearTo ? `${clean.yearFrom}` : `${clean.yearFrom}–${clean.yearTo}`) : clean.yearFrom !== undefined ? `${clean.yearFrom} or later` : `${clean.yearTo} or earlier`);
  }
  if (clean.authors) parts.push(`author ${clean.authors.join(' or ')}`);
  if (clean.tags) parts.push(`tag ${clean.tags.join(' or ')}`);
  if (clean.source) parts.push(`from ${clean.source}`);
  return parts.join(' · ');
}

/** @param {string} value */
function year(value) {
  const number = Number(value);
  return value.trim() && Number.isInteger(number) ? number : undefined;
}

/** @param {string} value */
function list(value) {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/**
 * A fieldset of filter inputs. `onChange` runs (debounced by the caller if needed) whenever a
 * field changes, with the cleaned filters.
 * @param {{ idPrefix: string, label: string, onChange: (filters: Filters | undefined) => void }} options
 */
export function filterControls({ idPrefix, label, onChange }) {
  const id = (/** @type {string} */ name) => `${idPrefix}-${name}`;
  const field = (/** @type {string} */ name, /** @type {string} */ text, /** @type {Record<string, string>} */ attributes) =>
    h('label', { class: 'filter-field', for: id(name) }, h('span', null, text), h('input', { id: id(name), name, autocomplete: 'off', ...attributes }));
  const element = h(
    'fieldset',
    { class: 'filters', 'aria-describedby': id('hint') },
    h('legend', null, label),
    h(
      'div',
      { class: 'filter-row' },
      field('year-from', 'Year from', { type: 'number', min: '1800', max: '2100', inputmode: 'numeric', placeholder: 'e.g. 2020' }),
      field('year-to', 'Year to', { type: 'number', min: '1800', max: '2100', inputmode: 'numeric', placeholder: 'e.g. 2024' }),
      field('authors', 'Author', { type: 'text', placeholder: 'name, another' }),
      field('tags', 'Tag', { type: 'text', placeholder: 'e.g. cs.CL' }),
      field('source', 'Source', { type: 'text', placeholder: 'file or format, e.g. bibtex' }),
      h('button', { type: 'button', class: 'btn small ghost filter-clear' }, 'Clear'),
    ),
    h('p', { class: 'hint', id: id('hint') }, 'Papers without a known year are left out by a year range.'),
  );
  const input = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (element.querySelector(`#${id(name)}`));

  /** @returns {Filters | undefined} */
  function get() {
    return cleanFilters({
      yearFrom: year(input('year-from').value),
      yearTo: year(input('year-to').value),
      authors: list(input('authors').value),
      tags: list(input('tags').value),
      source: input('source').value,
    });
  }

  /** @param {Filters | undefined} filters */
  function set(filters) {
    input('year-from').value = filters?.yearFrom !== undefined ? String(filters.yearFrom) : '';
    input('year-to').value = filters?.yearTo !== undefined ? String(filters.yearTo) : '';
    input('authors').value = (filters?.authors ?? []).join(', ');
    input('tags').value = (filters?.tags ?? []).join(', ');
    input('source').value = filters?.source ?? '';
  }

  element.addEventListener('input', () => onChange(get()));
  /** @type {HTMLButtonElement} */ (element.querySelector('.filter-clear')).addEventListener('click', () => {
    set(undefined);
    onChange(undefined);
  });
  return { element, get, set };
}

/** "Jacob Devlin, Ming-Wei Chang et al. · 2019 · NAACL" @param {{ authors?: string[], year?: number | null, venue?: string | null }} paper */
export function byline(paper) {
  const authors = Array.isArray(paper.authors) ? paper.authors : [];
  const names = authors.length > 3 ? `${authors.slice(0, 3).join(', ')} et al.` : authors.join(', ');
  return [names, paper.year ?? '', paper.venue ?? ''].filter(Boolean).join(' · ');
}
