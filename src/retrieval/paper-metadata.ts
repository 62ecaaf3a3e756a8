import type { Paper } from '../corpus/types.ts';

/** A paper's bibliographic metadata as every client sees it (API, MCP, /v1 Sources). */
export interface PaperMetadataView {
  authors: string[];
  year: number | null;
  published: string | null;
  venue: string | null;
  doi: string | null;
  arxivId: string | null;
  tags: string[];
  /** Resolvable links: the arXiv abstract page, the DOI resolver, the page the source gave. */
  urls: { arxiv?: string; doi?: string; page?: string };
}

export function paperMetadata(paper: Paper): PaperMetadataView {
  const urls: PaperMetadataView['urls'] = {};
  if (paper.arxivId) urls.arxiv = `https://arxiv.org/abs/${paper.arxivId}`;
  if (paper.doi) urls.doi = `https://doi.org/${paper.doi}`;
  // The source's own URL is kept only when it adds something beyond the two above.
  if (paper.url && /^https?:\/\//i.test(paper.url) && !(paper.arxivId && paper.url.includes(paper.arxivId)) && !(paper.doi && paper.url.toLowerCase().includes(paper.doi))) urls.page = paper.url;
  return {
    authors: paper.authors ?? [],
    year: paper.year ?? null,
    published: paper.published ?? null,
    venue: paper.venue ?? null,
    doi: paper.doi ?? null,
    arxivId: paper.arxivId ?? null,
    tags: paper.tags ?? [],
    urls,
  };
}

/** "Devlin et al. (2019), NAACL · https://doi.org/…": the line a reader (or a model) can cite from; empty when nothing is known. */
export function describePaper(paper: Paper): string {
  const { urls } = paperMetadata(paper);
  return [formatByline(paper), urls.doi ?? urls.arxiv ?? urls.page].filter(Boolean).join(' · ');
}

/** "Vaswani et al. (2017), NeurIPS": a one-line byline; empty when nothing is known. */
export function formatByline(paper: Paper): string {
  const authors = paper.authors ?? [];
  const names = authors.length > 2 ? `${authors[0]} et al.` : authors.join(' and ');
  const year = paper.year !== undefined ? `(${paper.year})` : '';
  return [[names, year].filter(Boolean).join(' '), paper.venue ?? ''].filter(Boolean).join(', ');
}
