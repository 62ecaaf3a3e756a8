import { Router } from 'express';
import { z } from 'zod';
import { TABLE_FORMATS, tableToCsv, tableToMarkdown } from '../../answer/table/export.ts';
import type { TableService } from '../../answer/table/types.ts';
import { clientSignal } from '../http/client-signal.ts';

/** Papers retrieved for a question unless the caller says how many. */
export const DEFAULT_TABLE_K = 10;

/** A column is a few plain words or a question ("which model size?"), not markup or a document. */
const columnText = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((text) => /\p{L}/u.test(text), 'must contain words')
  .refine((text) => !/[\p{Cc}<>]/u.test(text), 'must be plain words (no control characters or markup)');

const formatSchema = z.enum(TABLE_FORMATS);

export const tableRequestSchema = z
  .object({
    paperIds: z.array(z.string().min(1).max(200)).min(1, 'must name at least one paper').max(30, 'at most 30 papers').optional(),
    question: z.string().trim().min(1, 'must not be empty').max(2000).optional(),
    columns: z.array(columnText).min(1, 'must name at least one column').max(12, 'at most 12 columns').optional(),
    k: z.number().int().min(1).max(30).optional(),
    format: formatSchema.optional(),
  })
  .strict()
  .superRefine((body, context) => {
    if ((body.paperIds === undefined) === (body.question === undefined)) {
      context.addIssue({ code: 'custom', path: body.paperIds ? ['question'] : ['paperIds'], message: 'give exactly one of paperIds or question' });
    }
    if (body.k !== undefined && body.question === undefined) context.addIssue({ code: 'custom', path: ['k'], message: 'k only applies with question' });
  });

/** A download name from the table's subject: letters, digits and dashes only. */
function fileName(subject: string, extension: string): string {
  const stem = subject.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'papers';
  return `comparison-${stem}.${extension}`;
}

/**
 * POST /api/table: one row per paper (the given ones, or those retrieved for a question), one
 * cell per column, each cell with its abstract spans or "not stated". `format` (body or query)
 * returns CSV or Markdown as a download instead of JSON.
 */
export function tableRoutes(tableService: TableService): Router {
  const router = Router();
  router.post('/table', async (request, response) => {
    const body = tableRequestSchema.parse(request.body);
    const format = body.format ?? z.object({ format: formatSchema.optional() }).parse({ format: request.query.format }).format ?? 'json';
    const table = await tableService.build(
      body.question !== undefined ? { question: body.question, k: body.k ?? DEFAULT_TABLE_K, columns: body.columns } : { paperIds: body.paperIds ?? [], columns: body.columns },
      clientSignal(request),
    );
    if (format === 'json') {
      response.json(table);
      return;
    }
    const subject = body.question ?? table.rows[0]?.title ?? 'papers';
    const [type, extension, text] = format === 'csv' ? ['text/csv', 'csv', tableToCsv(table)] : ['text/markdown', 'md', tableToMarkdown(table)];
    response.setHeader('Content-Disposition', `attachment; filename="${fileName(subject, extension)}"`);
    response.type(`${type}; charset=utf-8`).send(text);
  });
  return router;
}
