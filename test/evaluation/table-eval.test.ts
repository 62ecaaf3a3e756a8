import { describe, expect, it } from 'vitest';
import type { TableRequest, TableService } from '../../src/answer/table/types.ts';
import type { EvalSplit } from '../../src/evaluation/run-eval.ts';
import { evaluateTables, formatTableEvaluation } from '../../src/evaluation/table-eval.ts';

/** Cells scripted per (paper, question): a stated text, or not stated. */
function scriptedTables(cells: Record<string, string | null>): TableService & { requests: TableRequest[] } {
  const requests: TableRequest[] = [];
  return {
    requests,
    async build(request) {
      requests.push(request);
      const paperId = request.paperIds![0]!;
      const text = cells[`${paperId}|${request.columns![0]}`] ?? null;
      const cell = text === null ? { columnId: 'c1', status: 'not_stated' as const, text: 'not stated in the abstract' as const, spans: [] as [], generated: false as const } : { columnId: 'c1', status: 'stated' as const, text, spans: [{ start: 0, end: text.length, text }], generated: false };
      return { columns: [{ id: 'c1', label: request.columns![0]!, kind: 'question' }], rows: [{ paperId, title: paperId, cells: [cell] }], provider: 'extractive' };
    },
  };
}

const split: EvalSplit = {
  name: 'tune',
  dir: '/eval',
  sets: [
    {
      name: 'facts',
      kind: 'retrieval',
      cases: [
        { id: 'f1', question: 'What FID?', gold_titles: ['Paper A'], answer_contains: ['7.23'] },
        { id: 'f2', question: 'What accuracy?', gold_titles: ['Paper B'], answer_contains: ['84.8%', 'ImageNet'] },
      ],
    },
    { name: 'single', kind: 'retrieval', cases: [{ id: 's1', question: 'not a fact question', gold_titles: ['Paper A'] }] },
    {
      name: 'unanswerable',
      kind: 'unanswerable',
      cases: [
        { id: 'u1', question: 'How fast is Mixtral 8x7B?', kind: 'nearmiss' },
        { id: 'u2', question: 'What is the weather?', kind: 'offtopic' },
        { id: 'u3', question: 'What does RT-2 reach?', kind: 'nearmiss' },
      ],
    },
  ],
};

describe('evaluateTables', () => {
  it('scores fact cells by "contains" over the gold paper and near-miss cells as not stated over the top hit', async () => {
    const tables = scriptedTables({
      'a|What FID?': 'It reaches a zero-shot FID of 7.23 on MS-COCO.',
      'b|What accuracy?': 'It reaches 84.8% top-1.',
      'top|How fast is Mixtral 8x7B?': null,
      'top|What does RT-2 reach?': 'Some unrelated sentence.',
    });
    const evaluation = await evaluateTables([split], {
      tableService: tables,
      searcher: { search: async () => [{ paperId: 'top' }] },
      titleToId: new Map([
        ['Paper A', 'a'],
        ['Paper B', 'b'],
      ]),
    });
    expect(evaluation.summaries).toEqual([{ split: 'tune', factsContained: { passed: 1, total: 2 }, nearMissNotStated: { passed: 1, total: 2 } }]);
    expect(evaluation.cases.map((item) => [item.id, item.passed])).toEqual([
      ['f1', true],
      ['f2', false],
      ['u1', true],
      ['u3', false],
    ]);
    // Off-topic questions and non-fact sets are not part of this check.
    expect(tables.requests.map((request) => request.columns![0])).not.toContain('What is the weather?');
    const report = formatTableEvaluation(evaluation, true);
    expect(report).toContain('tune   facts contained 0.50 (1/2) · near-miss not stated 0.50 (1/2)');
    expect(report).toContain('✗ tune/f2');
  });
});
