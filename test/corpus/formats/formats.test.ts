import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSeedBytes } from '../../../src/corpus/formats/read-seed-file.ts';
import { parseSeedFiles } from '../../../src/corpus/read-seeds.ts';
import type { FileReading, Paper } from '../../../src/corpus/types.ts';
import { makeTempDir } from '../../helpers/fixture-seeds.ts';

const FIXTURES = path.join(import.meta.dirname, '..', '..', 'fixtures', 'ingest');
const read = async (dir: 'good' | 'bad', name: string, titleOnly = false) => readSeedBytes(name, await fs.readFile(path.join(FIXTURES, dir, name)), { titleOnly });
const reasons = (reading: FileReading) => reading.problems.map((problem) => `${problem.kind}@${problem.line}: ${problem.reason}`);

describe('BibTeX (Zotero export)', () => {
  it('decodes LaTeX accents and braces and reads every field the issue names', async () => {
    const { entries, reading } = await read('good', 'zotero.bib');
    expect(reading.format).toBe('bibtex');
    expect(entries.map((entry) => entry.title)).toEqual([
      'Deep Residual Learning for Image Recognition',
      'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding',
      'Token Merging für Vision Transformers: Étude of Speed',
    ]);
    const [resnet, bert, merging] = entries;
    expect(resnet).toMatchObject({ line: 2, key: 'he2016deep', year: 2016, doi: '10.1109/cvpr.2016.90', authors: ['Kaiming He', 'Xiangyu Zhang', 'Shaoqing Ren', 'Jian Sun'], tags: ['computer vision', 'residual networks'] });
    expect(resnet!.venue).toContain('IEEE Conference on Computer Vision');
    expect(bert).toMatchObject({ line: 13, arxivId: '1810.04805', year: 2018, published: '2018-10-11' });
    expect(bert!.abstract).toContain('called BERT, which');
    expect(bert!.abstract).toContain('80.5%');
    expect(merging!.authors).toEqual(['Jörg Müller', 'María García']);
    expect(merging!.url).toBe('https://example.org/token-merging');
  });

  it('reports the broken entry, the untitled one and the one without abstract by line and key, and keeps reading', async () => {
    const { reading } = await read('good', 'zotero.bib');
    expect(reading.problems.map(({ line, text, kind }) => ({ line, text, kind }))).toEqual([
      { line: 33, text: 'broken2020', kind: 'rejected' },
      { line: 38, text: 'notitle2022', kind: 'rejected' },
      { line: 44, text: 'noabstract2019: A Book Without an Abstract', kind: 'rejected' },
    ]);
    expect(reasons(reading)).toEqual([
      expect.stringMatching(/^rejected@33: broken BibTeX entry broken2020: Unterminated brace-value/),
      'rejected@38: no title',
      'rejected@44: no abstract (set INGEST_TITLE_ONLY=1 to keep title-only papers)',
    ]);
  });

  it('keeps title-only entries when asked to', async () => {
    const { entries } = await read('good', 'zotero.bib', true);
    expect(entries.find((entry) => entry.key === 'noabstract2019')).toMatchObject({ title: 'A Book Without an Abstract', abstract: '', year: 2019 });
  });
});

describe('arXiv Atom feed', () => {
  it('reads id (version-less), title, summary, authors, published, primary category first and links', async () => {
    const { entries, reading } = await read('good', 'arxiv.xml');
    expect(reading.problems).toEqual([]);
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({
      line: 10,
      key: '2005.14165',
      arxivId: '2005.14165',
      title: 'Language Models are Few-Shot Learners',
      authors: ['Tom B. Brown', 'Benjamin Mann', 'Nick Ryder'],
      year: 2020,
      published: '2020-05-28',
      url: 'http://arxiv.org/abs/2005.14165v4',
      tags: ['cs.CL'],
    });
    expect(entries[0]!.abstract).toMatch(/^Recent work .* few-shot setting\.$/);
    expect(entries[2]).toMatchObject({ doi: '10.5555/moe.events.2023', venue: 'CVPR 2023', tags: ['cs.CV'] });
  });

  it('reports invalid XML with its line and an XML file that is not a feed', async () => {
    expect(reasons((await read('bad', 'truncated.xml')).reading)).toEqual([expect.stringMatching(/^file@23: invalid XML at line 23/)]);
    expect(reasons((await read('bad', 'not-atom.xml')).reading)).toEqual([expect.stringMatching(/^file@1: XML but not an Atom feed/)]);
  });
});

