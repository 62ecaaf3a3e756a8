import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIndex, BuildInProgressError } from '../../src/index/build-index.ts';
import { IndexDirectory } from '../../src/index/index-directory.ts';
import { IndexUnusableError, loadIndex } from '../../src/index/load-index.ts';
import { measureCalibration, similarityCalibration } from '../../src/index/similarity-calibration.ts';
import { HybridRetriever } from '../../src/retrieval/hybrid-retriever.ts';
import { FIXTURE_PAPERS, makeTempDir, writeFixtureSeeds } from '../helpers/fixture-seeds.ts';
import { TestHashingEmbeddings } from '../helpers/hashing-embeddings.ts';

async function freshBuild() {
  const seedsDir = await writeFixtureSeeds();
  const dataDir = await makeTempDir();
  const embeddings = new TestHashingEmbeddings();
  const result = await buildIndex({ seedsDir, dataDir, embeddings });
  return { seedsDir, dataDir, embeddings, result };
}

describe('buildIndex', () => {
  it('builds, publishes and records a manifest that loads back', async () => {
    const { dataDir, embeddings, result } = await freshBuild();
    expect(result.manifest.counts.papers).toBe(FIXTURE_PAPERS.length);
    expect(result.manifest.embedder).toEqual({ id: 'test-hashing', dimensions: 64 });
    expect(await new IndexDirectory(dataDir).current()).toBe(result.folder);
    const index = await loadIndex(result.folder, embeddings);
    expect(index.papers.map((paper) => paper.title)).toEqual(FIXTURE_PAPERS.map((paper) => paper.title));
    expect(index.papers[0]!.links).toEqual(['https://github.com/example/eventformer']);
  });

  it('stores the similarity calibration it measured, equal to measuring the loaded index', async () => {
    const { embeddings, result } = await freshBuild();
    expect(Object.keys(result.manifest.files)).toContain('vectors/calibration.json');
    const index = await loadIndex(result.folder, embeddings);
    const stored = index.calibration();
    const measured = measureCalibration(index.vectors, embeddings.dimensions);
    expect(stored.relatedMean).toBeCloseTo(measured.relatedMean, 12);
    expect(stored.unrelatedMean).toBeCloseTo(measured.unrelatedMean, 12);
    expect(stored.centroidSpread).toBeCloseTo(measured.centroidSpread, 12);
    expect(Array.from(stored.centroid)).toEqual(Array.from(measured.centroid));
    // Read from the file, not measured again on load.
    expect(index.calibration()).toBe(stored);
    expect(similarityCalibration(index)).not.toBe(stored);
  });

  it('re-embeds nothing when the corpus is unchanged', async () => {
    const { seedsDir, dataDir, embeddings, result } = await freshBuild();
    expect(result.embeddedCount).toBeGreaterThan(0);
    const callsAfterFirst = embeddings.calls;
    const second = await buildIndex({ seedsDir, dataDir, embeddings });
    expect(second.embeddedCount).toBe(0);
    expect(embeddings.calls).toBe(callsAfterFirst);
    expect(second.folder).not.toBe(result.folder);
    // The previous index folder is cleaned up once the new one is live.
    await expect(fs.access(result.folder)).rejects.toThrow();
  });

  it('leaves the previous index in place when a build fails midway', async () => {
    const { seedsDir, dataDir, result } = await freshBuild();
    await fs.appendFile(path.join(seedsDir, '000_fixture.txt'), '\nA New Paper About Something Else\n\nThis abstract is new, so it must be embedded by the failing embedder and the build fails.\n');
    const failing = new TestHashingEmbeddings();
    failing.embedDocuments = async () => {
      throw new Error('embedder crashed');
    };
    await expect(buildIndex({ seedsDir, dataDir, embeddings: failing })).rejects.toThrow('embedder crashed');
    expect(await new IndexDirectory(dataDir).current()).toBe(result.folder);
    const index = await loadIndex(result.folder, new TestHashingEmbeddings());
    expect(index.papers).toHaveLength(FIXTURE_PAPERS.length);
  });

  it('refuses a second concurrent build', async () => {
    const { seedsDir, dataDir, embeddings } = await freshBuild();
    const release = await new IndexDirectory(dataDir).acquireBuildLock();
    expect(release).not.toBeNull();
    // The lock is held by this (live) process under a different owner: simulate with a child pid file.
    await fs.writeFile(path.join(dataDir, 'build.lock'), String(process.ppid));
    await expect(buildIndex({ seedsDir, dataDir, embeddings })).rejects.toBeInstanceOf(BuildInProgressError);
    await release!();
  });

  it.each([
    ['a truncated vector file', async (folder: string) => fs.truncate(path.join(folder, 'vectors', 'hnswlib.index'), 100)],
    ['a bad manifest', async (folder: string) => fs.writeFile(path.join(folder, 'manifest.json'), '{"formatVersion": "x"}')],
    ['a missing papers file', async (folder: string) => fs.rm(path.join(folder, 'papers.json'))],
  ])('reports %s as an unusable index', async (_name, damage) => {
    const { embeddings, result } = await freshBuild();
    await damage(result.folder);
    await expect(loadIndex(result.folder, embeddings)).rejects.toBeInstanceOf(IndexUnusableError);
  });

  it('rejects an index built by another embedder', async () => {
    const { result } = await freshBuild();
    const other = new TestHashingEmbeddings();
    Object.defineProperty(other, 'id', { value: 'another-embedder' });
    await expect(loadIndex(result.folder, other)).rejects.toThrow(/built with test-hashing/);
  });
});

describe('HybridRetriever', () => {
  it('returns papers with per-retriever scores, matched chunks and respects paperIds', async () => {
    const { embeddings, result } = await freshBuild();
    const retriever = new HybridRetriever(await loadIndex(result.folder, embeddings));
    const hits = await retriever.search('satellite images of the Earth', { k: 3 });
    expect(hits[0]!.title).toContain('Orbital Vision');
    expect(hits[0]!.scores.lexical).toBeGreaterThan(0);
    expect(hits[0]!.scores.vector).toBeGreaterThan(0);
    expect(hits[0]!.chunks.length).toBeGreaterThan(0);
    expect(new Set(hits.map((hit) => hit.paperId)).size).toBe(hits.length);
    const scoped = await retriever.search('satellite images of the Earth', { k: 3, paperIds: [hits[1]!.paperId] });
    expect(scoped.map((hit) => hit.paperId)).toEqual([hits[1]!.paperId]);
  });
});
