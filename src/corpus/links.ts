/**
 * Code / project links in an abstract. Abstracts are arXiv text with LaTeX residue, so URLs turn
 * up wrapped in braces or parentheses, glued to a `~` (non-breaking space), with escaped
 * underscores, or as bare `*.github.io` project sites.
 */
const URL_PATTERN =
  /https?:\/\/[^\s{}<>"\\]*(?:\\_[^\s{}<>"\\]*)*|\b(?:[\w-]+\.)+github\.io(?:\/[^\s{}<>"]*)?|\bgithub\.com\/[^\s{}<>"]+/gi;

/** Characters that end a sentence or clause rather than the URL itself. */
const TRAILING_PUNCTUATION = /[.,;:!?'"\]]$/;

/** A link as written in the text, with its character offsets there (for highlighting). */
export interface LocatedLink {
  url: string;
  start: number;
  end: number;
}

/** Every distinct link with where it first appears; `start`/`end` cover the link as written (trailing punctuation excluded). */
export function locateLinks(text: string): LocatedLink[] {
  const links: LocatedLink[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(URL_PATTERN)) {
    const cleaned = cleanLink(match[0]);
    if (!cleaned) continue;
    // The same link written with and without a trailing slash or in another case is one link.
    const key = cleaned.url.toLowerCase().replace(/\/+$/, '');
    if (seen.has(key)) continue;
    seen.add(key);
    links.push({ url: cleaned.url, start: match.index, end: match.index + cleaned.writtenLength });
  }
  return links;
}

export function extractLinks(text: string): string[] {
  return locateLinks(text).map((link) => link.url);
}

/** The usable URL, and how many characters of the raw match it covers (trailing prose punctuation cut). */
function cleanLink(raw: string): { url: string; writtenLength: number } | null {
  let written = raw;
  for (;;) {
    if (TRAILING_PUNCTUATION.test(written)) {
      written = written.slice(0, -1);
    } else if (written.endsWith(')') && count(written, '(') < count(written, ')')) {
      // Only an unbalanced ")" closes the surrounding prose; a balanced one is part of the URL.
      written = written.slice(0, -1);
    } else {
      break;
    }
  }
  const link = written.replace(/\\_/g, '_');
  if (/^https?:\/\/$/i.test(link) || link.length === 0) return null;
  // Bare hosts get a scheme so every link is directly usable.
  return { url: /^https?:\/\//i.test(link) ? link : `https://${link}`, writtenLength: written.length };
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}
