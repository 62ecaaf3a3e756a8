import { promises as fs } from 'node:fs';
import { z } from 'zod';

/*
 * The shape of a saved evaluation run (`npm run eval -- --out=FILE`). These schemas are the
 * boundary `--compare` reads through, so a run saved by an older or hand-edited file fails
 * with the field that is wrong instead of printing NaN later.
 */

export const RUN_FORMAT = 'paperchat-eval-run';
export const RUN_FORMAT_VERSION = 1;

/** A mean with its 95 % percentile-bootstrap interval over `n` questions. */
export const estimateSchema = z.object({
  mean: z.number(),
  low: z.number(),
  high: z.number(),
  n: z.number().int().nonnegative(),
});
export type Estimate = z.infer<typeof estimateSchema>;

export const setKindSchema = z.enum(['retrieval', 'conversation', 'unanswerable']);
export type SetKind = z.infer<typeof setKindSchema>;

const retrievalResultSchema = z.object({
  /** Paper ids, best first: the top 10 (or |G| when the gold set is larger). */
  ranking: z.array(z.string()),
  /** 1-based rank of the first gold paper in `ranking`; null when none is there. */
  goldRank: z.number().int().positive().nullable(),
  recallAt1: z.number(),
  recallAt5: z.number(),
  recallAt10: z.number(),
  reciprocalRank: z.number(),
  recallAtGold: z.number(),
});
export type RetrievalResult = z.infer<typeof retrievalResultSchema>;

const answerResultSchema = z.object({
  answer: z.string(),
  /** Distinct cited paper ids, in citation order. */
  cited: z.array(z.string()),
  /** Papers the pipeline retrieved for the (last) turn. */
  retrieved: z.array(z.string()),
  refused: z.boolean(),
  /** AskResult.confidence; null when the pipeline reported none. */
  confidence: z.number().nullable(),
  /** The remaining fields are null where they do not apply (no gold set, no answer_contains, not unanswerable). */
  goldCited: z.boolean().nullable(),
  contains: z.boolean().nullable(),
  citationPrecision: z.number().nullable(),
  citationRecall: z.number().nullable(),
  passed: z.boolean().nullable(),
  retrievedAt5: z.number().nullable(),
  ms: z.number(),
});
export type AnswerResult = z.infer<typeof answerResultSchema>;

export const questionRecordSchema = z.object({
  split: z.string(),
  set: z.string(),
  setKind: setKindSchema,
  id: z.string(),
  /** For conversations, the user turns joined with " → ". */
  question: z.string(),
  turns: z.array(z.string()).nullable(),
  /** `kind` of an unanswerable question (offtopic, nearmiss, injection). */
  unanswerableKind: z.string().nullable(),
  /** Gold paper ids (empty for unanswerable questions). */
  gold: z.array(z.string()),
  retrieval: retrievalResultSchema.nullable(),
  answer: answerResultSchema.nullable(),
});
export type QuestionRecord = z.infer<typeof questionRecordSchema>;

export const sectionSchema = z.enum(['retrieval', 'answers']);
export type Section = z.infer<typeof sectionSchema>;

export const summaryRowSchema = z.object({
  split: z.string(),
  /** A set name, or POOLED_ANSWERABLE for the row over every answerable question of the split. */
  set: z.string(),
  setKind: setKindSchema.nullable(),
  section: sectionSchema,
  n: z.number().int().nonnegative(),
  metrics: z.record(z.string(), estimateSchema),
  meanMs: z.number().nullable(),
});
export type SummaryRow = z.infer<typeof summaryRowSchema>;

export const curvePointSchema = z.object({
  /** null for the operating point: the refusals the pipeline actually made. */
  threshold: z.number().nullable(),
  /** Refusal rate on unanswerable questions: `all` and one entry per kind. */
  unanswerable: z.record(z.string(), z.number()),
  /** False-refusal rate on answerable questions: `all` and one entry per set. */
  answerable: z.record(z.string(), z.number()),
  /** The two `all` rates with their intervals; null when the split has no such questions. */
  unanswerableAll: estimateSchema.nullable(),
  answerableAll: estimateSchema.nullable(),
});
export type CurvePoint = z.infer<typeof curvePointSchema>;

export const refusalCurveSchema = z.object({
  split: z.string(),
  /** Why there is no curve (e.g. no confidence on the answers); null when `points` holds it. */
  skipped: z.string().nullable(),
  /** Questions behind each column. */
  counts: z.object({ unanswerable: z.record(z.string(), z.number().int()), answerable: z.record(z.string(), z.number().int()) }),
  points: z.array(curvePointSchema),
});
export type RefusalCurve = z.infer<typeof refusalCurveSchema>;

export const runConfigSchema = z.object({
  /** One line describing what was measured, printed by --compare. */
  description: z.string(),
  label: z.string().nullable(),
  embedder: z.string(),
  provider: z.string(),
  answerK: z.number().int(),
  retrievalK: z.number().int(),
  splits: z.array(z.object({ name: z.string(), dir: z.string() })),
  sets: z.array(z.string()).nullable(),
  retrievalOnly: z.boolean(),
  bootstrap: z.object({ resamples: z.number().int(), seed: z.number().int(), level: z.number() }),
  git: z.object({ commit: z.string(), dirty: z.boolean() }).nullable(),
  createdAt: z.string(),
});
export type RunConfig = z.infer<typeof runConfigSchema>;

export const evalRunSchema = z.object({
  format: z.literal(RUN_FORMAT),
  version: z.literal(RUN_FORMAT_VERSION),
  config: runConfigSchema,
  elapsedSeconds: z.number(),
  records: z.array(questionRecordSchema),
  summary: z.array(summaryRowSchema),
  curves: z.array(refusalCurveSchema),
});
export type EvalRun = z.infer<typeof evalRunSchema>;

/** Parses a saved run; the error names `source` and the first offending fields. */
export function parseRun(value: unknown, source: string): EvalRun {
  const parsed = evalRunSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  const more = parsed.error.issues.length > 3 ? ` (and ${parsed.error.issues.length - 3} more)` : '';
  throw new Error(`${source} is not a saved eval run (npm run eval -- --out=FILE): ${issues.join('; ')}${more}`);
}

export async function readRun(file: string): Promise<EvalRun> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseRun(value, file);
}
