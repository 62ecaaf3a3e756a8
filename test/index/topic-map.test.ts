import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Paper } from '../../src/corpus/types.ts';
import { buildIndex } from '../../src/index/build-index.ts';
import { candidateTerms, labelClusters } from '../../src/index/cluster-labels.ts';
import { selectClusters } from '../../src/index/cluster-selection.ts';
import { IndexDirectory } from '../../src/index/index-directory.ts';
import { IndexUnusableError, loadIndex, MANIFEST_FILE } from '../../src/index/load-index.ts';
import { layoutMap } from '../../src/index/map-layout.ts';
import { computeTopicMap, readTopicMap, TOPIC_MAP_FILE, TOPIC_MAP_VERSION } from '../../src/index/topic-map.ts';
import { PaperLibrary } from '../../src/retrieval/paper-library.ts';
import { loadConfig } from '../../src/config.ts';
import { mulberry32 } from '../../src/util/seeded-random.ts';
import { unitVector } from '../../src/util/vectors.ts';
import { FIXTURE_PAPERS, makeTempDir, writeFixtureSeeds } from '../helpers/fixture-seeds.ts';
import { TestHashingEmbeddings } from '../helpers/hashing-embeddings.ts';
import { silentLibraryLogger } from '../helpers/test-app.ts';

/** `count` points around each centre, spread `spread`. */
function blobs(centres: Array<[number, number]>, count: number, spread: number, seed = 1): number[][] {
  const random = mulberry32(seed);
  return centres.flatMap(([x, y]) => Array.from({ length: count }, () => [x + (random() - 0.5) * spread, y + (random() - 0.5) * spread]));
}

/** Unit vectors in `dimensions` around `groups` random directions, `count` each. */
function vectorGroups(groups: number, count: number, dimensions: number, noise: number, seed = 3): Float32Array[] {
  const random = mulberry32(seed);
  const centres = Array.from({ length: groups }, () => unitVector(Array.from({ length: dimensions }, () => random() - 0.5)));
  return centres.flatMap((centre) => Array.from({ length: count }, () => unitVector(Array.from(centre, (value) => value + (random() - 0.5) * noise))));
}

function paper(id: string, title: string, abstract: string): Paper {
  return { id, title, abstract, sources: [{ file: 'x.txt', line: 1 }], links: [] };
}

describe('selectClusters', () => {
  it('chooses the number of separated blobs by silhouette, not a fixed k', async () => {
    for (const centres of [
      [[0, 0], [10, 0], [0, 10]],
      [[0, 0], [10, 0], [0, 10], [10, 10], [20, 5]],
    ] as Array<Array<[number, number]>>) {
      const points = blobs(centres, 20, 2);
      const selection = await selectClusters(points, { minClusters: 2 });
      expect(selection.clusterCount).toBe(centres.length);
      // Each blob is exactly one cluster.
      for (let blob = 0; blob < centres.length; blob++) {
        expect(new Set(selection.assignments.slice(blob * 20, (blob + 1) * 20)).size).toBe(1);
      }
      expect(selection.silhouette).toBeGreaterThan(0.7);
      expect(selection.silhouetteByK.map(({ k }) => k)[0]).toBe(2);
    }
  });

  it('chooses k on a sample and assigns every other point to its nearest centroid', async () => {
    const centres: Array<[number, number]> = [[0, 0], [10, 0], [0, 10], [10, 10]];
    const points = blobs(centres, 300, 2, 9);
    const selection = await selectClusters(points, { minClusters: 2, sampleSize: 200 });
    expect(selection.clusterCount).toBe(4);
    for (let blob = 0; blob < centres.length; blob++) {
      expect(new Set(selection.assignments.slice(blob * 300, (blob + 1) * 300)).size).toBe(1);
    }
  });

  it('numbers clusters by decreasing size and puts everything in one cluster when k cannot be compared', async () => {
    const points = [...blobs([[0, 0]], 30, 1), ...blobs([[10, 10]], 10, 1, 2)];
    const selection = await selectClusters(points, { minClusters: 2 });
    expect(selection.assignments.slice(0, 30).every((cluster) => cluster === 0)).toBe(true);
    expect((await selectClusters([[0, 0], [1, 1]])).clusterCount).toBe(1);
  });
});

