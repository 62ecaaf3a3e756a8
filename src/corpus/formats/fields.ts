import type { PaperMetadata } from '../types.ts';

/**
 * Normalisation of the bibliographic fields every format shares, so that the same paper read
 * from BibTeX, an arXiv feed and a spreadsheet ends up with comparable identifiers.
 */

/** Collapses runs of whitespace (line breaks inside BibTeX / XML values) to single spaces. */
export function cleanText(value: string): string {
  // NFC so that "é" typed or decoded as e + combining accent compares and displays as one letter.
  return value.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** `https://doi.org/10.1000/XYZ`, `doi:10.1000/xyz` → `10.1000/xyz` (DOIs are case-insensitive). */
export function normaliseDoi(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const match = /10\.\d{4,9}\/\S+/.exec(value.trim());
  return match ? match[0].replace(/[.,;]+$/, '').toLowerCase() : undefined;
}

const NEW_ARXIV_ID = /(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])/;
const OLD_ARXIV_ID = /\b([a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?\b/;

/**
 * The version-less arXiv id in an id, URL or `arXiv:` reference: versions of one preprint are
 * one work, so `2001.01234v2` and `arxiv.org/abs/2001.01234v1` must meet.
 */
export function arxivIdFrom(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const text = value.trim();
  return NEW_ARXIV_ID.exec(text)?.[1] ?? OLD_ARXIV_ID.exec(text)?.[1];
}

/** Years outside this range are typos or other numbers (page counts, ids), not publication years. */
const MIN_YEAR = 1800;
const MAX_YEAR = 2100;

export function yearFrom(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= MIN_YEAR && value <= MAX_YEAR ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /(?<!\d)(\d{4})(?!\d)/.exec(value);
  const year = match ? Number(match[1]) : NaN;
  return year >= MIN_YEAR && year <= MAX_YEAR ? year : undefined;
}

/** `2023-05-04T17:59:59Z` → `2023-05-04`; a bare year gives nothing beyond `year`. */
export function publishedFrom(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4}-\d{2}(?:-\d{2})?)/.exec(value.trim());
  return match?.[1];
}

/**
 * Authors given as one string: `A and B` (BibTeX style), `A; B`, or `A, B, C` when neither
 * separator is present (a comma list of full names; "Last, First" lists use `;` or `and`).
 */
export function splitAuthors(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => (typeof item === 'string' ? splitAuthors(item) : []));
  if (typeof value !== 'string') return [];
  const text = cleanText(value);
  if (!text) return [];
  const listed = /;|\s+and\s+/i.test(text);
  return text
    .split(listed ? /;|\s+and\s+/i : /,/)
    .map((name) => cleanText(name))
    .filter((name) => name.length > 0)
    .map((name) => (listed ? firstNameFirst(name) : name));
}

/** "Gu, Albert" → "Albert Gu", so names read the same whichever format they came from. */
export function firstNameFirst(name: string): string {
  const parts = name.split(',').map((part) => part.trim());
  return parts.length === 2 && parts[0] && parts[1] ? `${parts[1]} ${parts[0]}` : name;
}

/** Tags / keywords as a list or a `,` / `;` separated string, trimmed and de-duplicated case-insensitively. */
export function splitTags(value: unknown): string[] {
  const items = Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : typeof value === 'string' ? value.split(/[,;]/) : [];
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const item of items) {
    const tag = cleanText(item);
    if (!tag || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    tags.push(tag);
  }
  return tags;
}

/** Drops undefined and empty-list fields so papers.json stays small and comparisons stay exact. */
export function compactMetadata(metadata: PaperMetadata): PaperMetadata {
  const compact: PaperMetadata = {};
  if (metadata.authors && metadata.authors.length > 0) compact.authors = metadata.authors;
  if (metadata.year !== undefined) compact.year = metadata.year;
  if (metadata.published) compact.published = metadata.published;
  if (metadata.venue) compact.venue = metadata.venue;
  if (metadata.doi) compact.doi = metadata.doi;
  if (metadata.arxivId) compact.arxivId = metadata.arxivId;
  if (metadata.url) compact.url = metadata.url;
  if (metadata.tags && metadata.tags.length > 0) compact.tags = metadata.tags;
  return compact;
}
