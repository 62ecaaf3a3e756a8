import type { PaperHit } from '../retrieval/types.ts';
import listingModel from './listing-model.json' with { type: 'json' };

/**
 * How many papers a topical answer lists: each retrieved paper after the first is listed
 * when a logistic model, reading where it stands against the best paper of the query,
 * says it is likely relevant (fitted by scripts/fit-listing.ts with cross-validation).
 * A constant list length over-lists narrow topics and under-lists broad ones.
 */
export const LISTING_FEATURES = ['gapToTop', 'rank', 'relativeScore', 'termCoverage', 'secondGap'] as const;

export const MAX_LISTED_PAPERS = 6;

export function listingFeatures(hits: readonly PaperHit[]): number[][] {
  const top = hits[0]?.scores.ranker ?? 0;
  // How far the runner-up trails the best paper: a query that one paper answers stands out.
  const secondGap = Math.max(0, top - (hits[1]?.scores.ranker ?? top));
  return hits.map((hit, position) => [
    Math.max(0, top - (hit.scores.ranker ?? top)),
    1 / Math.log2(position + 2),
    hit.score,
    hit.scores.termCoverage ?? 0,
    secondGap,
  ]);
}

export function listingProbability(features: readonly number[]): number {
  let logit = listingModel.bias;
  LISTING_FEATURES.forEach((name, position) => (logit += listingModel.weights[name] * (features[position] ?? 0)));
  return 1 / (1 + Math.exp(-logit));
}

/** Positions (into `hits`) of the papers to list: always the best one, then those the model keeps. */
export function selectListed(hits: readonly PaperHit[], threshold: number = listingModel.threshold): number[] {
  const features = listingFeatures(hits);
  const listed: number[] = [];
  hits.forEach((_, position) => {
    if (listed.length >= MAX_LISTED_PAPERS) return;
    if (position === 0 || listingProbability(features[position]!) >= threshold) listed.push(position);
  });
  return listed;
}
