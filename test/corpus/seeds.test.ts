import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { chunkCorpus } from '../../src/corpus/chunk.ts';
import { parseSeedFiles } from '../../src/corpus/read-seeds.ts';
import type { ParsedCorpus } from '../../src/corpus/types.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const seedsDir = path.join(projectRoot, 'seeds');
const evalDir = path.resolve(projectRoot, '../shared/eval');

describe('the real seed files', () => {
  let corpus: ParsedCorpus;
  beforeAll(async () => {
    corpus = await parseSeedFiles(seedsDir);
  });

  it('parses without problems', () => {
    // Printed in full on failure: a problem here means the parser needs fixing, not hiding.
    expect(corpus.problems).toEqual([]);
  });

  it('reads 569 entries merging into 500 papers', () => {
    expect(corpus.entryCount).toBe(569);
    expect(corpus.papers).toHaveLength(500);
    const sources = corpus.papers.reduce((sum, paper) => sum + paper.sources.length, 0);
    expect(sources).toBe(569);
  });

  it('gives each paper a unique id and title', () => {
    expect(new Set(corpus.papers.map((p) => p.id)).size).toBe(500);
    expect(new Set(corpus.papers.map((p) => p.title)).size).toBe(500);
  });

  it('leaves no boilerplate in titles or abstracts', () => {
    for (const paper of corpus.papers) {
      expect(paper.title).not.toMatch(/^Subscribe|trending papers|research community/i);
      expect(paper.title.length).toBeLessThan(300);
      expect(paper.abstract.length).toBeGreaterThan(300);
    }
  });

  it('keeps the first appearance order and the glued first title of the adjacent-lines layout', () => {
    expect(corpus.papers[0]?.title).toBe(
      'TreeFormer: a Semi-Supervised Transformer-based Framework for Tree Counting from a Single High Resolution Image',
    );
    expect(corpus.papers[0]?.sources).toEqual([{ file: '000_04f2577f88da2c2c.txt', line: 11, format: 'hf-page' }]);
    const vinvl = corpus.papers.find((p) => p.title.startsWith('VinVL'));
    expect(vinvl?.title).toBe('VinVL: Revisiting Visual Representations in Vision-Language Models');
    expect(vinvl?.sources).toEqual([{ file: '003_d49009455ae65f01.txt', line: 3, format: 'hf-page' }]);
  });

  it('extracts clean links', () => {
    const links = corpus.papers.flatMap((p) => p.links);
    expect(links.length).toBeGreaterThan(100);
    for (const link of links) expect(link).toMatch(/^https?:\/\/[^\s{}\\]+[^\s.,;:)\]}]$/);
  });

  it('chunks every paper with default options', () => {
    const documents = chunkCorpus(corpus.papers);
    expect(new Set(documents.map((d) => d.metadata.paperId)).size).toBe(500);
    expect(new Set(documents.map((d) => d.metadata.chunkId)).size).toBe(documents.length);
  });

  const hasEval = existsSync(evalDir);
  if (!hasEval) console.warn(`Eval directory ${evalDir} not found: the gold-title check is skipped.`);
  const evalTest = hasEval ? it : it.skip;
  const evalName = hasEval
    ? 'maps every eval gold title to exactly one paper'
    : `maps every eval gold title to exactly one paper (SKIPPED: ${evalDir} does not exist)`;
  evalTest(evalName, async () => {
    const titles = corpus.papers.map((p) => p.title);
    const files = (await readdir(evalDir)).filter((name) => name.endsWith('.jsonl'));
    let checked = 0;
    for (const file of files) {
      const lines = (await readFile(path.join(evalDir, file), 'utf8')).split('\n').filter((line) => line.trim());
      for (const line of lines) {
        const record = JSON.parse(line) as { id?: string; gold_titles?: string[] };
        for (const gold of record.gold_titles ?? []) {
          const matches = titles.filter((title) => title === gold);
          expect(matches, `${file} ${record.id ?? '?'}: ${gold}`).toHaveLength(1);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
