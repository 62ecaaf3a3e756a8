import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ParseProblem } from '../types.ts';
import { collect, finishEntry } from './entry.ts';
import { arxivIdFrom, cleanText, normaliseDoi, publishedFrom, yearFrom } from './fields.ts';
import { lineLocator } from './lines.ts';
import type { ParsedFile, SeedFormat } from './types.ts';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Repeated elements always come back as arrays, even when an entry has only one.
  isArray: (name) => ['entry', 'author', 'link', 'category'].includes(name),
  textNodeName: '#text',
  parseTagValue: false,
  trimValues: true,
});

type XmlValue = string | number | boolean | { [key: string]: XmlValue } | XmlValue[] | undefined;

/** Text of an element that may carry attributes (then the text sits under `#text`). */
function textOf(value: XmlValue): string {
  if (value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(textOf).join(' ');
  return textOf(value['#text']);
}

function list(value: XmlValue): XmlValue[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function attribute(value: XmlValue, name: string): string | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value[`@_${name}`] as string | undefined) : undefined;
}

/**
 * The answer of an arXiv API query (`export.arxiv.org/api/query?...`) saved to a file: an Atom
 * feed with one <entry> per preprint. fast-xml-parser validates the XML first (so a truncated
 * download is reported with its line) and then maps it to plain objects.
 */
export const arxivAtomFormat: SeedFormat = {
  format: 'arxiv-atom',
  extensions: ['.xml', '.atom'],
  check(text) {
    const start = text.trimStart();
    if (!start) return null;
    if (!start.startsWith('<')) return 'not XML';
    return /<feed[\s>]/.test(text) ? null : 'XML but not an Atom feed (expected <feed> with <entry> elements, as the arXiv API returns)';
  },
  parse(file, text, options): ParsedFile {
    if (!text.trim()) return { entries: [], problems: [] };
    const valid = XMLValidator.validate(text);
    if (valid !== true) {
      return { entries: [], problems: [{ file, line: valid.err.line, text: '', reason: `invalid XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`, kind: 'file' }] };
    }
    const document = parser.parse(text) as { feed?: { entry?: XmlValue[] } };
    const entries = list(document.feed?.entry as XmlValue);
    const lineAt = lineLocator(text);
    const entryLines = [...text.matchAll(/<entry[\s>]/g)].map((match) => lineAt(match.index));
    const problems: ParseProblem[] = [];
    const results = entries.flatMap((value, index) => {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
      const line = entryLines[index] ?? 1;
      const id = textOf(value.id);
      // The API reports a bad query as a feed holding one "Error" entry.
      if (id.includes('/api/errors')) {
        problems.push({ file, line, text: id, reason: `arXiv API error: ${cleanText(textOf(value.summary))}`, kind: 'rejected' });
        return [];
      }
      const links = list(value.link);
      const page = links.find((link) => attribute(link, 'rel') === 'alternate') ?? links[0];
      const published = textOf(value.published);
      const primary = attribute(value['arxiv:primary_category'], 'term');
      const categories = list(value.category).map((category) => attribute(category, 'term')).filter((term): term is string => Boolean(term));
      return [
        finishEntry(
          { file, line, format: 'arxiv-atom', ...(arxivIdFrom(id) ? { key: arxivIdFrom(id) } : {}) },
          {
            title: textOf(value.title),
            abstract: textOf(value.summary),
            authors: list(value.author).map((author) => cleanText(textOf(author && typeof author === 'object' && !Array.isArray(author) ? author.name : author))).filter(Boolean),
            year: yearFrom(published),
            published: publishedFrom(published),
            venue: cleanText(textOf(value['arxiv:journal_ref'])) || undefined,
            doi: normaliseDoi(textOf(value['arxiv:doi'])),
            arxivId: arxivIdFrom(id),
            url: attribute(page, 'href') ?? (id || undefined),
            // The primary category first: it is the one arXiv lists the paper under.
            tags: [...new Set([...(primary ? [primary] : []), ...categories])],
          },
          options,
        ),
      ];
    });
    const parsed = collect(results);
    return { entries: parsed.entries, problems: [...problems, ...parsed.problems].sort((a, b) => a.line - b.line) };
  },
};
