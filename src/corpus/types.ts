/** Where one entry of a paper was found in the seed dumps. */
export interface PaperSource {
  file: string;
  line: number;
}

export interface Paper {
  /** Stable id derived from the normalised title (see paper-id.ts). */
  id: string;
  title: string;
  abstract: string;
  /** Every seed entry merged into this paper (duplicates across files keep all sources). */
  sources: PaperSource[];
  /** GitHub / project URLs found in the abstract. */
  links: string[];
}

/** A line of a seed file the parser could not place (reported, never dropped silently). */
export interface ParseProblem {
  file: string;
  line: number;
  text: string;
  reason: string;
}

export interface ParsedCorpus {
  papers: Paper[];
  /** How many title+abstract entries were read before merging duplicates. */
  entryCount: number;
  problems: ParseProblem[];
}

/** A sentence of an abstract with its character offsets in that abstract. */
export interface Sentence {
  text: string;
  start: number;
  end: number;
}

/** Metadata carried by every chunk `Document` (LangChain `Document<ChunkMetadata>`). */
export interface ChunkMetadata {
  chunkId: string;
  paperId: string;
  title: string;
  /** Position of the chunk within its paper, from 0. */
  position: number;
  /** Character offsets of the chunk's text within the abstract. */
  start: number;
  end: number;
}
