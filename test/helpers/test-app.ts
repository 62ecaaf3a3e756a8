import { pino, type Logger } from 'pino';
import type { AnswerProvider } from '../../src/answer/types.ts';
import { AnswerPipeline } from '../../src/answer/pipeline.ts';
import { ExtractiveAnswerProvider } from '../../src/answer/providers/extractive.ts';
import { createTableService } from '../../src/answer/table/create-table-service.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { PaperLibrary } from '../../src/retrieval/paper-library.ts';
import { createApp, DEFAULT_APP_OPTIONS, type AppOptions } from '../../src/server/app.ts';
import { startServer } from '../../src/server/http/start-server.ts';
import { createMetrics } from '../../src/server/metrics.ts';
import { makeTempDir, writeFixtureSeeds } from './fixture-seeds.ts';
import { TestHashingEmbeddings } from './hashing-embeddings.ts';

export const silentLibraryLogger = { info: () => {}, warn: () => {}, error: () => {} };

export interface TestApp {
  url: string;
  config: Config;
  library: PaperLibrary;
  /** The app's answer pipeline, for serving it over other transports (MCP). */
  pipeline: AnswerPipeline;
  close(): Promise<void>;
}

/**
 * The real app (real index, retrieval and answer pipeline) over the fixture papers, with
 * deterministic test embeddings, listening on a free loopback port.
 */
export async function startTestApp(options: { appOptions?: Partial<AppOptions>; provider?: AnswerProvider; env?: Record<string, string>; logger?: Logger } = {}): Promise<TestApp> {
  const config = loadConfig({ SEEDS_DIR: await writeFixtureSeeds(), DATA_DIR: await makeTempDir(), LOG_LEVEL: 'silent', ...options.env });
  const embeddings = new TestHashingEmbeddings();
  const library = new PaperLibrary(config, silentLibraryLogger, { select: async () => embeddings, byId: async () => embeddings });
  await library.start();
  const metrics = createMetrics();
  const pipeline = new AnswerPipeline(library, options.provider, { onLlmError: (provider) => metrics.llmErrors.inc({ provider }) });
  const app = createApp(
    {
      searchService: library,
      askService: pipeline,
      tableService: createTableService(library, options.provider ?? new ExtractiveAnswerProvider()),
      logger: options.logger ?? pino({ level: 'silent' }),
      indexAdmin: library,
      metrics,
      uploads: { seedsDir: config.SEEDS_DIR, maxBytes: config.UPLOAD_MAX_MB * 1024 * 1024, titleOnly: config.INGEST_TITLE_ONLY },
    },
    { ...DEFAULT_APP_OPTIONS, ...options.appOptions },
  );
  const running = await startServer(app, { port: 0, host: '127.0.0.1' });
  return { url: running.url, config, library, pipeline, close: () => running.close(1000) };
}

export interface ParsedEvent {
  event: string;
  data: unknown;
}

/** Parses a complete text/event-stream body. */
export function parseEventStream(body: string): ParsedEvent[] {
  return body
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      return { event, data: JSON.parse(data) as unknown };
    });
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}
