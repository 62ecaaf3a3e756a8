import { createAnswerProvider } from './answer/create-answer-provider.ts';
import { AnswerPipeline, type PipelineObserver } from './answer/pipeline.ts';
import { createTableService } from './answer/table/create-table-service.ts';
import type { TableService } from './answer/table/types.ts';
import type { AnswerProvider } from './answer/types.ts';
import type { Config } from './config.ts';
import type { BuildPhase } from './index/build-index.ts';
import { PaperLibrary, type LibraryLogger } from './retrieval/paper-library.ts';

export interface Services {
  provider: AnswerProvider;
  library: PaperLibrary;
  pipeline: AnswerPipeline;
  tables: TableService;
}

/** Logs embedding progress in 10 % steps: a first build over the full corpus takes a while. */
function embedProgressLogger(logger: LibraryLogger): (phase: BuildPhase, done: number, total: number) => void {
  let lastLogged = -1;
  return (phase, done, total) => {
    const percent = total > 0 ? Math.floor((done / total) * 10) * 10 : 100;
    if (phase === 'embed' && percent !== lastLogged) {
      lastLogged = percent;
      logger.info(`indexing: embedding ${done}/${total} texts (${percent}%)`);
    }
  };
}

/**
 * The library and answer pipeline as the long-running entry points (`npm start`, `npm run mcp`)
 * wire them. Nothing is loaded yet: the caller decides when to `library.start()`.
 * Misconfiguration of the answer provider throws a ConfigError here.
 */
export async function createServices(config: Config, logger: LibraryLogger, observer?: PipelineObserver): Promise<Services> {
  const provider = await createAnswerProvider(config);
  const library = new PaperLibrary(config, logger);
  library.onBuildProgress = embedProgressLogger(logger);
  const pipeline = new AnswerPipeline(library, provider, observer);
  return { provider, library, pipeline, tables: createTableService(library, provider) };
}
