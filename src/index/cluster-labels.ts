import { stemmer } from 'stemmer';
import { eng as englishStopwords } from 'stopword';
import { toTerm } from '../text/terms.ts';

export interface ClusterLabelOptions {
  /** Terms per cluster label. */
  termsPerLabel: number;
  /** Longest phrase, in words. */
  maxPhraseWords: number;
  /**
   * Score multiplier per extra word of a phrase: "graph neural networks" tells more than
   * "graph", so a phrase wins over its own words unless they are clearly more distinctive.
   */
  phraseBonus: number;
  /** A term must occur in at least this share of the cluster's papers (and in two of them): rare phrases are noise. */
  minPaperShare: number;
}

export const DEFAULT_CLUSTER_LABELS: ClusterLabelOptions = { termsPerLabel: 4, maxPhraseWords: 3, phraseBonus: 0.3, minPaperShare: 0.1 };

/**
 * Words that break a phrase: English stopwords, function words the list lacks, and the
 * boilerplate of abstracts ("significant improvements", "even surpasses"), which names no topic.
 */
const PHRASE_BREAKS = new Set([
  ...englishStopwords,
  ...'across due even its every via whose within without upon among toward towards based using'.split(' '),
  ...('various significant significantly remarkable empirical empirically result results improvement improvements performance performances ' +
    'surpass surpasses outperform outperforms achieve achieves achieving attain attains demonstrate demonstrates superior existing extensive ' +
    'experiment experiments novel recent recently different several success successful effective effectively promising potential immense ' +
    'tremendous featuring made publicly available first framework frameworks task tasks learn learns state-of-the-art sota etc often yet ' +
    'consistently minimal purpose adjust small number final').split(' '),
]);

/** Words as written (case kept), with the text between them, to break phrases at punctuation. */
const WORD = /[\p{L}\p{N}]+(?:[-.'][\p{L}\p{N}]+)*/gu;

interface Candidate {
  /** Stems joined by spaces: "graph neural network" and "graph neural networks" meet. */
  key: string;
  surface: string;
  words: number;
}

/**
 * Candidate terms of a text: runs of consecutive words not broken by punctuation or a phrase
 * break (see PHRASE_BREAKS), and their 1–3 word n-grams. A word the analyser drops as too
 * generic ("models", "method") may end a phrase ("language models") but never stands alone
 * or starts one.
 */
export function candidateTerms(text: string, maxWords: number): Candidate[] {
  const candidates: Candidate[] = [];
  let run: Array<{ stem: string; surface: string; generic: boolean }> = [];
  const flush = () => {
    for (let start = 0; start < run.length; start++) {
      if (run[start]!.generic) continue;
      let key = '';
      let surface = '';
      for (let length = 1; length <= maxWords && start + length <= run.length; length++) {
        const word = run[start + length - 1]!;
        key = length === 1 ? word.stem : `${key} ${word.stem}`;
        surface = length === 1 ? word.surface : `${surface} ${word.surface}`;
        candidates.push({ key, surface, words: length });
        // A generic word ends the phrase it is in.
        if (word.generic) break;
      }
    }
    run = [];
  };
  const normalised = text.normalize('NFKC');
  let lastEnd = 0;
  for (const match of normalised.matchAll(WORD)) {
    const surface = match[0];
    if (/\S/.test(normalised.slice(lastEnd, match.index))) flush();
    lastEnd = match.index + surface.length;
    const token = surface.toLowerCase();
    if (PHRASE_BREAKS.has(token) || token.length < 2 || !/\p{L}/u.test(token)) {
      flush();
      continue;
    }
    const term = toTerm(token);
    run.push({ stem: term ?? stemmer(token), surface, generic: term === null });
  }
  flush();
  return candidates;
}

/**
 * How a term is shown: its most frequent written form (ties to the alphabetically first, for
 * determinism), lower-cased word by word except acronyms and names with inner capitals
 * ("LLMs", "ViT"), so sentence starts and Title Case titles do not leak into labels.
 */
function displayForm(surfaces: Map<string, number>): string {
  let best = '';
  let bestCount = -1;
  for (const [surface, count] of surfaces) {
    if (count > bestCount || (count === bestCount && surface < best)) [best, bestCount] = [surface, count];
  }
  return best
    .split(' ')
    .map((word) => (/\p{Lu}/u.test(word.slice(1)) ? word : word.toLowerCase()))
    .join(' ');
}

function containsPhrase(longer: string, shorter: string): boolean {
  return ` ${longer} `.includes(` ${shorter} `);
}

/**
 * Distinctive terms of each cluster by class-based TF-IDF (as in BERTopic's c-TF-IDF), counted
 * per paper: a term's share of the cluster's papers times log(1 + mean cluster size / papers
 * with the term in the whole corpus). Phrases get a bonus per extra word, a term must occur in
 * at least two of the cluster's papers (when it has two), and a term that contains or is
 * contained in one already chosen is skipped. Labels are the terms as commonly written.
 */
export function labelClusters(texts: readonly string[], assignments: readonly number[], clusterCount: number, overrides: Partial<ClusterLabelOptions> = {}): string[][] {
  const options = { ...DEFAULT_CLUSTER_LABELS, ...overrides };
  const clusterSizes = new Array<number>(clusterCount).fill(0);
  const inCluster = Array.from({ length: clusterCount }, () => new Map<string, number>());
  const corpusFrequency = new Map<string, number>();
  const surfaces = new Map<string, Map<string, number>>();
  const wordCounts = new Map<string, number>();
  texts.forEach((text, index) => {
    const cluster = assignments[index]!;
    clusterSizes[cluster]!++;
    const seen = new Set<string>();
    for (const candidate of candidateTerms(text, options.maxPhraseWords)) {
      const forms = surfaces.get(candidate.key) ?? new Map<string, number>();
      forms.set(candidate.surface, (forms.get(candidate.surface) ?? 0) + 1);
      surfaces.set(candidate.key, forms);
      wordCounts.set(candidate.key, candidate.words);
      if (seen.has(candidate.key)) continue;
      seen.add(candidate.key);
      corpusFrequency.set(candidate.key, (corpusFrequency.get(candidate.key) ?? 0) + 1);
      inCluster[cluster]!.set(candidate.key, (inCluster[cluster]!.get(candidate.key) ?? 0) + 1);
    }
  });
  const meanClusterSize = texts.length / Math.max(1, clusterCount);
  return inCluster.map((frequencies, cluster) => {
    const size = clusterSizes[cluster]!;
    const minimumPapers = Math.min(size, Math.max(2, Math.ceil(options.minPaperShare * size)));
    const scored = [...frequencies]
      .filter(([, papers]) => papers >= minimumPapers)
      .map(([key, papers]) => {
        const words = wordCounts.get(key)!;
        const score = (papers / size) * Math.log(1 + meanClusterSize / corpusFrequency.get(key)!) * (1 + options.phraseBonus * (words - 1));
        return { key, score };
      })
      .sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : 1));
    const chosen: string[] = [];
    for (const { key } of scored) {
      if (chosen.length >= options.termsPerLabel) break;
      if (chosen.some((other) => containsPhrase(other, key) || containsPhrase(key, other))) continue;
      chosen.push(key);
    }
    return chosen.map((key) => displayForm(surfaces.get(key)!));
  });
}