describe('JSON Lines and JSON arrays', () => {
  it('reads records with any field spelling, reports bad lines and ignored fields once', async () => {
    const { entries, reading } = await read('good', 'script.jsonl');
    expect(entries.map((entry) => [entry.line, entry.title])).toEqual([
      [1, 'Deep Residual Learning'],
      [2, 'Linear Attention for Long Documents'],
    ]);
    expect(entries[0]).toMatchObject({ doi: '10.1109/cvpr.2016.90', year: 2016, authors: ['Kaiming He', 'Jian Sun'] });
    expect(entries[1]).toMatchObject({ year: 2022, published: '2022-06-01', authors: ['Alice Smith', 'Bob Jones'], tags: ['long context', 'efficiency'], venue: 'ACL' });
    expect(reasons(reading)).toEqual([
      expect.stringMatching(/^rejected@3: invalid JSON/),
      'rejected@4: no abstract (set INGEST_TITLE_ONLY=1 to keep title-only papers)',
      'rejected@5: title: expected a string',
      expect.stringMatching(/^note@1: fields ignored .*: notes$/),
    ]);
  });

  it('reads a JSON array with each element’s line, and rejects a wrongly typed field', async () => {
    const { entries, reading } = await read('good', 'list.json');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ line: 2, year: 2023, arxivId: '2309.16588', tags: ['vision', 'transformers'], authors: ['Timothée Darcet', 'Maxime Oquab'] });
    expect(reasons(reading)).toEqual(['rejected@10: authors: expected a string or a list of strings']);
  });

  it('handles a BOM and CRLF line endings without shifting lines', async () => {
    const { entries, reading } = await read('bad', 'bom-crlf.jsonl');
    expect(entries.map((entry) => [entry.line, entry.title])).toEqual([
      [1, 'BOM and CRLF Paper'],
      [2, 'Second CRLF Paper'],
    ]);
    expect(reasons(reading)).toEqual(['rejected@3: no abstract (set INGEST_TITLE_ONLY=1 to keep title-only papers)']);
  });
});

describe('CSV', () => {
  it('matches header names in any order and case, reads quoted multi-line fields, reports extra columns once', async () => {
    const { entries, reading } = await read('good', 'sheet.csv');
    expect(entries.map((entry) => [entry.line, entry.title])).toEqual([
      [2, 'GPT-3: Language Models are Few-Shot Learners'],
      [3, 'Selective State Spaces for Sequence Modeling'],
    ]);
    expect(entries[0]).toMatchObject({ year: 2020, arxivId: '2005.14165', authors: ['Tom Brown', 'Benjamin Mann'], tags: ['nlp', 'scaling'] });
    expect(entries[1]!.abstract).toContain('Our selective state space model');
    expect(reasons(reading)).toEqual([expect.stringMatching(/^note@1: columns ignored .*: Reading Status$/), 'rejected@5: no title']);
  });

  it('refuses a file without a required column, naming it', async () => {
    const { entries, reading } = await read('bad', 'missing-column.csv');
    expect(entries).toEqual([]);
    expect(reasons(reading)).toEqual(['file@1: header row lacks the required column abstract (found: title, authors, year)']);
  });

  it('refuses Latin-1 with the line of the first non-UTF-8 byte, and reads UTF-16 with a BOM', async () => {
    expect(reasons((await read('bad', 'latin1.csv')).reading)).toEqual(['file@2: not valid UTF-8 (byte 0xe9 at line 2); save the file as UTF-8']);
    const utf16 = await read('bad', 'utf16.csv');
    expect(utf16.entries.map((entry) => entry.title)).toEqual(['UTF-16 Paper']);
  });
});

describe('dispatch by extension, checked by content', () => {
  it('names an empty file and content of another format', async () => {
    expect(reasons((await read('bad', 'empty.bib')).reading)).toEqual(['file@1: empty file: no entries']);
    expect(reasons((await read('bad', 'bibtex-named.txt')).reading)).toEqual(['file@1: looks like BibTeX: name it .bib (read as hf-page because of the extension)']);
    expect(reasons(readSeedBytes('notes.docx', Buffer.from('x'), { titleOnly: false }).reading)).toEqual([expect.stringMatching(/^file@1: unsupported file type/)]);
  });
});

