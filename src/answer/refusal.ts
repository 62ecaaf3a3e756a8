import type { LoadedIndex } from '../index/load-index.ts';
import type { PaperHit } from '../retrieval/types.ts';
import { analyze } from '../text/terms.ts';
import type { StandaloneQuestion } from './condense.ts';
import { CANNOT_ANSWER } from './prompts.ts';
import { looksLikeInjection, specificNames } from './question-analysis.ts';

export type Verdict = { answerable: true; features: AnswerabilityFeatures } | { answerable: false; message: string; reason: 'injection' | 'no-results' | 'unknown-name' | 'low-confidence'; features?: AnswerabilityFeatures };

export interface AnswerabilityFeatures {
  /** Best cosine similarity of any unit of the top paper to the query. */
  topVectorSimilarity: number;
  /** Share of the question's terms (idf-weighted) that occur in the top three papers. */
  termCoverage: number;
}

/**
 * Off-topic test: confidence = best cosine similarity + COVERAGE_WEIGHT × term coverage.
 * Measured on the bundled encoder over every eval question plus a handful of extra
 * off-topic ones: answerable questions scored ≥ 0.518, off-topic ones ≤ 0.488. Only
 * meaningful for that encoder's similarity scale; other embedders skip this test.
 */
export const COVERAGE_WEIGHT = 0.15;
export const MIN_CONFIDENCE = 0.5;
const CALIBRATED_EMBEDDER = 'universal-sentence-encoder';

const corpusText = new WeakMap<LoadedIndex, string>();
const corpusTerms = new WeakMap<LoadedIndex, Map<string, number>>();

function lowerCorpusText(index: LoadedIndex): string {
  let text = corpusText.get(index);
  if (!text) {
    text = index.papers.map((paper) => `${paper.title}\n${paper.abstract}`).join('\n').toLowerCase();
    corpusText.set(index, text);
  }
  return text;
}

function documentFrequencies(index: LoadedIndex): Map<string, number> {
  let frequencies = corpusTerms.get(index);
  if (!frequencies) {
    frequencies = new Map();
    for (const paper of index.papers) for (const term of new Set(analyze(`${paper.title} ${paper.abstract}`))) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
    corpusTerms.set(index, frequencies);
  }
  return frequencies;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Suffixes that turn a name into a description ("BLIP-2-style", "GPT-2-like"). */
const DESCRIPTIVE_SUFFIX = /-(style|like|based|sized|size|type|level|scale|ish)$/i;

/** Names in the question that no title or abstract contains as a word. */
export function namesMissingFromCorpus(question: string, index: LoadedIndex): string[] {
  const text = lowerCorpusText(index);
  return specificNames(question)
    .map((name) => name.replace(/'s$/i, '').replace(DESCRIPTIVE_SUFFIX, ''))
    .filter((name) => !new RegExp(`(^|[^a-z0-9])${escapeRegExp(name.toLowerCase())}($|[^a-z0-9])`).test(text));
}

/**
 * Model and system names carry versions: "RT-2", "8x7B", "large-v2", "H100". When one of
 * these is absent from every abstract, the question is about something the index lacks.
 */
function isVersionedName(name: string): boolean {
  return (/[A-Z]/.test(name) && /\d/.test(name)) || /\d+x\d+[a-z]?/i.test(name) || /-v\d/i.test(name);
}

function termCoverage(question: string, hits: PaperHit[], index: LoadedIndex): number {
  const frequencies = documentFrequencies(index);
  const terms = [...new Set(analyze(question))];
  if (terms.length === 0) return 0;
  const topTerms = new Set(hits.slice(0, 3).flatMap((hit) => {
    const paper = index.paperById.get(hit.paperId);
    return paper ? analyze(`${paper.title} ${paper.abstract}`) : [];
  }));
  let covered = 0;
  let total = 0;
  for (const term of terms) {
    const weight = Math.log(1 + index.papers.length / (1 + (frequencies.get(term) ?? 0)));
    total += weight;
    if (topTerms.has(term)) covered += weight;
  }
  return total === 0 ? 0 : covered / total;
}

export function judgeAnswerability(question: string, standalone: StandaloneQuestion, hits: PaperHit[], index: LoadedIndex): Verdict {
  if (looksLikeInjection(question)) {
    return {
      answerable: false,
      reason: 'injection',
      message: `${CANNOT_ANSWER} I answer questions about the indexed papers from their abstracts, and I don't change or reveal my instructions.`,
    };
  }
  if (hits.length === 0) return { answerable: false, reason: 'no-results', message: CANNOT_ANSWER };
  const missing = namesMissingFromCorpus(question, index);
  // One unknown plain word may just be the asker's own wording; an unknown versioned
  // name, or several unknown names, means the subject is not in the index.
  if (missing.length >= 2 || missing.some(isVersionedName)) {
    return { answerable: false, reason: 'unknown-name', message: `${CANNOT_ANSWER} No indexed abstract mentions ${missing.join(', ')}.` };
  }
  const features: AnswerabilityFeatures = {
    topVectorSimilarity: Math.max(...hits.slice(0, 3).map((hit) => hit.scores.vector ?? 0)),
    termCoverage: termCoverage(standalone.query, hits, index),
  };
  const calibrated = index.manifest.embedder.id === CALIBRATED_EMBEDDER;
  if (calibrated && features.topVectorSimilarity + COVERAGE_WEIGHT * features.termCoverage < MIN_CONFIDENCE) {
    return { answerable: false, reason: 'low-confidence', message: CANNOT_ANSWER, features };
  }
  return { answerable: true, features };
}
