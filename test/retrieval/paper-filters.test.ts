import { describe, expect, it } from 'vitest';
import type { Paper } from '../../src/corpus/types.ts';
import { allowedPaperIds, hasFilters, matchesFilters } from '../../src/retrieval/paper-filters.ts';

const paper = (id: string, extra: Partial<Paper>): Paper => ({ id, title: id, abstract: 'text', sources: [{ file: 'seeds.txt', line: 1, format: 'hf-page' }], links: [], ...extra });

const PAPERS: Paper[] = [
  paper('undated', {}),
  paper('bert', { year: 2018, authors: ['Jacob Devlin', 'Kristina Toutanova'], tags: ['cs.CL'], sources: [{ file: 'uploads/zotero.bib', line: 13, format: 'bibtex' }] }),
  paper('gpt3', { year: 2020, authors: ['Tom B. Brown'], tags: ['cs.CL', 'scaling'], sources: [{ file: 'arxiv.xml', line: 10, format: 'arxiv-atom' }] }),
  paper('merging', { year: 2021, authors: ['Jörg Müller'], tags: ['cs.CV'] }),
];
const ids = (filters: Parameters<typeof allowedPaperIds>[1], within?: string[]) => allowedPaperIds(PAPERS, filters, within);

describe('paper filters', () => {
  it('puts a paper of unknown year outside any year range, bounds included', () => {
    expect(ids({ yearFrom: 2018, yearTo: 2020 })).toEqual(['bert', 'gpt3']);
    expect(ids({ yearTo: 2030 })).toEqual(['bert', 'gpt3', 'merging']);
    expect(matchesFilters(PAPERS[0]!, { yearFrom: 1900 })).toBe(false);
  });

  it('matches any of the authors by part of the name, ignoring case and accents', () => {
    expect(ids({ authors: ['devlin', 'brown'] })).toEqual(['bert', 'gpt3']);
    expect(ids({ authors: ['muller'] })).toEqual(['merging']);
  });

  it('matches any of the tags exactly (case aside), a source file, folder or format, and all filters together', () => {
    expect(ids({ tags: ['CS.cl'] })).toEqual(['bert', 'gpt3']);
    expect(ids({ tags: ['cs'] })).toEqual([]);
    expect(ids({ source: 'uploads/' })).toEqual(['bert']);
    expect(ids({ source: 'arxiv-atom' })).toEqual(['gpt3']);
    expect(ids({ source: 'arxiv.xml' })).toEqual(['gpt3']);
    expect(ids({ tags: ['cs.CL'], yearFrom: 2019 })).toEqual(['gpt3']);
  });

  it('intersects with paperIds, and leaves them alone without filters', () => {
    expect(ids({ tags: ['cs.CL'] }, ['gpt3', 'merging'])).toEqual(['gpt3']);
    expect(ids(undefined, ['merging'])).toEqual(['merging']);
    expect(ids({ authors: [] })).toBeUndefined();
    expect(hasFilters({ authors: [], tags: [] })).toBe(false);
  });
});
