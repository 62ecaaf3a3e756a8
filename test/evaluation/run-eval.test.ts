import { describe, expect, it } from 'vitest';
import type { AskRequest, AskResult, AskService } from '../../src/answer/types.ts';
import { scoreAnswer } from '../../src/evaluation/answer-eval.ts';
import { evaluateSplits, type EvalSplit, type Searcher } from '../../src/evaluation/run-eval.ts';

function result(overrides: Partial<AskResult> = {}): AskResult {
  return {
    answer: '',
    citations: [],
    refused: false,
    query: '',
    provider: 'fake',
    timings: { retrieveMs: 0, generateMs: 0 },
    retrieved: [],
    ...overrides,
  };
}

const citation = (paperId: string) => ({ n: 1, paperId, title: paperId, quote: '', start: 0, end: 0 });
const hit = (paperId: string) => ({ paperId, title: paperId, score: 1, scores: { fused: 1 } });

describe('scoreAnswer', () => {
  it('scores cited gold, precision, recall and contains for several gold papers', () => {
    const scored = scoreAnswer(
      result({ answer: 'Reaches  84.8 %\non ImageNet', citations: [citation('p1'), citation('p9'), citation('p1')], confidence: 0.7 }),
      5,
      { gold: ['p1', 'p2'], answerContains: ['84.8 % on imagenet'], unanswerable: false, scoreRetrievedAt5: false },
    );
    expect(scored).toMatchObject({ cited: ['p1', 'p9'], goldCited: true, citationPrecision: 0.5, citationRecall: 0.5, contains: true, passed: null, confidence: 0.7, retrievedAt5: null });
  });

  it('passes an unanswerable question only when refused without citations', () => {
    const expectation = { gold: [], unanswerable: true, scoreRetrievedAt5: false };
    expect(scoreAnswer(result({ refused: true }), 1, expectation)).toMatchObject({ passed: true, goldCited: null, confidence: null });
    expect(scoreAnswer(result({ refused: false, citations: [citation('p1')] }), 1, expectation).passed).toBe(false);
  });
});

describe('evaluateSplits', () => {
  const titleToId = new Map([
    ['Paper One', 'p1'],
    ['Paper Two', 'p2'],
  ]);
  const searcher: Searcher = { search: async () => [{ paperId: 'p2' }, { paperId: 'p1' }] };

  it('replays a conversation with the service’s own replies as history and scores the last turn', async () => {
    const requests: AskRequest[] = [];
    const askService: AskService = {
      ask: async (request) => {
        requests.push(request);
        return result({ answer: `reply ${requests.length}`, citations: [citation('p1')], retrieved: [hit('p1')], confidence: 0.4 });
      },
      askStream: () => {
        throw new Error('not used');
      },
    };
    const splits: EvalSplit[] = [
      {
        name: 'check',
        dir: '/eval/check',
        sets: [{ name: 'conversations', kind: 'conversation', cases: [{ id: 'c1', turns: ['first?', 'and then?'], gold_titles: ['Paper One'], answer_contains: ['reply 2'] }] }],
      },
    ];
    const { records } = await evaluateSplits(splits, { searcher, askService, titleToId });
    expect(requests.map((request) => [request.question, request.history, request.k])).toEqual([
      ['first?', [], 6],
      ['and then?', [{ role: 'user', content: 'first?' }, { role: 'assistant', content: 'reply 1' }], 6],
    ]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      split: 'check',
      set: 'conversations',
      setKind: 'conversation',
      question: 'first? → and then?',
      gold: ['p1'],
      retrieval: { ranking: ['p2', 'p1'], goldRank: 2, recallAt1: 0, recallAt5: 1, reciprocalRank: 0.5 },
      answer: { answer: 'reply 2', contains: true, goldCited: true, retrievedAt5: 1, confidence: 0.4 },
    });
  });

  it('skips answers for --retrieval-only and rejects a gold title the corpus lacks', async () => {
    const sets = (title: string): EvalSplit[] => [{ name: 'tune', dir: '/eval', sets: [{ name: 'short', kind: 'retrieval', cases: [{ id: 'q1', question: 'q?', gold_titles: [title] }] }] }];
    const { records } = await evaluateSplits(sets('Paper Two'), { searcher, askService: null, titleToId });
    expect(records[0]).toMatchObject({ answer: null, retrieval: { goldRank: 1, recallAt1: 1 } });
    await expect(evaluateSplits(sets('No Such Paper'), { searcher, askService: null, titleToId })).rejects.toThrow(/tune\/short q1: gold title not in the corpus/);
  });
});
