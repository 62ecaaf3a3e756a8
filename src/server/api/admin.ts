import { Router } from 'express';
import type { Logger } from 'pino';
import type { IndexAdmin } from '../dependencies.ts';
import { tokenMatches } from '../http/bearer-token.ts';
import { sendError } from './errors.ts';

/** POST /api/admin/reindex: rebuild aside and swap in; disabled without ADMIN_TOKEN. */
export function adminRoutes(indexAdmin: IndexAdmin, adminToken: string | undefined, logger: Logger): Router {
  const router = Router();
  router.post('/reindex', (request, response) => {
    if (!adminToken) {
      sendError(response, 404, 'admin_disabled', 'Admin endpoints are disabled (set ADMIN_TOKEN to enable them).');
      return;
    }
    if (!tokenMatches(request.headers.authorization, adminToken)) {
      sendError(response, 401, 'unauthorized', 'A valid Authorization: Bearer <ADMIN_TOKEN> header is required.');
      return;
    }
    if (indexAdmin.isRebuilding) {
      sendError(response, 409, 'build_in_progress', 'A rebuild is already running.');
      return;
    }
    indexAdmin.rebuild().catch((error: unknown) => logger.error({ err: error }, 'reindex failed; the previous index is still served'));
    response.status(202).json({ status: 'rebuilding' });
  });
  return router;
}
