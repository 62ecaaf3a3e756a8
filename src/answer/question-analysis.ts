import { analyze } from '../text/terms.ts';
import { escapeRegExp } from '../util/escape-reg-exp.ts';

/**
 * Cheap, model-free reading of a question: does it ask for a list of papers, does it lean
 * on the previous turn, what does it ask for (a number, names, a comparison), and which
 * specific names (models, benchmarks) does it mention. Whether it tries to steer the
 * assistant is injection.ts.
 */

/**
 * Openers that ask for papers. After "which"/"what" a singular noun other than "paper" asks
 * about one paper's part ("What detector architecture do they use?"), not for a list; after
 * "is there", "any", "find", "has anyone" it is still a search ("Is there a benchmark for…").
 */
const LIST_OPENERS = [
  /^\s*(any|list|find|show( me)?|are there|is there|give me|name|has anyone|have (people|researchers|others)|did anyone|does anyone)\b[^?]{0,40}\b(papers?|works?|research|stud(y|ies)|articles|approach(es)?|methods?|models?|surveys?|strateg(y|ies)|techniques?|frameworks?|systems?|benchmarks?|datasets?|architectures?)\b/i,
  // "What did the X paper find?" asks about a paper already named, not for one.
  /^\s*(which|what)\b(?!\s+(did|does|do|was|is|has|had)\s+the\b)[^?]{0,40}\b(papers?|works?|research|stud(y|ies)|articles|approaches|methods|models|surveys|strategies|techniques|frameworks|systems|benchmarks|datasets|architectures)\b/i,
];

/** "Which X did they / does it / did the authors…": the subject is a paper already in mind. */
const ABOUT_ONE_PAPER = /^\s*(?:which|what)\b[^?]{0,60}?\b(?:did|does|do|was|were|is|are|has|have)\s+(?:they|it|the\s+authors|the\s+researchers|this\s+(?:paper|work|study)|the\s+(?:paper|work|study))\b/i;

/** Questions that want papers rather than a fact, and search-box phrases with no question form. */
export function asksForPapers(question: string): boolean {
  // "What pass@1 scores do code models get…?" asks for a number, whatever noun follows.
  if (MEASURE_ASKED.test(question)) return false;
  // "Which pretrained models did they use to…?" asks what one paper used, not for papers.
  if (ABOUT_ONE_PAPER.test(question)) return false;
  if (LIST_OPENERS.some((opener) => opener.test(question))) return true;
  const trimmed = question.trim();
  const isQuestion = /\?$/.test(trimmed) || /^(what|which|how|why|when|where|who|whom|whose|does|do|did|is|are|was|were|can|could|should|would|will|has|have)\b/i.test(trimmed);
  return !isQuestion;
}

/**
 * "Which paper showed that a GPT trained on Othello moves…": a search for the one study behind
 * a claim. Its names are the claim's subject, not the asker's wording for a topic.
 */
const CLAIM_SEARCH = /\b(?:which|what|the|a|any)\s+(?:paper|study|work|article|experiment|analysis)\s+(?:that\s+)?(?:(?:showed|found|demonstrated|proved|established|discovered|revealed)\b|(?:shows|showing|finds|finding|demonstrates|demonstrating|proves|proving)\s+that\b)/i;

export function searchesForAClaim(question: string): boolean {
  return CLAIM_SEARCH.test(question);
}

