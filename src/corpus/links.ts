/**
 * Code / project links in an abstract. Abstracts are arXiv text with LaTeX residue, so URLs turn
 * up wrapped in braces or parentheses, glued to a `~` (non-breaking space), with escaped
 * underscores, or as bare `*.github.io` project sites.
 */
const URL_PATTERN =
  /https?:\/\/[^\s{}<>"\\]*(?:\\_[^\s{}<>"\\]*)*|\b(?:[\w-]+\.)+github\.io(?:\/[^\s{}<>"]*)?|\bgithub\.com\/[^\s{}<>"]+/gi;

/** Characters that end a sentence or clause rather than the URL itself. */
const TRAILING_PUNCTUATION = /[.,;:!?'"\]]$/;

export function extractLinks(text: string): string[] {
  const links: string[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(URL_PATTERN)) {
    const link = cleanLink(match[0]);
    if (!link) continue;
    // The same link written with and without a trailing slash or in another case is one link.
    const key = link.toLowerCase().replace(/\/+$/, '');
    if (seen.has(key)) continue;
    seen.add(key);
    links.push(link);
  }
  return links;
}

function cleanLink(raw: string): string | null {
  let link = raw.replace(/\\_/g, '_');
  for (;;) {
    if (TRAILING_PUNCTUATION.test(link)) {
      link = link.slice(0, -1);
    } else if (link.endsWith(')') && count(link, '(') < count(link, ')')) {
      // Only an unbalanced ")" closes the surrounding prose; a balanced one is part of the URL.
      link = link.slice(0, -1);
    } else {
      break;
    }
  }
  if (/^https?:\/\/$/i.test(link) || link.length === 0) return null;
  // Bare hosts get a scheme so every link is directly usable.
  return /^https?:\/\//i.test(link) ? link : `https://${link}`;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}
