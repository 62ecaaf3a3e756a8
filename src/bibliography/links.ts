import type { Paper } from '../corpus/types.ts';

/** The page a reference manager should link: the source's own URL, else arXiv, else the DOI resolver. */
export function landingUrl(paper: Paper): string | undefined {
  if (paper.url && /^https?:\/\//i.test(paper.url)) return paper.url;
  if (paper.arxivId) return `https://arxiv.org/abs/${paper.arxivId}`;
  if (paper.doi) return `https://doi.org/${paper.doi}`;
  return undefined;
}

/** [year, month?, day?] from `published` (YYYY-MM[-DD]) or `year`. */
export function dateParts(paper: Paper): number[] | undefined {
  const match = paper.published ? /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(paper.published) : null;
  if (match) return [Number(match[1]), Number(match[2]), ...(match[3] ? [Number(match[3])] : [])];
  return paper.year !== undefined ? [paper.year] : undefined;
}
