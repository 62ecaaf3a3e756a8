import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '../config.ts';
import { createEmbeddings } from '../embeddings/create-embeddings.ts';
import { newBuildId, NoValidPapersError, type BuildPhase } from '../index/build-index.ts';
import { createIndexStore } from '../index/create-index-store.ts';
import { formatIngestReport } from '../index/ingest-report.ts';
import { consoleLogger, runCommand } from './console-logger.ts';

/**
 * `npm run ingest [-- --json]`: rebuild the index from SEEDS_DIR (the embedding cache makes
 * unchanged texts free) and print what was taken from each file: papers added / updated /
 * unchanged / removed, duplicates merged, every rejected entry with file:line and the reason.
 * `--json` prints the same report as JSON on stdout (progress stays on stderr). Exits 1 when no
 * file held a valid paper (the previous index is kept).
 */
runCommand(async () => {
  const json = process.argv.includes('--json');
  const config = loadConfig();
  const embeddings = await createEmbeddings(config, consoleLogger);
  const started = performance.now();
  const bar = new SingleBar({ format: ' {phase} [{bar}] {value}/{total} {eta_formatted}', hideCursor: true, stream: process.stderr }, Presets.shades_classic);
  let currentPhase: BuildPhase | null = null;
  // INDEX_STORE decides where the index goes: DATA_DIR, or a new generation in the database.
  const store = createIndexStore(config, consoleLogger);
  try {
    await store.open();
    const result = await store.build({
      seedsDir: config.SEEDS_DIR,
      embeddings,
      buildId: newBuildId(),
      ingest: { titleOnly: config.INGEST_TITLE_ONLY, maxFileBytes: config.INGEST_MAX_FILE_MB * 1024 * 1024 },
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
    if (json) {
      console.log(JSON.stringify(result.report, null, 2));
      return;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const { counts, embedder } = result.manifest;
    console.log(formatIngestReport(result.report));
    console.log(
      `indexed ${counts.entries} entries → ${counts.papers} papers, ${counts.chunks} chunks, ${counts.vectors} vectors ` +
        `(${result.embeddedCount} newly embedded) with ${embedder.id} in ${seconds} s → ${result.location}`,
    );
  } catch (error) {
    bar.stop();
    if (error instanceof NoValidPapersError) {
      console.log(json ? JSON.stringify(error.report, null, 2) : formatIngestReport(error.report));
    }
    throw error;
  } finally {
    bar.stop();
    await embeddings.close?.();
    await store.close();
  }
});
