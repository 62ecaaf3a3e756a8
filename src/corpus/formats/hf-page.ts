import { parseSeedText } from '../parse-seeds.ts';
import type { SeedFormat } from './types.ts';

/** The Hugging Face "trending papers" page dumps: title and abstract lines, both layouts (see parse-seeds.ts). */
export const hfPageFormat: SeedFormat = {
  format: 'hf-page',
  extensions: ['.txt'],
  check(text) {
    const start = text.trimStart();
    if (/^@\s*[a-zA-Z]+\s*[{(]/.test(start)) return 'looks like BibTeX: name it .bib';
    if (start.startsWith('<?xml') || start.startsWith('<feed')) return 'looks like XML: name it .xml';
    if (start.startsWith('{') || start.startsWith('[')) return 'looks like JSON: name it .json or .jsonl';
    return null;
  },
  parse(file, text) {
    const parsed = parseSeedText(file, text);
    return { entries: parsed.entries.map((entry) => ({ ...entry, format: 'hf-page' as const })), problems: parsed.problems.map((problem) => ({ ...problem, kind: 'rejected' as const })) };
  },
};
