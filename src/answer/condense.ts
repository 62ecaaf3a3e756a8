import type { ServedIndex } from '../index/served-index.ts';
import { LlmProviderError } from './providers/llm-provider-error.ts';
import { isFollowUp, isMeasureName, specificNames } from './question-analysis.ts';
import type { AnswerProvider, AskRequest, ChatTurn, ReferenceKind } from './types.ts';

export interface StandaloneQuestion {
  /** The query used for the open search (the question itself when it stands alone). */
  query: string;
  /** Papers named in the previous answer, in the order the answer names them. */
  earlierPaperIds: string[];
  /** Absent when the question was built outside resolveFollowUp: treated as `standalone`. */
  reference?: ReferenceKind;
  /**
   * The one paper the question is about, when its wording pins it down: a position in the
   * previous answer, or a pronoun after an answer that named a single paper. Retrieval puts
   * it first.
   */
  referent?: string;
}

/** Earlier user turns kept as context for an offline follow-up. */
const CONTEXT_TURNS = 2;

type TitledPapers = Pick<ServedIndex, 'papers'>;

/**
 * Papers whose titles appear in the latest assistant turn, in the order the answer names
 * them: "the second one" counts in the order the reader saw, not the index's. A title that
 * only occurs inside a longer named title is not a mention of its own.
 */
export function papersNamedIn(history: ChatTurn[], index: TitledPapers): string[] {
  const lastAnswer = [...history].reverse().find((turn) => turn.role === 'assistant');
  if (!lastAnswer) return [];
  const text = lastAnswer.content.toLowerCase();
  const mentions = index.papers
    .map((paper) => {
      const start = text.indexOf(paper.title.toLowerCase());
      return { id: paper.id, start, end: start + paper.title.length };
    })
    .filter((mention) => mention.start >= 0)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: typeof mentions = [];
  for (const mention of mentions) {
    if (!kept.some((other) => mention.start >= other.start && mention.end <= other.end)) kept.push(mention);
  }
  return kept.map((mention) => mention.id);
}

const ORDINAL_POSITIONS: Record<string, number> = { first: 0, '1st': 0, second: 1, '2nd': 1, third: 2, '3rd': 2, fourth: 3, '4th': 3, fifth: 4, '5th': 4 };
const REFERRED_NOUN = '(?:one|paper|model|method|approach|work|study|article|system|framework|architecture|technique|option|entry|result)';
/** "the second one", "the first paper", "the last of them", "the second" closing a question. */
const ORDINAL_REFERENCE = new RegExp(`\\bthe\\s+(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last|final)(?:\\s+${REFERRED_NOUN}\\b|\\s+(?:of|among)\\s+(?:them|those|these)\\b|\\s*(?:[?.!,]|$))`, 'i');
const FORMER_LATTER = /\bthe\s+(former|latter)\b/i;
/** "paper 2", "number 2", "#2": a position said as a number. */
const NUMBERED_REFERENCE = /\b(?:paper|number|no\.)\s*#?(\d)\b|#(\d)\b/i;

/** Which position of the previous answer's papers the question points at, if it does. */
function ordinalPosition(question: string, count: number): number | undefined {
  const ordinal = ORDINAL_REFERENCE.exec(question);
  if (ordinal) {
    const word = ordinal[1]!.toLowerCase();
    return word === 'last' || word === 'final' ? count - 1 : ORDINAL_POSITIONS[word];
  }
  const formerLatter = FORMER_LATTER.exec(question);
  // "The latter" is the second of two; of a longer list it is the last.
  if (formerLatter) return formerLatter[1]!.toLowerCase() === 'former' ? 0 : count === 2 ? 1 : count - 1;
  const numbered = NUMBERED_REFERENCE.exec(question);
  if (numbered) return Number(numbered[1] ?? numbered[2]) - 1;
  return undefined;
}

/** Wordings that choose among the papers under discussion by a property the question states. */
const SELECTION_PATTERNS: RegExp[] = [
  /\bwhich\s+(?:one|ones)\b/i,
  /\bwhich\s+(?:of|among)\s+(?:them|those|these|the\s+\w+)\b/i,
  /\b(?:any|one|none|some|either|neither)\s+of\s+(?:them|those|these)\b/i,
  /\bamong\s+(?:them|those|these)\b/i,
  /\b(?:is|are)\s+there\s+(?:one|ones|any)\s+(?:that|which|who|where|with)\b/i,
  /^\s*(?:and\s+|what\s+about\s+|how\s+about\s+)?the\s+one\s+(?:that|which|with|where)\b/i,
  // "Is there a paper that blames the tokenizer for this?", "Anything on translation?": a narrower search within the topic.
  /\b(?:is|are)\s+there\s+(?:a|an|any)\s+(?:\w+\s+)?(?:paper|papers|work|study|model|method|approach|one)\s+(?:that|which|where|on|about)\b/i,
  /^\s*(?:and\s+)?(?:anything|something|any\s+(?:papers?|work|studies|research))\s+(?:on|about|for|that|which)\b/i,
];

