import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { SUPPORTED_EXTENSIONS, formatForFile } from '../../corpus/formats/index.ts';
import { readSeedBytes } from '../../corpus/formats/read-seed-file.ts';
import { UPLOADS_DIR } from '../../corpus/read-seeds.ts';
import { writeFileAtomic } from '../../index/atomic-write.ts';
import type { IndexAdmin, UploadSettings } from '../dependencies.ts';
import { tokenMatches } from '../http/bearer-token.ts';
import { sendError } from './errors.ts';

/** 404 without ADMIN_TOKEN (the endpoints do not exist then), 401 without the right bearer token. */
function requireAdmin(adminToken: string | undefined): RequestHandler {
  return (request, response, next) => {
    if (!adminToken) {
      sendError(response, 404, 'admin_disabled', 'Admin endpoints are disabled (set ADMIN_TOKEN to enable them).');
      return;
    }
    if (!tokenMatches(request.headers.authorization, adminToken)) {
      sendError(response, 401, 'unauthorized', 'A valid Authorization: Bearer <ADMIN_TOKEN> header is required.');
      return;
    }
    next();
  };
}

/** POST /api/admin/reindex: rebuild aside and swap in; disabled without ADMIN_TOKEN. */
export function adminRoutes(indexAdmin: IndexAdmin, adminToken: string | undefined, logger: Logger): Router {
  const router = Router();
  router.post('/reindex', requireAdmin(adminToken), (_request, response) => {
    if (indexAdmin.isRebuilding) {
      sendError(response, 409, 'build_in_progress', 'A rebuild is already running.');
      return;
    }
    indexAdmin.rebuild('admin').catch((error: unknown) => logger.error({ err: error }, 'reindex failed; the previous index is still served'));
    response.status(202).json({ status: 'rebuilding' });
  });
  return router;
}

const FILE_NAME = /^[\w][\w .()+-]{0,118}$/;

/**
 * POST /api/admin/papers?filename=zotero.bib[&wait=true]: the raw file as the body (any content
 * type), at most UPLOAD_MAX_MB. The file is read first; one without a single valid entry is
 * refused (400, naming file:line and the reason) and not stored. Otherwise it is stored as
 * SEEDS_DIR/uploads/<filename> (replacing an earlier upload of that name) and a rebuild starts;
 * the response carries this file's reading and either the build's report (wait=true) or the
 * build id to follow on GET /api/index. Mounted before the JSON body parser: the body is bytes.
 */
export function uploadRoute(indexAdmin: IndexAdmin, settings: UploadSettings, adminToken: string | undefined): RequestHandler[] {
  const raw = express.raw({ type: () => true, limit: settings.maxBytes });
  const handler: RequestHandler = async (request, response) => {
    const name = typeof request.query.filename === 'string' ? request.query.filename.trim() : '';
    if (!name) {
      sendError(response, 400, 'invalid_request', `filename: required query parameter, e.g. ?filename=library.bib (one of ${SUPPORTED_EXTENSIONS.join(', ')})`);
      return;
    }
    if (!FILE_NAME.test(name) || name !== path.basename(name)) {
      sendError(response, 400, 'invalid_request', 'filename: letters, digits, spaces and . _ - ( ) + only, no folders, at most 119 characters');
      return;
    }
    if (!formatForFile(name)) {
      sendError(response, 400, 'unsupported_format', `filename: unsupported file type; use one of ${SUPPORTED_EXTENSIONS.join(', ')}`);
      return;
    }
    const body: unknown = request.body;
    const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    const file = `${UPLOADS_DIR}/${name}`;
    const { reading } = readSeedBytes(file, bytes, { titleOnly: settings.titleOnly });
    const fatal = reading.problems.find((problem) => problem.kind === 'file');
    if (reading.entries === 0) {
      const first = fatal ?? reading.problems.find((problem) => problem.kind === 'rejected');
      const reason = first ? `${file}:${first.line}: ${first.reason}` : `${file}: no entries found`;
      response.status(400).json({ error: { code: 'invalid_file', message: `No valid entries: ${reason}` }, file: reading });
      return;
    }
    await writeFileAtomic(path.join(settings.seedsDir, UPLOADS_DIR, name), bytes);
    const started = indexAdmin.requestRebuild('upload');
    if (request.query.wait === 'true' || request.query.wait === '1') {
      const report = await indexAdmin.waitForBuild();
      response.status(report?.status === 'failed' ? 422 : 200).json({ status: report?.status ?? 'built', file: reading, report });
      return;
    }
    response.status(202).json({ status: started.queued ? 'queued' : 'rebuilding', buildId: started.buildId, file: reading, poll: '/api/index' });
  };
  return [requireAdmin(adminToken), raw, handler];
}
