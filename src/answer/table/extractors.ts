import { locateLinks } from '../../corpus/links.ts';
import type { Paper, Sentence } from '../../corpus/types.ts';
import { chooseFactSentences } from '../providers/extractive.ts';
import { asksForPapers, asksForQuantity, statesComparison } from '../question-analysis.ts';
import type { AnswerSource } from '../types.ts';
import { isGivenAsExample, isVersionedName, namesMissingFromCorpus, type UnknownName } from '../unknown-names.ts';
import { NOT_STATED_THRESHOLD } from './not-stated-threshold.ts';
import { NOT_STATED, type ColumnKind, type EvidenceSpan, type TableCell } from './types.ts';
import { escapeRegExp } from '../../util/escape-reg-exp.ts';

/** One paper as a column's extractor sees it: its sentences and how similar each is to the column's question. */
export interface PaperEvidence {
  paper: Paper;
  sentences: Sentence[];
  /** Aligned with `sentences`; zeros when no vectors are loaded. */
  similarities: number[];
}

export function notStated(columnId: string): TableCell {
  return { columnId, status: 'not_stated', text: NOT_STATED, spans: [], generated: false };
}

function spanOf(sentence: Sentence): EvidenceSpan {
  return { start: sentence.start, end: sentence.end, text: sentence.text };
}

/** A cell quoting these sentences, in abstract order; "not stated" when there are none. */
export function quotedCell(columnId: string, sentences: readonly Sentence[]): TableCell {
  if (sentences.length === 0) return notStated(columnId);
  const spans = [...sentences].sort((a, b) => a.start - b.start).map(spanOf);
  return { columnId, status: 'stated', text: spans.map((span) => span.text).join(' … '), spans, generated: false };
}

interface Candidate {
  index: number;
  sentence: Sentence;
  score: number;
}

/** Sentences passing `keep`, best first by `score`. */
function rank(evidence: PaperEvidence, keep: (sentence: Sentence, index: number) => boolean, score: (sentence: Sentence, index: number) => number): Candidate[] {
  return evidence.sentences
    .map((sentence, index) => ({ index, sentence, score: keep(sentence, index) ? score(sentence, index) : -Infinity }))
    .filter((candidate) => candidate.score > -Infinity)
    .sort((a, b) => b.score - a.score || a.index - b.index);
}

const similarity = (evidence: PaperEvidence, index: number) => evidence.similarities[index] ?? 0;

// ── problem / task ──────────────────────────────────────────────────────────
/** Words abstracts use to frame what is hard or missing. */
const PROBLEM_CUE = /\b(problems?|challeng\w*|tasks?|limit\w*|struggl\w*|suffers?|bottlenecks?|costly|expensive|difficult\w*|hard|remains?|lacks?|lacking|however|address\w*|tackl\w*|goal|aims? (to|at)|requires?|fail\w*|unsolved|open question|inefficien\w*)\b/i;
/** A sentence stating the paper's own contribution is about the method, not the problem. */
const CONTRIBUTION_CUE = /\b(we (propose|introduce|present|develop|design|describe|call|dub|name|release)|this (paper|work) (proposes|introduces|presents)|(called|named|dubbed)\b)/i;
/** A sentence reporting what the paper found ("we show that…") is a result, not the problem. */
const FINDING_CUE = /\b(we|our (experiments|results|evaluations?|analys[ie]s)) (also )?(show|find|found|demonstrate|observe|achieve|obtain|report)\w*\b/i;
/** Abstracts open with their setting: earlier sentences are likelier to state the problem. */
const PROBLEM_POSITION_WEIGHT = 0.3;
const PROBLEM_CUE_WEIGHT = 0.3;

function problemCell(columnId: string, evidence: PaperEvidence): TableCell {
  const count = evidence.sentences.length;
  const ranked = rank(
    evidence,
    (sentence) => !CONTRIBUTION_CUE.test(sentence.text) && !FINDING_CUE.test(sentence.text) && !statesResult(sentence.text),
    (sentence, index) => similarity(evidence, index) + PROBLEM_POSITION_WEIGHT * (1 - index / Math.max(1, count)) + (PROBLEM_CUE.test(sentence.text) ? PROBLEM_CUE_WEIGHT : 0),
  );
  // An abstract that opens with its contribution states the problem inside that sentence.
  const best = ranked[0]?.sentence ?? evidence.sentences.find((sentence) => CONTRIBUTION_CUE.test(sentence.text));
  return quotedCell(columnId, best ? [best] : []);
}

