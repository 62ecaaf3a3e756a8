import { PaperchatError } from '../errors.ts';
import type { SeedEntry } from './formats/types.ts';
import { extractLinks } from './links.ts';
import { normaliseTitle, paperIdFromTitle } from './paper-id.ts';
import type { MatchRule, MergedDuplicate, Paper, ParseProblem } from './types.ts';

export type { MergedDuplicate } from './types.ts';

export interface MergedEntries {
  papers: Paper[];
  problems: ParseProblem[];
  duplicates: MergedDuplicate[];
}

/**
 * Folds entries that describe one work into one paper, in order of first appearance. Identity is
 * decided by DOI, then version-less arXiv id, then normalised title: the first of those the new
 * entry shares with a paper already read. The paper keeps the first-seen title (so its id, which
 * is derived from that title, never changes when files are added after it) and the first-seen
 * abstract (the eval set quotes it); metadata is filled from every entry, the richest value
 * winning (more authors, a full date over a year, the union of tags). A duplicate whose abstract
 * differs is reported as a conflict, naming the rule that kept the other one.
 */
export function mergeEntries(entries: readonly SeedEntry[]): MergedEntries {
  const papers: Paper[] = [];
  const byDoi = new Map<string, Paper>();
  const byArxiv = new Map<string, Paper>();
  const byTitle = new Map<string, Paper>();
  const titleById = new Map<string, string>();
  const problems: ParseProblem[] = [];
  const duplicates: MergedDuplicate[] = [];

  const register = (paper: Paper, entry: SeedEntry): void => {
    if (entry.doi && !byDoi.has(entry.doi)) byDoi.set(entry.doi, paper);
    if (entry.arxivId && !byArxiv.has(entry.arxivId)) byArxiv.set(entry.arxivId, paper);
    const key = normaliseTitle(entry.title);
    if (!byTitle.has(key)) byTitle.set(key, paper);
  };

  for (const entry of entries) {
    const match = findMatch(entry, byDoi, byArxiv, byTitle);
    if (match) {
      const [paper, matchedBy] = match;
      const first = paper.sources[0]!;
      duplicates.push({ file: entry.file, line: entry.line, title: entry.title, paperId: paper.id, matchedBy, into: { file: first.file, line: first.line } });
      problems.push(...mergeInto(paper, entry, matchedBy));
      register(paper, entry);
      continue;
    }

    const id = paperIdFromTitle(entry.title);
    const key = normaliseTitle(entry.title);
    const clash = titleById.get(id);
    if (clash !== undefined) {
      // Ids key the index and the citations; two papers sharing one would mix their chunks.
      throw new PaperchatError('paper_id_collision', `Papers "${clash}" and "${entry.title}" map to the same id ${id}`);
    }
    titleById.set(id, key);
    const paper: Paper = {
      id,
      title: entry.title,
      abstract: entry.abstract,
      sources: [sourceOf(entry)],
      links: extractLinks(entry.abstract),
      ...metadataOf(entry),
    };
    papers.push(paper);
    register(paper, entry);
  }
  return { papers, problems, duplicates };
}

function findMatch(entry: SeedEntry, byDoi: Map<string, Paper>, byArxiv: Map<string, Paper>, byTitle: Map<string, Paper>): [Paper, MatchRule] | null {
  const doi = entry.doi ? byDoi.get(entry.doi) : undefined;
  if (doi) return [doi, 'doi'];
  const arxiv = entry.arxivId ? byArxiv.get(entry.arxivId) : undefined;
  if (arxiv) return [arxiv, 'arxivId'];
  const title = byTitle.get(normaliseTitle(entry.title));
  return title ? [title, 'title'] : null;
}

function sourceOf(entry: SeedEntry): Paper['sources'][number] {
  return { file: entry.file, line: entry.line, ...(entry.format ? { format: entry.format } : {}), ...(entry.key ? { key: entry.key } : {}) };
}

function metadataOf(entry: SeedEntry): Partial<Paper> {
  const { authors, year, published, venue, doi, arxivId, url, tags } = entry;
  return {
    ...(authors && authors.length > 0 ? { authors: [...authors] } : {}),
    ...(year !== undefined ? { year } : {}),
    ...(published ? { published } : {}),
    ...(venue ? { venue } : {}),
    ...(doi ? { doi } : {}),
    ...(arxivId ? { arxivId } : {}),
    ...(url ? { url } : {}),
    ...(tags && tags.length > 0 ? { tags: [...tags] } : {}),
  };
}

const RULE_NAMES: Record<MatchRule, string> = { doi: 'same DOI', arxivId: 'same arXiv id', title: 'same normalised title' };

/** Adds one duplicate entry to its paper; returns the conflicts worth reporting. */
function mergeInto(paper: Paper, entry: SeedEntry, matchedBy: MatchRule): ParseProblem[] {
  const problems: ParseProblem[] = [];
  const conflict = (reason: string): void => {
    problems.push({ file: entry.file, line: entry.line, text: entry.title, reason, kind: 'conflict' });
  };
  paper.sources.push(sourceOf(entry));

  if (!paper.abstract && entry.abstract) {
    // A title-only paper gains the abstract a later file provides.
    paper.abstract = entry.abstract;
    paper.links = extractLinks(entry.abstract);
  } else if (entry.abstract && collapse(paper.abstract) !== collapse(entry.abstract)) {
    const first = paper.sources[0]!;
    conflict(`duplicate (${RULE_NAMES[matchedBy]}) with a different abstract; the first-seen abstract was kept (${first.file}:${first.line}; files are read in name order)`);
  }
  if (entry.doi && paper.doi && entry.doi !== paper.doi) conflict(`merged by ${RULE_NAMES[matchedBy]} but the DOIs differ (${paper.doi} kept, ${entry.doi} ignored)`);
  if (entry.arxivId && paper.arxivId && entry.arxivId !== paper.arxivId) conflict(`merged by ${RULE_NAMES[matchedBy]} but the arXiv ids differ (${paper.arxivId} kept, ${entry.arxivId} ignored)`);

  if (entry.authors && entry.authors.length > (paper.authors?.length ?? 0)) paper.authors = [...entry.authors];
  if (paper.year === undefined && entry.year !== undefined) paper.year = entry.year;
  if (entry.published && (!paper.published || entry.published.length > paper.published.length) && (paper.year === undefined || entry.published.startsWith(String(paper.year)))) {
    paper.published = entry.published;
  }
  paper.venue ??= entry.venue;
  paper.doi ??= entry.doi;
  paper.arxivId ??= entry.arxivId;
  paper.url ??= entry.url;
  if (entry.tags && entry.tags.length > 0) {
    const seen = new Set((paper.tags ?? []).map((tag) => tag.toLowerCase()));
    paper.tags = [...(paper.tags ?? []), ...entry.tags.filter((tag) => !seen.has(tag.toLowerCase()))];
  }
  for (const key of ['venue', 'doi', 'arxivId', 'url'] as const) if (paper[key] === undefined) delete paper[key];
  return problems;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
