import type { Paper } from '../corpus/types.ts';
import { landingUrl } from './links.ts';

/**
 * BibTeX entries. Values are brace-delimited; the characters TeX treats specially are escaped
 * so a title such as "100% of $x_1$ & more" typesets (and reads back) as written, and words
 * whose capitals are not just an initial (acronyms and names: BERT, GPT-4, TinyViT) are
 * wrapped in braces so bibliography styles that lower-case titles keep them. Non-ASCII text
 * stays UTF-8, which biber, bibtex8 and every reference manager read.
 */

const SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  '#': '\\#',
  $: '\\$',
  '%': '\\%',
  '&': '\\&',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  // In the default (OT1) font encoding "<" and ">" print as ¡ and ¿.
  '<': '\\textless{}',
  '>': '\\textgreater{}',
};

export function escapeBibtex(text: string): string {
  return (
    text
      .replace(/[\\{}#$%&_~^<>]/g, (character) => SPECIAL[character]!)
      // TeX ligatures would change the text: "--" prints an en dash, "''" a closing quote, "?`" an ¿.
      .replace(/([-'`])(?=[-'`])/g, '$1{}')
      .replace(/([?!])(?=`)/g, '$1{}')
  );
}

/** Words with a capital after the first character (BERT, GPT-4, iPhone, TinyViT), or one capital letter standing alone. */
function needsCaseProtection(word: string): boolean {
  return /^.+\p{Lu}/u.test(word) || /^\p{Lu}$/u.test(word);
}

/** Escaped, with case-protecting braces around acronyms and mixed-case names. */
export function protectedTitle(title: string): string {
  return title
    .split(/([\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*)/u)
    .map((piece, index) => (index % 2 === 1 && needsCaseProtection(piece) ? `{${piece}}` : escapeBibtex(piece)))
    .join('');
}

/** Whitespace collapsed: BibTeX values need no line structure. */
function flat(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** `and` separates names, so a name containing the word " and " is braced whole. */
function authorList(authors: readonly string[]): string {
  return authors.map((name) => (/\sand\s/i.test(name) ? `{${escapeBibtex(flat(name))}}` : escapeBibtex(flat(name)))).join(' and ');
}

export function bibtexEntry(paper: Paper, key: string): string {
  const fields: Array<[string, string]> = [];
  fields.push(['title', protectedTitle(flat(paper.title))]);
  if (paper.authors && paper.authors.length > 0) fields.push(['author', authorList(paper.authors)]);
  if (paper.year !== undefined) fields.push(['year', String(paper.year)]);
  if (paper.published) fields.push(['date', paper.published]);
  if (paper.venue) fields.push(['journal', escapeBibtex(flat(paper.venue))]);
  if (paper.doi) fields.push(['doi', escapeBibtex(paper.doi)]);
  if (paper.arxivId) fields.push(['eprint', paper.arxivId], ['archivePrefix', 'arXiv']);
  const url = landingUrl(paper);
  // URLs are verbatim in the url field (the url package reads them as they are); only braces would break the value.
  if (url && !/[{}]/.test(url)) fields.push(['url', url]);
  if (paper.tags && paper.tags.length > 0) fields.push(['keywords', escapeBibtex(paper.tags.join(', '))]);
  if (paper.abstract) fields.push(['abstract', escapeBibtex(flat(paper.abstract))]);
  // A published venue makes it an article; otherwise a preprint or web page, which @misc covers.
  const type = paper.venue ? 'article' : 'misc';
  return `@${type}{${key},\n${fields.map(([name, value]) => `  ${name} = {${value}}`).join(',\n')}\n}\n`;
}
