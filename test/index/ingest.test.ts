import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIndex, NoValidPapersError } from '../../src/index/build-index.ts';
import { IndexDirectory } from '../../src/index/index-directory.ts';
import { formatIngestReport } from '../../src/index/ingest-report.ts';
import { loadIndex } from '../../src/index/load-index.ts';
import { FIXTURE_PAPERS, makeTempDir, writeFixtureSeeds } from '../helpers/fixture-seeds.ts';
import { TestHashingEmbeddings } from '../helpers/hashing-embeddings.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'ingest');

async function setup() {
  const seedsDir = await writeFixtureSeeds();
  const dataDir = await makeTempDir();
  const embeddings = new TestHashingEmbeddings();
  const build = () => buildIndex({ seedsDir, dataDir, embeddings });
  const first = await build();
  return { seedsDir, dataDir, embeddings, build, first };
}

describe('ingest report and incremental builds', () => {
  it('reports per file what was added, then unchanged, updated and removed', async () => {
    const { seedsDir, embeddings, build, first } = await setup();
    expect(first.report.totals).toMatchObject({ files: 1, entries: FIXTURE_PAPERS.length, papers: FIXTURE_PAPERS.length, added: FIXTURE_PAPERS.length, removed: 0 });

    await fs.copyFile(path.join(FIXTURES, 'good', 'zotero.bib'), path.join(seedsDir, 'zotero.bib'));
    await fs.copyFile(path.join(FIXTURES, 'good', 'arxiv.xml'), path.join(seedsDir, 'arxiv.xml'));
    const calls = embeddings.calls;
    const added = await build();
    const bib = added.report.files.find((file) => file.file === 'zotero.bib')!;
    const feed = added.report.files.find((file) => file.file === 'arxiv.xml')!;
    expect(feed).toMatchObject({ format: 'arxiv-atom', entries: 3, added: 3, unchanged: 0 });
    // BERT is in both: the feed is read first (name order), so the .bib entry is a merged duplicate.
    expect(bib).toMatchObject({ format: 'bibtex', entries: 3, added: 2, rejected: expect.any(Array) });
    expect(bib.duplicates).toEqual([expect.objectContaining({ line: 13, matchedBy: 'arxivId', into: { file: 'arxiv.xml', line: 28 } })]);
    expect(bib.rejected.map((problem) => problem.line)).toEqual([33, 38, 44]);
    expect(added.report.files.find((file) => file.file === '000_fixture.txt')).toMatchObject({ unchanged: FIXTURE_PAPERS.length, added: 0 });
    expect(added.report.totals).toMatchObject({ papers: FIXTURE_PAPERS.length + 5, added: 5, unchanged: FIXTURE_PAPERS.length, duplicates: 1, rejected: 3 });
    // Only the new papers' texts were embedded: the fixture papers came from the cache.
    const newTexts = embeddings.calls - calls;
    expect(added.embeddedCount).toBe(newTexts);
    expect(newTexts).toBeGreaterThan(0);

    // Editing one entry re-embeds only that paper's texts and reports it as updated.
    const feedPath = path.join(seedsDir, 'arxiv.xml');
    await fs.writeFile(feedPath, (await fs.readFile(feedPath, 'utf8')).replace('with a third of the compute.', 'with a quarter of the compute.'));
    const edited = await build();
    expect(edited.report.files.find((file) => file.file === 'arxiv.xml')).toMatchObject({ updated: 1, unchanged: 2, added: 0 });
    expect(edited.embeddedCount).toBeGreaterThan(0);
    expect(edited.embeddedCount).toBeLessThanOrEqual(4);

    // Removing a file removes the papers no other file holds; BERT stays (the .bib has it too),
    // now with the .bib's abstract: updated, and only its changed texts are embedded.
    await fs.rm(feedPath);
    const removed = await build();
    expect(removed.report.files.find((file) => file.file === 'arxiv.xml')).toMatchObject({ present: false, removed: 2 });
    expect(removed.report.files.find((file) => file.file === 'zotero.bib')).toMatchObject({ added: 0, updated: 1, unchanged: 2, duplicates: [] });
    expect(removed.report.totals).toMatchObject({ papers: FIXTURE_PAPERS.length + 3, removed: 2 });
    expect(removed.embeddedCount).toBeLessThanOrEqual(4);
    expect(formatIngestReport(removed.report)).toContain('arxiv.xml (no longer present): added 0, updated 0, unchanged 0, removed 2');
  });

  it('keeps the paper ids of existing papers when files are added', async () => {
    const { seedsDir, embeddings, build, first } = await setup();
    const before = (await loadIndex(first.folder, embeddings)).papers.map((paper) => paper.id);
    await fs.copyFile(path.join(FIXTURES, 'good', 'script.jsonl'), path.join(seedsDir, '000_aaa_first.jsonl'));
    const after = (await loadIndex((await build()).folder, embeddings)).papers.map((paper) => paper.id);
    expect(after).toEqual(expect.arrayContaining(before));
  });

  it('keeps serving the previous index when no file holds a valid paper, with the report saying why', async () => {
    const { seedsDir, dataDir, first } = await setup();
    await fs.rm(path.join(seedsDir, '000_fixture.txt'));
    await fs.copyFile(path.join(FIXTURES, 'bad', 'truncated.xml'), path.join(seedsDir, 'truncated.xml'));
    await fs.copyFile(path.join(FIXTURES, 'bad', 'latin1.csv'), path.join(seedsDir, 'latin1.csv'));
    const failure = await buildIndex({ seedsDir, dataDir, embeddings: new TestHashingEmbeddings() }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NoValidPapersError);
    const report = (failure as NoValidPapersError).report;
    expect(report.status).toBe('failed');
    expect(report.totals).toMatchObject({ unreadableFiles: 2, papers: FIXTURE_PAPERS.length });
    expect(formatIngestReport(report)).toContain('latin1.csv:2: not valid UTF-8');
    expect(formatIngestReport(report)).toContain('the previous index (4 papers) keeps serving');
    expect(await new IndexDirectory(dataDir).current()).toBe(first.folder);
    const saved = JSON.parse(await fs.readFile(path.join(dataDir, 'last-report.json'), 'utf8')) as { status: string };
    expect(saved.status).toBe('failed');
  });
});

describe('title-only papers', () => {
  it('are rejected by default and indexed with INGEST_TITLE_ONLY, findable by their title', async () => {
    const seedsDir = await writeFixtureSeeds();
    await fs.writeFile(path.join(seedsDir, 'titles.jsonl'), '{"title": "Quantum Annealing for Sparse Attention Masks", "year": 2024}\n');
    const embeddings = new TestHashingEmbeddings();
    const rejected = await buildIndex({ seedsDir, dataDir: await makeTempDir(), embeddings });
    expect(rejected.report.totals).toMatchObject({ papers: FIXTURE_PAPERS.length, rejected: 1 });

    const kept = await buildIndex({ seedsDir, dataDir: await makeTempDir(), embeddings, ingest: { titleOnly: true } });
    expect(kept.report.totals).toMatchObject({ papers: FIXTURE_PAPERS.length + 1, rejected: 0 });
    const index = await loadIndex(kept.folder, embeddings);
    const { HybridRetriever } = await import('../../src/retrieval/hybrid-retriever.ts');
    const [hit] = await new HybridRetriever(index).search('quantum annealing attention masks', { k: 1 });
    expect(hit).toMatchObject({ title: 'Quantum Annealing for Sparse Attention Masks' });
  });
});
