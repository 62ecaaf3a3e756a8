import { LRUCache } from 'lru-cache';
import { splitSentences } from '../corpus/sentences.ts';
import type { ServedIndex } from '../index/served-index.ts';
import { analyze } from '../text/terms.ts';
import { SlicedDerivation } from '../util/sliced-derivation.ts';

/**
 * What each paper's text holds in analysed terms: the term sets and adjacent-term pairs
 * that coverage and phrase features are read from. Document frequencies (for weighting a
 * query's terms by rarity) are counted once per loaded index; a paper's own term data is
 * made when a query first needs it and kept in a bounded cache, so a corpus of 100k papers
 * does not hold every paper's sets in memory.
 */
export interface PaperTerms {
  terms: Set<string>;
  titleTerms: Set<string>;
  /** Adjacent analysed terms ("masked language", "language model"), stopwords skipped. */
  bigrams: Set<string>;
  /**
   * Which abstract sentences hold each term (a query's words meeting in one sentence say
   * more than scattered ones): term → sentence positions, so a query looks up its few
   * terms instead of testing every sentence.
   */
  sentencesWithTerm: Map<string, number[]>;
  sentenceCount: number;
}

export interface CorpusTerms {
  documentFrequency: Map<string, number>;
  paperCount: number;
  /** Undefined for a paper the index does not hold. */
  termsOf(paperId: string): PaperTerms | undefined;
}

/** Papers whose term data stays in memory: a few queries' worth of candidates. */
const PAPERS_CACHED = 5000;

export function bigramsOf(terms: readonly string[]): string[] {
  const pairs: string[] = [];
  for (let position = 1; position < terms.length; position++) pairs.push(`${terms[position - 1]} ${terms[position]}`);
  return pairs;
}

export function paperTerms(title: string, abstract: string): PaperTerms {
  const titleTerms = analyze(title);
  const abstractTerms = analyze(abstract);
  const sentences = splitSentences(abstract);
  const sentencesWithTerm = new Map<string, number[]>();
  sentences.forEach((sentence, position) => {
    for (const term of new Set(analyze(sentence.text))) {
      const positions = sentencesWithTerm.get(term);
      if (positions) positions.push(position);
      else sentencesWithTerm.set(term, [position]);
    }
  });
  return {
    terms: new Set([...titleTerms, ...abstractTerms]),
    titleTerms: new Set(titleTerms),
    bigrams: new Set([...bigramsOf(titleTerms), ...bigramsOf(abstractTerms)]),
    sentencesWithTerm,
    sentenceCount: sentences.length,
  };
}

/** Papers counted between yields when prepared ahead: ~30 ms of work on these machines. */
const PAPERS_PER_SLICE = 500;

const corpusStatistics = new SlicedDerivation<ServedIndex, ServedIndex['papers'][number], Map<string, number>, CorpusTerms>(
  {
    items: (index) => index.papers,
    start: () => new Map(),
    add(documentFrequency, paper) {
      for (const term of new Set([...analyze(paper.title), ...analyze(paper.abstract)])) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    },
    finish(index, documentFrequency) {
      const byPaper = new LRUCache<string, PaperTerms>({ max: PAPERS_CACHED });
      return {
        documentFrequency,
        paperCount: index.papers.length,
        termsOf(paperId) {
          const cached = byPaper.get(paperId);
          if (cached) return cached;
          const paper = index.paperById.get(paperId);
          if (!paper) return undefined;
          const made = paperTerms(paper.title, paper.abstract);
          byPaper.set(paperId, made);
          return made;
        },
      };
    },
  },
  PAPERS_PER_SLICE,
);

export function corpusTerms(index: ServedIndex): CorpusTerms {
  return corpusStatistics.get(index);
}

/**
 * `corpusTerms` made in slices, yielding to the event loop between them: counting 100k
 * papers' terms takes ~5.6 s, which a new index going live must not take from the
 * requests being served.
 */
export function prepareCorpusTerms(index: ServedIndex): Promise<void> {
  return corpusStatistics.prepare(index);
}

/** Inverse document frequency of an analysed term; unseen terms get the highest weight. */
export function inverseDocumentFrequency(corpus: CorpusTerms, term: string): number {
  return Math.log(1 + corpus.paperCount / (1 + (corpus.documentFrequency.get(term) ?? 0)));
}
