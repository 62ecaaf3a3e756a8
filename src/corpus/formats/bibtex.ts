import { parse, type Creator, type Entry } from '@retorquere/bibtex-parser';
import type { ParseProblem } from '../types.ts';
import { collect, finishEntry } from './entry.ts';
import { arxivIdFrom, cleanText, normaliseDoi, publishedFrom, splitTags, yearFrom } from './fields.ts';
import { lineLocator } from './lines.ts';
import type { ParsedFile, SeedFormat } from './types.ts';

const ENTRY_START = /@\s*[a-zA-Z]+\s*[{(]/;

/**
 * `{\'\i}` (an accent on a dotless i, the correct TeX for "í") decodes to ı + combining accent,
 * which NFC cannot compose; it is meant as í.
 */
function latinText(value: string): string {
  return cleanText(value.replace(/\u0131(?=\p{M})/gu, 'i'));
}

function authorName(creator: Creator): string {
  if (creator.name) return latinText(creator.name);
  return latinText([creator.firstName, creator.prefix, creator.lastName, creator.suffix].filter(Boolean).join(' '));
}

/** The text of a TeX command the parser does not know (e.g. `\textsc{BERT}` → `BERT`), so no word is lost. */
function keepUnknownCommand(_node: unknown, tex: string): string {
  return tex.replace(/^\\[a-zA-Z]+\*?/, '').replace(/[{}]/g, '');
}

/** Google Scholar puts preprints as `journal = {arXiv preprint arXiv:2001.01234}`. */
function arxivIdOf(fields: Entry['fields']): string | undefined {
  const prefix = (fields.archiveprefix ?? fields.eprinttype ?? '').toLowerCase();
  if (prefix === 'arxiv' && fields.eprint) return arxivIdFrom(fields.eprint);
  for (const value of [fields.journal, fields.url, fields.note]) {
    if (value && /arxiv/i.test(value)) {
      const id = arxivIdFrom(value);
      if (id) return id;
    }
  }
  return undefined;
}

/**
 * BibTeX / BibLaTeX exports (Zotero, Mendeley, Google Scholar) through @retorquere/bibtex-parser,
 * the parser behind Zotero's Better BibTeX: it decodes LaTeX accents and commands to Unicode and
 * drops case-protecting braces. Titles are kept as written (no sentence-casing). A broken entry
 * is reported with its line and key; the parser resynchronises at the next `@`, so the entries
 * after it are still read.
 */
export const bibtexFormat: SeedFormat = {
  format: 'bibtex',
  extensions: ['.bib', '.bibtex'],
  check(text) {
    if (!text.trim() || ENTRY_START.test(text)) return null;
    return 'no BibTeX entries (@article{key, …}) found';
  },
  parse(file, text, options): ParsedFile {
    const library = parse(text, { sentenceCase: false, english: false, caseProtection: false, unsupported: keepUnknownCommand });
    const lineAt = lineLocator(text);
    let cursor = 0;
    /** Entries appear in file order, so each is searched for after the previous one. */
    const locate = (input: string | undefined): number | undefined => {
      if (!input) return undefined;
      const at = text.indexOf(input.trim(), cursor);
      if (at < 0) return undefined;
      cursor = at + 1;
      return lineAt(at);
    };
    const problems: ParseProblem[] = library.errors.map((error) => {
      const key = error.input ? /@\s*[a-zA-Z]+\s*[{(]\s*([^,\s]*)/.exec(error.input)?.[1] : undefined;
      const at = error.input ? text.indexOf(error.input.trim()) : -1;
      const detected = /at line (\d+)/.exec(error.error)?.[1];
      return {
        file,
        line: at >= 0 ? lineAt(at) : Number(detected ?? 1),
        text: key ?? error.input?.slice(0, 80) ?? '',
        // The parser's own position is where it noticed, often the next entry; the entry's line is reported instead.
        reason: `broken BibTeX entry${key ? ` ${key}` : ''}: ${error.error.replace(/ at line \d+, column \d+/, '')}`,
        kind: 'rejected' as const,
      };
    });
    const results = library.entries
      .filter((entry) => entry.input.trim() !== '')
      .map((entry) => {
        const { fields } = entry;
        const line = locate(entry.input) ?? 1;
        const authors = (fields.author ?? []).map(authorName).filter((name) => name.length > 0);
        const dateText = fields.date ?? fields.year;
        return finishEntry(
          { file, line, format: 'bibtex', key: entry.key },
          {
            title: fields.title === undefined ? undefined : latinText(fields.title),
            abstract: fields.abstract === undefined ? undefined : latinText(fields.abstract),
            authors,
            year: yearFrom(fields.year) ?? yearFrom(fields.date),
            published: publishedFrom(dateText),
            venue: cleanText(fields.journal ?? fields.journaltitle ?? fields.booktitle ?? fields.venue ?? '') || undefined,
            doi: normaliseDoi(fields.doi),
            arxivId: arxivIdOf(fields),
            url: fields.url?.trim() || undefined,
            tags: splitTags(fields.keywords),
          },
          options,
        );
      });
    const parsed = collect(results);
    return { entries: parsed.entries, problems: [...problems, ...parsed.problems].sort((a, b) => a.line - b.line) };
  },
};
