import type { PaperMetadata, ParseProblem, SourceFormat } from '../types.ts';

/** One entry as read from a seed file, before duplicates are merged. */
export interface SeedEntry extends PaperMetadata {
  file: string;
  /** 1-based line where the entry starts. */
  line: number;
  title: string;
  abstract: string;
  format?: SourceFormat;
  /** The entry's own key when the format has one (BibTeX citation key, arXiv id). */
  key?: string;
}

export interface ParsedFile {
  entries: SeedEntry[];
  problems: ParseProblem[];
}

export interface FormatOptions {
  /** Keep entries without an abstract as title-only papers (INGEST_TITLE_ONLY). */
  titleOnly: boolean;
}

/**
 * One input format behind the corpus seam. The extension picks the format; `check` then
 * looks at the content, so a file with the wrong extension gets a clear error instead of
 * a pile of nonsense entries.
 */
export interface SeedFormat {
  format: SourceFormat;
  /** Lower-case, with the dot. */
  extensions: readonly string[];
  /** Null when the text plausibly is this format, else why not (names what it looks like). */
  check(text: string): string | null;
  parse(file: string, text: string, options: FormatOptions): ParsedFile;
}
