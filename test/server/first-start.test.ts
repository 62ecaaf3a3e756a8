import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AnswerPipeline } from '../../src/answer/pipeline.ts';
import { KEYWORD_ONLY_NOTE } from '../../src/answer/keyword-answer.ts';
import { loadConfig } from '../../src/config.ts';
import { PaperLibrary } from '../../src/retrieval/paper-library.ts';
import { createApp, DEFAULT_APP_OPTIONS } from '../../src/server/app.ts';
import { startServer } from '../../src/server/http/start-server.ts';
import { makeTempDir, writeFixtureSeeds } from '../helpers/fixture-seeds.ts';
import { TestHashingEmbeddings } from '../helpers/hashing-embeddings.ts';
import { postJson, silentLibraryLogger } from '../helpers/test-app.ts';

/** An embedder whose document embedding waits until released: a first build that takes a while. */
class GatedEmbeddings extends TestHashingEmbeddings {
  private release!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  open(): void {
    this.release();
  }
  override async embedDocuments(texts: string[]): Promise<number[][]> {
    await this.gate;
    return super.embedDocuments(texts);
  }
}

describe('first start (no index yet)', () => {
  it('answers keyword-only while the embeddings build, then switches to hybrid without a restart', async () => {
    const embeddings = new GatedEmbeddings();
    const config = loadConfig({ SEEDS_DIR: await writeFixtureSeeds(), DATA_DIR: await makeTempDir(), LOG_LEVEL: 'silent' });
    const library = new PaperLibrary(config, silentLibraryLogger, { select: async () => embeddings, byId: async () => embeddings });
    const pipeline = new AnswerPipeline(library);
    const app = createApp({ searchService: library, askService: pipeline, logger: pino({ level: 'silent' }) }, DEFAULT_APP_OPTIONS);
    const running = await startServer(app, { port: 0, host: '127.0.0.1' });
    try {
      const started = library.start();
      while (!library.status().keywordAnswers) await new Promise((resolve) => setTimeout(resolve, 10));

      const health = (await (await fetch(`${running.url}/api/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: 'indexing', keywordAnswers: true, papers: 4 });
      expect((await fetch(`${running.url}/api/ready`)).status).toBe(503);

      const keyword = (await (await postJson(`${running.url}/api/ask`, { question: 'Which papers use event cameras?' })).json()) as Record<string, unknown>;
      expect(keyword).toMatchObject({ retrievalMode: 'keyword', refused: false, warning: KEYWORD_ONLY_NOTE });
      expect((keyword.citations as Array<{ title: string }>)[0]!.title).toContain('EventFormer');
      const search = (await (await postJson(`${running.url}/api/search`, { query: 'event cameras', k: 2 })).json()) as { results: Array<{ title: string }> };
      expect(search.results[0]!.title).toContain('EventFormer');
      // Nothing in the papers: refused, still labelled.
      const unrelated = (await (await postJson(`${running.url}/api/ask`, { question: 'What is the boiling point of tungsten carbide?' })).json()) as Record<string, unknown>;
      expect(unrelated).toMatchObject({ retrievalMode: 'keyword', refused: true, citations: [] });

      embeddings.open();
      await started;
      expect(library.status()).toMatchObject({ status: 'ok', keywordAnswers: false });
      const hybrid = (await (await postJson(`${running.url}/api/ask`, { question: 'Which papers use event cameras?' })).json()) as Record<string, unknown>;
      expect(hybrid.retrievalMode).toBe('hybrid');
      expect(hybrid.warning).toBeUndefined();
    } finally {
      await running.close(1000);
      await library.close();
    }
  });
});
