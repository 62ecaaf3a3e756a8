import { analyze } from '../../text/terms.ts';
import { selectListed } from '../list-selection.ts';
import { CANNOT_ANSWER } from '../prompts.ts';
import { askedThing, askedWords, askingClause, askingParts, asksForComparison, asksForEvaluationSetting, asksForNames, asksForPapers, asksForQuantity, countedQuantity, isFollowUp, namesStated, specificNames, statesComparison, statesEvaluationSetting, statesFigure, statesNumber, withoutContrasts } from '../question-analysis.ts';
import type { AnswerProvider, AnswerSource, GenerationInput } from '../types.ts';

export interface ScoredSentence {
  source: AnswerSource;
  sentenceIndex: number;
  text: string;
  score: number;
}

/** Sentences quoted for a fact question, at most. */
const MAX_FACT_SENTENCES = 3;
/** More named papers than this is a list, not a comparison. */
const MAX_NAMED_PAPERS = 3;

const LEXICAL_WEIGHT = 0.6;
const PAPER_RANK_WEIGHT = 0.15;
/** In a follow-up the first source is the paper being discussed: stay with it. */
const FOLLOW_UP_RANK_WEIGHT = 0.5;
const QUANTITY_BONUS = 0.08;
/**
 * "Which backbones did it beat?" is answered by the sentence reporting the comparison
 * ("…outperform Swin and ConvNeXt"), not by one that repeats the question's noun ("…a family
 * of backbones named X"): the cue must outweigh a full lexical match (0.6 × overlap).
 */
const COMPARISON_BONUS = 0.3;
/**
 * "Which benchmarks did they report results on?" is answered by the sentence that names
 * them, per name stated (up to NAMES_COUNTED), so a list of three outranks one passing mention.
 */
const NAMES_BONUS = 0.1;
const NAMES_COUNTED = 3;
/**
 * "What was it evaluated on?" is answered by the sentence reporting the experiments
 * ("Experiments on Cityscapes, ACDC, and NYUv2 datasets show…"), which shares no word with
 * a question that describes the paper; the description's own sentences name its modules.
 */
const EVALUATION_BONUS = 0.3;
/** Weight of question terms a further sentence adds that the chosen ones lack. */
const NEW_COVERAGE_WEIGHT = 0.5;

function overlapScore(questionTerms: Map<string, number>, sentence: string): number {
  if (questionTerms.size === 0) return 0;
  const sentenceTerms = new Set(analyze(sentence));
  let matched = 0;
  let total = 0;
  for (const [term, weight] of questionTerms) {
    total += weight;
    if (sentenceTerms.has(term)) matched += weight;
  }
  return total === 0 ? 0 : matched / total;
}

type TermWeigher = (text: string) => Map<string, number>;

/**
 * Rarer question words say more about which sentence holds the answer: weights from how
 * many of the sources hold each term, counted once per answer, and each text weighed once.
 * Callers only read the maps.
 */
