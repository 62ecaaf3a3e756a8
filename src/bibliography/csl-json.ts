import type { Paper } from '../corpus/types.ts';
import { dateParts, landingUrl } from './links.ts';
import { splitName } from './names.ts';

/** One CSL-JSON item (the data model of Zotero, Pandoc and citeproc), the fields paperchat knows. */
export interface CslItem {
  id: string;
  'citation-key': string;
  type: 'article-journal' | 'article';
  title: string;
  author?: Array<{ family: string; given?: string }>;
  issued?: { 'date-parts': number[][] };
  'container-title'?: string;
  publisher?: string;
  number?: string;
  DOI?: string;
  URL?: string;
  keyword?: string;
  abstract?: string;
}

/** A paper with a venue is a journal article; otherwise CSL's `article` (preprint), with arXiv as its publisher as Zotero writes it. */
export function cslItem(paper: Paper, key: string): CslItem {
  const parts = dateParts(paper);
  const url = landingUrl(paper);
  return {
    id: key,
    'citation-key': key,
    type: paper.venue ? 'article-journal' : 'article',
    title: paper.title,
    ...(paper.authors && paper.authors.length > 0
      ? {
          author: paper.authors.map((name) => {
            const { family, given } = splitName(name);
            return given ? { family, given } : { family };
          }),
        }
      : {}),
    ...(parts ? { issued: { 'date-parts': [parts] } } : {}),
    ...(paper.venue ? { 'container-title': paper.venue } : {}),
    ...(paper.arxivId ? { number: `arXiv:${paper.arxivId}`, ...(paper.venue ? {} : { publisher: 'arXiv' }) } : {}),
    ...(paper.doi ? { DOI: paper.doi } : {}),
    ...(url ? { URL: url } : {}),
    ...(paper.tags && paper.tags.length > 0 ? { keyword: paper.tags.join(', ') } : {}),
    ...(paper.abstract ? { abstract: paper.abstract } : {}),
  };
}
