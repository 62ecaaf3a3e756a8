import { splitSentences } from '../../../src/corpus/sentences.ts';
import type { Paper } from '../../../src/corpus/types.ts';
import type { PaperHit } from '../../../src/retrieval/types.ts';
import type { PaperEvidence } from '../../../src/answer/table/extractors.ts';
import type { TableEvidenceSource } from '../../../src/answer/table/types.ts';

export function paper(id: string, title: string, abstract: string): Paper {
  return { id, title, abstract, sources: [{ file: 'test.txt', line: 1 }], links: [] };
}

export const EVENTFORMER = paper(
  'eventformer',
  'EventFormer: Transformers for Event Cameras',
  'Event cameras record brightness changes asynchronously, which standard vision models struggle to process. ' +
    'We propose EventFormer, a transformer that reads event streams directly. ' +
    'We evaluate on the DVS Gesture and N-Caltech101 benchmarks. ' +
    'EventFormer reaches 91.2% accuracy on DVS Gesture, outperforming prior spiking networks by 3.1 points. ' +
    'Code is at https://github.com/example/eventformer.',
);

export const PLAIN = paper(
  'plain-survey',
  'A Survey of Attention',
  'Attention mechanisms are now everywhere in deep learning. This survey organises the literature into families and discusses open questions for future work.',
);

/** Evidence with given similarities per sentence index (others 0). */
export function evidenceOf(target: Paper, similarities: Record<number, number> = {}): PaperEvidence {
  const sentences = splitSentences(target.abstract);
  return { paper: target, sentences, similarities: sentences.map((_, index) => similarities[index] ?? 0) };
}

/** An in-memory evidence source without vectors (as while the first index builds): sentences are scored on their words. */
export function memoryEvidence(papers: Paper[], searchOrder: string[] = papers.map((item) => item.id)): TableEvidenceSource {
  const byId = new Map(papers.map((item) => [item.id, item]));
  return {
    getPaper: (paperId) => byId.get(paperId),
    search: async (_query, { k }) =>
      searchOrder.slice(0, k).map((paperId): PaperHit => ({ paperId, title: byId.get(paperId)!.title, score: 1, snippet: '', scores: { fused: 1 }, chunks: [] })),
    sentencesOf: (target) => splitSentences(target.abstract),
    embedQuery: async () => null,
    sentenceSimilarities: async (target) => splitSentences(target.abstract).map(() => 0),
  };
}