const FOLLOW_UP_WORDS = /\b(it|its|it's|they|them|their|theirs|this|that|these|those|he|she|his|her|the (paper|papers|model|models|method|methods|approach|authors|work|study|same|former|latter|first|second|one|ones))\b/i;
const FOLLOW_UP_OPENERS = /^\s*(and|also|what about|how about|so|then|compared|why|how come)\b/i;

/** In a conversation, a question this short usually elides its subject ("How big was the gain?"). */
const ELLIPSIS_MAX_WORDS = 12;

/** Whether the question leans on earlier turns (a pronoun, a deictic, or an ellipsis). */
export function isFollowUp(question: string): boolean {
  return FOLLOW_UP_WORDS.test(question) || FOLLOW_UP_OPENERS.test(question) || question.trim().split(/\s+/).length <= ELLIPSIS_MAX_WORDS;
}

/** What results are measured in: a question naming one wants a number. */
const MEASURES = 'accuracy|scores?|speed-?ups?|perplexity|fid|size|sizes|number|percentage|gains?|improvements?|error|bleu|rouge|rate|wer|cer|auc|f1|map|miou|iou|flops|parameters?|params|range|tokens|latency|throughput|memory|cost|budget|ratio|factor|reduction|top-1|top-5|margin|points|hours|days|gpus|samples|examples|steps|layers|resolution|dimension|length|win rate|compression';
const MEASURE_NAME = new RegExp(`^(${MEASURES})$`, 'i');

/** Whether a name-shaped word is what results are measured in ("F1", "BLEU", "mIoU", "top-1"), not something a paper builds. */
export function isMeasureName(name: string): boolean {
  return MEASURE_NAME.test(name);
}

/** "What accuracy…", "which pass@1 scores…": the wh-word's own noun is a measure. */
const MEASURE_ASKED = new RegExp(`^\\s*(which|what)\\s+(\\S+\\s+){0,2}?(${MEASURES})\\b`, 'i');

const QUANTITY_PATTERNS: RegExp[] = [
  /\b(how (much|many|big|large|fast|long|small|well|often|far|deep|wide)|by how (much|many|far)|what (percentage|fraction|share|proportion))\b/i,
  new RegExp(`\\b(what|which)\\b[^?.!]{0,60}\\b(${MEASURES})\\b`, 'i'),
  new RegExp(`\\b(${MEASURES})\\b[^?.!]{0,40}\\?`, 'i'),
  /\b(cut|saved?|saving|reduc(e|es|ed|tion)|fewer|less|faster|slower|smaller|larger|drops?|increases?|decreases?|improves?|improved)\b[^.!]{0,40}\?\s*$/i,
];

/** How the asking part of a question opens ("and what…", "across what…", "Name the…"). */
const ASKING_OPENER = '(?:(?:and|so|but|then)\\s+)?(?:(?:across|at|in|on|by|for|with|from|to|under|over)\\s+)?(?:how|what|which|who|whom|whose|where|when|why|is|are|does|do|did|was|were|can|name)\\b';
/** Where a description of the paper ends and the question begins. */
const ASKING_CLAUSE = new RegExp(`^(.{12,}?)(?:[:;,]|[.!](?=\\s)|\\s[-–—](?=\\s))\\s*(${ASKING_OPENER}.*)$`, 'is');
const ASKING_START = new RegExp(`^${ASKING_OPENER}`, 'i');
/** Where a second question starts: "…, and what…", "…, and on which…", "…; how…", "…? What…". */
const ASKING_PART_BREAK = new RegExp(`(?:,?\\s+and\\s+|;\\s*|\\?\\s+)(?=${ASKING_OPENER})`, 'i');

/**
 * The part of a question that asks, when a description of the paper comes first
 * ("The dual-branch classifier that fuses two patch sizes: what is the time complexity of
 * that fusion?", "Someone built a synthetic pedestrian dataset. Which simulator made it?"):
 * the description's words pick the paper, the asking clause's words the sentence.
 * Undefined when the question is all asking.
 */
export function askingClause(question: string): string | undefined {
  return ASKING_CLAUSE.exec(question.trim())?.[2];
}

/**
 * The noun phrase a which/what question asks for: "Which segmentation model does it use?"
 * → "segmentation model"; undefined when there is none ("What is…", "How many…").
 */
export function askedThing(question: string): string | undefined {
  const phrase = /\b(?:which|what)\s+((?:[\w-]+\s+){0,3}?)(?:do|does|did|is|are|was|were|has|have|had|can|could|would|will|should)\b/i.exec(question)?.[1]?.trim();
  return phrase === '' ? undefined : phrase;
}

/**
 * The separate things a question asks ("how many GPUs did it use, and what scaling
 * efficiency did it sustain?" → two parts), each without the description before it; at
 * most one when it asks one thing.
 */
export function askingParts(question: string): string[] {
  return question
    .split(ASKING_PART_BREAK)
    // What a part asks, without the description before it ("Megatron-LM: how many…", "…English. Where did…").
    .map((part) => (askingClause(part) ?? part.split(/(?<=[.!?:])\s+/).pop() ?? part).trim())
    // One content word is enough when the part asks for a number ("how much smaller is the model?").
    .filter((part) => ASKING_START.test(part) && analyze(part).length >= (asksForQuantity(part) ? 1 : 2));
}

/**
 * The question without what it sets its subject against: "…linear versus sparse, rather
 * than whole architectures like MoE?" → "…linear versus sparse?". Those words pick the
 * sentences of the papers the asker ruled out.
 */
export function withoutContrasts(question: string): string {
  // Up to the end of its clause: a comma, a stop or a spaced dash ("… instead of CNNs — which tasks …?").
  const stripped = question.replace(/,?\s*\b(?:rather than|instead of|as opposed to|unlike)\b.*?(?=\s[-–—]\s|[,;:.?!—–]|$)/gi, '').trim();
  return analyze(stripped).length >= 2 ? stripped : question;
}

/** Whether the question asks what a method beat or was compared with (baselines, prior models). */
export function asksForComparison(question: string): boolean {
  return /\b(beat|beats|outperform(s|ed)?|surpass(es|ed)?|better than|compare[sd]?|comparison|versus|vs\.?|against|baselines?|competitors?|prior (models|methods|work))\b/i.test(question);
}

/** Sentences that report a comparison of results. */
export function statesComparison(sentence: string): boolean {
  return /\b(outperform\w*|surpass\w*|better than|compared (to|with)|exceed\w*|improv\w* (over|on|upon)|state-of-the-art|sota|beat\w*|superior to|competitive with|on par with|matches|rivals)\b/i.test(sentence);
}

/**
 * Things a paper names rather than measures: "Which benchmarks did they test it on?",
 * "What pretrained checkpoint did they start from?", "Which language pairs?". The answer
 * is the sentence that names them ("…into German, French, and Italian"), which often
 * shares no word with the question.
 */
const NAMED_THINGS = 'benchmarks?|datasets?|data\\s*sets?|corpora|corpus|suites?|tasks?|languages?|language\\s+pairs?|pairs|models?|backbones?|checkpoints?|baselines?|architectures?|encoders?|decoders?|tokenizers?|libraries|frameworks?|tools?|domains?|modalities|metrics?|competitions?|challenges?|games|environments?|robots?|hardware|gpus?';
const NAMES_PATTERN = new RegExp(`\\b(which|what)\\s+(?:\\w+\\s+){0,2}?(${NAMED_THINGS})\\b(?![^?.!]{0,30}\\b(${MEASURES})\\b)`, 'i');

/**
 * "What was it evaluated on?", "What data was it tested on?", "What game world was it
 * evaluated in?": the what/which noun may name no kind of thing, but a question ending on
 * where the paper was tested asks for its benchmarks or datasets by name. Not training
 * data: "trained on" is answered by a sentence that says "trained on" too.
 */
const EVALUATION_SETTING_ASKED = /\b(?:which|what)\b[^?.!]{0,60}?\b(?:test(?:ed)?|evaluated?|benchmarked|validated?|assess(?:ed)?|experimented|run|ran|measured)\s+(?:(?:it|them|this|that|the\s+\w+)\s+)?(?:on|in|against)\s*(?:[?,;]|$)/i;

/** Whether the question asks which named things (benchmarks, models, languages) a paper used. */
export function asksForNames(question: string): boolean {
  return (NAMES_PATTERN.test(question) || asksForEvaluationSetting(question)) && !asksForQuantity(question);
}

/** Whether the question asks where a paper was tested ("…which datasets was it evaluated on?"). */
export function asksForEvaluationSetting(question: string): boolean {
  return EVALUATION_SETTING_ASKED.test(question);
}

/**
 * Sentences that report where a method was evaluated: "Experiments on Cityscapes, ACDC,
 * and NYUv2 datasets show…", "…state-of-the-art performance on the WHOOPS!".
 */
export function statesEvaluationSetting(sentence: string): boolean {
  return /\b(?:experiments?|evaluat\w*|tested|results?|performance|benchmarked|validated)\b[^.;]{0,40}?\b(?:on|across)\b|\bon\b[^.;]{0,80}?\b(?:datasets?|benchmarks?)\b/i.test(sentence);
}

/** The question's own words and names, lower-cased: what `namesStated` does not count. Computed once per question. */
export function askedWords(question: string): Set<string> {
  const asked = new Set(specificNames(question).map((name) => name.toLowerCase()));
  for (const word of question.match(/[A-Za-z][A-Za-z0-9.+-]*/g) ?? []) asked.add(word.toLowerCase());
  return asked;
}

/**
 * Names a sentence states that the question does not already say (`asked`): capitalised
 * words past the first, acronyms and model-like tokens. Two or more usually make the list asked for.
 */
export function namesStated(sentence: string, asked: ReadonlySet<string>): number {
  // A spelled-out name before its acronym ("One-shot Pruning Technique for Interchangeable
  // Networks (OPTIN)") is one name, the acronym, not five.
  const definitionsFolded = sentence.replace(/(?:\b[A-Z][\w-]*(?:\s+(?:of|for|and|in|on|to|with|the|a)\b)?\s+){1,8}\(([A-Z][\w-]*[A-Z0-9][\w-]*)\)/g, '$1');
  const tokens = definitionsFolded.match(/[A-Za-z0-9][A-Za-z0-9.+-]*[A-Za-z0-9]|[A-Za-z0-9]/g) ?? [];
  const names = new Set<string>();
  tokens.forEach((token, position) => {
    const name = /[A-Z]/.test(token) && (position > 0 || /[A-Z].*[A-Z]|\d/.test(token));
    if (name && !asked.has(token.toLowerCase())) names.add(token.toLowerCase());
  });
  return names.size;
}

/** Numbers written as words: "a four-stage distillation", "thirteen tasks", "twice as fast". */
const NUMBER_WORD_LIST = 'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|hundreds?|thousands?|millions?|billions?|dozens?|twice|double|triple|half';
const NUMBER_WORDS = new RegExp(`\\b(?:${NUMBER_WORD_LIST})\\b`, 'i');

/** Whether a sentence states a number, in digits or in words. */
export function statesNumber(sentence: string): boolean {
  return /\d/.test(sentence) || NUMBER_WORDS.test(sentence);
}

const NUMBER = `(?:\\d[\\d,.]*\\s*[kKmMbB]?|${NUMBER_WORD_LIST})`;
/** What a duration is stated in: "in less than 3 days", "2,048 TPU-hours". */
const DURATION_UNITS = '(?:(?:gpu|tpu)[- ]?)?(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)';
/** What ends the counted noun phrase of "how many …": the verb or a preposition after it, or the clause's end. */
const COUNTED_END = '(?=\\s+(?:do|does|did|are|is|was|were|can|could|would|will|have|has|had|in|of|per|for|to|on|at)\\b|\\s*[?,;.]|\\s*$)';
const HOW_MANY = new RegExp(`\\bhow many\\s+((?:[A-Za-z][\\w-]*\\s+){0,2}?[A-Za-z][\\w-]*?)${COUNTED_END}`, 'i');
const HOW_LONG_TAKEN = /\bhow (?:long|much time)\b[^?.!]*?\b(?:take|took|taken|takes|train|trained|training|run|ran|last|lasted|need|needed)\b/i;

/**
 * What a "how many" or "how long did it take" question counts, as a pattern for a number
 * followed by it (a word or two may sit between: "8 A100 GPUs"). "How many GPUs did they
 * scale to?" is answered by "…using 512 GPUs", not by the sentence with the most numbers
 * ("15.1 PetaFLOPs … 39 TeraFLOPs"); "how long did training take?" by "…in less than 3 days".
 */
export function countedQuantity(question: string): RegExp | undefined {
  const counted = HOW_MANY.exec(question)?.[1]?.split(/\s+/).pop()?.toLowerCase();
  const unit = counted ? `${escapeRegExp(counted.replace(/(?<=[a-z]{3})(?<!s)s$/, ''))}(?:e?s)?` : HOW_LONG_TAKEN.test(question) ? DURATION_UNITS : undefined;
  return unit === undefined ? undefined : new RegExp(`(?<![\\w.])${NUMBER}[\\s-]*(?:[\\w-]+\\s+){0,2}?${unit}\\b`, 'i');
}

/**
 * Whether a sentence states a number in figures: digits that start a token ("77.18%",
 * "up to 58%", "(86M"), not digits inside a name ("mT5", "GPT-4", "ResNet-50").
 */
export function statesFigure(sentence: string): boolean {
  return /(?<![\w.-])\d/.test(sentence);
}

/** Whether the question wants a number (so sentences stating one are the likelier answer). */
export function asksForQuantity(question: string): boolean {
  return QUANTITY_PATTERNS.some((pattern) => pattern.test(question));
}

/**
 * Tokens that name something specific: a model, dataset or system such as "Mixtral",
 * "8x7B", "RT-2" or "large-v2". Identified by shape (inner capitals, letters mixed with
 * digits), skipping the question's first word, which is capitalised anyway.
 */
export function specificNames(question: string): string[] {
  const tokens = question.match(/[A-Za-z0-9][A-Za-z0-9.+-]*[A-Za-z0-9]|[A-Za-z0-9]/g) ?? [];
  const names: string[] = [];
  tokens.forEach((token, position) => {
    const mixesLettersAndDigits = /[A-Za-z]/.test(token) && /\d/.test(token);
    const innerCapital = /^.[^A-Z]*[A-Z]/.test(token) && /[a-z]/.test(token);
    const capitalised = position > 0 && /^[A-Z][a-z]{2,}$/.test(token);
    if (mixesLettersAndDigits || innerCapital || capitalised) names.push(token);
  });
  return names;
}
