import { splitSentences } from '../../corpus/sentences.ts';
import type { Paper, Sentence } from '../../corpus/types.ts';
import type { PaperLibrary } from '../../retrieval/paper-library.ts';
import { unitVector } from '../../util/vectors.ts';
import type { TableEvidenceSource } from './types.ts';

/** Split once per paper object: each loaded index has its own paper objects, so a rebuild starts afresh. */
const sentencesByPaper = new WeakMap<Paper, Sentence[]>();

function sentencesOf(paper: Paper): Sentence[] {
  let sentences = sentencesByPaper.get(paper);
  if (!sentences) {
    sentences = splitSentences(paper.abstract);
    sentencesByPaper.set(paper, sentences);
  }
  return sentences;
}

/**
 * The live index as the table builder reads it: papers, retrieval, and each sentence's stored
 * vector (`<paperId>#s<n>`, the units the index embedded) compared with the column's question.
 */
export function libraryEvidence(library: PaperLibrary): TableEvidenceSource {
  return {
    getPaper: (paperId) => library.getPaper(paperId),
    search: (query, options) => library.search(query, options),
    sentencesOf,
    async embedQuery(text) {
      const live = library.current;
      return live ? live.retriever.embedQuery(text) : null;
    },
    async sentenceSimilarities(paper, queryVector) {
      const live = library.current;
      const scored = live ? (await live.index.candidates.scoreUnitsOfPapers([paper.id], unitVector(queryVector))).get(paper.id) : undefined;
      const similarity = new Map(scored?.units.map((unit, position) => [unit.chunkId, scored.similarities[position]!]));
      return sentencesOf(paper).map((_, sentenceIndex) => similarity.get(`${paper.id}#s${sentenceIndex}`) ?? 0);
    },
  };
}
