import type { Paper } from '../corpus/types.ts';
import { dateParts, landingUrl } from './links.ts';
import { splitName } from './names.ts';

/**
 * RIS (Research Information Systems) records: `TAG  - value` lines, CRLF as the format
 * specifies, one `ER  - ` per record. Values are one line each (RIS has no escaping, so line
 * breaks inside a value are flattened).
 */

function line(tag: string, value: string): string {
  return `${tag}  - ${value.replace(/\s+/g, ' ').trim()}\r\n`;
}

/** `YYYY/MM/DD/` with the parts that are known. */
function risDate(parts: readonly number[]): string {
  const [year, month, day] = parts;
  return `${year}/${month !== undefined ? String(month).padStart(2, '0') : ''}/${day !== undefined ? String(day).padStart(2, '0') : ''}/`;
}

export function risRecord(paper: Paper, key: string): string {
  let record = line('TY', paper.venue ? 'JOUR' : 'GEN');
  record += line('ID', key);
  record += line('TI', paper.title);
  for (const author of paper.authors ?? []) {
    const { family, given } = splitName(author);
    record += line('AU', given ? `${family}, ${given}` : family);
  }
  if (paper.year !== undefined) record += line('PY', String(paper.year));
  const parts = dateParts(paper);
  if (parts && parts.length > 1) record += line('DA', risDate(parts));
  if (paper.venue) record += line('T2', paper.venue);
  if (paper.doi) record += line('DO', paper.doi);
  if (paper.arxivId) record += line('AN', `arXiv:${paper.arxivId}`);
  const url = landingUrl(paper);
  if (url) record += line('UR', url);
  for (const tag of paper.tags ?? []) record += line('KW', tag);
  if (paper.abstract) record += line('AB', paper.abstract);
  return `${record}ER  - \r\n`;
}
