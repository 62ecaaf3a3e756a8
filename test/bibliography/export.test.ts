import { describe, expect, it } from 'vitest';
import type { Paper } from '../../src/corpus/types.ts';
import { bibtexFormat } from '../../src/corpus/formats/bibtex.ts';
import { escapeBibtex, protectedTitle } from '../../src/bibliography/bibtex.ts';
import { baseCitationKey, citationKeys } from '../../src/bibliography/citation-keys.ts';
import { formatBibliography } from '../../src/bibliography/export.ts';
import { splitName } from '../../src/bibliography/names.ts';

function paper(fields: Partial<Paper> & { id: string; title: string }): Paper {
  return { abstract: '', sources: [], links: [], ...fields };
}

const attention = paper({
  id: 'attention-is-all-1',
  title: 'Attention Is All You Need',
  abstract: 'We propose the Transformer, based solely on attention. It reaches 28.4 BLEU on WMT 2014.',
  authors: ['Ashish Vaswani', 'Noam Shazeer'],
  year: 2017,
  published: '2017-06-12',
  venue: 'NeurIPS',
  doi: '10.48550/arxiv.1706.03762',
  arxivId: '1706.03762',
  tags: ['cs.CL', 'attention'],
});

/** Everything BibTeX makes awkward: special characters, TeX math, acronyms, accents, particles. */
const awkward = paper({
  id: 'gpt-4-meets-3d',
  title: 'GPT-4 & BERT: 100% of {TinyViT} on $1248 \\times 1248$ images_x #1 ~ ^',
  abstract: 'Costs fell by 50% & more -- $O(n^2)$ with a_b {braces}, <10 ms, ``quoted\'\' and C:\\path, for Müller’s "data"?`',
  authors: ['José Müller', 'Ludwig van Beethoven', 'Research and Development Team'],
  year: 2024,
  arxivId: '2401.01234',
});

const anonymous = paper({ id: 'untitled-study', title: 'A Study of Things', abstract: 'An abstract.' });

describe('citation keys', () => {
  it('are first author surname + year + first title word, accents folded', () => {
    expect(baseCitationKey(attention)).toBe('vaswani2017attention');
    expect(baseCitationKey(awkward)).toBe('muller2024gpt4');
  });

  it('come from the title when a paper has no authors (and no year)', () => {
    expect(baseCitationKey(anonymous)).toBe('studythings');
  });

  it('are deduplicated with a/b suffixes in paper-id order, whatever order they were asked in', () => {
    const twin = { ...attention, id: 'attention-is-all-0' };
    const forward = citationKeys([attention, twin, anonymous]);
    const backward = citationKeys([anonymous, twin, attention]);
    expect(forward.get('attention-is-all-0')).toBe('vaswani2017attentiona');
    expect(forward.get('attention-is-all-1')).toBe('vaswani2017attentionb');
    expect(forward.get('untitled-study')).toBe('studythings');
    expect([...backward.entries()].sort()).toEqual([...forward.entries()].sort());
  });
});

describe('names', () => {
  it('split into family and given names, particles with the family name', () => {
    expect(splitName('Ashish Vaswani')).toEqual({ family: 'Vaswani', given: 'Ashish' });
    expect(splitName('Ludwig van Beethoven')).toEqual({ family: 'van Beethoven', given: 'Ludwig' });
    expect(splitName('Vaswani, Ashish')).toEqual({ family: 'Vaswani', given: 'Ashish' });
    expect(splitName('Martin Luther King Jr.')).toEqual({ family: 'King', given: 'Martin Luther' });
    expect(splitName('Plato')).toEqual({ family: 'Plato', given: '' });
  });
});

