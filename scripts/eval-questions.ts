import path from 'node:path';
import { PROJECT_ROOT } from '../src/config.ts';
import { loadEvalSets } from '../src/evaluation/eval-sets.ts';

/** Every single-turn question of ../shared/eval (retrieval, unanswerable, and conversation openers). */
export async function evalQuestions(): Promise<string[]> {
  const sets = await loadEvalSets(path.resolve(PROJECT_ROOT, '../shared/eval'));
  return sets.flatMap((set) => (set.kind === 'conversation' ? set.cases.flatMap((item) => item.turns) : set.cases.map((item) => item.question)));
}
