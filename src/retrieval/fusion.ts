/**
 * Score helpers for ranking. Fusing the two retrievers is the linear ranker's job
 * (linear-ranker.ts); the 50/50 min-max fusion it replaced is its special case
 * {lexical: 0.5, vector: 0.5}, and reciprocal rank fusion lost to it (closing notes).
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

export function rankByScore(scores: ReadonlyMap<string, number>): Array<[string, number]> {
  return [...scores.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
