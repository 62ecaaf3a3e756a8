import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerPipeline } from '../../src/answer/pipeline.ts';
import { loadConfig } from '../../src/config.ts';
import { PaperLibrary } from '../../src/retrieval/paper-library.ts';
import { createApp, DEFAULT_APP_OPTIONS } from '../../src/server/app.ts';
import { startServer } from '../../src/server/http/start-server.ts';
import { FIXTURE_PAPERS, makeTempDir, writeFixtureSeeds } from '../helpers/fixture-seeds.ts';
import { TestHashingEmbeddings } from '../helpers/hashing-embeddings.ts';
import { silentLibraryLogger, startTestApp, type TestApp } from '../helpers/test-app.ts';

interface MapBody {
  points: Array<{ paperId: string; x: number; y: number; cluster: number; title: string }>;
  clusters: Array<{ id: number; label: string[]; size: number }>;
}

describe('GET /api/map', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('returns every paper placed in a labelled cluster', async () => {
    const response = await fetch(`${app.url}/api/map`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as MapBody;
    expect(Object.keys(body).sort()).toEqual(['clusters', 'points']);
    expect(body.points).toHaveLength(FIXTURE_PAPERS.length);
    expect(body.points.map((point) => point.title).sort()).toEqual(FIXTURE_PAPERS.map((paper) => paper.title).sort());
    for (const point of body.points) {
      expect(Object.keys(point).sort()).toEqual(['cluster', 'paperId', 'title', 'x', 'y']);
      expect(point.x).toBeGreaterThanOrEqual(0);
      expect(point.x).toBeLessThanOrEqual(1);
      expect(body.clusters.some((cluster) => cluster.id === point.cluster)).toBe(true);
      // Points name papers the rest of the API knows.
      expect((await fetch(`${app.url}/api/papers/${encodeURIComponent(point.paperId)}`)).status).toBe(200);
    }
    expect(body.clusters.reduce((sum, cluster) => sum + cluster.size, 0)).toBe(FIXTURE_PAPERS.length);
    for (const cluster of body.clusters) expect(Object.keys(cluster).sort()).toEqual(['id', 'label', 'size']);
  });

  it('answers 503 JSON while no index is live', async () => {
    const config = loadConfig({ SEEDS_DIR: await writeFixtureSeeds(), DATA_DIR: await makeTempDir(), LOG_LEVEL: 'silent' });
    const embeddings = new TestHashingEmbeddings();
    const library = new PaperLibrary(config, silentLibraryLogger, { select: async () => embeddings, byId: async () => embeddings });
    const running = await startServer(createApp({ searchService: library, askService: new AnswerPipeline(library), logger: pino({ level: 'silent' }) }, DEFAULT_APP_OPTIONS), { port: 0, host: '127.0.0.1' });
    try {
      const response = await fetch(`${running.url}/api/map`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: { code: 'index_not_ready' } });
    } finally {
      await running.close(1000);
      await library.close();
    }
  });
});
