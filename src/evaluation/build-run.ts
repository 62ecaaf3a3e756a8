import { execFileSync } from 'node:child_process';
import { BOOTSTRAP_LEVEL, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED } from './bootstrap.ts';
import { RUN_FORMAT, RUN_FORMAT_VERSION, type EvalRun, type QuestionRecord, type RefusalCurve, type RunConfig } from './records.ts';
import { refusalCurve } from './refusal-curve.ts';
import { summarize } from './summarize.ts';

/**
 * The commit a run measured, so a saved run can be traced back. `--no-optional-locks`
 * keeps `git status` from refreshing the index, which would race a concurrent `git add`
 * or commit in the same checkout. null outside a git checkout.
 */
export function gitState(cwd: string): RunConfig['git'] {
  try {
    const run = (args: string[]) => execFileSync('git', ['--no-optional-locks', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: run(['rev-parse', '--short', 'HEAD']), dirty: run(['status', '--porcelain', '--untracked-files=no']) !== '' };
  } catch {
    return null;
  }
}

export function describeRun(config: Omit<RunConfig, 'description'>): string {
  const git = config.git ? `git ${config.git.commit}${config.git.dirty ? ' + uncommitted changes' : ''}` : 'not in git';
  const what = config.retrievalOnly ? 'retrieval only' : `provider ${config.provider}, answer k=${config.answerK}`;
  return [config.label ? `"${config.label}"` : null, `embedder ${config.embedder}`, what, git, config.createdAt].filter(Boolean).join(' · ');
}

export function runConfig(fields: Omit<RunConfig, 'description' | 'bootstrap'>): RunConfig {
  const withBootstrap = { ...fields, bootstrap: { resamples: BOOTSTRAP_RESAMPLES, seed: BOOTSTRAP_SEED, level: BOOTSTRAP_LEVEL } };
  return { description: describeRun(withBootstrap), ...withBootstrap };
}

/** Everything a later --compare needs: the per-question records and what was derived from them. */
export function assembleRun(config: RunConfig, records: QuestionRecord[], elapsedSeconds: number): EvalRun {
  const bootstrap = { resamples: config.bootstrap.resamples, seed: config.bootstrap.seed, level: config.bootstrap.level };
  const curves = config.splits.flatMap((split): RefusalCurve[] => {
    const curve = refusalCurve(split.name, records, undefined, bootstrap);
    return curve ? [curve] : [];
  });
  return {
    format: RUN_FORMAT,
    version: RUN_FORMAT_VERSION,
    config,
    elapsedSeconds,
    records,
    summary: summarize(records, bootstrap),
    curves,
  };
}
