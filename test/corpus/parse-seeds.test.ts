import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PaperchatError } from '../../src/errors.ts';
import { parseSeedText } from '../../src/corpus/parse-seeds.ts';
import { parseSeedFiles } from '../../src/corpus/read-seeds.ts';

/** An abstract-sized paragraph (well over the 300-character title limit). */
function abstract(topic: string, extra = ''): string {
  return (
    `We study ${topic} in depth. Transformers have become the dominant architecture for many tasks, ` +
    'yet their cost grows quickly with input length and model size. In this paper we propose a simple ' +
    'method that reduces this cost while keeping accuracy, and we evaluate it on several standard ' +
    `benchmarks where it matches or beats strong baselines.${extra}`
  );
}

const HEADER_A = ['new', '', 'Get trending papers in your email inbox!', '', 'Subscribe', '', 'byAK and the research community', '', 'Mar 11', ''];
const HEADER_B = ['Get trending papers in your email inbox once a day!', 'Get trending papers in your email inbox!'];

describe('parseSeedText', () => {
  it.each([
    {
      layout: 'blank-line separated blocks',
      lines: [...HEADER_A, 'First Paper: A Title', '', abstract('first'), '', 'Second Paper', '', abstract('second')],
      titleLines: [11, 15],
      eol: '\n',
    },
    {
      layout: 'adjacent lines with Subscribe glued to the first title',
      lines: [...HEADER_B, 'SubscribeFirst Paper: A Title', abstract('first'), 'Second Paper', abstract('second')],
      titleLines: [3, 5],
      eol: '\n',
    },
    {
      layout: 'Windows line endings and trailing spaces',
      lines: ['new', 'First Paper: A Title  ', abstract('first') + ' ', 'Second Paper', abstract('second')],
      titleLines: [2, 4],
      eol: '\r\n',
    },
  ])('reads $layout', ({ lines, titleLines, eol }) => {
    const { entries, problems } = parseSeedText('x.txt', lines.join(eol));
    expect(problems).toEqual([]);
    expect(entries.map((e) => e.title)).toEqual(['First Paper: A Title', 'Second Paper']);
    expect(entries.map((e) => e.abstract)).toEqual([abstract('first'), abstract('second')]);
    expect(entries.map((e) => e.line)).toEqual(titleLines);
    expect(entries.every((e) => e.file === 'x.txt')).toBe(true);
  });

  it.each([
    'new',
    'Subscribe',
    'Get trending papers in your email inbox!',
    'Get trending papers in your email inbox once a day!',
    'byAK and the research community',
    'Mar 11',
    'December 3, 2024',
  ])('drops the boilerplate line %j', (line) => {
    const { entries, problems } = parseSeedText('x.txt', [line, 'A Title', abstract('x'), line].join('\n'));
    expect(problems).toEqual([]);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.title).toBe('A Title');
  });

  it('only strips a glued Subscribe from the header, and only before a capital', () => {
    const text = ['Subscribers Matter: A Study', abstract('a'), 'SubscribeLater Title', abstract('b')].join('\n');
    expect(parseSeedText('x.txt', text).entries.map((e) => e.title)).toEqual(['Subscribers Matter: A Study', 'SubscribeLater Title']);
  });

  it('takes a short abstract that reads as prose', () => {
    const short = 'We show that a small change to attention improves accuracy on three benchmarks by two points.';
    const { entries, problems } = parseSeedText('x.txt', ['Short One', short].join('\n'));
    expect(problems).toEqual([]);
    expect(entries[0]?.abstract).toBe(short);
  });

  it.each([
    {
      case: 'a title with no abstract',
      lines: ['Lonely Title', 'Real Title', abstract('a')],
      problem: { line: 1, text: 'Lonely Title', reason: expect.stringMatching(/no abstract/) },
    },
    {
      case: 'a stray abstract with no title',
      lines: ['Real Title', abstract('a'), '', abstract('stray')],
      problem: { line: 4, text: abstract('stray'), reason: expect.stringMatching(/no title/) },
    },
    {
      case: 'a title at the end of the file',
      lines: ['Real Title', abstract('a'), 'Load more papers'],
      problem: { line: 3, text: 'Load more papers', reason: expect.stringMatching(/end of the file/) },
    },
  ])('reports $case with file and line', ({ lines, problem }) => {
    const { entries, problems } = parseSeedText('page.txt', lines.join('\n'));
    expect(entries.map((e) => e.title)).toEqual(['Real Title']);
    expect(problems).toEqual([{ file: 'page.txt', ...problem }]);
  });
});

describe('parseSeedFiles', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  async function seedDir(files: Record<string, string[]>): Promise<string> {
    dir = await mkdtemp(path.join(tmpdir(), 'paperchat-seeds-'));
    for (const [name, lines] of Object.entries(files)) await writeFile(path.join(dir, name), lines.join('\n'));
    return dir;
  }

  it('merges duplicates across and within files, keeping every source and the first text', async () => {
    const root = await seedDir({
      // Written out of order: files must still be read in name order.
      '002_b.txt': ['VIOLET: End-to-End Transformers', abstract('violet'), 'Only In B', abstract('b')],
      '001_a.txt': [
        'VIOLET : End-to-End Transformers',
        abstract('violet'),
        'Other Paper',
        abstract('other', ' Code: https://github.com/org/other.'),
        'VIOLET : End-to-End Transformers',
        abstract('violet'),
      ],
      'notes.md': ['Not a seed', abstract('ignored')],
    });
    const corpus = await parseSeedFiles(root);
    expect(corpus.entryCount).toBe(5);
    // notes.md is listed as ignored, not read.
    expect(corpus.problems).toEqual([{ file: 'notes.md', line: 0, text: '', reason: 'ignored: not a supported seed file type', kind: 'note' }]);
    expect(corpus.papers.map((p) => p.title)).toEqual(['VIOLET : End-to-End Transformers', 'Other Paper', 'Only In B']);
    expect(corpus.papers[0]?.sources).toEqual([
      { file: '001_a.txt', line: 1, format: 'hf-page' },
      { file: '001_a.txt', line: 5, format: 'hf-page' },
      { file: '002_b.txt', line: 1, format: 'hf-page' },
    ]);
    expect(corpus.papers[1]?.links).toEqual(['https://github.com/org/other']);
    expect(corpus.papers[0]?.links).toEqual([]);
  });

  it('reports a duplicate whose abstract differs instead of losing it silently', async () => {
    const root = await seedDir({ '001.txt': ['Same Title', abstract('one'), 'Same Title', abstract('two')] });
    const corpus = await parseSeedFiles(root);
    expect(corpus.papers).toHaveLength(1);
    expect(corpus.papers[0]?.abstract).toBe(abstract('one'));
    expect(corpus.problems).toEqual([
      { file: '001.txt', line: 3, text: 'Same Title', reason: expect.stringMatching(/different abstract/), kind: 'conflict' },
    ]);
  });

  it('refuses a directory without seed files', async () => {
    const root = await seedDir({ 'readme.md': ['nothing'] });
    await expect(parseSeedFiles(root)).rejects.toBeInstanceOf(PaperchatError);
  });
});
