import type { Sentence } from './types.ts';

/**
 * Sentence splitting for abstracts. `Intl.Segmenter` follows UAX #29, which breaks after any
 * period followed by a space and a capital ("e.g. BERT", "(78.5% vs. 75.9%)"), and after "!" or
 * "?" inside names ("WHOOPS! and WEIRD"). The segmenter proposes boundaries; the rules below
 * veto the ones that academic text gets wrong.
 */
const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Shorter sentences are fragments ("1.", "75.9%).") and would make useless chunks on their own. */
const MIN_SENTENCE_CHARS = 15;

/**
 * Abbreviations that never end a sentence in this kind of text, so a break after them is wrong.
 * Units that look like abbreviations ("12 ms.", "per sec.") are left out: they do end sentences.
 */
const NEVER_FINAL = ['e\\.g', 'i\\.e', 'vs', 'cf', 'approx', 'w\\.r\\.t', 'viz', 'a\\.k\\.a', 'incl'];
const NEVER_FINAL_ENDING = new RegExp(`(?:^|[^\\p{L}\\p{N}.])(?:${NEVER_FINAL.join('|')})\\.$`, 'iu');
/** References to parts of a paper; capitalised only, so the plain words stay sentence-final. */
const REFERENCE_ENDING = /(?:^|[^\p{L}\p{N}.])(?:Figs?|Eqs?|Sec|Sect|Tab|Refs?)\.$/u;
/** "No." abbreviates "number" only when a number follows; otherwise it is the word "no". */
const NUMBER_ABBREVIATION_ENDING = /(?:^|[^\p{L}\p{N}.])No\.$/u;
/** "etc.", "et al." and "resp." do end sentences; they only continue one when no new sentence starts. */
const SOMETIMES_FINAL_ENDING = /(?:^|[^\p{L}\p{N}.])(?:etc|et al|resp)\.$/iu;
/** A capitalised word is how the next sentence starts ("etc. We reframe ..."). */
const SENTENCE_START = /^["'(\[]?\p{Lu}\p{Ll}/u;
/** A plain lower-case word cannot open a sentence, unlike names such as "iTransformer". */
const LOWERCASE_CONTINUATION = /^[a-z]+[\s,;:]/;
/**
 * A sentence end with the space after it lost ("outputs.This classification"), which the
 * segmenter cannot see. Requiring lower-case before and a capitalised word after keeps names
 * such as "01.AI" or "Act.EM" whole; URLs are protected by the URL rule below.
 */
const MISSING_SPACE_BOUNDARY = /(?<=\p{Ll}{2}[.!?])(?=\p{Lu}\p{Ll})/gu;
/** A token that is (part of) a URL, where a "." is never a sentence end. */
const URL_TOKEN = /(?:[a-z][a-z0-9+.-]*:\/\/|www\.|\.github\.io|github\.com\/)/i;

interface Span {
  start: number;
  end: number;
}

export function splitSentences(text: string): Sentence[] {
  const segmented: Span[] = [...segmenter.segment(text)].map(({ index, segment }) => ({ start: index, end: index + segment.length }));
  const raw = segmented.flatMap((span) => splitAtMissingSpaces(text, span));

  const joined: Span[] = [];
  for (const span of raw) {
    const previous = joined.at(-1);
    if (previous && isFalseBoundary(text, previous, span)) {
      previous.end = span.end;
    } else {
      joined.push({ ...span });
    }
  }

  const trimmed = joined.map((span) => trim(text, span)).filter((span) => span.end > span.start);
  return mergeShortFragments(trimmed).map(({ start, end }) => ({ text: text.slice(start, end), start, end }));
}

function splitAtMissingSpaces(text: string, span: Span): Span[] {
  const pieces: Span[] = [];
  let start = span.start;
  for (const match of text.slice(span.start, span.end).matchAll(MISSING_SPACE_BOUNDARY)) {
    const at = span.start + match.index;
    pieces.push({ start, end: at });
    start = at;
  }
  pieces.push({ start, end: span.end });
  return pieces;
}

function isFalseBoundary(text: string, before: Span, after: Span): boolean {
  const left = text.slice(before.start, before.end);
  const right = text.slice(after.start, after.end);
  const leftTrimmed = left.trimEnd();
  const rightTrimmed = right.trimStart();

  if (NEVER_FINAL_ENDING.test(leftTrimmed) || REFERENCE_ENDING.test(leftTrimmed)) return true;
  if (NUMBER_ABBREVIATION_ENDING.test(leftTrimmed) && /^\d/.test(rightTrimmed)) return true;
  if (SOMETIMES_FINAL_ENDING.test(leftTrimmed) && !SENTENCE_START.test(rightTrimmed)) return true;
  if (LOWERCASE_CONTINUATION.test(rightTrimmed)) return true;

  // A boundary with no whitespace at it sits inside one token: a decimal ("3.5") or a URL.
  const glued = left === leftTrimmed && right === rightTrimmed;
  if (glued) {
    if (/\d[.,]$/.test(left) && /^\d/.test(right)) return true;
    if (URL_TOKEN.test(tokenAround(text, after.start))) return true;
  }
  return false;
}

/** The whitespace-delimited token that contains position `at`. */
function tokenAround(text: string, at: number): string {
  let start = at;
  while (start > 0 && !/\s/.test(text[start - 1] ?? '')) start--;
  let end = at;
  while (end < text.length && !/\s/.test(text[end] ?? '')) end++;
  return text.slice(start, end);
}

function trim(text: string, span: Span): Span {
  let { start, end } = span;
  while (start < end && /\s/.test(text[start] ?? '')) start++;
  while (end > start && /\s/.test(text[end - 1] ?? '')) end--;
  return { start, end };
}

/** Fragments join the sentence before them (the one they usually finish), or the next if first. */
function mergeShortFragments(spans: Span[]): Span[] {
  const merged: Span[] = [];
  let carry: number | null = null;
  for (const span of spans) {
    const start: number = carry ?? span.start;
    carry = null;
    const isShort = span.end - start < MIN_SENTENCE_CHARS;
    const previous = merged.at(-1);
    if (isShort && previous) {
      previous.end = span.end;
    } else if (isShort) {
      carry = start;
    } else {
      merged.push({ start, end: span.end });
    }
  }
  // Text made only of short fragments is still one sentence.
  const lastSpan = spans.at(-1);
  if (carry !== null && lastSpan) merged.push({ start: carry, end: lastSpan.end });
  return merged;
}
