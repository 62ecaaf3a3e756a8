import { arxivAtomFormat } from './arxiv-atom.ts';
import { bibtexFormat } from './bibtex.ts';
import { csvFormat } from './csv.ts';
import { hfPageFormat } from './hf-page.ts';
import { jsonArrayFormat, jsonLinesFormat } from './json.ts';
import type { SeedFormat } from './types.ts';

/** Every supported input format; a new one is a module here, never a branch in another parser. */
export const SEED_FORMATS: readonly SeedFormat[] = [hfPageFormat, jsonLinesFormat, jsonArrayFormat, csvFormat, bibtexFormat, arxivAtomFormat];

export function formatForFile(name: string): SeedFormat | undefined {
  const lower = name.toLowerCase();
  return SEED_FORMATS.find((format) => format.extensions.some((extension) => lower.endsWith(extension)));
}

export const SUPPORTED_EXTENSIONS: readonly string[] = SEED_FORMATS.flatMap((format) => format.extensions);