/** Openers that continue the conversation whatever follows ("What about ADE20K?", "And on COCO?"). */
const CONTINUATION_OPENER = /^\s*(?:and|also|what about|how about|what of|same for|compared (?:to|with)|versus|vs\.?)\b/i;

/**
 * Pronouns and deictics that point at the paper(s) under discussion. Bare "that"/"this"
 * count only as an object ("did that take", "for this?"), not as the relative pronoun of
 * "a fix that repeats the context", which introduces a new subject.
 */
const PRONOUN_REFERENCE = [
  /\b(?:it|its|it's|they|them|their|theirs|these|those|he|she|his|her)\b/i,
  /\b(?:the|this|that|these|those)\s+(?:paper|papers|model|models|method|methods|approach|authors|work|study|system|framework|architecture|technique|construction|trick|benchmark|dataset)\b/i,
  /\b(?:did|does|do|is|was|are|were|about|of|for|with|from|on|in|to|make|makes|made|behind|by)\s+(?:that|this)\b(?!\s+(?:is|are|was|were)\b)|\b(?:that|this)\s*[?.!]?\s*$/i,
];

/** A question this short in a conversation usually elides its subject (see question-analysis). */
const ELLIPSIS_MAX_WORDS = 12;

/**
 * Whether the question brings its own subject: a model or dataset name that the earlier
 * turns never mentioned. Such a question is a new search, not a follow-up, even when short.
 */
function namesNewSubject(question: string, history: ChatTurn[]): boolean {
  const earlier = history.map((turn) => turn.content.toLowerCase()).join('\n');
  // "What was the best F1?" asks about the papers under discussion: a measure is no subject of its own.
  return specificNames(question).some((name) => !isMeasureName(name) && !earlier.includes(name.toLowerCase()));
}

function classify(question: string, history: ChatTurn[], named: number): ReferenceKind {
  const position = ordinalPosition(question, named);
  if (position !== undefined && position >= 0 && position < named) return 'ordinal';
  if (SELECTION_PATTERNS.some((pattern) => pattern.test(question))) return 'selection';
  if (PRONOUN_REFERENCE.some((pattern) => pattern.test(question))) return 'pronoun';
  if (CONTINUATION_OPENER.test(question)) return 'ellipsis';
  if (namesNewSubject(question, history)) return 'standalone';
  if (isFollowUp(question) || question.trim().split(/\s+/).length <= ELLIPSIS_MAX_WORDS) return 'ellipsis';
  return 'standalone';
}

/**
 * Turns a follow-up ("what datasets did they use?") into something retrieval can use, and
 * says which earlier paper it is about when the wording decides that. With a generative
 * provider the model rewrites the query; offline (or when the model fails) the earlier
 * user turns give the topic. The referent comes from the previous answer either way.
 */
export async function resolveFollowUp(request: AskRequest, index: TitledPapers, provider: AnswerProvider, signal?: AbortSignal): Promise<StandaloneQuestion> {
  const { question, history } = request;
  const earlierQuestions = history.filter((turn) => turn.role === 'user').map((turn) => turn.content);
  const earlierPaperIds = earlierQuestions.length > 0 ? papersNamedIn(history, index) : [];
  const reference = earlierQuestions.length === 0 ? 'standalone' : classify(question, history, earlierPaperIds.length);
  if (reference === 'standalone') return { query: question, earlierPaperIds: [], reference };

  let referent: string | undefined;
  if (reference === 'ordinal') referent = earlierPaperIds[ordinalPosition(question, earlierPaperIds.length)!];
  // "They" after an answer about one paper means its authors; a bare ellipsis may be a new search.
  else if (reference === 'pronoun' && earlierPaperIds.length === 1) referent = earlierPaperIds[0];

  const context = earlierQuestions.slice(-CONTEXT_TURNS).join(' ');
  let query = `${context} ${question}`;
  if (provider.condense) {
    try {
      query = await provider.condense(history, question, signal);
    } catch (error) {
      if (!(error instanceof LlmProviderError)) throw error;
    }
  }
  return { query, earlierPaperIds, reference, ...(referent ? { referent } : {}) };
}
