import { createHash } from 'node:crypto';
import { withoutDiacritics } from '../util/without-diacritics.ts';

/**
 * The key under which seed entries are considered the same paper. Dumps of the same page differ
 * in Unicode forms, case and spacing around punctuation ("VIOLET : End-to-End" vs
 * "VIOLET: End-to-End", "BUS:Efficient"), so those differences must not split a paper in two.
 */
export function normaliseTitle(title: string): string {
  return (
    title
      .normalize('NFKC')
      .toLowerCase()
      // Apostrophes join rather than separate, so "alzheimer's" and "alzheimers" meet.
      .replace(/['\u2018\u2019`]/g, '')
      // Any other punctuation or symbol acts as a word break ("end-to-end" ~ "end to end").
      .replace(/[\p{P}\p{S}]+/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** Words too common to make a slug recognisable; the hash keeps the id unique without them. */
const SLUG_SKIP_WORDS = new Set(['a', 'an', 'the', 'of', 'for', 'and', 'with', 'to', 'in', 'on', 'via', 'from', 'by', 'at', 'as', 'is']);
const SLUG_MAX_WORDS = 4;
const SLUG_MAX_CHARS = 32;
const HASH_HEX_CHARS = 8;

/**
 * A stable, URL-safe id: a readable slug for humans scanning logs plus a hash of the normalised
 * title for uniqueness. Derived only from the title, so it survives re-ingestion and reordering
 * of the seed files. At most SLUG_MAX_CHARS + 1 + HASH_HEX_CHARS (41) characters, e.g.
 * `treeformer-semi-supervised-9e31ca18`.
 */
export function paperIdFromTitle(title: string): string {
  const normalised = normaliseTitle(title);
  const hash = createHash('sha256').update(normalised).digest('hex').slice(0, HASH_HEX_CHARS);
  return `${slugFrom(normalised)}-${hash}`;
}

function slugFrom(normalised: string): string {
  // Accents dropped so "Éclair" slugs as "eclair" instead of losing the letter.
  const asciiWords = withoutDiacritics(normalised)
    .split(' ')
    .map((word) => word.replace(/[^a-z0-9]/g, ''))
    .filter((word) => word.length > 0);
  const meaningful = asciiWords.filter((word) => !SLUG_SKIP_WORDS.has(word));
  const words = meaningful.length > 0 ? meaningful : asciiWords;

  let slug = '';
  for (const word of words.slice(0, SLUG_MAX_WORDS)) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > SLUG_MAX_CHARS) {
      // A single overlong first word is cut rather than leaving the slug empty.
      if (!slug) slug = word.slice(0, SLUG_MAX_CHARS);
      break;
    }
    slug = next;
  }
  // Titles with no Latin letters or digits still need a readable prefix.
  return slug || 'paper';
}
