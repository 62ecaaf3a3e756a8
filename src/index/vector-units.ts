import { Document } from '@langchain/core/documents';
import { chunkPaper, type ChunkOptions } from '../corpus/chunk.ts';
import { splitSentences } from '../corpus/sentences.ts';
import type { ChunkMetadata, Paper } from '../corpus/types.ts';

/**
 * What gets a vector. Chunks (title + a few sentences) match descriptive queries; single
 * sentences match short, specific ones that a long chunk dilutes; the title alone matches
 * queries that name the subject.
 */
export type VectorUnitKind = 'chunk' | 'sentence' | 'title';

export interface VectorUnitMetadata extends ChunkMetadata {
  kind: VectorUnitKind;
}

export function buildVectorUnits(papers: readonly Paper[], kinds: readonly VectorUnitKind[], chunkOptions?: ChunkOptions): Document<VectorUnitMetadata>[] {
  const units: Document<VectorUnitMetadata>[] = [];
  for (const paper of papers) {
    if (kinds.includes('title')) {
      units.push(new Document({
        pageContent: paper.title,
        metadata: { kind: 'title', chunkId: `${paper.id}#t`, paperId: paper.id, title: paper.title, position: 0, start: 0, end: 0 },
      }));
    }
    if (kinds.includes('sentence')) {
      splitSentences(paper.abstract).forEach((sentence, position) => {
        units.push(new Document({
          pageContent: sentence.text,
          metadata: { kind: 'sentence', chunkId: `${paper.id}#s${position}`, paperId: paper.id, title: paper.title, position, start: sentence.start, end: sentence.end },
        }));
      });
    }
    if (kinds.includes('chunk')) {
      for (const chunk of chunkPaper(paper, chunkOptions)) {
        units.push(new Document({ pageContent: chunk.pageContent, metadata: { ...chunk.metadata, kind: 'chunk' } }));
      }
    }
  }
  return units;
}
