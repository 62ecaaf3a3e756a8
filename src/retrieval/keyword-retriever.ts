import type { Paper } from '../corpus/types.ts';
import type { LexicalIndex } from '../index/lexical-index.ts';
import { PostingsLexicalIndex } from '../index/postings-lexical-index.ts';
import type { PaperHit, SearchOptions } from './types.ts';
import { withoutExclusions } from './query-exclusions.ts';

/**
 * Retrieval from BM25 alone, for the minutes of a first start when no embeddings exist yet:
 * the papers are parsed and their lexical index built in well under a second, so questions
 * get (keyword-only) answers while the hybrid index is being built in the background.
 */
export class KeywordRetriever {
  readonly paperById: Map<string, Paper>;

  private constructor(
    readonly papers: Paper[],
    private readonly lexical: LexicalIndex,
  ) {
    this.paperById = new Map(papers.map((paper) => [paper.id, paper]));
  }

  static build(papers: Paper[]): KeywordRetriever {
    return new KeywordRetriever(papers, PostingsLexicalIndex.build(papers));
  }

  search(query: string, options: SearchOptions): PaperHit[] {
    const allowed = options.paperIds ? new Set(options.paperIds) : null;
    const hits = this.lexical.query(withoutExclusions(query), options.k, { filter: allowed ? (paperId) => allowed.has(paperId) : undefined });
    // Scores as a share of the best hit, like the hybrid side's min-max scale: answers compare papers by it.
    const best = hits[0]?.score ?? 1;
    return hits.flatMap((hit, rank) => {
      const paper = this.paperById.get(hit.paperId);
      if (!paper) return [];
      const score = hit.score / best;
      return [{ paperId: paper.id, title: paper.title, score, snippet: paper.abstract.slice(0, 300), scores: { fused: score, lexical: hit.score, lexicalRank: rank + 1 }, chunks: [] }];
    });
  }
}
