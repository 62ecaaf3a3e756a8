import { LRUCache } from 'lru-cache';
import { stemmer } from 'stemmer';
import { eng as englishStopwords } from 'stopword';

const STOPWORDS = new Set<string>([
  ...englishStopwords,
  // Words in nearly every abstract or question: they carry no signal for ranking.
  'paper', 'propose', 'proposed', 'present', 'presents', 'show', 'shows', 'approach', 'method',
  'methods', 'model', 'models', 'use', 'using', 'used', 'based', 'also', 'new', 'can', 'work',
  'via', 'which', 'what', 'how', 'does', 'do', 'did', 'paper', 'papers', 'study', 'about',
  'anything', 'something', 'thing', 'things', 'way', 'ways', 'one', 'two', 'make', 'makes',
]);

/** Lower-cased word tokens, keeping digits and inner hyphens/dots of names like "gpt-4" or "3.5". */
export function tokenize(text: string): string[] {
  return text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+(?:[-.'][\p{L}\p{N}]+)*/gu) ?? [];
}

/**
 * The index term for a token: null for stopwords, else its Porter stem, so "tweets" and
 * "tweet", or "labeling" and "labels", meet. Hyphenated names are kept whole too by the caller.
 */
export function toTerm(token: string): string | null {
  const cached = termOfToken.get(token);
  if (cached !== undefined) return cached;
  // Bounded: a corpus has few distinct tokens, but a long-running server sees open-ended input.
  if (termOfToken.size >= 200_000) termOfToken.clear();
  const term = toTermUncached(token);
  termOfToken.set(token, term);
  return term;
}

/** Token → term memo: stemming is most of the analysis cost, and tokens repeat endlessly. */
const termOfToken = new Map<string, string | null>();

function toTermUncached(token: string): string | null {
  const word = token.replace(/'s$/, '');
  if (word.length < 2 && !/\d/.test(word)) return null;
  if (STOPWORDS.has(word)) return null;
  return /^[a-z]+$/.test(word) ? stemmer(word) : word;
}

/** Abstract sentences are analysed on every answer: their terms are worth keeping. */
const analysed = new LRUCache<string, string[]>({ max: 20_000 });

/** Terms of a text: stems of its words plus the parts of hyphenated words. */
export function analyze(text: string): string[] {
  const cached = analysed.get(text);
  if (cached) return cached;
  const terms = analyzeUncached(text);
  analysed.set(text, terms);
  return terms;
}

/** `analyze` without the cache, for one-off texts such as whole abstracts at index time. */
export function analyzeUncached(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokenize(text)) {
    const whole = toTerm(token);
    if (whole) terms.push(whole);
    if (token.includes('-')) {
      for (const part of token.split('-')) {
        const term = toTerm(part);
        if (term) terms.push(term);
      }
    }
  }
  return terms;
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word.toLowerCase());
}
