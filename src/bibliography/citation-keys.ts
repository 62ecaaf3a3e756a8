import type { Paper } from '../corpus/types.ts';
import { splitName } from './names.ts';
import { withoutDiacritics } from '../util/without-diacritics.ts';

/** Title words that make poor keys ("a", "the", "on"): the first other word is used. */
const SKIPPED_TITLE_WORDS = new Set(['a', 'an', 'the', 'on', 'of', 'in', 'for', 'to', 'and', 'with', 'towards', 'toward', 'via', 'from', 'by', 'at', 'is', 'are']);

/** Letters and digits only, accents folded: `Müller` → `muller`, `GPT-4` → `gpt4`. */
function keyPart(text: string): string {
  return withoutDiacritics(text).toLowerCase().replace(/[^a-z0-9]/g, '');
}

function titleWords(title: string): string[] {
  return title.split(/[\s:;,.!?()[\]{}"'/—–]+/).map(keyPart).filter((word) => word.length > 0 && !SKIPPED_TITLE_WORDS.has(word));
}

/**
 * `vaswani2017attention`: first author's family name, year, first significant title word.
 * Without authors, the first two title words; without a year, none. Never empty.
 */
export function baseCitationKey(paper: Paper): string {
  const firstAuthor = paper.authors?.[0];
  const surname = firstAuthor ? keyPart(splitName(firstAuthor).family.split(' ').pop() ?? '') : '';
  const words = titleWords(paper.title);
  const year = paper.year !== undefined ? String(paper.year) : '';
  const key = surname ? `${surname}${year}${words[0] ?? ''}` : `${words.slice(0, 2).join('')}${year}`;
  return key || `paper${year}`;
}

/**
 * Keys for a set of papers, unique within it: papers sharing a base key get a, b, c… in paper-id
 * order, so the same set always gets the same keys whatever order it was asked in.
 */
export function citationKeys(papers: readonly Paper[]): Map<string, string> {
  const byBase = new Map<string, Paper[]>();
  for (const paper of papers) {
    const base = baseCitationKey(paper);
    const group = byBase.get(base);
    if (group) group.push(paper);
    else byBase.set(base, [paper]);
  }
  const keys = new Map<string, string>();
  for (const [base, group] of byBase) {
    if (group.length === 1) {
      keys.set(group[0]!.id, base);
      continue;
    }
    [...group].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).forEach((paper, position) => keys.set(paper.id, `${base}${suffix(position)}`));
  }
  return keys;
}

/** a … z, then aa, ab …: as many as needed. */
function suffix(position: number): string {
  let text = '';
  let rest = position;
  do {
    text = String.fromCharCode(97 + (rest % 26)) + text;
    rest = Math.floor(rest / 26) - 1;
  } while (rest >= 0);
  return text;
}
