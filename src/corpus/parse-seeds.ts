import type { SeedEntry } from './formats/types.ts';
import { isBoilerplateLine, stripGluedSubscribe } from './seed-boilerplate.ts';
import type { ParseProblem } from './types.ts';

export type { SeedEntry } from './formats/types.ts';

export interface ParsedSeedText {
  entries: SeedEntry[];
  problems: ParseProblem[];
}

/**
 * Longest line still taken for a title. Real titles in the seeds reach ~150 characters and
 * abstracts start at ~400, so the gap is wide on both sides.
 */
const TITLE_MAX_CHARS = 300;
/** A sentence-final line with at least this many words is prose, not a title. */
const PROSE_MIN_WORDS = 15;

/**
 * Whether a line reads as an abstract rather than a title. Length decides almost always; the
 * prose test catches an unusually short abstract, which ends a sentence and is wordy or has
 * several sentences, unlike titles (which may end in "?" but hardly ever in ".").
 */
function looksLikeAbstract(line: string): boolean {
  if (line.length >= TITLE_MAX_CHARS) return true;
  if (!/[.!]$/.test(line)) return false;
  const words = line.split(/\s+/).length;
  return words >= PROSE_MIN_WORDS || /[.!?]\s+\p{Lu}/u.test(line);
}

/**
 * Reads one page dump. Both layouts are handled by the same pass because only the order of
 * non-blank lines matters: blank-line separated blocks (title, blank, abstract) and adjacent
 * lines (title, abstract) both reduce to "title line, then abstract line". Every line that is
 * neither boilerplate nor part of a pair becomes a problem, so nothing disappears unnoticed.
 */
export function parseSeedText(fileName: string, text: string): ParsedSeedText {
  const entries: SeedEntry[] = [];
  const problems: ParseProblem[] = [];
  let pending: { line: number; title: string } | null = null;

  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (const [index, raw] of lines.entries()) {
    const lineNumber = index + 1;
    const trimmed = raw.trim();
    if (!trimmed || isBoilerplateLine(trimmed)) continue;

    // The glued "Subscribe" belongs to the page header, so only the first title can carry it.
    const inHeader: boolean = entries.length === 0 && pending === null;
    const content: string = inHeader ? stripGluedSubscribe(trimmed) : trimmed;

    if (looksLikeAbstract(content)) {
      if (pending) {
        entries.push({ file: fileName, line: pending.line, title: pending.title, abstract: content });
        pending = null;
      } else {
        problems.push({ file: fileName, line: lineNumber, text: content, reason: 'abstract-like line with no title before it' });
      }
      continue;
    }
    if (pending) {
      problems.push({ file: fileName, line: pending.line, text: pending.title, reason: 'title-like line with no abstract after it' });
    }
    pending = { line: lineNumber, title: content };
  }

  if (pending) {
    problems.push({ file: fileName, line: pending.line, text: pending.title, reason: 'title-like line with no abstract before the end of the file' });
  }
  return { entries, problems };
}
