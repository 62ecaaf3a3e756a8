import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '../config.ts';
import { createEmbeddings } from '../embeddings/create-embeddings.ts';
import { buildIndex, type BuildPhase } from '../index/build-index.ts';
import { consoleLogger, runCommand } from './console-logger.ts';

/** `npm run ingest`: rebuild the index from seeds/ (the embedding cache makes unchanged texts free). */
runCommand(async () => {
  const config = loadConfig();
  const embeddings = await createEmbeddings(config, consoleLogger);
  const started = performance.now();
  const bar = new SingleBar({ format: ' {phase} [{bar}] {value}/{total} {eta_formatted}', hideCursor: true, stream: process.stderr }, Presets.shades_classic);
  let currentPhase: BuildPhase | null = null;
  try {
    const result = await buildIndex({
      seedsDir: config.SEEDS_DIR,
      dataDir: config.DATA_DIR,
      embeddings,
      onParseProblem: (problem) => consoleLogger.warn(`${problem.file}:${problem.line}: ${problem.reason}: ${problem.text.slice(0, 80)}`),
      onProgress: (phase, done, total) => {
        // Without a terminal (CI, logs) the bar would not render: print each phase once.
        if (!process.stderr.isTTY) {
          if (phase !== currentPhase) console.error(phase === 'embed' ? `embedding ${total} texts` : `${phase}…`);
          currentPhase = phase;
          return;
        }
        if (phase !== currentPhase) {
          if (currentPhase) bar.stop();
          currentPhase = phase;
          bar.start(Math.max(total, 1), done, { phase: phase.padEnd(6) });
        }
        bar.setTotal(Math.max(total, 1));
        bar.update(done, { phase: phase.padEnd(6) });
      },
    });
    bar.stop();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const { counts, embedder } = result.manifest;
    console.log(
      `indexed ${counts.entries} entries → ${counts.papers} papers, ${counts.chunks} chunks, ${counts.vectors} vectors ` +
        `(${result.embeddedCount} newly embedded) with ${embedder.id} in ${seconds} s → ${result.folder}`,
    );
    if (result.problems.length > 0) console.log(`${result.problems.length} seed lines could not be placed (listed above)`);
  } finally {
    bar.stop();
    await embeddings.close?.();
  }
});
