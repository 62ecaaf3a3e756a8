import { englishWords } from '../text/english-words.ts';
import { analyze, analyzeUncached } from '../text/terms.ts';
import { escapeRegExp } from '../util/escape-reg-exp.ts';
import { withoutDiacritics } from '../util/without-diacritics.ts';
import { SlicedDerivation } from '../util/sliced-derivation.ts';
import { asksForQuantity, specificNames } from './question-analysis.ts';

/**
 * Which names in a question no title or abstract contains. A name counts as present when
 * the corpus writes it with other separators or case ("Q-Former" / "QFormer", "1248x1248" /
 * "1248 $\times$ 1248" / "1248 × 1248"), and a hyphenated compound counts as present when
 * its name-like parts are ("LoRA-tuned", "Chinese-English", "encoder-plus-LLM").
 */

/** The texts names are looked up in: the live index, or a single paper (comparison tables). */
export interface TitledTexts {
  readonly papers: ReadonlyArray<{ title: string; abstract: string }>;
}

interface CorpusLookup {
  /**
   * Lower-cased titles and abstracts in one notation (`normaliseNotation`),
   * joined a few hundred papers to a string: a name never spans two papers, and one string
   * of the whole corpus would cost ~0.5 s to join at 100k papers.
   */
  chunks: string[];
  /** Their maximal runs of letters and digits: a one-part name is found by lookup, not a scan. */
  words: Set<string>;
  /** Names the corpus writes with a version attached ("yolov5" → "yolov", "yolo"): a family asked without one is found by lookup. */
  families: Set<string>;
}

/** Papers per chunk of text, and per slice of background preparation (~25 ms of work). */
const PAPERS_PER_CHUNK = 500;

interface Reading extends CorpusLookup {
  /** Texts of the papers read since the last chunk was joined. */
  pending: string[];
}

const joinPending = (reading: Reading) => {
  if (reading.pending.length > 0) reading.chunks.push(reading.pending.join('\n'));
  reading.pending = [];
};

const corpusLookups = new SlicedDerivation<TitledTexts, TitledTexts['papers'][number], Reading, CorpusLookup>(
  {
    items: (index) => index.papers,
    start: () => ({ chunks: [], words: new Set(), families: new Set(), pending: [] }),
    add(reading, paper) {
      const text = normaliseNotation(withoutDiacritics(withoutLatexAccents(`${paper.title}\n${paper.abstract}`)).toLowerCase());
      reading.pending.push(text);
      for (const word of text.split(/[^a-z0-9]+/)) {
        if (word === '' || reading.words.has(word)) continue;
        reading.words.add(word);
        const family = /^([a-z]{3,})\d+[a-z]?$/.exec(word)?.[1];
        if (family) reading.families.add(family);
        if (family && family.length >= 4 && family.endsWith('v')) reading.families.add(family.slice(0, -1));
      }
      if (reading.pending.length >= PAPERS_PER_CHUNK) joinPending(reading);
    },
    finish(_index, reading) {
      joinPending(reading);
      return { chunks: reading.chunks, words: reading.words, families: reading.families };
    },
  },
  PAPERS_PER_CHUNK,
);

const corpusLookup = (index: TitledTexts) => corpusLookups.get(index);

/**
 * Builds what the name check reads for an index ahead of its first question, in slices that
 * yield to the event loop (~3 s for 100k papers at once), and the English dictionaries.
 */
export async function prepareNameLookup(index: TitledTexts): Promise<void> {
  await corpusLookups.prepare(index);
  // The dictionaries take ~0.4 s to build: here, not in the first question that needs them.
  englishWords.load();
}

