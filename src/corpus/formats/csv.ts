import { parse } from 'csv-parse/sync';
import type { ParseProblem } from '../types.ts';
import { collect, finishEntry } from './entry.ts';
import { RECORD_FIELDS, readRecord } from './record.ts';
import type { ParsedFile, SeedFormat } from './types.ts';

interface CsvRow {
  record: string[];
  raw: string;
  info: { lines: number };
}

/**
 * csv-parse counts the lines up to the end of a record (its raw text includes the newline that
 * ends it); a quoted field spanning lines moves the record's first line up by its line breaks.
 */
function startLine(row: CsvRow): number {
  return row.info.lines - (row.raw.replace(/\n$/, '').match(/\n/g)?.length ?? 0);
}

/**
 * Spreadsheet exports: a header row naming the fields in any order and case; extra columns are
 * ignored and reported once. csv-parse handles quoting, embedded newlines and the BOM; a record
 * it cannot read (an unclosed quote) is reported with its line and the rest still read.
 */
export const csvFormat: SeedFormat = {
  format: 'csv',
  extensions: ['.csv'],
  check(text) {
    const start = text.trimStart();
    if (start.startsWith('{') || start.startsWith('[')) return 'looks like JSON, not CSV';
    if (start.startsWith('<')) return 'looks like XML, not CSV';
    if (start.startsWith('@')) return 'looks like BibTeX, not CSV';
    return null;
  },
  parse(file, text, options): ParsedFile {
    const problems: ParseProblem[] = [];
    const rows = parse(text, {
      info: true,
      raw: true,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        problems.push({ file, line: typeof error?.lines === 'number' ? error.lines : 1, text: '', reason: `unreadable CSV record: ${error?.message ?? 'parse error'}`, kind: 'rejected' });
        return undefined;
      },
    }) as unknown as CsvRow[];
    const [header, ...records] = rows;
    if (!header) return { entries: [], problems };

    const columns = header.record.map((name) => name.trim().toLowerCase());
    const required = options.titleOnly ? ['title'] : ['title', 'abstract'];
    const missing = required.filter((name) => !columns.includes(name));
    if (missing.length > 0) {
      const reason = `header row lacks the required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${header.record.join(', ') || 'nothing'})`;
      return { entries: [], problems: [{ file, line: startLine(header), text: header.raw.trim().slice(0, 80), reason, kind: 'file' }] };
    }
    const extra = header.record.filter((_, index) => !(RECORD_FIELDS as readonly string[]).includes(columns[index]!));
    if (extra.length > 0) {
      problems.push({ file, line: startLine(header), text: extra.join(', '), reason: `columns ignored (not title, abstract, authors, year, published, url, arxivId, doi, venue, tags): ${extra.join(', ')}`, kind: 'note' });
    }

    const results = records.map((row) => {
      const line = startLine(row);
      const record: Record<string, unknown> = {};
      columns.forEach((column, index) => {
        if ((RECORD_FIELDS as readonly string[]).includes(column)) record[column] = row.record[index];
      });
      if (row.record.length > columns.length && row.record.slice(columns.length).some((value) => value.trim())) {
        problems.push({ file, line, text: row.raw.slice(0, 80), reason: `${row.record.length} values for ${columns.length} columns: the extra values were ignored`, kind: 'note' });
      }
      const reading = readRecord(record);
      return reading.draft
        ? finishEntry({ file, line, format: 'csv' }, reading.draft, options)
        : { problem: { file, line, text: row.raw.slice(0, 80), reason: reading.error ?? 'invalid record', kind: 'rejected' as const } };
    });
    const parsed = collect(results);
    return { entries: parsed.entries, problems: [...problems, ...parsed.problems].sort((a, b) => a.line - b.line) };
  },
};
