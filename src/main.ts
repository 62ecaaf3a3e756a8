import { pino } from 'pino';
import { createAnswerProvider } from './answer/create-answer-provider.ts';
import { AnswerPipeline } from './answer/pipeline.ts';
import { loadConfig, type Config } from './config.ts';
import { PaperchatError } from './errors.ts';
import { PaperLibrary } from './retrieval/paper-library.ts';
import { createApp } from './server/app.ts';
import { installShutdownHandlers, startServer } from './server/http/start-server.ts';
import { createMetrics } from './server/metrics.ts';

/** `npm start`: wires the real dependencies, serves at once, loads or builds the index. */
async function main(config: Config): Promise<void> {
  const logger = pino({ level: config.LOG_LEVEL });
  const provider = createAnswerProvider(config);
  const metrics = createMetrics();
  const library = new PaperLibrary(config, {
    info: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
    error: (message) => logger.error(message),
  });
  let lastLogged = -1;
  library.onBuildProgress = (phase, done, total) => {
    const percent = total > 0 ? Math.floor((done / total) * 10) * 10 : 100;
    if (phase === 'embed' && percent !== lastLogged) {
      lastLogged = percent;
      logger.info(`indexing: embedding ${done}/${total} texts (${percent}%)`);
    }
  };
  library.onSwap = (live) => metrics.indexVectors.set(live.index.manifest.counts.vectors);
  const pipeline = new AnswerPipeline(library, provider, {
    onStage: (stage, seconds) => metrics.stageDuration.observe({ stage }, seconds),
    onLlmError: (name) => metrics.llmErrors.inc({ provider: name }),
  });
  const app = createApp(
    { searchService: library, askService: pipeline, logger, indexAdmin: library, metrics },
    { rateLimitPerMinute: config.RATE_LIMIT_PER_MIN, corsOrigin: config.CORS_ORIGIN, adminToken: config.ADMIN_TOKEN, bodyLimit: '64kb', requestTimeoutMs: config.LLM_TIMEOUT_MS },
  );
  const running = await startServer(app, { port: config.PORT, host: config.HOST });
  logger.info(`paperchat listening on ${running.url} (answers: ${provider.name})`);
  installShutdownHandlers(running, logger, () => library.close());
  library.watchForExternalBuilds();
  library.start().catch((error: unknown) => {
    logger.error(`could not build the index: ${error instanceof Error ? error.message : String(error)}; the server keeps running, retry with POST /api/admin/reindex or npm run ingest`);
  });
}

try {
  await main(loadConfig());
} catch (error) {
  // Misconfiguration is one clear line, not a stack trace.
  console.error(`paperchat: ${error instanceof PaperchatError || error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
