import type { ServedIndex } from '../index/served-index.ts';
import { specificNames } from './question-analysis.ts';

/**
 * Which names in a question no title or abstract contains. A name counts as present when
 * the corpus writes it with other separators or case ("Q-Former" / "QFormer", "1248x1248" /
 * "1248 $\times$ 1248" / "1248 × 1248"), and a hyphenated compound counts as present when
 * its name-like parts are ("LoRA-tuned", "Chinese-English", "encoder-plus-LLM").
 */

const corpusText = new WeakMap<ServedIndex, string>();

/** Lower-cased corpus text with every way of writing "times" turned into " x ". */
function normalisedCorpus(index: ServedIndex): string {
  let text = corpusText.get(index);
  if (!text) {
    text = normaliseTimes(index.papers.map((paper) => `${paper.title}\n${paper.abstract}`).join('\n').toLowerCase());
    corpusText.set(index, text);
  }
  return text;
}

function normaliseTimes(text: string): string {
  return text.replace(/\$?\\times\$?|×/g, ' x ');
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "q-former" → a pattern that also matches "qformer", "q former", "q_former". */
function flexiblePattern(name: string): RegExp {
  const parts = normaliseTimes(name.toLowerCase()).match(/[a-z]+|\d+(?:\.\d+)?/g) ?? [];
  const body = parts.map(escapeRegExp).join('[\\s\\-_./$]*');
  return new RegExp(`(^|[^a-z0-9])${body}($|[^a-z0-9])`);
}

function inCorpus(name: string, index: ServedIndex): boolean {
  return flexiblePattern(name).test(normalisedCorpus(index));
}

/** Parts of a compound that describe rather than name ("tuned", "style", "token"), and bare numbers or factors. */
const isDescriptivePart = (part: string) => /^[a-z]+$/.test(part) || /^\d+(\.\d+)?x?$/i.test(part);

/** Suffixes that turn a name into a description ("BLIP-2-style", "GPT-2-like"). */
const DESCRIPTIVE_SUFFIX = /-(style|like|based|sized|size|type|level|scale|ish)$/i;

function isKnown(name: string, index: ServedIndex): boolean {
  const bare = name.replace(/'s$/i, '').replace(DESCRIPTIVE_SUFFIX, '');
  if (bare === '' || inCorpus(bare, index)) return true;
  if (!bare.includes('-')) return false;
  // "GPT-4-translated" → "GPT-4": drop descriptive tails, then every remaining name part must be known.
  const parts = bare.split('-');
  if (parts.every((part) => /^\d+(\.\d+)?x?$/i.test(part))) return true; // a range such as "4-8x" is a number, not a name
  while (parts.length > 1 && /^[a-z]{3,}$/.test(parts[parts.length - 1]!)) parts.pop();
  if (parts.length < bare.split('-').length && inCorpus(parts.join('-'), index)) return true;
  // A number right after a name is its version ("FlashAttention-3", "RT-2"): the whole was not found.
  if (parts.some((part, position) => position > 0 && /^\d/.test(part) && !/^[a-z]+$/.test(parts[position - 1]!))) return false;
  const nameParts = parts.filter((part) => !isDescriptivePart(part));
  return nameParts.every((part) => inCorpus(part, index));
}

/**
 * Runs of capitalised words inside a sentence ("Direct Preference Optimization", "Grand
 * Slam") name one thing even when each word is common on its own.
 */
function capitalisedPhrases(question: string): string[] {
  const phrases: string[] = [];
  for (const sentence of question.split(/(?<=[.?!:;])\s+/)) {
    const words = sentence.split(/\s+/);
    let run: string[] = [];
    const flush = () => {
      if (run.length >= 2) phrases.push(run.join(' '));
      run = [];
    };
    words.forEach((word, position) => {
      const clean = word.replace(/^[("'“]+|[)"'”,.?!:;]+$/g, '').replace(/'s$/, '');
      if (position > 0 && /^[A-Z][a-z]+$/.test(clean)) run.push(clean);
      else flush();
    });
    flush();
  }
  return phrases;
}

export interface UnknownName {
  name: string;
  /** Position of the name in the question (characters). */
  offset: number;
}

export function namesMissingFromCorpus(question: string, index: ServedIndex): UnknownName[] {
  const missing: UnknownName[] = [];
  const seen = new Set<string>();
  const phrases = capitalisedPhrases(question).filter((phrase) => !inCorpus(phrase, index));
  for (const phrase of phrases) {
    seen.add(phrase);
    missing.push({ name: phrase, offset: question.indexOf(phrase) });
  }
  const inMissingPhrase = (name: string) => phrases.some((phrase) => phrase.split(' ').includes(name.replace(/'s$/, '')));
  for (const name of specificNames(question)) {
    if (seen.has(name) || inMissingPhrase(name) || isKnown(name, index)) continue;
    seen.add(name);
    missing.push({ name: name.replace(/'s$/i, ''), offset: question.indexOf(name) });
  }
  return missing;
}

/**
 * Model and system names carry versions: "RT-2", "8x7B", "large-v2", "H100". When one of
 * these is absent from every abstract, the question is about something the index lacks.
 */
export function isVersionedName(name: string): boolean {
  return (/[A-Z]/.test(name) && /\d/.test(name)) || /\d+x\d+[a-z]?/i.test(name) || /-v\d/i.test(name);
}

/**
 * A name given as an example ("e.g. Zipf's law", "such as X"), as the baseline of a
 * comparison ("faster than stock PyTorch") or as the setting ("on Intel Xeon servers",
 * "using BLIP-2's Q-Former") is not what the question is about.
 */
export function isGivenAsExample(question: string, name: UnknownName): boolean {
  const before = question.slice(Math.max(0, name.offset - 30), name.offset);
  return /\b(e\.g\.|i\.e\.|such as|like|for example|for instance|including|than|vs\.?|versus|compared (with|to)|over|on|using|via)\s*(the\s+|a\s+|an\s+|stock\s+|plain\s+|vanilla\s+|standard\s+)?$/i.test(before);
}
