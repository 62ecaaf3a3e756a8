/** Fraction of the gold set found in the first k of the ranking. */
export function recallAt(ranking: readonly string[], gold: readonly string[], k: number): number {
  if (gold.length === 0) return 0;
  const top = new Set(ranking.slice(0, k));
  return gold.filter((id) => top.has(id)).length / gold.length;
}

/** 1 / rank of the first gold item within the first k, else 0. */
export function reciprocalRankAt(ranking: readonly string[], gold: readonly string[], k: number): number {
  const goldSet = new Set(gold);
  const index = ranking.slice(0, k).findIndex((id) => goldSet.has(id));
  return index === -1 ? 0 : 1 / (index + 1);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Case-insensitive substring match after collapsing whitespace, as the eval README scores it. */
export function containsAll(answer: string, needles: readonly string[]): boolean {
  const collapse = (text: string) => text.replace(/\s+/g, ' ').toLowerCase();
  const haystack = collapse(answer);
  return needles.every((needle) => haystack.includes(collapse(needle)));
}

/** 1-based rank of the first gold item in the ranking, or null when none is there. */
export function firstGoldRank(ranking: readonly string[], gold: readonly string[]): number | null {
  const goldSet = new Set(gold);
  const index = ranking.findIndex((id) => goldSet.has(id));
  return index === -1 ? null : index + 1;
}
