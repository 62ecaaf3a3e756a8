import type { AskResult, AskService, ChatTurn } from '../answer/types.ts';
import { scoreAnswer } from './answer-eval.ts';
import type { EvalSet } from './eval-sets.ts';
import { firstGoldRank, recallAt, reciprocalRankAt } from './metrics.ts';
import type { AnswerResult, QuestionRecord, RetrievalResult } from './records.ts';

export const ANSWER_K = 6;
export const RETRIEVAL_K = 10;

export interface EvalSplit {
  name: string;
  dir: string;
  sets: EvalSet[];
}

/** The one method of PaperLibrary the retrieval evaluation needs (a fake in tests). */
export interface Searcher {
  search(query: string, options: { k: number }): Promise<ReadonlyArray<{ paperId: string }>>;
}

export interface EvaluateOptions {
  searcher: Searcher;
  /** null for --retrieval-only. */
  askService: AskService | null;
  titleToId: ReadonlyMap<string, string>;
  onSetDone?: (progress: { split: string; set: string; questions: number; seconds: number }) => void;
}

export interface Evaluation {
  records: QuestionRecord[];
  retrievalSeconds: number;
  answerSeconds: number;
}

interface Case {
  id: string;
  question: string;
  /** What retrieval is scored on: a conversation's user turns joined, as one query. */
  retrievalQuery: string | null;
  turns: string[] | null;
  goldTitles: string[];
  answerContains?: string[];
  unanswerableKind: string | null;
}

function casesOf(set: EvalSet): Case[] {
  switch (set.kind) {
    case 'retrieval':
      return set.cases.map((item) => ({
        id: item.id,
        question: item.question,
        retrievalQuery: item.question,
        turns: null,
        goldTitles: item.gold_titles,
        answerContains: item.answer_contains,
        unanswerableKind: null,
      }));
    case 'conversation':
      return set.cases.map((item) => ({
        id: item.id,
        question: item.turns.join(' → '),
        retrievalQuery: item.turns.join(' '),
        turns: item.turns,
        goldTitles: item.gold_titles,
        answerContains: item.answer_contains,
        unanswerableKind: null,
      }));
    case 'unanswerable':
      return set.cases.map((item) => ({
        id: item.id,
        question: item.question,
        retrievalQuery: null,
        turns: null,
        goldTitles: [],
        unanswerableKind: item.kind,
      }));
  }
}

async function scoreRetrieval(searcher: Searcher, query: string, gold: string[]): Promise<RetrievalResult> {
  const ranking = (await searcher.search(query, { k: Math.max(RETRIEVAL_K, gold.length) })).map((hit) => hit.paperId);
  return {
    ranking,
    goldRank: firstGoldRank(ranking, gold),
    recallAt1: recallAt(ranking, gold, 1),
    recallAt5: recallAt(ranking, gold, 5),
    recallAt10: recallAt(ranking, gold, 10),
    reciprocalRank: reciprocalRankAt(ranking, gold, 10),
    recallAtGold: recallAt(ranking, gold, gold.length),
  };
}

/**
 * Conversations are replayed turn by turn with the service's own earlier replies as
 * history, as a user would see them; only the reply to the last turn is scored.
 */
async function askCase(askService: AskService, item: Case): Promise<{ result: AskResult; ms: number }> {
  const history: ChatTurn[] = [];
  let last: { result: AskResult; ms: number } | undefined;
  for (const turn of item.turns ?? [item.question]) {
    const started = performance.now();
    const result = await askService.ask({ question: turn, history: [...history], k: ANSWER_K });
    last = { result, ms: performance.now() - started };
    history.push({ role: 'user', content: turn }, { role: 'assistant', content: result.answer });
  }
  if (!last) throw new Error(`${item.id}: a conversation with no turns`);
  return last;
}

/**
 * Runs every question of every split through retrieval (library.search) and, unless
 * askService is null, through the answer pipeline, keeping one record per question so a
 * saved run can be summarised, bootstrapped and diffed later without an index.
 */
export async function evaluateSplits(splits: readonly EvalSplit[], options: EvaluateOptions): Promise<Evaluation> {
  const records: QuestionRecord[] = [];
  let retrievalMs = 0;
  let answerMs = 0;
  for (const split of splits) {
    for (const set of split.sets) {
      const setStarted = performance.now();
      const cases = casesOf(set);
      for (const item of cases) {
        const gold = item.goldTitles.map((title) => {
          const id = options.titleToId.get(title);
          if (!id) throw new Error(`${split.name}/${set.name} ${item.id}: gold title not in the corpus: ${title}`);
          return id;
        });
        let retrieval: RetrievalResult | null = null;
        if (item.retrievalQuery !== null) {
          const started = performance.now();
          retrieval = await scoreRetrieval(options.searcher, item.retrievalQuery, gold);
          retrievalMs += performance.now() - started;
        }
        let answer: AnswerResult | null = null;
        if (options.askService) {
          const started = performance.now();
          const { result, ms } = await askCase(options.askService, item);
          answer = scoreAnswer(result, ms, {
            gold,
            answerContains: item.answerContains,
            unanswerable: set.kind === 'unanswerable',
            scoreRetrievedAt5: set.kind === 'conversation',
          });
          answerMs += performance.now() - started;
        }
        records.push({
          split: split.name,
          set: set.name,
          setKind: set.kind,
          id: item.id,
          question: item.question,
          turns: item.turns,
          unanswerableKind: item.unanswerableKind,
          gold,
          retrieval,
          answer,
        });
      }
      options.onSetDone?.({ split: split.name, set: set.name, questions: cases.length, seconds: (performance.now() - setStarted) / 1000 });
    }
  }
  return { records, retrievalSeconds: retrievalMs / 1000, answerSeconds: answerMs / 1000 };
}
