import type { AskResult, AskService, ChatTurn } from '../answer/types.ts';
import type { EvalSet } from './eval-sets.ts';
import { containsAll, mean, recallAt } from './metrics.ts';

export interface AnswerRow {
  set: string;
  n: number;
  /** Share of questions whose gold paper (any, for multi-gold sets) is cited. */
  goldCited?: number;
  /** Citation recall / precision against the gold set (multi-gold sets). */
  citationRecall?: number;
  citationPrecision?: number;
  answerContains?: number;
  /** Refused questions that had an answer (false refusals), or for unanswerable: correct refusals. */
  refusalRate: number;
  /** Recall@5 of the gold paper among the papers retrieved for the (last) question. */
  retrievedAt5?: number;
  byKind?: Record<string, number>;
  meanMs: number;
}

export interface AnswerFailure {
  set: string;
  id: string;
  question: string;
  answer: string;
  refused: boolean;
}

export interface AnswerReport {
  rows: AnswerRow[];
  failures: AnswerFailure[];
}

const K = 6;

async function timed(askService: AskService, question: string, history: ChatTurn[]): Promise<{ result: AskResult; ms: number }> {
  const started = performance.now();
  const result = await askService.ask({ question, history, k: K });
  return { result, ms: performance.now() - started };
}

/**
 * Runs every question through the real answer pipeline and scores the answers as the
 * eval README describes; conversations are replayed turn by turn with the service's own
 * earlier answers as history.
 */
export async function evaluateAnswers(sets: EvalSet[], askService: AskService, titleToId: Map<string, string>): Promise<AnswerReport> {
  const rows: AnswerRow[] = [];
  const failures: AnswerFailure[] = [];
  const idsOf = (titles: string[]) => titles.map((title) => titleToId.get(title) ?? title);

  for (const set of sets) {
    if (set.kind === 'retrieval') {
      const perQuestion = [];
      for (const item of set.cases) {
        const { result, ms } = await timed(askService, item.question, []);
        const gold = idsOf(item.gold_titles);
        const cited = [...new Set(result.citations.map((citation) => citation.paperId))];
        const goldCited = gold.some((id) => cited.includes(id));
        const contains = item.answer_contains ? containsAll(result.answer, item.answer_contains) : undefined;
        perQuestion.push({
          goldCited,
          citationRecall: gold.filter((id) => cited.includes(id)).length / gold.length,
          citationPrecision: cited.length === 0 ? 0 : cited.filter((id) => gold.includes(id)).length / cited.length,
          contains,
          refused: result.refused,
          ms,
        });
        if (!goldCited || contains === false) failures.push({ set: set.name, id: item.id, question: item.question, answer: result.answer, refused: result.refused });
      }
      const multi = set.cases.some((item) => item.gold_titles.length > 1);
      rows.push({
        set: set.name,
        n: perQuestion.length,
        goldCited: mean(perQuestion.map((row) => (row.goldCited ? 1 : 0))),
        ...(multi
          ? { citationRecall: mean(perQuestion.map((row) => row.citationRecall)), citationPrecision: mean(perQuestion.map((row) => row.citationPrecision)) }
          : {}),
        answerContains: perQuestion.some((row) => row.contains !== undefined) ? mean(perQuestion.map((row) => (row.contains ? 1 : 0))) : undefined,
        refusalRate: mean(perQuestion.map((row) => (row.refused ? 1 : 0))),
        meanMs: mean(perQuestion.map((row) => row.ms)),
      });
    } else if (set.kind === 'unanswerable') {
      const perQuestion: Array<{ kind: string; passed: boolean; ms: number }> = [];
      for (const item of set.cases) {
        const { result, ms } = await timed(askService, item.question, []);
        const passed = result.refused && result.citations.length === 0;
        perQuestion.push({ kind: item.kind, passed, ms });
        if (!passed) failures.push({ set: set.name, id: item.id, question: item.question, answer: result.answer, refused: result.refused });
      }
      const kinds = [...new Set(perQuestion.map((row) => row.kind))];
      rows.push({
        set: set.name,
        n: perQuestion.length,
        refusalRate: mean(perQuestion.map((row) => (row.passed ? 1 : 0))),
        byKind: Object.fromEntries(kinds.map((kind) => [kind, mean(perQuestion.filter((row) => row.kind === kind).map((row) => (row.passed ? 1 : 0)))])),
        meanMs: mean(perQuestion.map((row) => row.ms)),
      });
    } else {
      const perConversation = [];
      for (const item of set.cases) {
        const history: ChatTurn[] = [];
        let last: { result: AskResult; ms: number } | undefined;
        for (const turn of item.turns) {
          last = await timed(askService, turn, history);
          history.push({ role: 'user', content: turn }, { role: 'assistant', content: last.result.answer });
        }
        const { result, ms } = last!;
        const gold = idsOf(item.gold_titles);
        const goldCited = result.citations.some((citation) => gold.includes(citation.paperId));
        const contains = item.answer_contains ? containsAll(result.answer, item.answer_contains) : undefined;
        perConversation.push({
          goldCited,
          contains,
          refused: result.refused,
          retrievedAt5: recallAt(result.retrieved.map((hit) => hit.paperId), gold, 5),
          ms,
        });
        if (!goldCited || contains === false) failures.push({ set: set.name, id: item.id, question: item.turns.join(' → '), answer: result.answer, refused: result.refused });
      }
      rows.push({
        set: set.name,
        n: perConversation.length,
        goldCited: mean(perConversation.map((row) => (row.goldCited ? 1 : 0))),
        answerContains: mean(perConversation.map((row) => (row.contains ? 1 : 0))),
        refusalRate: mean(perConversation.map((row) => (row.refused ? 1 : 0))),
        retrievedAt5: mean(perConversation.map((row) => row.retrievedAt5)),
        meanMs: mean(perConversation.map((row) => row.ms)),
      });
    }
  }
  return { rows, failures };
}

export function formatAnswerTable(report: AnswerReport): string {
  const format = (value: number | undefined) => (value === undefined ? '    -' : value.toFixed(3));
  const lines = [
    'answers (k=6)',
    'set                    n   cited  cit.R  cit.P  contains  refused  R@5(last)  ms/q',
  ];
  for (const row of report.rows) {
    const kinds = row.byKind ? `  ${Object.entries(row.byKind).map(([kind, value]) => `${kind} ${value.toFixed(2)}`).join(', ')}` : '';
    lines.push(
      `${row.set.padEnd(20)} ${String(row.n).padStart(3)}  ${format(row.goldCited)}  ${format(row.citationRecall)}  ${format(row.citationPrecision)}  ${format(row.answerContains)}     ${format(row.refusalRate)}    ${format(row.retrievedAt5)}  ${row.meanMs.toFixed(0).padStart(5)}${kinds}`,
    );
  }
  lines.push('(refused = false-refusal rate on answerable sets; on unanswerable, the share correctly refused with no citations)');
  return lines.join('\n');
}
