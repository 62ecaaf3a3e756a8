import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerPipeline } from '../../src/answer/pipeline.ts';
import { loadConfig } from '../../src/config.ts';
import { PaperLibrary } from '../../src/retrieval/paper-library.ts';
import { createApp } from '../../src/server/app.ts';
import { startServer } from '../../src/server/http/start-server.ts';
import { makeTempDir, writeFixtureSeeds } from '../helpers/fixture-seeds.ts';
import { TestHashingEmbeddings } from '../helpers/hashing-embeddings.ts';
import { postJson, silentLibraryLogger, startTestApp, type TestApp } from '../helpers/test-app.ts';

interface SimilarBody {
  paperId: string;
  title: string;
  results: Array<{
    paperId: string;
    title: string;
    score: number;
    scores: { fused: number; vector: number };
    reason: { summary: string; sharedTerms: string[]; sentences: { source: { text: string; start: number; end: number }; similar: { text: string; start: number; end: number }; similarity: number } | null };
    authors: string[];
    urls: Record<string, string>;
  }>;
}

let app: TestApp;
let eventFormerId: string;

beforeAll(async () => {
  app = await startTestApp();
  const { results } = (await (await postJson(`${app.url}/api/search`, { query: 'event cameras', k: 1 })).json()) as { results: Array<{ paperId: string }> };
  eventFormerId = results[0]!.paperId;
});
afterAll(async () => {
  await app.close();
});

describe('GET /api/papers/:id/similar', () => {
  it('returns the other papers with metadata and a reason, the paper itself excluded', async () => {
    const response = await fetch(`${app.url}/api/papers/${eventFormerId}/similar?k=2`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as SimilarBody;
    expect(body).toMatchObject({ paperId: eventFormerId, title: expect.stringContaining('EventFormer') });
    expect(body.results).toHaveLength(2);
    expect(body.results.map((hit) => hit.paperId)).not.toContain(eventFormerId);
    const [first] = body.results;
    expect(first).toMatchObject({ paperId: expect.any(String), title: expect.any(String), score: expect.any(Number), scores: { fused: first!.score, vector: expect.any(Number) }, authors: [], urls: {} });
    expect(first!.score).toBeGreaterThan(0);
    expect(first!.score).toBeLessThanOrEqual(1);
    expect(first!.reason.summary).toEqual(expect.any(String));
    expect(Array.isArray(first!.reason.sharedTerms)).toBe(true);
    const paper = (await (await fetch(`${app.url}/api/papers/${eventFormerId}`)).json()) as { abstract: string };
    const pair = first!.reason.sentences!;
    expect(paper.abstract.slice(pair.source.start, pair.source.end)).toBe(pair.source.text);
  });

  it('defaults to k=10 (all three other fixture papers)', async () => {
    const body = (await (await fetch(`${app.url}/api/papers/${eventFormerId}/similar`)).json()) as SimilarBody;
    expect(body.results).toHaveLength(3);
  });

  it.each(['0', '51', 'abc', '2.5'])('rejects k=%s with a 400 naming k', async (k) => {
    const response = await fetch(`${app.url}/api/papers/${eventFormerId}/similar?k=${k}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toMatch(/^k: /);
  });

  it('is a JSON 404 for an unknown paper', async () => {
    const response = await fetch(`${app.url}/api/papers/no-such-paper/similar`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('is a 503 index_not_ready while no index is loaded', async () => {
    const config = loadConfig({ SEEDS_DIR: await writeFixtureSeeds(), DATA_DIR: await makeTempDir(), LOG_LEVEL: 'silent' });
    const embeddings = new TestHashingEmbeddings();
    const library = new PaperLibrary(config, silentLibraryLogger, { select: async () => embeddings, byId: async () => embeddings });
    const running = await startServer(createApp({ searchService: library, askService: new AnswerPipeline(library), logger: pino({ level: 'silent' }) }), { port: 0, host: '127.0.0.1' });
    try {
      const response = await fetch(`${running.url}/api/papers/${eventFormerId}/similar`);
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('index_not_ready');
    } finally {
      await running.close(1000);
      await library.close();
    }
  });
});