/** Abstracts also write accents in LaTeX (`Nystr\"om`, `{\'e}`): the letter without its accent, as `withoutDiacritics` does for Unicode ones. */
const withoutLatexAccents = (text: string) => text.replace(/\{?\\[`'"^~=.]\{?([A-Za-z])\}?\}?/g, '$1');

const MAGNITUDE_LETTERS: Record<string, string> = { thousand: 'k', million: 'm', billion: 'b', trillion: 't' };

/**
 * Lower-cased text with every way of writing "times" turned into " x " and spelled-out
 * magnitudes into their letter ("8.3 billion" → "8.3b"), so "1248x1248" finds
 * "1248 $\times$ 1248" and "8.3B" finds "8.3 billion parameters".
 */
function normaliseNotation(text: string): string {
  return text
    .replace(/\$?\\times\$?|×/g, ' x ')
    // "\times" whose backslash the seed text lost: "MobileNetV2times 1.4", "4times4".
    .replace(/(\d)times(?![a-z])/g, '$1 x ')
    .replace(/(\d)\s*-?\s*(thousand|million|billion|trillion)\b/g, (_match, digit: string, magnitude: string) => `${digit}${MAGNITUDE_LETTERS[magnitude]}`);
}

/** "Q-Former" → ["q", "former"]: letter runs and numbers, the separators dropped. */
function nameParts(name: string): string[] {
  return normaliseNotation(name.toLowerCase()).match(/[a-z]+|\d+(?:\.\d+)?/g) ?? [];
}

/** A word of four letters or more without a plural "s" ("clouds" → "cloud"); shorter names stay as written. */
const singularOf = (word: string) => (/^[a-z]{4,}$/.test(word) ? word.replace(/(?<!s)s$/, '') : undefined);

/** A word in the singular and the plural ("clouds" / "cloud"). */
function numberForms(word: string): string[] {
  const singular = singularOf(word);
  return singular === undefined ? [word] : [word, singular, `${singular}s`, `${singular}es`];
}

/**
 * ["q", "former"] → a pattern that also matches "qformer", "q former", "q_former"; a word
 * in the singular or the plural ("Point Clouds" finds "point cloud", "Knowledge Graph" finds
 * "knowledge graphs").
 */
function flexiblePattern(parts: readonly string[]): RegExp {
  const eitherNumber = (part: string) => {
    const singular = singularOf(part);
    return singular === undefined ? escapeRegExp(part) : `${escapeRegExp(singular)}(?:e?s)?`;
  };
  const body = parts.map(eitherNumber).join('[\\s\\-_./$]*');
  return new RegExp(`(?<![a-z0-9])${body}(?![a-z0-9])`);
}

/**
 * A one-part name ("whisper", "rlhf", "2048") is present exactly when it is one of the
 * corpus's runs of letters and digits: a set lookup, where the pattern would scan the whole
 * corpus text (~180 ms a question at 100k papers). Names of several parts still need the scan.
 */
function inCorpus(name: string, index: TitledTexts): boolean {
  return versionSpellings(name).some((spelling) => spellingInCorpus(spelling, index));
}

const ROMAN_VERSIONS = ['ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii'];

/**
 * A version is written several ways: "DeiT 3" / "DeiT III", "ConvNeXt V2" / "ConvNeXt 2".
 * Only a version after a word counts ("DeiT III", not "III" alone, nor a size such as
 * "1248 x 1248", which would only be scanned for again).
 */
function versionSpellings(name: string): string[] {
  const ending = /^(.*[A-Za-z]{2})[\s-]+(?:v(\d+)|(\d+|ii|iii|iv|vi|vii|viii))$/i.exec(name);
  if (!ending) return [name];
  const [, stem = '', afterV, bare = ''] = ending;
  const roman = ROMAN_VERSIONS.indexOf(bare.toLowerCase());
  const digits = afterV ?? (roman >= 0 ? String(roman + 2) : bare);
  const spellings = new Set([name, `${stem} ${digits}`, `${stem} v${digits}`]);
  const number = Number(digits);
  if (number >= 2 && number <= 8) spellings.add(`${stem} ${ROMAN_VERSIONS[number - 2]}`);
  return [...spellings];
}

function spellingInCorpus(name: string, index: TitledTexts): boolean {
  const parts = nameParts(name);
  const lookup = corpusLookup(index);
  if (parts.length === 1 && /^([a-z]+|\d+)$/.test(parts[0]!)) return numberForms(parts[0]!).some((form) => lookup.words.has(form)) || lookup.families.has(parts[0]!);
  // Written without separators ("qformer", "gpt4"): found by lookup too.
  if (lookup.words.has(parts.join(''))) return true;
  const pattern = flexiblePattern(parts);
  return lookup.chunks.some((chunk) => pattern.test(chunk));
}

/** Function words that join the parts of a phrase-like name ("Mixture-of-Depths", "Lost in the Middle"). */
const CONNECTORS = new Set(['of', 'in', 'the', 'to', 'on', 'for', 'and', 'is', 'all', 'you', 'at', 'as', 'with', 'a']);

/** Parts of a compound that describe rather than name ("tuned", "style", "token"), and bare numbers or factors. */
const isDescriptivePart = (part: string) => /^[a-z]+$/.test(part) || /^\d+(\.\d+)?x?$/i.test(part);

/** Suffixes that turn a name into a description ("BLIP-2-style", "GPT-2-like"). */
const DESCRIPTIVE_SUFFIX = /-(style|like|based|sized|size|type|level|scale|ish)$/i;

function isKnown(name: string, index: TitledTexts): boolean {
  const bare = name.replace(/'s$/i, '').replace(DESCRIPTIVE_SUFFIX, '');
  // A factor ("40x", "2.5x") is a quantity the asker may round or write another way ("40times"), not a name.
  if (bare === '' || /^\d+(\.\d+)?x$/i.test(bare) || inCorpus(bare, index)) return true;
  if (/^[A-Z]{2,}s$/.test(bare) && acronymInCorpus(bare, index)) return true;
  if (!bare.includes('-')) return false;
  const parts = bare.split('-');
  // "Mixture-of-Depths", "Tree-of-Thoughts": joined by a function word, the parts make one
  // name, which the corpus knowing "mixture" and "depths" apart says nothing about.
  if (parts.some((part, position) => position > 0 && position < parts.length - 1 && CONNECTORS.has(part))) return false;
  // "GPT-4-translated" → "GPT-4": drop descriptive tails, then every remaining name part must be known.
  if (parts.every((part) => /^\d+(\.\d+)?x?$/i.test(part))) return true; // a range such as "4-8x" is a number, not a name
  while (parts.length > 1 && /^[a-z]{3,}$/.test(parts[parts.length - 1]!)) parts.pop();
  if (parts.length < bare.split('-').length && inCorpus(parts.join('-'), index)) return true;
  // A number right after a name is its version ("FlashAttention-3", "RT-2"), a capital or two
  // its variant ("PaLM-E", "GPT-J"): the whole was not found.
  if (parts.some((part, position) => position > 0 && /^(\d|[vV]\d|[A-Z]{1,2}$)/.test(part) && !/^[a-z]+$/.test(parts[position - 1]!))) return false;
  // A lower-case part the corpus lacks in every form and English lacks too names something ("laion-5b").
  const nameParts = parts.filter((part) => !isDescriptivePart(part) || (/^[a-z]+$/.test(part) && !wordInCorpus(part, corpusLookup(index)) && !englishWords.has(part)));
  return nameParts.every((part) => inCorpus(part, index));
}

/**
 * "Tree of Thoughts", "Graph of Thoughts": "of" joins a capitalised name. Not "for", "in" or
 * "to", which join a Title-Case description ("Masked Autoencoders for Point Clouds", "State of
 * the Art in Segmentation"), nor "and", which joins two names.
 */
const NAME_JOINERS = new Set(['of']);

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
      if (position > 0 && /^[A-Z][a-z]+$/.test(clean)) {
        run.push(clean);
        // "Google's Parti": the owner and what it owns are two names.
        if (/'s$/.test(word)) flush();
      } else if (run.length > 0 && NAME_JOINERS.has(word) && /^[A-Z][a-z]+/.test(words[position + 1] ?? '')) run.push(word);
      else flush();
    });
    flush();
  }
  return phrases;
}

/** A version written right after a name ("Speech Commands v2", "Stable Diffusion 3"). */
const VERSION = '[vV]?\\d+(?:\\.\\d+)?|II|III|IV|VI|VII|VIII';

/** The version written right after a phrase in the question, if any. */
function versionAfter(question: string, phrase: string): string | undefined {
  const end = question.indexOf(phrase) + phrase.length;
  return new RegExp(`^\\s+(${VERSION})(?![\\w.-])`).exec(question.slice(end))?.[1];
}

/**
 * Abstracts shorten a benchmark or method to its initials ("SCv2" for "Speech Commands v2",
 * "MoE" for "Mixture of Experts"), and the asker may write it in full. Two initials are
 * enough only with the version; without one, three or more, so that "Grand Slam" is not "GS".
 */
function initialsInCorpus(phrase: string, version: string | undefined, index: TitledTexts): boolean {
  const words = phrase.split(' ');
  const initials = words.filter((word) => !CONNECTORS.has(word)).map((word) => word[0]!).join('');
  const withJoiners = words.map((word) => (CONNECTORS.has(word) ? word[0]! : word[0]!.toUpperCase())).join('');
  return [...new Set([initials, withJoiners])].some((abbreviation) => (version === undefined ? abbreviation.length >= 3 && inCorpus(abbreviation, index) : abbreviation.length >= 2 && inCorpus(`${abbreviation} ${version}`, index)));
}

/** Capitalised words that number parts of a document or a procedure, not versions of a name. */
const NUMBERED_PARTS = /^(table|tab|figure|fig|section|sec|eq|equation|appendix|chapter|step|stage|phase|part|level|type|class|layer|round|version|task|experiment|setting|case|example|group|day|week|year|top|rank)$/i;

/** What may follow a number that makes it a quantity ("GPT 3 times", "BERT 12 layers") rather than a version. */
const QUANTITY_AFTER = /^\s*(%|x\b|×|times|percent|points?|layers?|heads?|[kmbt]\b|billion|million|thousand|tokens?|parameters?|params|steps?|epochs?|gpus?|hours?|days?|ms|seconds?|bits?|-?shot)/i;

/**
 * A name followed by a bare version number ("AlphaFold 3", "Llama 3", "GPT 5", "PaLM 2") is
 * one name: the corpus knowing "AlphaFold" says nothing about "AlphaFold 3". Separators do
 * not matter ("Llama 2" is found as "Llama-2" or "Llama2").
 */
function spacedVersionNames(question: string): Array<{ name: string; offset: number }> {
  const names: Array<{ name: string; offset: number }> = [];
  const pattern = new RegExp(`(^|[^A-Za-z0-9-])([A-Za-z][A-Za-z0-9]*[A-Za-z])\\s+(${VERSION})(?![\\d.]*[A-Za-z0-9-])`, 'g');
  const nameShaped = new Set(specificNames(question));
  for (const match of question.matchAll(pattern)) {
    const [, lead = '', word = '', version = ''] = match;
    const acronym = /^[A-Z]{2,}$/.test(word);
    if (!(nameShaped.has(word) || acronym) || NUMBERED_PARTS.test(word)) continue;
    const end = (match.index ?? 0) + match[0].length;
    if (QUANTITY_AFTER.test(question.slice(end))) continue;
    names.push({ name: `${word} ${version}`, offset: (match.index ?? 0) + lead.length });
  }
  return names;
}

/**
 * All-capital acronyms ("RLHF", "DPO", "KAN") name a method as surely as "LoRA" does, though
 * `specificNames` (mixed case, digits, capitalised words) passes them by. A question typed in
 * capitals throughout has no acronyms to tell apart.
 */
function acronyms(question: string): Array<{ name: string; offset: number }> {
  if (!/[a-z]{3,}/.test(question)) return [];
  // Hyphenated too ("I-JEPA", "GPT-J"): no lower-case letter makes `specificNames` see them.
  return [...question.matchAll(/(?<![A-Za-z0-9-])([A-Z]{1,6}(?:-[A-Z]{1,6})+|[A-Z]{2,6})s?(?![A-Za-z0-9-])/g)].map((match) => ({ name: match[1]!, offset: match.index ?? 0 }));
}

/**
 * A capitalised word inside a hyphenated compound ("Othello-playing GPTs", "Gopher-style
 * scaling") names a thing as surely as the word alone, though `specificNames` passes the
 * compound by. The question's first word is capitalised anyway.
 */
function capitalisedCompounds(question: string): string[] {
  return [...question.matchAll(/(?<![\w-])[A-Z][a-z]+(?:-[a-z]+)+(?![\w-])/g)].filter((match) => match.index > 0 && !/[.?!:]\s+$/.test(question.slice(0, match.index))).map((match) => match[0]);
}

/** An acronym is found in the singular or the plural, whichever the question and the corpus use ("LLM", "LLMs"). */
function acronymInCorpus(acronym: string, index: TitledTexts): boolean {
  const singular = acronym.replace(/s$/, '');
  return inCorpus(singular, index) || inCorpus(`${singular}s`, index);
}

/** Words that say which paper or how it is regarded, not what it is called ("the original paper"). */
const PAPER_QUALIFIERS = new Set([
  'original', 'seminal', 'famous', 'classic', 'landmark', 'influential', 'popular', 'recent', 'latest', 'new', 'newer', 'old', 'older',
  'first', 'second', 'third', 'last', 'previous', 'earlier', 'above', 'same', 'other', 'cited', 'retrieved', 'mentioned', 'aforementioned',
  'following', 'whole', 'entire', 'full', 'main', 'key', 'that', 'this', 'your', 'my', 'our', 'their', 'its',
]);

/**
 * Papers called by a lower-case name: "the grokking paper", "the chinchilla scaling paper",
 * "the lost in the middle paper", "the phi-2 paper". A word of the name no abstract has is
 * the name (a word only the asker uses); a title-like phrase (three or more words joined by
 * function words) is the name when the corpus never writes it. Descriptions made of corpus
 * words ("the token merging paper", "the self-attention paper") and qualifiers ("the
 * original paper") pass.
 */
function namesOfPapers(question: string, index: TitledTexts): Array<{ name: string; offset: number }> {
  const names: Array<{ name: string; offset: number }> = [];
  const pattern = /\bthe\s+((?:[a-z][a-z0-9-]*\s+){0,4}?[a-z][a-z0-9]*(?:-[a-z0-9]+)*)\s+(paper|study|preprint|article)\b/dg;
  for (const match of question.matchAll(pattern)) {
    const phraseStart = match.indices![1]![0];
    const words = [...match[1]!.matchAll(/\S+/g)].map((word) => ({ text: word[0], offset: phraseStart + word.index! }));
    while (words.length > 0 && PAPER_QUALIFIERS.has(words[0]!.text)) words.shift();
    if (words.length === 0) continue;
    const unknownWord = words.find((word) => !CONNECTORS.has(word.text) && !inCorpus(word.text, index));
    const texts = words.map((word) => word.text);
    if (unknownWord) names.push({ name: unknownWord.text, offset: unknownWord.offset });
    else if (texts.length >= 3 && texts.slice(1, -1).some((word) => CONNECTORS.has(word)) && !inCorpus(texts.join(' '), index)) names.push({ name: texts.join(' '), offset: words[0]!.offset });
  }
  return names;
}

interface WordForms {
  stems: Set<string>;
  /** The words sorted, so "is some word longer than X and starting with it" is a binary search, not a scan. */
  sorted: string[];
}

/** Built on first use: only lower-case names need them. */
const corpusWordForms = new WeakMap<CorpusLookup, WordForms>();

function wordFormsOf(lookup: CorpusLookup): WordForms {
  let forms = corpusWordForms.get(lookup);
  if (!forms) {
    const stems = new Set<string>();
    // Uncached: tens of thousands of one-word texts would flush the answer sentences from analyze's cache.
    for (const word of lookup.words) for (const term of analyzeUncached(word)) stems.add(term);
    forms = { stems, sorted: [...lookup.words].sort() };
    corpusWordForms.set(lookup, forms);
  }
  return forms;
}

function startsLongerWord(prefix: string, sorted: readonly string[]): boolean {
  let low = 0;
  let high = sorted.length;
  // First word after the prefix itself: every longer word starting with it sorts right after it.
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! <= prefix) low = middle + 1;
    else high = middle;
  }
  return low < sorted.length && sorted[low]!.startsWith(prefix);
}

/** Endings the field builds model names with ("Linformer", "ResNet", "SciBERT", "BioGPT"). */
const MODEL_NAME_ENDINGS = new Set(['former', 'formers', 'net', 'nets', 'bert', 'gpt', 'vit', 'mamba', 'llama', 'gan', 'diff', 'fusion', 'clip']);

/**
 * Whether the corpus has a word in some form: itself, its stem, as the start of a longer
 * word ("backprop"), or as a compound with a corpus word for one half ("finetuning",
 * "dataloaders").
 */
function wordInCorpus(word: string, lookup: CorpusLookup): boolean {
  if (lookup.words.has(word)) return true;
  const { stems, sorted } = wordFormsOf(lookup);
  if (analyze(word).some((term) => stems.has(term))) return true;
  for (let split = 3; split <= word.length - 3; split++) {
    const [head, tail] = [word.slice(0, split), word.slice(split)];
    // "toolformer", "wavenet", "graphbert": a word and the field's model-name ending make a name, not a compound of two words.
    if (MODEL_NAME_ENDINGS.has(tail)) continue;
    // A half only English has must be a word of four letters or more: "med" + "usa" is no compound.
    if ((lookup.words.has(head) && (lookup.words.has(tail) || (tail.length >= 4 && englishWords.has(tail)))) || (head.length >= 4 && englishWords.has(head) && lookup.words.has(tail))) return true;
  }
  return startsLongerWord(word, sorted);
}

/**
 * A system named in lower case as the subject of a question: the word right after its verb
 * ("how does byol avoid collapse?", "how do wavenet's convolutions…") when no abstract has
 * it in any form and it is no English word. An everyday word the papers do not use
 * ("does shoestring pretraining…") is the asker's wording, not a name.
 */
function lowerCaseSubjects(question: string, index: TitledTexts): Array<{ name: string; offset: number }> {
  const names: Array<{ name: string; offset: number }> = [];
  const pattern = /\b(?:does|do|did|is|are|was|were|can|could|would|will|should|has|have|had)\s+(?:the\s+)?([a-z][a-z0-9]+)(?:'s)?(?=[\s?,])/dg;
  for (const match of question.matchAll(pattern)) {
    const word = match[1]!;
    const [start, end] = match.indices![1]!;
    // "how do medusa's heads…": what owns the parts asked about is a system, even when it is also an English word.
    const possessive = question.startsWith("'s", end);
    // "wav2vec2" is the corpus's "wav2vec 2.0": a name with digits may be written with separators.
    if (wordInCorpus(word, corpusLookup(index)) || (englishWords.has(word) && !possessive) || (/\d/.test(word) && inCorpus(word, index))) continue;
    if (possessive && ownsKnownName(question, word, start, index)) continue;
    names.push({ name: word, offset: start });
  }
  return names;
}

/**
 * A lower-case word the asker puts in parentheses names what they describe ("…suddenly
 * generalize long after overfitting (grokking)?"), as abstracts introduce names; it is a
 * name when no abstract has it in any form, English word or not.
 */
function parenthesisedNames(question: string, index: TitledTexts): Array<{ name: string; offset: number }> {
  const names: Array<{ name: string; offset: number }> = [];
  for (const match of question.matchAll(/\(([a-z][a-z0-9-]{3,})\)/dg)) {
    const word = match[1]!;
    if (wordInCorpus(word, corpusLookup(index)) || inCorpus(word, index)) continue;
    names.push({ name: word, offset: match.indices![1]![0] });
  }
  return names;
}

/**
 * "with about 300M params", "the ~300M-parameter model": a size the asker rounds is a
 * quantity, which the abstract may write otherwise ("304M"); a size stated flatly ("a 175B
 * model") names a model.
 */
function isRoundedSize(question: string, name: string, offset: number): boolean {
  return /^\d+(\.\d+)?[kmbt](-param(eter)?s?)?$/i.test(name) && /(?:\b(?:about|around|roughly|approximately|nearly|almost|under|over|below|above|than|to)|[~≈<>])\s*$/i.test(question.slice(0, offset));
}

/** "DeepMind's Gopher", "Meta's LLaMA": the owner of a name the corpus knows says who made it, not what is asked about. */
function ownsKnownName(question: string, name: string, offset: number, index: TitledTexts): boolean {
  const owned = /^'s\s+([A-Za-z0-9][\w.+-]*[A-Za-z0-9])/.exec(question.slice(offset + name.length))?.[1];
  return owned !== undefined && /[A-Z]/.test(owned) && isKnown(owned, index);
}

export interface UnknownName {
  name: string;
  /** Position of the name in the question (characters). */
  offset: number;
}

/**
 * The name check reads letters a–z: accents are dropped first. A precomposed letter keeps its
 * place, so the offsets still point into the question as asked.
 */
export function namesMissingFromCorpus(asked: string, index: TitledTexts): UnknownName[] {
  const question = withoutDiacritics(asked.normalize('NFC'));
  const missing = namesMissingFromFolded(question, index);
  // Reported as the asker wrote them ("Nyströmformer"), where the folding kept every offset.
  if (question === asked || question.length !== asked.length) return missing;
  return missing.map((name) => ({ ...name, name: asked.slice(name.offset, name.offset + name.name.length) }));
}

function namesMissingFromFolded(question: string, index: TitledTexts): UnknownName[] {
  const missing: UnknownName[] = [];
  const seen = new Set<string>();
  // Each capitalised phrase with the version written after it, if any ("Speech Commands" → "v2").
  const versionOf = new Map(capitalisedPhrases(question).map((phrase) => [phrase, versionAfter(question, phrase)]));
  const phrases: string[] = [];
  const byInitials = new Set<string>();
  for (const [phrase, version] of versionOf) {
    if (inCorpus(phrase, index)) continue;
    if (!initialsInCorpus(phrase, version, index)) phrases.push(phrase);
    else {
      byInitials.add(phrase);
      // Written in full where the abstracts use its initials, its words are not names of their own ("Range" in "Long Range Arena").
      for (const word of phrase.split(' ')) seen.add(word);
    }
  }
  for (const phrase of phrases) {
    seen.add(phrase);
    const version = versionOf.get(phrase);
    missing.push({ name: version === undefined ? phrase : `${phrase} ${version}`, offset: question.indexOf(phrase) });
  }
  for (const found of spacedVersionNames(question)) {
    const [word = '', version = ''] = found.name.split(' ');
    // The version is no name of its own ("III" in "DeiT III", "V2" in "ConvNeXt V2").
    seen.add(version);
    // "Speech Commands v2": the version belongs to the whole capitalised phrase, not its last word.
    const phrase = [...versionOf].find(([candidate, after]) => candidate.endsWith(` ${word}`) && after === version)?.[0];
    const versioned = phrase === undefined ? found : { name: `${phrase} ${version}`, offset: question.indexOf(phrase) };
    if (inCorpus(versioned.name, index) || (phrase !== undefined && (phrases.includes(phrase) || byInitials.has(phrase)))) {
      seen.add(word);
      continue;
    }
    seen.add(versioned.name);
    // The bare name is known, or would be reported on its own below: report the versioned one instead.
    seen.add(word);
    missing.push(versioned);
  }
  const inMissingPhrase = (name: string) => phrases.some((phrase) => phrase.split(' ').includes(name.replace(/'s$/, '')));
  for (const name of [...specificNames(question), ...capitalisedCompounds(question)]) {
    if (seen.has(name) || inMissingPhrase(name) || isKnown(name, index)) continue;
    seen.add(name);
    const bare = name.replace(/'s$/i, '');
    const offset = question.indexOf(name);
    if (!ownsKnownName(question, bare, offset, index) && !isRoundedSize(question, bare, offset)) missing.push({ name: bare, offset });
  }
  for (const found of [...namesOfPapers(question, index), ...lowerCaseSubjects(question, index), ...parenthesisedNames(question, index)]) {
    if (seen.has(found.name)) continue;
    seen.add(found.name);
    missing.push(found);
  }
  for (const acronym of acronyms(question)) {
    const known = acronym.name.includes('-') ? isKnown(acronym.name, index) : acronymInCorpus(acronym.name, index);
    if (seen.has(acronym.name) || seen.has(`${acronym.name}s`) || inMissingPhrase(acronym.name) || known || ownsKnownName(question, acronym.name, acronym.offset, index)) continue;
    seen.add(acronym.name);
    missing.push(acronym);
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

/** Every name-shaped token of a question: mixed case, digits, capitalised words and compounds, acronyms. */
const namesIn = (question: string) => [...specificNames(question).map((name) => name.replace(/'s$/i, '')), ...capitalisedCompounds(question), ...acronyms(question).map((acronym) => acronym.name)];

// Set aside as well: a name the asker excludes or points past ("not X: I mean…", "other than X",
// "unlike X", "similar in spirit to X").
const EXAMPLE_CUES = 'e\\.g\\.|i\\.e\\.|such as|like|for example|for instance|including|than|vs\\.?|versus|compared (?:with|to)|not|unlike|besides|aside from|apart from|instead of|except(?: for)?|similar(?: in \\w+)? to|in the (?:spirit|vein|style) of';
const SETTING_CUES = 'over|on|using|via|with';
const CUE_ENDING = '\\s*(?:the\\s+|a\\s+|an\\s+|stock\\s+|plain\\s+|vanilla\\s+|standard\\s+)?$';
const EXAMPLE_BEFORE = new RegExp(`\\b(?:${EXAMPLE_CUES})${CUE_ENDING}`, 'i');
const EXAMPLE_OR_SETTING_BEFORE = new RegExp(`\\b(?:${EXAMPLE_CUES}|${SETTING_CUES})${CUE_ENDING}`, 'i');
/** Names listed before this one after the same cue: "such as Zephyrus, Quillbert or …", "on MMMU or …". */
const COORDINATED_NAMES = /(?:[A-Za-z0-9][\w.+-]*(?:\s*,\s*(?:(?:or|and)\s+)?|\s+(?:or|and)\s+))+$/;

/**
 * A name given as an example ("e.g. Zipf's law", "such as X"), as the baseline of a
 * comparison ("faster than stock PyTorch") or as the setting ("on Intel Xeon servers",
 * "using BLIP-2's Q-Former") is not what the question is about.
 */
export function isGivenAsExample(question: string, name: UnknownName, options: { search?: boolean } = {}): boolean {
  const before = question.slice(Math.max(0, name.offset - 60), name.offset);
  // "SparseGPT aside, which study…": the cue follows the name.
  if (/^(?:'s)?\s+aside\b/i.test(question.slice(name.offset + name.name.length))) return true;
  // A name listed after another shares its role: "such as X or Y", "than X and Y".
  const cueEnded = before.replace(COORDINATED_NAMES, '');
  // "How does Linformer compare with X?": both sides of the comparison are its subject ("faster compared with X" sets X as the baseline).
  if (/\bcompares?\s+(?:with|to|against)\s*(?:the\s+)?$/i.test(cueEnded)) return false;
  // In a search for papers the setting is the criterion ("papers that benchmark VLMs on MMMU or MathVista"): only examples and baselines are set aside.
  if (options.search) return EXAMPLE_BEFORE.test(cueEnded);
  // "What pass@1 do code models get on HumanEval?": when the benchmark an asked number is
  // measured on is the only name, it is what the question is about (with another name,
  // "ViT … what top-1 on Intel Xeon?", it is the setting). Words that go on naming it
  // ("SWE-bench Verified") are part of it.
  if (/\b(on|in)\s*(the\s+)?$/i.test(cueEnded) && asksForQuantity(question)) {
    const named = `${name.name}${/^(?:\s+[A-Z][\w.+-]*)*/.exec(question.slice(name.offset + name.name.length))![0]}`;
    if (namesIn(question).every((other) => named.includes(other))) return false;
  }
  return EXAMPLE_OR_SETTING_BEFORE.test(cueEnded);
}
