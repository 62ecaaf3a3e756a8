import type { LoadedIndex } from '../index/load-index.ts';
import { splitSentences } from '../corpus/sentences.ts';
import { analyze } from '../text/terms.ts';

/**
 * What each paper's text holds in analysed terms, computed once per loaded index: the
 * term sets and adjacent-term pairs that coverage and phrase features are read from, and
 * document frequencies for weighting the query's terms by rarity.
 */
export interface PaperTerms {
  terms: Set<string>;
  titleTerms: Set<string>;
  /** Adjacent analysed terms ("masked language", "language model"), stopwords skipped. */
  bigrams: Set<string>;
  /** Terms of each abstract sentence: a query's words meeting in one sentence say more than scattered ones. */
  sentenceTerms: Set<string>[];
}

export interface CorpusTerms {
  byPaper: Map<string, PaperTerms>;
  documentFrequency: Map<string, number>;
  paperCount: number;
}

const cache = new WeakMap<LoadedIndex, CorpusTerms>();

export function bigramsOf(terms: readonly string[]): string[] {
  const pairs: string[] = [];
  for (let position = 1; position < terms.length; position++) pairs.push(`${terms[position - 1]} ${terms[position]}`);
  return pairs;
}

export function corpusTerms(index: LoadedIndex): CorpusTerms {
  let terms = cache.get(index);
  if (terms) return terms;
  const byPaper = new Map<string, PaperTerms>();
  const documentFrequency = new Map<string, number>();
  for (const paper of index.papers) {
    const titleTerms = analyze(paper.title);
    const abstractTerms = analyze(paper.abstract);
    const all = new Set([...titleTerms, ...abstractTerms]);
    byPaper.set(paper.id, {
      terms: all,
      titleTerms: new Set(titleTerms),
      bigrams: new Set([...bigramsOf(titleTerms), ...bigramsOf(abstractTerms)]),
      sentenceTerms: splitSentences(paper.abstract).map((sentence) => new Set(analyze(sentence.text))),
    });
    for (const term of all) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  terms = { byPaper, documentFrequency, paperCount: index.papers.length };
  cache.set(index, terms);
  return terms;
}

/** Inverse document frequency of an analysed term; unseen terms get the highest weight. */
export function inverseDocumentFrequency(corpus: CorpusTerms, term: string): number {
  return Math.log(1 + corpus.paperCount / (1 + (corpus.documentFrequency.get(term) ?? 0)));
}
