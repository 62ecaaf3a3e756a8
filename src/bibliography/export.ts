import type { Paper } from '../corpus/types.ts';
import { bibtexEntry } from './bibtex.ts';
import { citationKeys } from './citation-keys.ts';
import { cslItem } from './csl-json.ts';
import { risRecord } from './ris.ts';

/** The bibliography formats paperchat exports. */
export const CITATION_FORMATS = ['bibtex', 'ris', 'csl-json'] as const;
export type CitationFormat = (typeof CITATION_FORMATS)[number];

export const CITATION_MEDIA: Record<CitationFormat, { contentType: string; extension: string }> = {
  bibtex: { contentType: 'application/x-bibtex; charset=utf-8', extension: 'bib' },
  ris: { contentType: 'application/x-research-info-systems; charset=utf-8', extension: 'ris' },
  'csl-json': { contentType: 'application/vnd.citationstyles.csl+json; charset=utf-8', extension: 'json' },
};

export interface Bibliography {
  text: string;
  /** Citation key per paper id, unique within this export. */
  keys: Map<string, string>;
}

/** The papers as one file in `format`, in the order given, with keys unique within the set. */
export function formatBibliography(papers: readonly Paper[], format: CitationFormat): Bibliography {
  const keys = citationKeys(papers);
  const keyOf = (paper: Paper) => keys.get(paper.id)!;
  switch (format) {
    case 'bibtex':
      return { text: papers.map((paper) => bibtexEntry(paper, keyOf(paper))).join('\n'), keys };
    case 'ris':
      return { text: papers.map((paper) => risRecord(paper, keyOf(paper))).join('\r\n'), keys };
    case 'csl-json':
      return { text: `${JSON.stringify(papers.map((paper) => cslItem(paper, keyOf(paper))), null, 2)}\n`, keys };
  }
}
