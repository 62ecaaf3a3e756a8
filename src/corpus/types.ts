/** The input formats a seed file can be in (see src/corpus/formats/). */
export const SOURCE_FORMATS = ['hf-page', 'jsonl', 'json', 'csv', 'bibtex', 'arxiv-atom'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

/** Where one entry of a paper was found in the seed files. */
export interface PaperSource {
  /** Path relative to SEEDS_DIR, e.g. `000_page.txt` or `uploads/zotero.bib`. */
  file: string;
  /** 1-based line where the entry starts. */
  line: number;
  format?: SourceFormat;
  /** The entry's own key when the format has one (BibTeX citation key, arXiv id). */
  key?: string;
}

/**
 * Bibliographic metadata an entry may carry. Every field is optional: the Hugging Face page
 * dumps carry none of it, and a paper merged from several files takes the richest values.
 */
export interface PaperMetadata {
  authors?: string[];
  year?: number;
  /** ISO date (YYYY-MM-DD or YYYY-MM) when the source gives more than the year. */
  published?: string;
  venue?: string;
  /** Lower-case, without the resolver prefix, e.g. `10.1000/xyz`. */
  doi?: string;
  /** Version-less arXiv id, e.g. `2001.01234` or `hep-th/9901001`. */
  arxivId?: string;
  /** The landing page the source gave (not derived from doi / arxivId). */
  url?: string;
  tags?: string[];
}

export interface Paper extends PaperMetadata {
  /** Stable id derived from the normalised title (see paper-id.ts). */
  id: string;
  title: string;
  /** Empty only for a title-only paper (INGEST_TITLE_ONLY=1). */
  abstract: string;
  /** Every seed entry merged into this paper (duplicates across files keep all sources). */
  sources: PaperSource[];
  /** GitHub / project URLs found in the abstract. */
  links: string[];
}

/**
 * Something a seed file held that did not become (all of) a paper, reported and never dropped
 * silently: `rejected` entries are left out, `file` means the whole file could not be read,
 * `conflict` is a duplicate whose text differed (one version kept, by the stated rule), `note`
 * is informational (ignored columns, merged duplicates are counted elsewhere).
 */
export interface ParseProblem {
  file: string;
  line: number;
  text: string;
  reason: string;
  kind?: 'rejected' | 'file' | 'conflict' | 'note';
}

export interface ParsedCorpus {
  papers: Paper[];
  /** How many entries were read before merging duplicates. */
  entryCount: number;
  problems: ParseProblem[];
  /** Per-file reading results, in reading order (see formats/read-seed-file.ts). */
  files: FileReading[];
  /** Entries folded into an earlier paper, for the ingest report. */
  duplicates: MergedDuplicate[];
}

/** What reading one seed file gave, before duplicates are merged across files. */
export interface FileReading {
  file: string;
  /** Null when the file could not be read at all (size, encoding, content of another kind). */
  format: SourceFormat | null;
  bytes: number;
  /** Entries taken from the file (each becomes a paper or merges into one). */
  entries: number;
  /** Rejected entries, file-level errors and notes, each with its line. */
  problems: ParseProblem[];
}

/** Identity rules, strongest first: the first that both entries have decides. */
export type MatchRule = 'doi' | 'arxivId' | 'title';

/** An entry folded into a paper read earlier. */
export interface MergedDuplicate {
  file: string;
  line: number;
  title: string;
  paperId: string;
  matchedBy: MatchRule;
  /** Where the paper it merged into was first read. */
  into: { file: string; line: number };
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