describe('labelClusters', () => {
  const texts = [
    'Graph neural networks learn on molecules. We train graph neural networks with message passing.',
    'Scaling graph neural networks to large graphs with sampling.',
    'Graph neural networks for traffic forecasting on road graphs.',
    'Speech recognition with transformers improves word error rate.',
    'Streaming speech recognition on phones with small transformers.',
    'Speech recognition for low-resource languages.',
  ];
  const assignments = [0, 0, 0, 1, 1, 1];

  it('prefers phrases over their words and shows them as written', () => {
    const labels = labelClusters(texts, assignments, 2);
    expect(labels[0]![0]).toBe('graph neural networks');
    expect(labels[1]![0]).toBe('speech recognition');
    // A phrase's own words are not repeated beside it.
    expect(labels[0]).not.toContain('graph');
    expect(labels[1]).not.toContain('speech');
  });

  it('keeps acronyms, lower-cases title case and sentence starts, and breaks phrases at punctuation and stopwords', () => {
    const candidates = candidateTerms('Large Language Models (LLMs), the ViT.', 3).map((candidate) => candidate.surface);
    expect(candidates).toContain('Large Language Models');
    expect(candidates).toContain('LLMs');
    expect(candidates).not.toContain('Models LLMs');
    expect(candidates).not.toContain('Models');
    const labels = labelClusters(['Vision Transformers (ViT) for images.', 'Vision Transformers scale; ViT works.', 'Audio.', 'Audio.'], [0, 0, 1, 1], 2);
    expect(labels[0]).toContain('vision transformers');
    expect(labels[0]).toContain('ViT');
  });
});

describe('computeTopicMap', () => {
  const papers = Array.from({ length: 60 }, (_, index) =>
    paper(`p${index}`, index < 30 ? `Graph neural networks ${index}` : `Speech recognition ${index}`, index < 30 ? 'Graph neural networks on molecules.' : 'Speech recognition with audio.'),
  );
  const vectors = vectorGroups(2, 30, 32, 0.4);

  it('is deterministic: the same papers and vectors give the same map', async () => {
    const first = await computeTopicMap(papers, vectors, { clusters: { minClusters: 2 } });
    const second = await computeTopicMap(papers, vectors, { clusters: { minClusters: 2 } });
    expect({ ...second, computeMs: 0, timings: null }).toEqual({ ...first, computeMs: 0, timings: null });
    expect(first.clusters).toHaveLength(2);
    expect(first.clusters.map((cluster) => cluster.size)).toEqual([30, 30]);
    expect(first.clusters.map((cluster) => cluster.label[0]).sort()).toEqual(['graph neural networks', 'speech recognition']);
    for (const point of first.points) {
      expect(point.x).toBeGreaterThanOrEqual(0);
      expect(point.y).toBeLessThanOrEqual(1);
    }
  });

  it('maps tiny corpora (one, two, three papers) without failing', async () => {
    for (const size of [1, 2, 3]) {
      const map = await computeTopicMap(papers.slice(0, size), vectors.slice(0, size));
      expect(map.points).toHaveLength(size);
      expect(map.clusters.reduce((sum, cluster) => sum + cluster.size, 0)).toBe(size);
      for (const point of map.points) expect(Number.isFinite(point.x) && Number.isFinite(point.y)).toBe(true);
    }
  });

  it('lays out a bounded sample with UMAP and places the rest beside their nearest neighbours', async () => {
    const groups = vectorGroups(3, 40, 32, 0.3, 5);
    const positions = await layoutMap(groups, { maxLayoutPoints: 30 });
    expect(positions).toHaveLength(120);
    const centre = (group: number) => {
      const members = positions.slice(group * 40, (group + 1) * 40);
      return [members.reduce((sum, [x]) => sum + x, 0) / 40, members.reduce((sum, [, y]) => sum + y, 0) / 40];
    };
    // Every point, sampled or placed, is nearer its own group's centre than any other's.
    for (let index = 0; index < positions.length; index++) {
      const distances = [0, 1, 2].map((group) => Math.hypot(positions[index]![0] - centre(group)[0]!, positions[index]![1] - centre(group)[1]!));
      expect(distances.indexOf(Math.min(...distances))).toBe(Math.floor(index / 40));
    }
  });
});

