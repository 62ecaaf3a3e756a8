import MiniSearch, { type Options, type SearchOptions } from 'minisearch';
import type { Paper } from '../corpus/types.ts';
import { analyze } from '../text/terms.ts';
import { BM25_PARAMETERS, TITLE_BOOST, type LexicalHit, type LexicalIndex, type LexicalQueryOptions } from './lexical-index.ts';

interface LexicalDocument {
  id: string;
  title: string;
  abstract: string;
}

const INDEX_OPTIONS: Options<LexicalDocument> = {
  fields: ['title', 'abstract'],
  storeFields: [],
  // The analysis (stopwords, Porter stems) happens in tokenize so queries and documents agree.
  tokenize: (text) => analyze(text),
  processTerm: (term) => term,
};

const SEARCH_OPTIONS: SearchOptions = {
  boost: { title: TITLE_BOOST },
  combineWith: 'OR',
  prefix: false,
  fuzzy: false,
  bm25: { k: BM25_PARAMETERS.k1, b: BM25_PARAMETERS.b, d: BM25_PARAMETERS.delta },
};

/**
 * The lexical engine paperchat shipped first (MiniSearch: nested Maps, every match scored
 * and sorted, JSON on disk). Kept as the reference the postings engine is tested against
 * and as the baseline `npm run bench` measures it against; the index uses
 * PostingsLexicalIndex (see docs/performance.md for the measurements that chose it).
 */
export class MiniSearchLexicalIndex implements LexicalIndex {
  private constructor(private readonly search: MiniSearch<LexicalDocument>) {}

  static build(papers: Array<Pick<Paper, 'id' | 'title' | 'abstract'>>): MiniSearchLexicalIndex {
    const search = new MiniSearch<LexicalDocument>(INDEX_OPTIONS);
    search.addAll(papers.map((paper) => ({ id: paper.id, title: paper.title, abstract: paper.abstract })));
    return new MiniSearchLexicalIndex(search);
  }

  static deserialize(bytes: Uint8Array): MiniSearchLexicalIndex {
    return new MiniSearchLexicalIndex(MiniSearch.loadJSON<LexicalDocument>(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), INDEX_OPTIONS));
  }

  serialize(): Uint8Array {
    return Buffer.from(JSON.stringify(this.search), 'utf8');
  }

  get documentCount(): number {
    return this.search.documentCount;
  }

  query(text: string, limit: number, options: LexicalQueryOptions = {}): LexicalHit[] {
    const { filter, termWeights } = options;
    const results = this.search.search(text, {
      ...SEARCH_OPTIONS,
      filter: filter ? (result) => filter(String(result.id)) : undefined,
      boostTerm: termWeights ? (term) => termWeights.get(term) ?? 1 : undefined,
    });
    return results.slice(0, limit).map((result) => ({ paperId: String(result.id), score: result.score }));
  }
}
