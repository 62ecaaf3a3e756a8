import { Router } from 'express';
import { z } from 'zod';
import { paperMetadata } from '../../retrieval/paper-metadata.ts';
import type { SearchService } from '../../retrieval/types.ts';
import { sendError } from './errors.ts';
import { paperIdSchema } from '../../retrieval/search-request-schema.ts';

export const similarQuerySchema = z.object({
  k: z.coerce.number().int().min(1).max(50).default(10),
});

/** GET /api/papers/:id/similar?k=10: the papers nearest to one paper, each with why. */
export function similarRoutes(searchService: SearchService): Router {
  const router = Router();
  router.get('/papers/:id/similar', async (request, response) => {
    const { k } = similarQuerySchema.parse(request.query);
    const id = paperIdSchema.safeParse(request.params.id);
    if (!id.success) {
      sendError(response, 404, 'not_found', 'No paper with that id.');
      return;
    }
    // Unknown ids are a NotFoundError (404); while no full index is live, IndexNotReadyError (503).
    const similar = await searchService.similarPapers(id.data, { k });
    const paper = searchService.getPaper(id.data)!;
    response.json({
      paperId: paper.id,
      title: paper.title,
      results: similar.map((hit) => {
        const found = searchService.getPaper(hit.paperId);
        return { ...hit, ...(found ? paperMetadata(found) : {}) };
      }),
    });
  });
  return router;
}
