import type { ParseProblem } from '../types.ts';
import { collect, finishEntry } from './entry.ts';
import { lineLocator } from './lines.ts';
import { readRecord } from './record.ts';
import type { FormatOptions, ParsedFile, SeedEntry, SeedFormat } from './types.ts';

/** Reads one record; shared by JSON Lines and JSON arrays. */
function recordEntry(
  file: string,
  line: number,
  value: unknown,
  format: 'json' | 'jsonl',
  options: FormatOptions,
  unknown: Map<string, number>,
): { entry: SeedEntry } | { problem: ParseProblem } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { problem: { file, line, text: JSON.stringify(value)?.slice(0, 80) ?? '', reason: 'expected an object with title and abstract', kind: 'rejected' } };
  }
  const reading = readRecord(value as Record<string, unknown>);
  for (const key of reading.unknownKeys) if (!unknown.has(key)) unknown.set(key, line);
  if (!reading.draft) {
    const title = (value as { title?: unknown }).title;
    return { problem: { file, line, text: typeof title === 'string' ? title : '', reason: reading.error ?? 'invalid record', kind: 'rejected' } };
  }
  return finishEntry({ file, line, format }, reading.draft, options);
}

/** Extra fields are not an error (exports carry many), but the user is told once what was ignored. */
function unknownFieldNotes(file: string, unknown: Map<string, number>): ParseProblem[] {
  if (unknown.size === 0) return [];
  const first = Math.min(...unknown.values());
  return [{ file, line: first, text: [...unknown.keys()].join(', '), reason: `fields ignored (not title, abstract, authors, year, published, url, arxivId, doi, venue, tags): ${[...unknown.keys()].join(', ')}`, kind: 'note' }];
}

export const jsonLinesFormat: SeedFormat = {
  format: 'jsonl',
  extensions: ['.jsonl', '.ndjson'],
  check(text) {
    const first = text.trimStart()[0];
    if (first === undefined) return null;
    if (first === '[') return 'looks like a JSON array, not JSON Lines (one object per line): name it .json';
    return first === '{' ? null : 'not JSON Lines: expected one JSON object per line';
  },
  parse(file, text, options) {
    const unknown = new Map<string, number>();
    const results = text.split(/\r\n|\r|\n/).flatMap((raw, index) => {
      const line = index + 1;
      if (!raw.trim()) return [];
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (error) {
        return [{ problem: { file, line, text: raw.slice(0, 80), reason: `invalid JSON: ${(error as Error).message}`, kind: 'rejected' as const } }];
      }
      return [recordEntry(file, line, value, 'jsonl', options, unknown)];
    });
    const parsed = collect(results);
    return { entries: parsed.entries, problems: [...parsed.problems, ...unknownFieldNotes(file, unknown)] };
  },
};


/**
 * Where each element of a top-level JSON array starts, so every entry can be reported with its
 * line (JSON.parse gives values, not positions). Only strings and nesting need tracking.
 */
function topLevelElementOffsets(text: string): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expectElement = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (depth === 1 && expectElement && !/\s/.test(char) && char !== ']') {
      offsets.push(index);
      expectElement = false;
    }
    if (char === '"') inString = true;
    else if (char === '[' || char === '{') {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (char === ']' || char === '}') depth--;
    else if (char === ',' && depth === 1) expectElement = true;
  }
  return offsets;
}

/** V8 names the failing offset ("... at position 45 (line 3 column 2)"); turn it into a line. */
function jsonErrorLine(text: string, message: string): number {
  const lineMatch = /line (\d+)/.exec(message);
  if (lineMatch) return Number(lineMatch[1]);
  const position = /position (\d+)/.exec(message);
  return position ? lineLocator(text)(Number(position[1])) : 1;
}

export const jsonArrayFormat: SeedFormat = {
  format: 'json',
  extensions: ['.json'],
  check(text) {
    const first = text.trimStart()[0];
    if (first === undefined || first === '[') return null;
    if (first === '{') return 'expected a JSON array of papers ([{…}, …]); a file with one object per line should be named .jsonl';
    return 'not JSON: expected an array of papers';
  },
  parse(file, text, options): ParsedFile {
    if (!text.trim()) return { entries: [], problems: [] };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const message = (error as Error).message;
      return { entries: [], problems: [{ file, line: jsonErrorLine(text, message), text: '', reason: `invalid JSON: ${message}`, kind: 'file' }] };
    }
    if (!Array.isArray(value)) return { entries: [], problems: [{ file, line: 1, text: '', reason: 'expected a JSON array of papers', kind: 'file' }] };
    const offsets = topLevelElementOffsets(text);
    const lineAt = lineLocator(text);
    const unknown = new Map<string, number>();
    const parsed = collect(value.map((item, index) => recordEntry(file, lineAt(offsets[index] ?? 0), item, 'json', options, unknown)));
    return { entries: parsed.entries, problems: [...parsed.problems, ...unknownFieldNotes(file, unknown)] };
  },
};
