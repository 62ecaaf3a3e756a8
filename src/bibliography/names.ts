/**
 * A person's name as written in the corpus ("Ashish Vaswani", "Ludwig van Beethoven") split the
 * way citation formats want it. Lower-case words before the last one are particles and belong to
 * the family name ("van Beethoven"); a single word is a family name alone.
 */
export interface PersonName {
  family: string;
  given: string;
}

/** Suffixes that follow the family name rather than being it. */
const SUFFIX = /^(?:jr\.?|sr\.?|ii|iii|iv)$/i;

export function splitName(name: string): PersonName {
  const written = name.trim().replace(/\s+/g, ' ');
  // "Vaswani, Ashish" is already split.
  const comma = written.indexOf(',');
  if (comma > 0 && !SUFFIX.test(written.slice(comma + 1).trim())) return { family: written.slice(0, comma).trim(), given: written.slice(comma + 1).trim() };
  const words = written.split(' ');
  let last = words.length - 1;
  if (last > 0 && SUFFIX.test(words[last]!.replace(/,$/, ''))) last--;
  let first = last;
  while (first > 1 && /^\p{Ll}/u.test(words[first - 1]!)) first--;
  return { family: words.slice(first, last + 1).join(' '), given: words.slice(0, first).join(' ') };
}
