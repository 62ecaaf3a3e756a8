import type { TableService } from '../answer/table/types.ts';
import type { EvalSplit, Searcher } from './run-eval.ts';
import { containsAll } from './metrics.ts';

/**
 * Comparison-table quality on the eval questions:
 * - stated: each fact question (set `facts`) as a column over its gold paper must give a cell
 *   containing the expected strings (the facts metric's "contains" test);
 * - not stated: each near-miss unanswerable question (on-topic, about something no abstract
 *   covers) as a column over the top retrieved paper must give a "not stated" cell.
 */
export interface TableCaseResult {
  split: string;
  id: string;
  check: 'stated' | 'not_stated';
  question: string;
  paperId: string;
  /** The cell's status and text as the table gives them. */
  status: 'stated' | 'not_stated';
  text: string;
  /** `stated` cases: the cell contains every expected string; `not_stated` cases: the cell is not stated. */
  passed: boolean;
}

export interface TableSplitSummary {
  split: string;
  /** Fact questions whose cell contains the expected answer. */
  factsContained: { passed: number; total: number };
  /** Near-miss questions whose cell is "not stated". */
  nearMissNotStated: { passed: number; total: number };
}

export interface TableEvaluation {
  cases: TableCaseResult[];
  summaries: TableSplitSummary[];
}

export interface TableEvalOptions {
  tableService: TableService;
  searcher: Searcher;
  titleToId: ReadonlyMap<string, string>;
}

const FACTS_SET = 'facts';
const NEAR_MISS_KIND = 'nearmiss';

export async function evaluateTables(splits: readonly EvalSplit[], options: TableEvalOptions): Promise<TableEvaluation> {
  const cases: TableCaseResult[] = [];
  const cellFor = async (paperId: string, question: string) => {
    const table = await options.tableService.build({ paperIds: [paperId], columns: [question] });
    const cell = table.rows[0]?.cells[0];
    if (!cell) throw new Error(`table eval: no cell for ${paperId}`);
    return cell;
  };
  for (const split of splits) {
    for (const set of split.sets) {
      if (set.kind === 'retrieval' && set.name === FACTS_SET) {
        for (const item of set.cases) {
          const paperId = options.titleToId.get(item.gold_titles[0]!);
          if (!paperId) throw new Error(`${split.name}/${set.name} ${item.id}: gold title not in the corpus: ${item.gold_titles[0]}`);
          const cell = await cellFor(paperId, item.question);
          const passed = cell.status === 'stated' && containsAll(cell.text, item.answer_contains ?? []);
          cases.push({ split: split.name, id: item.id, check: 'stated', question: item.question, paperId, status: cell.status, text: cell.text, passed });
        }
      }
      if (set.kind === 'unanswerable') {
        for (const item of set.cases.filter((candidate) => candidate.kind === NEAR_MISS_KIND)) {
          const [top] = await options.searcher.search(item.question, { k: 1 });
          if (!top) continue;
          const cell = await cellFor(top.paperId, item.question);
          cases.push({ split: split.name, id: item.id, check: 'not_stated', question: item.question, paperId: top.paperId, status: cell.status, text: cell.text, passed: cell.status === 'not_stated' });
        }
      }
    }
  }
  const summaries = splits.map((split) => {
    const ofSplit = cases.filter((item) => item.split === split.name);
    const tally = (check: TableCaseResult['check']) => {
      const matching = ofSplit.filter((item) => item.check === check);
      return { passed: matching.filter((item) => item.passed).length, total: matching.length };
    };
    return { split: split.name, factsContained: tally('stated'), nearMissNotStated: tally('not_stated') };
  });
  return { cases, summaries };
}

/** Plain-text report: one line per split, then the failed cases when asked. */
export function formatTableEvaluation(evaluation: TableEvaluation, showFailures: boolean): string {
  const share = ({ passed, total }: { passed: number; total: number }) => (total === 0 ? 'n/a' : `${(passed / total).toFixed(2)} (${passed}/${total})`);
  const lines = ['comparison tables: fact cell contains the answer (target ≥ 0.85) · near-miss cell "not stated"'];
  for (const summary of evaluation.summaries) {
    lines.push(`  ${summary.split.padEnd(6)} facts contained ${share(summary.factsContained)} · near-miss not stated ${share(summary.nearMissNotStated)}`);
  }
  if (showFailures) {
    for (const item of evaluation.cases.filter((candidate) => !candidate.passed)) {
      lines.push(`  ✗ ${item.split}/${item.id} [${item.check}] ${item.question}\n      → ${item.status}: ${item.text.slice(0, 240)}`);
    }
  }
  return lines.join('\n');
}
