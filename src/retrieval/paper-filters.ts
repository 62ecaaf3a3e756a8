import type { Paper } from '../corpus/types.ts';
import { withoutDiacritics } from '../util/without-diacritics.ts';

/** Metadata restrictions on which papers a search or an answer may use. */
export interface PaperFilters {
  yearFrom?: number;
  yearTo?: number;
  /** Any of these authors (case-insensitive; a name matches an author that contains it, e.g. "Hinton"). */
  authors?: string[];
  /** Any of these tags (case-insensitive, exact). */
  tags?: string[];
  /** A seed file (`uploads/zotero.bib`), a folder prefix (`uploads/`) or a format (`bibtex`, `arxiv-atom`, `hf-page`…). */
  source?: string;
}

export function hasFilters(filters: PaperFilters | undefined): filters is PaperFilters {
  if (!filters) return false;
  return filters.yearFrom !== undefined || filters.yearTo !== undefined || (filters.authors?.length ?? 0) > 0 || (filters.tags?.length ?? 0) > 0 || Boolean(filters.source);
}

const fold = (text: string) => withoutDiacritics(text).toLowerCase();

/**
 * Whether a paper passes every given filter. A paper whose year is unknown is outside any year
 * range: "papers from 2023" must not include papers that merely lack a date.
 */
export function matchesFilters(paper: Paper, filters: PaperFilters): boolean {
  if (filters.yearFrom !== undefined || filters.yearTo !== undefined) {
    if (paper.year === undefined) return false;
    if (filters.yearFrom !== undefined && paper.year < filters.yearFrom) return false;
    if (filters.yearTo !== undefined && paper.year > filters.yearTo) return false;
  }
  if (filters.authors && filters.authors.length > 0) {
    const authors = (paper.authors ?? []).map(fold);
    const wanted = filters.authors.map(fold);
    if (!wanted.some((name) => authors.some((author) => author.includes(name)))) return false;
  }
  if (filters.tags && filters.tags.length > 0) {
    const tags = new Set((paper.tags ?? []).map(fold));
    if (!filters.tags.some((tag) => tags.has(fold(tag)))) return false;
  }
  if (filters.source) {
    const source = filters.source;
    const matches = paper.sources.some((entry) => entry.file === source || entry.format === source || (source.endsWith('/') && entry.file.startsWith(source)));
    if (!matches) return false;
  }
  return true;
}

/**
 * The ids a search may return under `filters`, within `paperIds` when those are given too. The
 * retriever restricts its candidates to this set (BM25 filter, filtered HNSW search), so a
 * filtered search still returns k papers whenever k papers pass the filters.
 */
export function allowedPaperIds(papers: readonly Paper[], filters: PaperFilters | undefined, paperIds?: readonly string[]): string[] | undefined {
  if (!hasFilters(filters)) return paperIds ? [...paperIds] : undefined;
  const within = paperIds ? new Set(paperIds) : null;
  return papers.filter((paper) => (!within || within.has(paper.id)) && matchesFilters(paper, filters)).map((paper) => paper.id);
}
