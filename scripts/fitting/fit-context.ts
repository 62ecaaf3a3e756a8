import path from 'node:path';
import { consoleLogger } from '../../src/cli/console-logger.ts';
import { loadConfig, PROJECT_ROOT } from '../../src/config.ts';
import { loadEvalSets, type EvalSet } from '../../src/evaluation/eval-sets.ts';
import { PaperLibrary, type LiveIndex } from '../../src/retrieval/paper-library.ts';

/** What every fit-* script starts from: the live index and both eval splits, and its flags. */
export interface FitContext {
  library: PaperLibrary;
  live: LiveIndex;
  titleToId: Map<string, string>;
  splits: Array<{ split: 'tune' | 'check'; sets: EvalSet[] }>;
  /** --write: write the model fitted on the questions to its file in src/. */
  write: boolean;
  /** --fit-on=tune: a model that never saw the held-out split, so `npm run eval` on check is held out end to end. */
  fitOnTuneOnly: boolean;
}

export async function withFitContext(body: (context: FitContext) => Promise<void>): Promise<void> {
  const evalDir = path.resolve(PROJECT_ROOT, '../shared/eval');
  const library = new PaperLibrary(loadConfig(), consoleLogger);
  try {
    const live = await library.start();
    await body({
      library,
      live,
      titleToId: new Map(live.index.papers.map((paper) => [paper.title, paper.id])),
      splits: [
        { split: 'tune', sets: await loadEvalSets(evalDir) },
        { split: 'check', sets: await loadEvalSets(path.join(evalDir, 'check')) },
      ],
      write: process.argv.includes('--write'),
      fitOnTuneOnly: process.argv.includes('--fit-on=tune'),
    });
  } finally {
    await library.close();
  }
}
