import { pino } from 'pino';
import { prepareNameLookup } from './answer/unknown-names.ts';
import { loadConfig, type Config } from './config.ts';
import { PaperchatError } from './errors.ts';
import { createApp } from './server/app.ts';
import { resolveExposure } from './server/http/exposure.ts';
import { installShutdownHandlers, startServer } from './server/http/start-server.ts';
import { createMetrics } from './server/metrics.ts';
import { createServices } from './services.ts';

/** `npm start`: wires the real dependencies, serves at once, loads or builds the index. */
async function main(config: Config): Promise<void> {
  // Before anything slow: a server that must not start should say so at once.
  const exposure = resolveExposure(config);
  const logger = pino({ level: config.LOG_LEVEL });
  if (config.TRUST_PROXY === true) logger.warn('TRUST_PROXY=true believes any X-Forwarded-For: safe only when clients cannot reach paperchat except through the proxy; prefer a hop count or the proxy addresses');
  if (!exposure.loopbackOnly && !config.API_TOKEN) logger.warn(`ALLOW_OPEN_ACCESS: serving on ${config.HOST} without API_TOKEN; anyone who can reach it can use the API`);
  const metrics = createMetrics();
  const { provider, library, pipeline, tables } = await createServices(
    config,
    { info: (message) => logger.info(message), warn: (message) => logger.warn(message), error: (message) => logger.error(message) },
    {
      onStage: (stage, seconds) => metrics.stageDuration.observe({ stage }, seconds),
      onLlmError: (name) => metrics.llmErrors.inc({ provider: name }),
    },
  );
  library.onSwap = (live) => {
    metrics.indexVectors.set(live.index.manifest.counts.vectors);
    // The refusal's name check reads the corpus's words: made now, in the background, not on the first question.
    prepareNameLookup(live.index).catch((error: unknown) => logger.warn(`preparing the name check failed: ${(error as Error).message}`));
  };
  // A database that cannot be reached or migrated stops the start here, in one line (below).
  await library.store.open();
  const app = createApp(
    {
      searchService: library,
      askService: pipeline,
      tableService: tables,
      logger,
      indexAdmin: library,
      metrics,
      uploads: { seedsDir: config.SEEDS_DIR, maxBytes: config.UPLOAD_MAX_MB * 1024 * 1024, titleOnly: config.INGEST_TITLE_ONLY },
    },
    { rateLimitPerMinute: config.RATE_LIMIT_PER_MIN, corsOrigin: config.CORS_ORIGIN, adminToken: config.ADMIN_TOKEN, apiToken: config.API_TOKEN, trustProxy: config.TRUST_PROXY, mcpAllowList: exposure.mcpAllowList, bodyLimit: '64kb', requestTimeoutMs: config.LLM_TIMEOUT_MS },
  );
  const running = await startServer(app, { port: config.PORT, host: config.HOST });
  logger.info(`paperchat listening on ${running.url} (answers: ${provider.name})`);
  const stopWatchingSeeds = library.watchSeedsDir();
  installShutdownHandlers(running, logger, async () => {
    stopWatchingSeeds();
    await library.close();
  });
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