describe('map.json in the index', () => {
  async function build() {
    const seedsDir = await writeFixtureSeeds();
    const dataDir = await makeTempDir();
    const embeddings = new TestHashingEmbeddings();
    const result = await buildIndex({ seedsDir, dataDir, embeddings });
    return { seedsDir, dataDir, embeddings, result };
  }

  it('is written by the build, covered by the manifest and loaded back', async () => {
    const { embeddings, result } = await build();
    expect(result.manifest.files[TOPIC_MAP_FILE]).toBeDefined();
    const index = await loadIndex(result.folder, embeddings);
    expect(index.topicMap().points.map((point) => point.paperId)).toEqual(index.papers.map((entry) => entry.id));
    expect(index.topicMap().clusters.reduce((sum, cluster) => sum + cluster.size, 0)).toBe(FIXTURE_PAPERS.length);
    expect(await readTopicMap(result.folder, index.papers)).toEqual(index.topicMap());
  });

  it('is recomputed when papers are added, and copied when the units are unchanged', async () => {
    const { seedsDir, dataDir, embeddings, result } = await build();
    const firstMap = await fs.readFile(path.join(result.folder, TOPIC_MAP_FILE), 'utf8');
    const again = await buildIndex({ seedsDir, dataDir, embeddings });
    // Copied byte for byte (a recomputation would carry its own computeMs).
    expect(await fs.readFile(path.join(again.folder, TOPIC_MAP_FILE), 'utf8')).toBe(firstMap);
    const extra = {
      title: 'MolFormer: Graph Transformers for Molecules',
      abstract: 'Molecular property prediction needs both bonds and geometry. We apply a graph transformer to molecules that attends along bonds and distances. It beats message passing networks on 9 of 12 benchmarks.',
    };
    const grownSeeds = await writeFixtureSeeds([...FIXTURE_PAPERS, extra]);
    await fs.copyFile(path.join(grownSeeds, '000_fixture.txt'), path.join(seedsDir, '000_fixture.txt'));
    const grown = await buildIndex({ seedsDir, dataDir, embeddings });
    const index = await loadIndex(grown.folder, embeddings);
    expect(index.topicMap().points).toHaveLength(FIXTURE_PAPERS.length + 1);
    expect(index.topicMap().points.at(-1)!.paperId).toBe(index.papers.at(-1)!.id);
  });

  it('makes a damaged or invalid map an unusable index that the library rebuilds', async () => {
    const { seedsDir, dataDir, embeddings, result } = await build();
    const mapFile = path.join(result.folder, TOPIC_MAP_FILE);
    await fs.writeFile(mapFile, '{"points": [');
    await expect(loadIndex(result.folder, embeddings)).rejects.toThrow(IndexUnusableError);

    // Valid JSON with a matching checksum but the wrong shape is caught by the schema too.
    const manifestFile = path.join(result.folder, MANIFEST_FILE);
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    const invalid = JSON.stringify({ version: TOPIC_MAP_VERSION, points: [{ paperId: 'x', x: 5, y: 0, cluster: 0 }], clusters: [], selection: { method: 'kmeans++ / silhouette', silhouette: null, silhouetteByK: [] }, computeMs: 1, timings: { layoutMs: 1, clustersMs: 0, labelsMs: 0 } });
    await fs.writeFile(mapFile, invalid);
    const { createHash } = await import('node:crypto');
    manifest.files[TOPIC_MAP_FILE] = { bytes: Buffer.byteLength(invalid), sha256: createHash('sha256').update(invalid).digest('hex') };
    await fs.writeFile(manifestFile, JSON.stringify(manifest));
    await expect(loadIndex(result.folder, embeddings)).rejects.toThrow(IndexUnusableError);

    const library = new PaperLibrary(loadConfig({ SEEDS_DIR: seedsDir, DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), silentLibraryLogger, { select: async () => embeddings, byId: async () => embeddings });
    const live = await library.start();
    expect(live.index.id).not.toBe(result.folder);
    expect(library.topicMap().points).toHaveLength(FIXTURE_PAPERS.length);
    await library.close();
  });

  it('rebuilds an index made before maps existed instead of failing on it', async () => {
    const { seedsDir, dataDir, embeddings, result } = await build();
    // What an older build left: no map.json, and none in the manifest's checksums.
    await fs.rm(path.join(result.folder, TOPIC_MAP_FILE));
    const manifestFile = path.join(result.folder, MANIFEST_FILE);
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    delete manifest.files[TOPIC_MAP_FILE];
    await fs.writeFile(manifestFile, JSON.stringify(manifest));
    const library = new PaperLibrary(loadConfig({ SEEDS_DIR: seedsDir, DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), silentLibraryLogger, { select: async () => embeddings, byId: async () => embeddings });
    await library.start();
    expect(await new IndexDirectory(dataDir).current()).not.toBe(result.folder);
    expect(library.topicMap().clusters.length).toBeGreaterThan(0);
    await library.close();
  });
});
