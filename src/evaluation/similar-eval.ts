import type { ServedIndex } from '../index/served-index.ts';
import { DEFAULT_SIMILAR_SETTINGS, findSimilarPapers } from '../retrieval/similar-papers.ts';
import { bootstrapMean, type BootstrapOptions } from './bootstrap.ts';
import type { EvalSplit } from './run-eval.ts';
import type { Estimate } from './records.ts';

/**
 * "Similar papers" quality: the gold papers of one topical question are papers about one
 * topic, so each should find the others among its neighbours. For every gold paper of every
 * question in the sets below, recall@K of the question's *other* gold papers among its K
 * nearest papers; averaged per question (the unit that was sampled), then over questions.
 */
export const SIMILAR_EVAL_SETS = ['topics', 'multi'];
export const SIMILAR_K = 10;

/** paperId → its K nearest papers, best first. */
export type NeighbourFinder = (paperId: string, k: number) => Promise<string[]>;

export interface SimilarEvalRow {
  split: string;
  /** A set name, or the sets pooled (`topics+multi`). */
  set: string;
  variant: string;
  questions: number;
  goldPapers: number;
  recall: Estimate;
}

/** The shipped fusion and each side alone, so the report shows what fusing adds. */
export function similarVariants(index: ServedIndex): Record<string, NeighbourFinder> {
  const finder = (vectorWeight: number): NeighbourFinder => async (paperId, k) =>
    (await findSimilarPapers(index, paperId, { k }, { ...DEFAULT_SIMILAR_SETTINGS, vectorWeight })).map((hit) => hit.paperId);
  return {
    [`hybrid (vector weight ${DEFAULT_SIMILAR_SETTINGS.vectorWeight})`]: finder(DEFAULT_SIMILAR_SETTINGS.vectorWeight),
    'vector only': finder(1),
    'lexical only': finder(0),
  };
}

/** Recall@k of `others` among `neighbours`; null when there are no others. */
export function coGoldRecall(neighbours: readonly string[], others: readonly string[], k: number): number | null {
  if (others.length === 0) return null;
  const top = new Set(neighbours.slice(0, k));
  return others.filter((paperId) => top.has(paperId)).length / others.length;
}

export async function evaluateSimilarPapers(
  splits: readonly EvalSplit[],
  titleToId: ReadonlyMap<string, string>,
  variants: Record<string, NeighbourFinder>,
  bootstrap: BootstrapOptions = {},
  k = SIMILAR_K,
): Promise<SimilarEvalRow[]> {
  const rows: SimilarEvalRow[] = [];
  for (const split of splits) {
    const sets = split.sets.filter((set) => SIMILAR_EVAL_SETS.includes(set.name) && set.kind === 'retrieval');
    if (sets.length === 0) continue;
    for (const [variant, neighboursOf] of Object.entries(variants)) {
      const pooled: number[] = [];
      let pooledGold = 0;
      for (const set of sets) {
        if (set.kind !== 'retrieval') continue;
        const perQuestion: number[] = [];
        let goldPapers = 0;
        for (const item of set.cases) {
          const gold = item.gold_titles.map((title) => {
            const id = titleToId.get(title);
            if (!id) throw new Error(`${split.name}/${set.name} ${item.id}: gold title not in the corpus: ${title}`);
            return id;
          });
          const recalls: number[] = [];
          for (const paperId of gold) {
            const recall = coGoldRecall(await neighboursOf(paperId, k), gold.filter((other) => other !== paperId), k);
            if (recall !== null) recalls.push(recall);
          }
          if (recalls.length === 0) continue;
          goldPapers += recalls.length;
          perQuestion.push(recalls.reduce((sum, value) => sum + value, 0) / recalls.length);
        }
        if (perQuestion.length === 0) continue;
        rows.push({ split: split.name, set: set.name, variant, questions: perQuestion.length, goldPapers, recall: bootstrapMean(perQuestion, bootstrap) });
        pooled.push(...perQuestion);
        pooledGold += goldPapers;
      }
      if (pooled.length > 0 && sets.length > 1) {
        rows.push({ split: split.name, set: sets.map((set) => set.name).join('+'), variant, questions: pooled.length, goldPapers: pooledGold, recall: bootstrapMean(pooled, bootstrap) });
      }
    }
  }
  return rows;
}

/** The report rows of one split: `similar papers R@10 of co-gold · set · variant · estimate`. */
export function formatSimilarTable(split: string, rows: readonly SimilarEvalRow[]): string {
  const ours = rows.filter((row) => row.split === split);
  if (ours.length === 0) return '';
  const setWidth = Math.max(...ours.map((row) => row.set.length), 3);
  const variantWidth = Math.max(...ours.map((row) => row.variant.length), 7);
  const lines = ours.map((row) => {
    const { mean, low, high } = row.recall;
    return `${row.set.padEnd(setWidth)}  ${row.variant.padEnd(variantWidth)}  ${mean.toFixed(3)} [${low.toFixed(2)}, ${high.toFixed(2)}]  (${row.questions} questions, ${row.goldPapers} gold papers)`;
  });
  return [`Similar papers: recall@${SIMILAR_K} of a gold paper's co-gold papers among its neighbours`, `${'set'.padEnd(setWidth)}  ${'variant'.padEnd(variantWidth)}  recall@${SIMILAR_K}`, ...lines].join('\n');
}
