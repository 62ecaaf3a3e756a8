import { PaperchatError } from '../errors.ts';
import { extractLinks } from './links.ts';
import { normaliseTitle, paperIdFromTitle } from './paper-id.ts';
import type { SeedEntry } from './parse-seeds.ts';
import type { Paper, ParseProblem } from './types.ts';

export interface MergedEntries {
  papers: Paper[];
  problems: ParseProblem[];
}

/**
 * Folds entries with the same normalised title into one paper, in order of first appearance.
 * The first-seen title and abstract win (the eval set names papers by that exact title); every
 * entry stays visible as a source. A duplicate whose abstract differs would lose text, so it is
 * reported instead of being merged silently.
 */
export function mergeEntries(entries: readonly SeedEntry[]): MergedEntries {
  const byTitle = new Map<string, Paper>();
  const titleById = new Map<string, string>();
  const problems: ParseProblem[] = [];

  for (const entry of entries) {
    const key = normaliseTitle(entry.title);
    const existing = byTitle.get(key);
    if (existing) {
      existing.sources.push({ file: entry.file, line: entry.line });
      if (collapse(existing.abstract) !== collapse(entry.abstract)) {
        problems.push({
          file: entry.file,
          line: entry.line,
          text: entry.title,
          reason: 'duplicate title with a different abstract; the first-seen abstract was kept',
        });
      }
      continue;
    }

    const id = paperIdFromTitle(entry.title);
    const clash = titleById.get(id);
    if (clash !== undefined) {
      // Ids key the index and the citations; two papers sharing one would mix their chunks.
      throw new PaperchatError('paper_id_collision', `Papers "${clash}" and "${entry.title}" map to the same id ${id}`);
    }
    titleById.set(id, key);
    byTitle.set(key, {
      id,
      title: entry.title,
      abstract: entry.abstract,
      sources: [{ file: entry.file, line: entry.line }],
      links: extractLinks(entry.abstract),
    });
  }
  return { papers: [...byTitle.values()], problems };
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