describe('parseSeedFiles over several formats', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  async function copyFixtures(files: Array<['good' | 'bad', string]>): Promise<string> {
    dir = await makeTempDir('paperchat-formats-');
    for (const [kind, name] of files) await fs.copyFile(path.join(FIXTURES, kind, name), path.join(dir, name));
    return dir;
  }

  const byTitle = (papers: Paper[], title: string) => papers.find((paper) => paper.title === title);

  it('merges one work across files by DOI, then arXiv id, then title, keeping every source and the richest metadata', async () => {
    const corpus = await parseSeedFiles(await copyFixtures([['good', 'zotero.bib'], ['good', 'arxiv.xml'], ['good', 'script.jsonl'], ['good', 'sheet.csv'], ['good', 'list.json']]));
    expect(corpus.papers).toHaveLength(8);
    expect(corpus.duplicates.map(({ file, line, matchedBy, into }) => `${file}:${line} → ${into.file}:${into.line} by ${matchedBy}`)).toEqual([
      'sheet.csv:2 → arxiv.xml:10 by arxivId',
      'zotero.bib:2 → script.jsonl:1 by doi',
      'zotero.bib:13 → arxiv.xml:28 by arxivId',
    ]);
    // First-seen (file-name order) title; authors from the entry with the most; metadata filled in.
    const resnet = byTitle(corpus.papers, 'Deep Residual Learning')!;
    expect(resnet.authors).toEqual(['Kaiming He', 'Xiangyu Zhang', 'Shaoqing Ren', 'Jian Sun']);
    expect(resnet.venue).toContain('CVPR');
    expect(resnet.tags).toEqual(['computer vision', 'residual networks']);
    expect(resnet.sources).toEqual([
      { file: 'script.jsonl', line: 1, format: 'jsonl' },
      { file: 'zotero.bib', line: 2, format: 'bibtex', key: 'he2016deep' },
    ]);
    const gpt3 = byTitle(corpus.papers, 'Language Models are Few-Shot Learners')!;
    expect(gpt3.tags).toEqual(['cs.CL', 'nlp', 'scaling']);
    // Conflicting abstracts are reported with the rule that decided.
    expect(corpus.problems.filter((problem) => problem.kind === 'conflict').map((problem) => `${problem.file}:${problem.line}: ${problem.reason}`)).toEqual([
      'sheet.csv:2: duplicate (same arXiv id) with a different abstract; the first-seen abstract was kept (arxiv.xml:10; files are read in name order)',
      'zotero.bib:2: duplicate (same DOI) with a different abstract; the first-seen abstract was kept (script.jsonl:1; files are read in name order)',
      'zotero.bib:13: duplicate (same arXiv id) with a different abstract; the first-seen abstract was kept (arxiv.xml:28; files are read in name order)',
    ]);
  });

  it('gives a paper the same id whichever format or file it comes from', async () => {
    const alone = await parseSeedFiles(await copyFixtures([['good', 'zotero.bib']]));
    const mergingId = alone.papers.find((paper) => paper.title.startsWith('Token Merging'))!.id;
    await fs.rm(dir!, { recursive: true });
    const together = await parseSeedFiles(await copyFixtures([['good', 'zotero.bib'], ['good', 'arxiv.xml'], ['good', 'list.json']]));
    expect(together.papers.find((paper) => paper.title.startsWith('Token Merging'))!.id).toBe(mergingId);
    expect(mergingId).toBe('token-merging-fur-vision-1e2d65c4');
  });

  it('loses nothing from the good files when the other files are broken', async () => {
    const corpus = await parseSeedFiles(
      await copyFixtures([['good', 'arxiv.xml'], ['bad', 'truncated.xml'], ['bad', 'latin1.csv'], ['bad', 'empty.bib'], ['bad', 'missing-column.csv'], ['bad', 'not-atom.xml'], ['bad', 'bibtex-named.txt']]),
    );
    expect(corpus.papers.map((paper) => paper.arxivId)).toEqual(['2005.14165', '1810.04805', '2303.01234']);
    expect(corpus.files.filter((file) => file.problems.some((problem) => problem.kind === 'file')).map((file) => file.file)).toEqual([
      'bibtex-named.txt',
      'empty.bib',
      'latin1.csv',
      'missing-column.csv',
      'not-atom.xml',
      'truncated.xml',
    ]);
  });

  it('refuses a file over the size limit without reading it (a sparse 200 MB file)', async () => {
    const root = await copyFixtures([['good', 'list.json']]);
    const huge = path.join(root, 'huge.jsonl');
    await fs.writeFile(huge, '');
    await fs.truncate(huge, 200 * 1024 * 1024);
    const corpus = await parseSeedFiles(root);
    expect(corpus.papers).toHaveLength(1);
    const reading = corpus.files.find((file) => file.file === 'huge.jsonl')!;
    expect(reasons(reading)).toEqual(['file@1: file is 200.0 MB, over the 50.0 MB limit (INGEST_MAX_FILE_MB); not read']);
  });

  it('reads uploads/ too, and lists files of unknown types as ignored', async () => {
    const root = await copyFixtures([['good', 'list.json']]);
    await fs.mkdir(path.join(root, 'uploads'));
    await fs.copyFile(path.join(FIXTURES, 'good', 'arxiv.xml'), path.join(root, 'uploads', 'feed.xml'));
    await fs.writeFile(path.join(root, 'README.md'), '# not a seed');
    const corpus = await parseSeedFiles(root);
    expect(corpus.files.map((file) => file.file)).toEqual(['README.md', 'list.json', 'uploads/feed.xml']);
    expect(corpus.papers).toHaveLength(4);
    expect(corpus.papers[1]!.sources[0]).toMatchObject({ file: 'uploads/feed.xml', format: 'arxiv-atom' });
    expect(reasons(corpus.files[0]!)).toEqual(['note@0: ignored: not a supported seed file type']);
  });
});
