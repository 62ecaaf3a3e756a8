import { z } from 'zod';
import { SOURCE_FORMATS, type FileReading, type MergedDuplicate, type Paper, type ParseProblem } from '../corpus/types.ts';

const problemSchema = z.object({ line: z.number().int(), text: z.string(), reason: z.string() });

const fileReportSchema = z.object({
  file: z.string(),
  format: z.enum(SOURCE_FORMATS).nullable(),
  bytes: z.number().int().nonnegative(),
  /** False for a file that held papers in the previous build and is gone now. */
  present: z.boolean(),
  entries: z.number().int().nonnegative(),
  added: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
  duplicates: z.array(
    z.object({
      line: z.number().int(),
      title: z.string(),
      paperId: z.string(),
      matchedBy: z.enum(['doi', 'arxivId', 'title']),
      into: z.object({ file: z.string(), line: z.number().int() }),
    }),
  ),
  rejected: z.array(problemSchema),
  conflicts: z.array(problemSchema),
  notes: z.array(problemSchema),
  /** Why nothing of the file could be read, when that is the case. */
  error: problemSchema.optional(),
});

/** What a build took from each seed file and what it changed; served by GET /api/index and printed by `npm run ingest`. */
export const ingestReportSchema = z.object({
  buildId: z.string(),
  status: z.enum(['built', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number().nonnegative(),
  /** Why the build failed (the previous index keeps serving). */
  error: z.string().optional(),
  totals: z.object({
    files: z.number().int().nonnegative(),
    entries: z.number().int().nonnegative(),
    papers: z.number().int().nonnegative(),
    added: z.number().int().nonnegative(),
    updated: z.number().int().nonnegative(),
    unchanged: z.number().int().nonnegative(),
    removed: z.number().int().nonnegative(),
    duplicates: z.number().int().nonnegative(),
    rejected: z.number().int().nonnegative(),
    conflicts: z.number().int().nonnegative(),
    unreadableFiles: z.number().int().nonnegative(),
    /** Texts that had to be embedded (the rest came from the embedding cache). */
    embedded: z.number().int().nonnegative(),
  }),
  files: z.array(fileReportSchema),
});

export type IngestReport = z.infer<typeof ingestReportSchema>;
export type FileReport = z.infer<typeof fileReportSchema>;

export interface ReportInput {
  buildId: string;
  startedAt: Date;
  files: FileReading[];
  duplicates: MergedDuplicate[];
  /** Conflicts found while merging (they name the file of the later entry). */
  mergeProblems: ParseProblem[];
  papers: Paper[];
  /** Papers of the index being replaced; empty on a first build. */
  previous: Paper[];
  embedded: number;
  error?: string;
}

/** What counts as a change of a paper: its text and metadata, not where its entries sit. */
function fingerprint(paper: Paper): string {
  const { sources: _sources, ...content } = paper;
  return JSON.stringify(content, Object.keys(content).sort());
}

const asProblem = ({ line, text, reason }: ParseProblem) => ({ line, text: text.slice(0, 200), reason });

/**
 * Attributes every paper to the file it was first read from (its first source) and compares it
 * with the previous build by id: new ids are added, changed text or metadata is updated, ids
 * that disappeared are removed (attributed to the file that used to hold them).
 */
export function buildIngestReport(input: ReportInput): IngestReport {
  const reports = new Map<string, FileReport>();
  const reportFor = (file: string, reading?: FileReading): FileReport => {
    let report = reports.get(file);
    if (!report) {
      report = { file, format: reading?.format ?? null, bytes: reading?.bytes ?? 0, present: reading !== undefined, entries: reading?.entries ?? 0, added: 0, updated: 0, unchanged: 0, removed: 0, duplicates: [], rejected: [], conflicts: [], notes: [] };
      reports.set(file, report);
    }
    return report;
  };
  for (const reading of input.files) {
    const report = reportFor(reading.file, reading);
    for (const problem of reading.problems) {
      const kind = problem.kind ?? 'rejected';
      if (kind === 'file') report.error = asProblem(problem);
      else if (kind === 'note') report.notes.push(asProblem(problem));
      else if (kind === 'conflict') report.conflicts.push(asProblem(problem));
      else report.rejected.push(asProblem(problem));
    }
  }
  for (const problem of input.mergeProblems) reportFor(problem.file).conflicts.push(asProblem(problem));
  for (const duplicate of input.duplicates) {
    const { file: _file, ...rest } = duplicate;
    reportFor(duplicate.file).duplicates.push(rest);
  }

  const previous = new Map(input.previous.map((paper) => [paper.id, paper]));
  const current = new Set<string>();
  for (const paper of input.papers) {
    current.add(paper.id);
    const report = reportFor(paper.sources[0]?.file ?? '');
    const before = previous.get(paper.id);
    if (!before) report.added++;
    else if (fingerprint(before) !== fingerprint(paper)) report.updated++;
    else report.unchanged++;
  }
  if (!input.error) {
    for (const paper of input.previous) if (!current.has(paper.id)) reportFor(paper.sources[0]?.file ?? '').removed++;
  }

  const files = [...reports.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const sum = (pick: (report: FileReport) => number) => files.reduce((total, report) => total + pick(report), 0);
  const finished = new Date();
  return {
    buildId: input.buildId,
    status: input.error ? 'failed' : 'built',
    startedAt: input.startedAt.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - input.startedAt.getTime(),
    ...(input.error ? { error: input.error } : {}),
    totals: {
      files: files.filter((report) => report.present).length,
      entries: sum((report) => report.entries),
      papers: input.error ? input.previous.length : input.papers.length,
      added: input.error ? 0 : sum((report) => report.added),
      updated: input.error ? 0 : sum((report) => report.updated),
      unchanged: input.error ? 0 : sum((report) => report.unchanged),
      removed: sum((report) => report.removed),
      duplicates: sum((report) => report.duplicates.length),
      rejected: sum((report) => report.rejected.length),
      conflicts: sum((report) => report.conflicts.length),
      unreadableFiles: files.filter((report) => report.error).length,
      embedded: input.embedded,
    },
    files,
  };
}

/** The report as the terminal shows it: one block per file, every rejected entry with file:line. */
export function formatIngestReport(report: IngestReport): string {
  const lines: string[] = [];
  for (const file of report.files) {
    const head = file.present ? `${file.file} (${file.format ?? 'unknown type'}, ${file.entries} entries read)` : `${file.file} (no longer present)`;
    const changes = `added ${file.added}, updated ${file.updated}, unchanged ${file.unchanged}, removed ${file.removed}, duplicates merged ${file.duplicates.length}, rejected ${file.rejected.length}`;
    lines.push(`${head}: ${changes}`);
    if (file.error) lines.push(`  ✗ ${file.file}:${file.error.line}: ${file.error.reason}`);
    for (const problem of file.rejected) lines.push(`  ✗ ${file.file}:${problem.line}: ${problem.reason}${problem.text ? ` — ${problem.text.slice(0, 80)}` : ''}`);
    for (const duplicate of file.duplicates) lines.push(`  = ${file.file}:${duplicate.line}: merged into ${duplicate.paperId} (${duplicate.into.file}:${duplicate.into.line}) by ${duplicate.matchedBy}`);
    for (const problem of file.conflicts) lines.push(`  ! ${file.file}:${problem.line}: ${problem.reason}`);
    for (const problem of file.notes) lines.push(`  · ${file.file}${problem.line > 0 ? `:${problem.line}` : ''}: ${problem.reason}`);
  }
  const t = report.totals;
  lines.push(
    report.status === 'failed'
      ? `build failed: ${report.error ?? 'unknown error'}; the previous index (${t.papers} papers) keeps serving`
      : `${t.files} files, ${t.entries} entries → ${t.papers} papers: ${t.added} added, ${t.updated} updated, ${t.unchanged} unchanged, ${t.removed} removed; ${t.duplicates} duplicates merged, ${t.rejected} entries rejected, ${t.conflicts} conflicts, ${t.unreadableFiles} unreadable files; ${t.embedded} texts embedded`,
  );
  return lines.join('\n');
}