describe('BibTeX', () => {
  it('escapes the characters TeX treats specially, and breaks ligatures that would change the text', () => {
    expect(escapeBibtex('a -- b < c > d \'\'e\'\'')).toBe("a -{}- b \\textless{} c \\textgreater{} d '{}'e'{}'");
    expect(escapeBibtex('50% & $x_1$ #1 {a} ~ ^ \\')).toBe('50\\% \\& \\$x\\_1\\$ \\#1 \\{a\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}');
  });

  it('braces acronyms and mixed-case names so styles keep their capitals, not ordinary capitalised words', () => {
    expect(protectedTitle('Attention Is All You Need')).toBe('Attention Is All You Need');
    expect(protectedTitle('BERT and GPT-4 meet TinyViT in A Study')).toBe('{BERT} and {GPT-4} meet {TinyViT} in {A} Study');
  });

  it('writes one entry with key, eprint, DOI, URL and abstract', () => {
    const { text, keys } = formatBibliography([attention], 'bibtex');
    expect(keys.get(attention.id)).toBe('vaswani2017attention');
    expect(text).toBe(
      [
        '@article{vaswani2017attention,',
        '  title = {Attention Is All You Need},',
        '  author = {Ashish Vaswani and Noam Shazeer},',
        '  year = {2017},',
        '  date = {2017-06-12},',
        '  journal = {NeurIPS},',
        '  doi = {10.48550/arxiv.1706.03762},',
        '  eprint = {1706.03762},',
        '  archivePrefix = {arXiv},',
        '  url = {https://arxiv.org/abs/1706.03762},',
        '  keywords = {cs.CL, attention},',
        '  abstract = {We propose the Transformer, based solely on attention. It reaches 28.4 BLEU on WMT 2014.}',
        '}',
        '',
      ].join('\n'),
    );
    expect(formatBibliography([anonymous], 'bibtex').text).toMatch(/^@misc\{studythings,\n {2}title = \{\{A\} Study of Things\},\n {2}abstract = \{An abstract\.\}\n\}\n$/);
  });

  it('round-trips through the BibTeX importer: same title, authors, year, DOI, arXiv id and abstract', () => {
    const papers = [attention, awkward, anonymous];
    const { text } = formatBibliography(papers, 'bibtex');
    const read = bibtexFormat.parse('export.bib', text, { titleOnly: false });
    expect(read.problems).toEqual([]);
    expect(read.entries).toHaveLength(papers.length);
    read.entries.forEach((entry, position) => {
      const original = papers[position]!;
      expect(entry.title).toBe(original.title);
      expect(entry.abstract).toBe(original.abstract);
      expect(entry.authors ?? []).toEqual(original.authors ?? []);
      expect(entry.year).toBe(original.year);
      expect(entry.doi).toBe(original.doi);
      expect(entry.arxivId).toBe(original.arxivId);
      expect(entry.published).toBe(original.published);
    });
  });
});

describe('RIS', () => {
  it('writes tagged lines with CRLF, Last, First authors and one ER per record', () => {
    const { text } = formatBibliography([attention, anonymous], 'ris');
    const lines = text.split('\r\n');
    expect(lines.slice(0, 6)).toEqual(['TY  - JOUR', 'ID  - vaswani2017attention', 'TI  - Attention Is All You Need', 'AU  - Vaswani, Ashish', 'AU  - Shazeer, Noam', 'PY  - 2017']);
    expect(lines).toEqual(expect.arrayContaining(['DA  - 2017/06/12/', 'T2  - NeurIPS', 'DO  - 10.48550/arxiv.1706.03762', 'AN  - arXiv:1706.03762', 'UR  - https://arxiv.org/abs/1706.03762', 'KW  - cs.CL', 'KW  - attention']));
    expect(text.match(/^ER {2}- $/gm)).toHaveLength(2);
    expect(text).toContain('TY  - GEN\r\nID  - studythings\r\nTI  - A Study of Things\r\nAB  - An abstract.\r\nER  - \r\n');
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  });
});

describe('CSL-JSON', () => {
  it('writes items with family/given names, date parts and identifiers', () => {
    const items = JSON.parse(formatBibliography([attention, awkward], 'csl-json').text) as Array<Record<string, unknown>>;
    expect(items[0]).toEqual({
      id: 'vaswani2017attention',
      'citation-key': 'vaswani2017attention',
      type: 'article-journal',
      title: 'Attention Is All You Need',
      author: [{ family: 'Vaswani', given: 'Ashish' }, { family: 'Shazeer', given: 'Noam' }],
      issued: { 'date-parts': [[2017, 6, 12]] },
      'container-title': 'NeurIPS',
      number: 'arXiv:1706.03762',
      DOI: '10.48550/arxiv.1706.03762',
      URL: 'https://arxiv.org/abs/1706.03762',
      keyword: 'cs.CL, attention',
      abstract: attention.abstract,
    });
    expect(items[1]).toMatchObject({ type: 'article', publisher: 'arXiv', title: awkward.title, author: expect.arrayContaining([{ family: 'van Beethoven', given: 'Ludwig' }]) });
  });
});
