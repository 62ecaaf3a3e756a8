import type { ServedIndex } from '../index/served-index.ts';
import type { PaperHit } from '../retrieval/types.ts';
import { analyze } from '../text/terms.ts';
import { corpusTerms, inverseDocumentFrequency } from '../retrieval/paper-terms.ts';
import type { StandaloneQuestion } from './condense.ts';
import { CANNOT_ANSWER } from './prompts.ts';
import { looksLikeInjection } from './injection.ts';
import { asksForPapers, searchesForAClaim } from './question-analysis.ts';
import { calibratedSimilarity, domainScore } from '../index/similarity-calibration.ts';
import { isGivenAsExample, isVersionedName, namesMissingFromCorpus } from './unknown-names.ts';
import answerabilityModel from './answerability-model.json' with { type: 'json' };
import { unitVector } from '../util/vectors.ts';

export type RefusalReason = 'injection' | 'no-results' | 'unknown-name' | 'no-shared-terms' | 'low-confidence';

export type Verdict =
  | { answerable: true; confidence: number; features: AnswerabilityFeatures }
  | { answerable: false; confidence: number; message: string; reason: RefusalReason; features?: AnswerabilityFeatures };

/**
 * What the answerability model reads. Every feature is on a scale the index defines for
 * itself (see similarity-calibration.ts) or a share of the question's terms, so the same
 * model holds for any embedder.
 */
export interface AnswerabilityFeatures {
  /** Best similarity of a top-3 paper's unit to the query, in standard deviations from what corpus sentences reach in other papers. */
  calibratedSimilarity: number;
  /** How typical of the corpus the query is, in standard deviations from the corpus's own sentences. */
  domain: number;
  /** Share of the question's terms (idf-weighted) that occur in the top three papers. */
  termCoverage: number;
  /** Share of the question's terms (idf-weighted) that occur anywhere in the corpus. */
  vocabularyCoverage: number;
}

export const ANSWERABILITY_FEATURES = ['calibratedSimilarity', 'domain', 'termCoverage', 'vocabularyCoverage'] as const satisfies ReadonlyArray<keyof AnswerabilityFeatures>;

/** A question with no content words ("what does it propose?") lacks nothing: its share is 1. */
function idfWeightedShare(terms: readonly string[], present: (term: string) => boolean, index: ServedIndex): number {
  const corpus = corpusTerms(index);
  let covered = 0;
  let total = 0;
  for (const term of new Set(terms)) {
    const weight = inverseDocumentFrequency(corpus, term);
    total += weight;
    if (present(term)) covered += weight;
  }
  return total === 0 ? 1 : covered / total;
}

export function answerabilityFeatures(query: string, hits: PaperHit[], index: ServedIndex, queryVector: ArrayLike<number>): AnswerabilityFeatures {
  const calibration = index.calibration();
  const unitQuery = unitVector(queryVector);
  const corpus = corpusTerms(index);
  const terms = analyze(query);
  const topPapers = hits.slice(0, 3).flatMap((hit) => corpus.termsOf(hit.paperId) ?? []);
  return {
    calibratedSimilarity: calibratedSimilarity(Math.max(...hits.slice(0, 3).map((hit) => hit.scores.vector ?? 0)), calibration),
    domain: domainScore(unitQuery, calibration),
    termCoverage: idfWeightedShare(terms, (term) => topPapers.some((paper) => paper.terms.has(term)), index),
    vocabularyCoverage: idfWeightedShare(terms, (term) => corpus.documentFrequency.has(term), index),
  };
}

/** Logistic model over the features (fitted by scripts/fit-answerability.ts with cross-validation). */
export function answerabilityConfidence(features: AnswerabilityFeatures): number {
  let logit = answerabilityModel.bias;
  for (const name of ANSWERABILITY_FEATURES) logit += answerabilityModel.weights[name] * features[name];
  return 1 / (1 + Math.exp(-logit));
}

export const MIN_CONFIDENCE = answerabilityModel.threshold;

/**
 * Whether the retrieved papers can answer the question. `scoped` questions are asked about
 * papers the user picked ("what does this paper propose?"): only the injection and
 * unknown-name rules apply to them, since the user, not retrieval, chose the sources.
 */
export function judgeAnswerability(question: string, standalone: StandaloneQuestion, hits: PaperHit[], index: ServedIndex, queryVector: ArrayLike<number>, options: { scoped?: boolean } = {}): Verdict {
  if (looksLikeInjection(question)) {
    return {
      answerable: false,
      confidence: 0,
      reason: 'injection',
      message: `${CANNOT_ANSWER} I answer questions about the indexed papers from their abstracts, and I don't change or reveal my instructions.`,
    };
  }
  if (hits.length === 0) return { answerable: false, confidence: 0, reason: 'no-results', message: CANNOT_ANSWER };
  // An unknown name in a search for papers may be the asker's own wording; in a question
  // about something (how does X…, what does X reach…, which paper showed that X…), one
  // unknown name is its subject, and an unknown versioned name or several unknown names
  // never belong to the corpus.
  const search = asksForPapers(question);
  const asksAboutSomething = !search || searchesForAClaim(question);
  // In any search for papers, a claim search too, the setting is the criterion ("trained on Othello moves"): only examples and baselines are set aside.
  const missing = namesMissingFromCorpus(question, index).filter((name) => !isGivenAsExample(question, name, { search }));
  if (missing.length >= 2 || missing.some((name) => isVersionedName(name.name)) || (missing.length === 1 && asksAboutSomething)) {
    return { answerable: false, confidence: 0, reason: 'unknown-name', message: `${CANNOT_ANSWER} No indexed abstract mentions ${missing.map((name) => name.name).join(', ')}.` };
  }
  const features = answerabilityFeatures(standalone.query, hits, index, queryVector);
  if (options.scoped) return { answerable: true, confidence: answerabilityConfidence(features), features };
  // Whatever the embedder thinks, abstracts that share no content word with the question cannot be quoted to answer it.
  if (features.termCoverage === 0) return { answerable: false, confidence: 0, reason: 'no-shared-terms', message: CANNOT_ANSWER, features };
  const confidence = answerabilityConfidence(features);
  if (confidence < MIN_CONFIDENCE) return { answerable: false, confidence, reason: 'low-confidence', message: CANNOT_ANSWER, features };
  return { answerable: true, confidence, features };
}
