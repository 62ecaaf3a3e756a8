import type { AnswerResult, QuestionRecord, RetrievalResult } from '../../src/evaluation/records.ts';

export function retrieval(overrides: Partial<RetrievalResult> = {}): RetrievalResult {
  return { ranking: [], goldRank: null, recallAt1: 0, recallAt5: 0, recallAt10: 0, reciprocalRank: 0, recallAtGold: 0, ...overrides };
}

export function answer(overrides: Partial<AnswerResult> = {}): AnswerResult {
  return {
    answer: 'text',
    cited: [],
    retrieved: [],
    refused: false,
    confidence: null,
    goldCited: null,
    contains: null,
    citationPrecision: null,
    citationRecall: null,
    passed: null,
    retrievedAt5: null,
    ms: 10,
    ...overrides,
  };
}

export function record(overrides: Partial<QuestionRecord> = {}): QuestionRecord {
  return {
    split: 'tune',
    set: 'short',
    setKind: 'retrieval',
    id: 'q1',
    question: 'a question',
    turns: null,
    unanswerableKind: null,
    gold: ['p1'],
    retrieval: null,
    answer: null,
    ...overrides,
  };
}

/** An answerable question answered (or refused) with the given confidence. */
export function answerable(id: string, set: string, confidence: number | null, refused = false): QuestionRecord {
  return record({ id, set, answer: answer({ confidence, refused, goldCited: !refused }) });
}

/** An unanswerable question of a kind, refused or not, with the given confidence. */
export function unanswerable(id: string, kind: string, confidence: number | null, refused = true): QuestionRecord {
  return record({ id, set: 'unanswerable', setKind: 'unanswerable', unanswerableKind: kind, gold: [], answer: answer({ confidence, refused, passed: refused }) });
}
