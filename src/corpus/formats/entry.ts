import type { PaperMetadata, ParseProblem, SourceFormat } from '../types.ts';
import { cleanText, compactMetadata } from './fields.ts';
import type { FormatOptions, SeedEntry } from './types.ts';

export interface EntryDraft extends PaperMetadata {
  title?: string;
  abstract?: string;
}

export interface EntryPlace {
  file: string;
  line: number;
  format: SourceFormat;
  key?: string;
}

/**
 * The rule every structured format shares for turning fields into an entry: a title is
 * required; an abstract is required unless title-only papers were asked for, because a paper
 * without one cannot support a cited answer and would otherwise surface as an empty source.
 */
export function finishEntry(place: EntryPlace, draft: EntryDraft, options: FormatOptions): { entry: SeedEntry } | { problem: ParseProblem } {
  const title = cleanText(draft.title ?? '');
  const abstract = cleanText(draft.abstract ?? '');
  const label = place.key ? `${place.key}: ${title}` : title;
  if (!title) return { problem: { file: place.file, line: place.line, text: place.key ?? abstract.slice(0, 80), reason: 'no title', kind: 'rejected' } };
  if (!abstract && !options.titleOnly) {
    return { problem: { file: place.file, line: place.line, text: label, reason: 'no abstract (set INGEST_TITLE_ONLY=1 to keep title-only papers)', kind: 'rejected' } };
  }
  const { title: _title, abstract: _abstract, ...metadata } = draft;
  return {
    entry: {
      file: place.file,
      line: place.line,
      format: place.format,
      ...(place.key ? { key: place.key } : {}),
      title,
      abstract,
      ...compactMetadata(metadata),
    },
  };
}

/** Splits finished entries from problems, keeping both in reading order. */
export function collect(results: Array<{ entry: SeedEntry } | { problem: ParseProblem }>): { entries: SeedEntry[]; problems: ParseProblem[] } {
  const entries: SeedEntry[] = [];
  const problems: ParseProblem[] = [];
  for (const result of results) {
    if ('entry' in result) entries.push(result.entry);
    else problems.push(result.problem);
  }
  return { entries, problems };
}
