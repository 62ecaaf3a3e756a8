import type { AskResult } from '../answer/types.ts';
import type { AnswerResult } from './records.ts';
import { containsAll, recallAt } from './metrics.ts';

export interface AnswerExpectation {
  /** Gold paper ids; empty for an unanswerable question. */
  gold: readonly string[];
  answerContains?: readonly string[];
  unanswerable: boolean;
  /**
   * Score retrieval of the answered turn itself: for conversations the retrieval table
   * scores the joined turns, so only this says whether the follow-up found the paper.
   */
  scoreRetrievedAt5: boolean;
}

/**
 * Scores one AskResult as the eval README does. An unanswerable question passes only when
 * it is refused with no citations; citation precision of an answer that cites nothing is
 * 0, so refusing never looks precise.
 */
export function scoreAnswer(result: AskResult, ms: number, expected: AnswerExpectation): AnswerResult {
  const cited = [...new Set(result.citations.map((citation) => citation.paperId))];
  const retrieved = result.retrieved.map((hit) => hit.paperId);
  const base = {
    answer: result.answer,
    cited,
    retrieved,
    refused: result.refused,
    confidence: result.confidence ?? null,
    ms,
  };
  if (expected.unanswerable) {
    return {
      ...base,
      goldCited: null,
      contains: null,
      citationPrecision: null,
      citationRecall: null,
      passed: result.refused && cited.length === 0,
      retrievedAt5: null,
    };
  }
  const gold = new Set(expected.gold);
  const citedGold = cited.filter((id) => gold.has(id)).length;
  return {
    ...base,
    goldCited: citedGold > 0,
    contains: expected.answerContains ? containsAll(result.answer, expected.answerContains) : null,
    citationPrecision: cited.length === 0 ? 0 : citedGold / cited.length,
    citationRecall: gold.size === 0 ? 0 : citedGold / gold.size,
    passed: null,
    retrievedAt5: expected.scoreRetrievedAt5 ? recallAt(retrieved, expected.gold, 5) : null,
  };
}

/** An answer worth reading with --failures: gold not cited, expected text missing, or an unanswerable question not refused cleanly. */
export function isAnswerFailure(answer: AnswerResult): boolean {
  return answer.goldCited === false || answer.contains === false || answer.passed === false;
}