function termWeigher(sources: readonly AnswerSource[]): TermWeigher {
  const documentFrequency = new Map<string, number>();
  for (const source of sources) {
    for (const term of new Set(analyze(`${source.title} ${source.abstract}`))) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const weighed = new Map<string, Map<string, number>>();
  return (text) => {
    let weights = weighed.get(text);
    if (!weights) {
      weights = new Map();
      for (const term of analyze(text)) weights.set(term, Math.log(1 + (sources.length + 1) / (1 + (documentFrequency.get(term) ?? 0))));
      weighed.set(text, weights);
    }
    return weights;
  };
}

/** Weight of the asking clause's terms, on top of the whole question's. */
const ASKING_CLAUSE_WEIGHT = 0.3;
/**
 * Weight of the words of the thing asked for ("which segmentation model", "which two simple
 * changes"): the sentence that answers usually says what kind of thing it names
 * ("…using Mask2Former for semantic segmentation"), while the paper's name and description
 * fill the sentences around it.
 */
const ASKED_THING_WEIGHT = 0.15;

/** The question's weighted terms, less what it sets its subject against: what sentences are scored on. */
const questionTermsOf = (input: GenerationInput, weigh: TermWeigher) => weigh(withoutContrasts(input.question));

function scoreSentences(input: GenerationInput, weigh: TermWeigher = termWeigher(input.sources), questionTerms = questionTermsOf(input, weigh)): ScoredSentence[] {
  const clause = askingClause(input.question);
  const clauseTerms = clause ? weigh(clause) : undefined;
  // In a follow-up the phrase often names what the conversation already settled ("which language pairs…").
  const asked = input.history.length === 0 ? askedThing(input.question) : undefined;
  const askedTerms = asked ? weigh(asked) : undefined;
  const wantsNumber = asksForQuantity(input.question);
  const wantsComparison = asksForComparison(input.question);
  const wantsEvaluationSetting = asksForEvaluationSetting(input.question);
  // The question's words are what a named sentence must add to: read once, not per sentence.
  const askedForNames = asksForNames(input.question) ? askedWords(input.question) : null;
  // A question with an asking clause, one that describes its paper before asking ("An
  // offline meta-RL method built on …: in which environments…?") or asks a second thing
  // ("…, and how much of it?"), is about one paper: stay with the paper retrieval ranked
  // first for the whole question, as in a follow-up.
  const rankWeight = (input.history.length > 0 && isFollowUp(input.question)) || clause ? FOLLOW_UP_RANK_WEIGHT : PAPER_RANK_WEIGHT;
  const scored: ScoredSentence[] = [];
  input.sources.forEach((source, rank) => {
    source.sentences.forEach((sentence, sentenceIndex) => {
      const similarity = source.sentenceSimilarities?.[sentenceIndex] ?? 0;
      let score = similarity + LEXICAL_WEIGHT * overlapScore(questionTerms, `${sentence.text}`) + rankWeight / (rank + 1);
      if (clauseTerms) score += ASKING_CLAUSE_WEIGHT * overlapScore(clauseTerms, sentence.text);
      if (askedTerms) score += ASKED_THING_WEIGHT * overlapScore(askedTerms, sentence.text);
      if (wantsNumber && /\d/.test(sentence.text)) score += QUANTITY_BONUS;
      if (wantsComparison && statesComparison(sentence.text)) score += COMPARISON_BONUS;
      if (wantsEvaluationSetting && statesEvaluationSetting(sentence.text)) score += EVALUATION_BONUS;
      if (askedForNames) score += NAMES_BONUS * Math.min(NAMES_COUNTED, namesStated(sentence.text, askedForNames));
      scored.push({ source, sentenceIndex, text: sentence.text, score });
    });
  });
  return scored.sort((a, b) => b.score - a.score);
}

/**
 * The sentences a fact answer quotes, best first: the best sentence, then further sentences
 * only when they are nearly as good or cover question terms the chosen ones lack (the other
 * half of a two-part question). Empty when the sources have no sentences.
 */
export function chooseFactSentences(input: GenerationInput): ScoredSentence[] {
  const weigh = termWeigher(input.sources);
  const questionTerms = questionTermsOf(input, weigh);
  const scored = scoreSentences(input, weigh, questionTerms);
  // Only in a question that stands alone: a follow-up's names qualify the papers under
  // discussion ("which one reuses the Q-Former from BLIP-2?"), they are not its subject.
  const named = input.reference === undefined || input.reference === 'standalone' ? namedSources(input.question, input.sources) : [];
  // Term weights still come from every source: which words are distinctive does not change.
  const ranked = input.history.length === 0 && named.length === 0 && describesThenAsks(input.question) ? scored.filter((sentence) => sentence.source === input.sources[0]) : scored;
  const best = ranked[0];
  if (!best) return [];
  const totalWeight = [...questionTerms.values()].reduce((sum, weight) => sum + weight, 0) || 1;
  const covered = new Set(analyze(best.text));
  const chosen: ScoredSentence[] = [best];
  const candidates = ranked.slice(1, 40);
  while (chosen.length < MAX_FACT_SENTENCES) {
    let pick: ScoredSentence | undefined;
    let pickValue = -Infinity;
    for (const candidate of candidates) {
      if (chosen.includes(candidate)) continue;
      let added = 0;
      for (const term of new Set(analyze(candidate.text))) if (!covered.has(term)) added += questionTerms.get(term) ?? 0;
      const value = candidate.score + NEW_COVERAGE_WEIGHT * (added / totalWeight);
      if (value > pickValue) {
        pick = candidate;
        pickValue = value;
      }
    }
    if (!pick || pickValue < best.score * 0.85) break;
    chosen.push(pick);
    for (const term of analyze(pick.text)) covered.add(term);
  }
  // A question asking for a number is not answered by sentences without one: bring in the
  // answering paper's best sentence that states a number (it may rank below wordier ones).
  if (asksForQuantity(input.question) && !chosen.some((sentence) => /\d/.test(sentence.text))) {
    const numeric = ranked.find((sentence) => sentence.source === best.source && /\d/.test(sentence.text));
    if (numeric) {
      if (chosen.length >= MAX_FACT_SENTENCES) chosen.pop();
      chosen.push(numeric);
    }
  }
  // A question that asks two things ("how many GPUs did it use, and what scaling efficiency
  // did it sustain?") is answered part by part: each part's best sentence in the answering
  // paper is quoted, even when the other part's sentence outscores it on the whole question.
  const parts = askingParts(input.question);
  if (parts.length >= 2) {
    // Sentence similarity is the whole question's, so a part's sentence is the one sharing most of its words (then the best scored).
    // In a follow-up the paper under discussion answers, when the wording pinned one down; its best sentence may rank below another paper's.
    const answering = input.sources.find((source) => source.paperId === input.referent) ?? best.source;
    const ownSentences = ranked.filter((sentence) => sentence.source === answering);
    const partAnswers = parts.flatMap((part) => {
      const partTerms = weigh(part);
      // A part asking for a number ("how large did they scale it") is answered by a sentence
      // stating one, in figures before words ("only one language" is no answer to "how much
      // smaller?"); one asking how many of something, by the sentence that counts it. The
      // first group with a sentence sharing the part's words answers.
      const counted = countedQuantity(part);
      const wantsNumber = asksForQuantity(part);
      const groups = [
        counted ? ownSentences.filter((sentence) => counted.test(sentence.text)) : [],
        wantsNumber ? ownSentences.filter((sentence) => statesFigure(sentence.text)) : [],
        wantsNumber ? ownSentences.filter((sentence) => statesNumber(sentence.text)) : [],
        ownSentences,
      ];
      let pick: ScoredSentence | undefined;
      let pickOverlap = 0;
      let pickGroup = ownSentences;
      for (const sentences of groups) {
        for (const sentence of sentences) {
          const overlap = overlapScore(partTerms, sentence.text);
          if (overlap > pickOverlap) [pick, pickOverlap, pickGroup] = [sentence, overlap, sentences];
        }
        if (pick) break;
      }
      // Answered already when a chosen sentence of the answering paper, of the same group, shares as much of the part (another paper's answers for that paper).
      const answers = (sentence: ScoredSentence) => sentence.source === answering && overlapScore(partTerms, sentence.text) >= pickOverlap && pickGroup.includes(sentence);
      const answered = chosen.find(answers);
      return answered ? [answered] : pick ? [pick] : [];
    });
    // Every sentence here is one of `ranked`'s, so the same sentence is the same object.
    for (const partAnswer of partAnswers) {
      if (chosen.includes(partAnswer)) continue;
      if (chosen.length >= MAX_FACT_SENTENCES) {
        // Never drop a sentence that answers another part.
        let removable = chosen.length - 1;
        while (removable > 0 && partAnswers.includes(chosen[removable]!)) removable--;
        if (removable === 0) continue;
        chosen.splice(removable, 1);
      }
      chosen.push(partAnswer);
    }
  }
  // A question that names two or more of the papers by their own names ("Compare
  // EfficientFormer and Tokens-to-Token ViT") is answered from each of them, in the order
  // the question names them, and from no other paper.
  if (named.length > 0) {
    return named.flatMap((source) => {
      const own = chosen.filter((sentence) => sentence.source === source);
      const best = ranked.find((sentence) => sentence.source === source);
      return own.length > 0 ? own : best ? [best] : [];
    });
  }
  return chosen;
}

/** The first part of a title, before its colon, is the paper's own name ("EfficientFormer", "BEiT"). */
const ownName = (title: string) => title.split(':')[0]!.trim().toLowerCase();

/**
 * Sources the question names: a name shaped like one (an inner capital or a digit:
 * "EfficientFormer", "BEiT", "BLIP-2", not "Transformer") that is a whole word of exactly one
 * source's own name. A name several titles share ("ViT") names none of them. Only when the
 * question names two or more, so a question about one paper keeps its usual sentence choice.
 */
export function namedSources(question: string, sources: readonly AnswerSource[]): AnswerSource[] {
  // In the order the question names them.
  const named = new Set<AnswerSource>();
  for (const name of specificNames(question).filter((candidate) => /^.+[A-Z]|\d/.test(candidate))) {
    const word = name.replace(/'s$/i, '').toLowerCase();
    const matching = sources.filter((source) => ownName(source.title).split(/\s+/).includes(word));
    if (matching.length === 1) named.add(matching[0]!);
  }
  return named.size >= 2 && named.size <= MAX_NAMED_PAPERS ? [...named] : [];
}

function factAnswer(input: GenerationInput): string {
  const chosen = chooseFactSentences(input);
  if (chosen.length === 0) return CANNOT_ANSWER;
  const byPaper = new Map<number, ScoredSentence[]>();
  for (const sentence of chosen) byPaper.set(sentence.source.n, [...(byPaper.get(sentence.source.n) ?? []), sentence]);
  const paragraphs = [...byPaper.values()].map((sentences) => {
    const { source } = sentences[0]!;
    const ordered = sentences.sort((a, b) => a.sentenceIndex - b.sentenceIndex);
    return `From *${source.title}* [${source.n}]: ${ordered.map((sentence) => `${sentence.text} [${source.n}]`).join(' ')}`;
  });
  return paragraphs.join('\n\n');
}

/** Topical answer: the matching papers, each with the sentence that best shows why. */
function listAnswer(input: GenerationInput): string {
  const ranked = scoreSentences(input);
  const listed = selectListed(input.sources.map((source) => source.hit)).map((position) => input.sources[position]!);
  const lines = listed.map((source) => {
    const bestSentence = ranked.find((sentence) => sentence.source === source);
    return `- **${source.title}** [${source.n}]: ${bestSentence?.text ?? source.sentences[0]?.text ?? ''} [${source.n}]`;
  });
  return `Papers in the index on this:\n\n${lines.join('\n')}`;
}

/**
 * "<a description of one paper> - what was it evaluated on?": the description found the
 * paper, and the asking clause's pronoun points back at it.
 */
function describesThenAsks(question: string): boolean {
  const clause = askingClause(question);
  return clause !== undefined && /\b(it|its|they|their|them)\b/i.test(clause);
}

/**
 * A question that names a position in the previous answer ("the second one") is about that
 * paper only. A pronoun's referent stays a soft preference (the rank weight): when the
 * previous answer named the wrong paper, another source's matching sentence rescues it.
 */
function focusOnReferent(input: GenerationInput): GenerationInput {
  if (input.reference !== 'ordinal' || !input.referent) return input;
  const sources = input.sources.filter((source) => source.paperId === input.referent);
  return sources.length > 0 ? { ...input, sources } : input;
}

/**
 * The offline default "LLM": answers from the retrieved abstracts' own sentences, each
 * cited, so every claim is checkable and nothing is invented. Runs without weights.
 */
export class ExtractiveAnswerProvider implements AnswerProvider {
  readonly name = 'extractive';

  async *generate(input: GenerationInput): AsyncIterable<string> {
    const text = input.sources.length === 0 ? CANNOT_ANSWER : asksForPapers(input.question) && !input.referent ? listAnswer(input) : factAnswer(focusOnReferent(input));
    // Streamed word by word like a model would, so clients see the same protocol.
    for (const piece of text.match(/\S+\s*|\s+/g) ?? []) yield piece;
  }
}