// ── method ──────────────────────────────────────────────────────────────────
function methodCell(columnId: string, evidence: PaperEvidence): TableCell {
  const contribution = rank(
    evidence,
    (sentence) => CONTRIBUTION_CUE.test(sentence.text),
    (_sentence, index) => similarity(evidence, index) - index * 0.01,
  );
  if (contribution.length > 0) return quotedCell(columnId, contribution.slice(0, 1).map((candidate) => candidate.sentence));
  // No "we propose" sentence: the column's question decides, with the same "not stated" bar as a user column.
  return questionCell(columnId, evidence, 'What method, model or approach does the paper propose?');
}

// ── data ────────────────────────────────────────────────────────────────────
const DATA_CUE = /\b(datasets?|data sets?|benchmarks?|corpus|corpora|test sets?|splits?|suites?|leaderboards?|(trained|evaluated|tested|fine-?tuned|pre-?trained|experiments?|evaluations?|results?) (on|across|over|using))\b/i;
/** "on ImageNet", "across GLUE and SuperGLUE", "on WikiText-103": a name after a preposition of evaluation. */
const NAMED_DATA = /\b(on|across|over|using|from)\s+(the\s+)?[A-Z][\w-]*[A-Z0-9][\w-]*/;
const MAX_DATA_SENTENCES = 2;

function dataCell(columnId: string, evidence: PaperEvidence): TableCell {
  const ranked = rank(
    evidence,
    (sentence) => DATA_CUE.test(sentence.text) || NAMED_DATA.test(sentence.text),
    (sentence, index) => similarity(evidence, index) + (DATA_CUE.test(sentence.text) ? 0.2 : 0) + (NAMED_DATA.test(sentence.text) ? 0.2 : 0),
  );
  return quotedCell(columnId, ranked.slice(0, MAX_DATA_SENTENCES).map((candidate) => candidate.sentence));
}

// ── results ─────────────────────────────────────────────────────────────────
/** What results are measured in (the extractive answerer's quantity cues, as words a result sentence contains). */
const METRIC_WORD =
  /\b(accuracy|acc|score|scores|speed-?ups?|perplexity|ppl|bpc|mos|fid|bleu|rouge(-\w+)?|wer|cer|auc|f1|map|miou|iou|ap|mae|mse|rmse|top-[15]|pass@\d+|win rate|error|errors|latency|throughput|memory|flops|points?|faster|slower|fewer|less|more|improv\w*|gains?|reduc\w*|increas\w*|decreas\w*|higher|lower|state-of-the-art|sota)\b/i;
/** A number that is a measurement: percentages, factors, decimals, or a number next to a metric word. */
const MEASURED_NUMBER = /\d+(\.\d+)?\s?(%|x\b|×|points?\b|pp\b)|\b\d+\.\d+\b/i;

function statesResult(text: string): boolean {
  return /\d/.test(text) && (MEASURED_NUMBER.test(text) || METRIC_WORD.test(text));
}

const MAX_RESULT_SENTENCES = 2;

function resultsCell(columnId: string, evidence: PaperEvidence): TableCell {
  const ranked = rank(
    evidence,
    (sentence) => statesResult(sentence.text),
    (sentence, index) =>
      similarity(evidence, index) + 0.1 * Math.min(3, (sentence.text.match(/\d+(\.\d+)?/g) ?? []).length) + (MEASURED_NUMBER.test(sentence.text) ? 0.2 : 0) + (statesComparison(sentence.text) ? 0.1 : 0),
  );
  return quotedCell(columnId, ranked.slice(0, MAX_RESULT_SENTENCES).map((candidate) => candidate.sentence));
}

// ── code / project link ─────────────────────────────────────────────────────
function codeCell(columnId: string, evidence: PaperEvidence): TableCell {
  const links = locateLinks(evidence.paper.abstract);
  if (links.length === 0) return notStated(columnId);
  const spans = links.map(({ start, end }) => ({ start, end, text: evidence.paper.abstract.slice(start, end) }));
  return { columnId, status: 'stated', text: links.map((link) => link.url).join(' '), spans, generated: false };
}

