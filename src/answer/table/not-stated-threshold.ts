/**
 * A user column's best sentence must score at least this (the extractive answerer's sentence
 * score: similarity to the question + 0.6 × idf-weighted term overlap + cues, see
 * providers/extractive.ts) for the cell to quote it; below, the cell is "not stated".
 *
 * Chosen on the eval's tune split by `node --import tsx scripts/fit-table-threshold.ts`: the
 * lowest threshold (so the most fact cells stay stated) at which at most 10 % of the negatives
 * (each fact question asked of another fact question's paper) are stated. Near-miss questions
 * are caught by their missing names whatever the threshold. Fitted for the bundled encoder's
 * similarity scale; `npm run eval -- --table` reports tune and the held-out check split.
 */
export const NOT_STATED_THRESHOLD = 0.75;
