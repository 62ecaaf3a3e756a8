/**
 * Score fusion. Measured on ../shared/eval with the bundled encoder (npm run eval and the
 * closing note of the retrieval issue): min-max normalised weighted sums beat reciprocal
 * rank fusion here, because BM25 is strong on this corpus and RRF flattens its large
 * score gaps (short recall@5 0.90 vs 0.70 at equal weights).
 */

/** Rescales scores to [0, 1] over the given candidates; all-equal scores map to 0. */
export function minMaxNormalise(scores: ReadonlyMap<string, number>): Map<string, number> {
  let minimum = Infinity;
  let maximum = -Infinity;
  for (const value of scores.values()) {
    if (value < minimum) minimum = value;
    if (value > maximum) maximum = value;
  }
  const range = maximum - minimum;
  const normalised = new Map<string, number>();
  for (const [key, value] of scores) normalised.set(key, range > 0 ? (value - minimum) / range : 0);
  return normalised;
}

export interface WeightedScores {
  scores: ReadonlyMap<string, number>;
  weight: number;
}

/** Weighted sum of min-max normalised scores; a key missing from one side scores 0 there. */
export function fuseNormalisedScores(sides: readonly WeightedScores[]): Map<string, number> {
  const fused = new Map<string, number>();
  for (const { scores, weight } of sides) {
    for (const [key, value] of minMaxNormalise(scores)) fused.set(key, (fused.get(key) ?? 0) + weight * value);
  }
  for (const { scores } of sides) for (const key of scores.keys()) if (!fused.has(key)) fused.set(key, 0);
  return fused;
}

/** Reciprocal rank fusion, kept for comparison in the eval script. */
export function reciprocalRankFusion(rankings: readonly (readonly string[])[], weights: readonly number[], k = 60): Map<string, number> {
  const fused = new Map<string, number>();
  rankings.forEach((ranking, side) => {
    ranking.forEach((key, rank) => fused.set(key, (fused.get(key) ?? 0) + (weights[side] ?? 1) / (k + rank + 1)));
  });
  return fused;
}

export function rankByScore(scores: ReadonlyMap<string, number>): Array<[string, number]> {
  return [...scores.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