// ── a user's question ───────────────────────────────────────────────────────
/** Why a question is "not stated" for a paper, or null when its best sentences clear the bar. */
export interface QuestionVerdict {
  /** The extractive answerer's score of the best sentence (similarity + term overlap + cues). */
  bestScore: number;
  /** Names in the question (models, benchmarks) that the paper's title and abstract lack. */
  missingNames: string[];
  /** The question asks for a number and the chosen sentences state none. */
  lacksAskedNumber: boolean;
  chosen: Sentence[];
}

/** The extractive answerer's fact-sentence choice, over this one paper. */
export function judgeQuestion(evidence: PaperEvidence, question: string): QuestionVerdict {
  const { paper, sentences, similarities } = evidence;
  const source: AnswerSource = {
    n: 1,
    paperId: paper.id,
    title: paper.title,
    abstract: paper.abstract,
    sentences,
    sentenceSimilarities: similarities,
    hit: { paperId: paper.id, title: paper.title, score: 1, snippet: '', scores: { fused: 1 }, chunks: [] },
  };
  const chosen = chooseFactSentences({ question, query: question, history: [], sources: [source] });
  const quoted = chosen.map((sentence) => sentences[sentence.sentenceIndex]!);
  const lacksAskedNumber = asksForQuantity(question) && !quoted.some((sentence) => /\d/.test(sentence.text));
  return { bestScore: chosen[0]?.score ?? -Infinity, missingNames: namesThePaperLacks(question, paper), lacksAskedNumber, chosen: quoted };
}

/**
 * Names the question is about that this paper never mentions, by the refusal's rule (see
 * refusal.ts): names given as an example or setting do not count, and the question is not
 * about the paper's content when it names two unknown things, an unknown versioned one, or one
 * unknown subject of a question. Judged against one abstract rather than the corpus, so three
 * readings are added: a capitalised word opening a sentence is not a name ("…? How much…"), a
 * name the paper writes in the plural is mentioned ("ViT" / "ViTs"), and alternatives joined by
 * a slash share their context ("on BART/T5").
 */
function namesThePaperLacks(question: string, paper: Paper): string[] {
  const text = `${paper.title}\n${paper.abstract}`.toLowerCase();
  const opensSentence = (name: UnknownName) => name.offset === 0 || /[.?!:;]\s+$/.test(question.slice(0, name.offset));
  const inPlural = (name: UnknownName) => new RegExp(`(^|[^a-z0-9])${escapeRegExp(name.name.toLowerCase())}s($|[^a-z0-9])`).test(text);
  const groupStart = (name: UnknownName) => ({ ...name, offset: name.offset - (/[\w.-]+\/$/.exec(question.slice(0, name.offset))?.[0].length ?? 0) });
  const missing = namesMissingFromCorpus(question, { papers: [paper] }).filter(
    (name) => !opensSentence(name) && !inPlural(name) && !isGivenAsExample(question, groupStart(name)),
  );
  const decisive = missing.length >= 2 || missing.some((name) => isVersionedName(name.name)) || (missing.length === 1 && !asksForPapers(question));
  return decisive ? missing.map((name) => name.name) : [];
}

/**
 * A question the abstract does not answer is "not stated": when it names something the paper
 * never mentions, when even its best sentence scores below the threshold fitted on the eval's
 * tune split (see not-stated-threshold.ts), or when it asks for a number and the chosen
 * sentences state none (the extractive answerer already brings in a sentence with a number
 * when the paper has one: "How many parameters?" is not answered by "parameters are shared").
 */
export function questionCell(columnId: string, evidence: PaperEvidence, question: string): TableCell {
  const verdict = judgeQuestion(evidence, question);
  if (verdict.missingNames.length > 0 || verdict.lacksAskedNumber || verdict.bestScore < NOT_STATED_THRESHOLD) return notStated(columnId);
  return quotedCell(columnId, verdict.chosen);
}

/** The extracted cell of one paper for one column. */
export function extractCell(column: { id: string; kind: ColumnKind; question: string }, evidence: PaperEvidence): TableCell {
  if (evidence.sentences.length === 0 && column.kind !== 'code') return notStated(column.id);
  switch (column.kind) {
    case 'problem':
      return problemCell(column.id, evidence);
    case 'method':
      return methodCell(column.id, evidence);
    case 'data':
      return dataCell(column.id, evidence);
    case 'results':
      return resultsCell(column.id, evidence);
    case 'code':
      return codeCell(column.id, evidence);
    case 'question':
      return questionCell(column.id, evidence, column.question);
  }
}
