import { Router, type Response } from 'express';
import { z } from 'zod';
import { CITATION_FORMATS, CITATION_MEDIA, formatBibliography, type CitationFormat } from '../../bibliography/export.ts';
import type { Paper } from '../../corpus/types.ts';
import { IndexNotReadyError, NotFoundError } from '../../errors.ts';
import type { SearchService } from '../../retrieval/types.ts';
import { paperIdSchema } from '../../retrieval/search-request-schema.ts';

const format = z.enum(CITATION_FORMATS);

export const citeQuerySchema = z.object({
  format: format.default('bibtex'),
  download: z.stringbool().default(false),
});

/** Enough for a long conversation's sources, a table or a cluster, small enough for one response. */
export const MAX_CITED_PAPERS = 500;

export const citeRequestSchema = z
  .object({
    paperIds: z.array(paperIdSchema).min(1).max(MAX_CITED_PAPERS),
    format,
    download: z.boolean().default(false),
  })
  .strict();

/** Unknown ids are one 404 naming them (at most ten), so a client can drop them and retry. */
function papersOrThrow(searchService: SearchService, paperIds: readonly string[]): Paper[] {
  const unique = [...new Set(paperIds)];
  const papers = unique.map((paperId) => searchService.getPaper(paperId));
  const missing = unique.filter((_paperId, position) => !papers[position]);
  if (missing.length > 0) {
    // Before any index is loaded every id is unknown: that is "not ready", not "not found".
    if (searchService.status().papers === 0) throw new IndexNotReadyError();
    const named = missing.slice(0, 10).map((paperId) => JSON.stringify(paperId)).join(', ');
    throw new NotFoundError(`No paper with ${missing.length === 1 ? 'id' : 'ids'} ${named}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}.`);
  }
  return papers as Paper[];
}

function sendBibliography(response: Response, papers: readonly Paper[], format: CitationFormat, download: boolean): void {
  const { text, keys } = formatBibliography(papers, format);
  const { contentType, extension } = CITATION_MEDIA[format];
  response.setHeader('Content-Type', contentType);
  if (download) {
    const stem = papers.length === 1 ? keys.get(papers[0]!.id)! : 'paperchat-citations';
    response.setHeader('Content-Disposition', `attachment; filename="${stem}.${extension}"`);
  }
  response.send(text);
}

/**
 * Bibliography export: GET /api/papers/:id/cite?format=bibtex|ris|csl-json[&download=1] for one
 * paper, POST /api/cite {paperIds, format, download?} for a set (an answer's sources, a
 * conversation, a table, a cluster), in the order given, duplicates dropped.
 */
export function citeRoutes(searchService: SearchService): Router {
  const router = Router();
  router.get('/papers/:id/cite', (request, response) => {
    const query = citeQuerySchema.parse(request.query);
    const id = paperIdSchema.safeParse(request.params.id);
    if (!id.success) throw new NotFoundError('No paper with that id.');
    sendBibliography(response, papersOrThrow(searchService, [id.data]), query.format, query.download);
  });
  router.post('/cite', (request, response) => {
    const body = citeRequestSchema.parse(request.body);
    sendBibliography(response, papersOrThrow(searchService, body.paperIds), body.format, body.download);
  });
  return router;
}
