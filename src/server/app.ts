import { randomUUID } from 'node:crypto';
import path from 'node:path';
import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { PROJECT_ROOT, type TrustProxy } from '../config.ts';
import { describePaper } from '../retrieval/paper-metadata.ts';
import { mcpHttpRoutes, sendJsonRpcError } from '../mcp/http-routes.ts';
import { rebindingProtection } from '../mcp/rebinding-protection.ts';
import { adminRoutes, uploadRoute } from './api/admin.ts';
import { apiNotFound, errorHandler, sendError } from './api/errors.ts';
import { apiRoutes } from './api/routes.ts';
import { similarRoutes } from './api/similar-routes.ts';
import { citeRoutes } from './api/cite-routes.ts';
import { tableRoutes } from './api/table.ts';
import { mapRoutes } from './api/map.ts';
import type { AppDependencies } from './dependencies.ts';
import { requireBearerToken } from './http/bearer-token.ts';
import type { RebindingAllowList } from '../mcp/rebinding-protection.ts';
import { createMetrics } from './metrics.ts';
import { sendOpenAiError } from './openai/errors.ts';
import { openAiRoutes } from './openai/routes.ts';

export interface AppOptions {
  /** Requests per minute per client on /api/ask, /api/search, /v1/chat/completions and /mcp; 0 disables. */
  rateLimitPerMinute: number;
  corsOrigin?: string;
  adminToken?: string;
  /** When set, /api (but health, readiness and admin), /v1/* and /mcp require `Authorization: Bearer <apiToken>`. */
  apiToken?: string;
  /** express's `trust proxy`: whose X-Forwarded-For gives the client address for rate limits and logs. Default false. */
  trustProxy?: TrustProxy;
  /** Bound beyond loopback: /mcp accepts only these Host/Origin headers (DNS-rebinding protection). */
  mcpAllowList?: RebindingAllowList;
  bodyLimit: string;
  /** Non-streaming requests taking longer get a 503 JSON error. */
  requestTimeoutMs: number;
}

export const DEFAULT_APP_OPTIONS: AppOptions = { rateLimitPerMinute: 120, bodyLimit: '64kb', requestTimeoutMs: 60000 };

const UI_DIR = path.join(PROJECT_ROOT, 'src', 'server', 'ui');
/** Browser builds of the Markdown renderer and sanitiser, served locally (no CDN). */
const VENDOR_FILES: Record<string, string> = {
  'marked.esm.js': path.join(PROJECT_ROOT, 'node_modules', 'marked', 'lib', 'marked.esm.js'),
  'purify.es.mjs': path.join(PROJECT_ROOT, 'node_modules', 'dompurify', 'dist', 'purify.es.mjs'),
};

/** Probes and the admin routes (which take ADMIN_TOKEN instead) are outside API_TOKEN. */
const API_PATHS_WITHOUT_API_TOKEN = new Set(['/health', '/ready']);

const REQUEST_ID_PATTERN = /^[\w.-]{1,64}$/;

/** Chat clients resend the whole conversation on every turn; the schema still bounds each message. */
const CHAT_BODY_LIMIT = '1mb';

function requestTimeout(milliseconds: number): RequestHandler {
  return (request, response, next) => {
    const timer = setTimeout(() => {
      if (!response.headersSent) sendError(response, 503, 'timeout', 'The request took too long.');
    }, milliseconds);
    response.on('close', () => clearTimeout(timer));
    response.on('finish', () => clearTimeout(timer));
    next();
  };
}

/** The HTTP app, without listening (tests and src/main.ts start it). */
export function createApp(dependencies: AppDependencies, options: AppOptions = DEFAULT_APP_OPTIONS): Express {
  const { logger } = dependencies;
  const metrics = dependencies.metrics ?? createMetrics();
  const app = express();
  app.disable('x-powered-by');
  const trustProxy = options.trustProxy ?? false;
  app.set('trust proxy', trustProxy);

  app.use(
    pinoHttp({
      logger,
      genReqId: (request, response) => {
        const incoming = request.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
        response.setHeader('X-Request-Id', id);
        return id;
      },
      // Probes would drown the log; 503 while indexing is expected, not an error.
      autoLogging: { ignore: (request) => request.url === '/api/health' || request.url === '/api/ready' || request.url === '/metrics' },
      customLogLevel: (_request, response, error) => (error || (response.statusCode >= 500 && response.statusCode !== 503) ? 'error' : response.statusCode >= 400 ? 'warn' : 'info'),
      // request.raw.ip: the client's address as `trust proxy` resolves it (the proxy's own without TRUST_PROXY).
      serializers: { req: (request) => ({ id: request.id, method: request.method, url: request.url, remoteAddress: request.raw?.ip ?? request.remoteAddress }), res: (response) => ({ statusCode: response.statusCode }) },
    }),
  );
  app.use((request, response, next) => {
    const stop = metrics.httpDuration.startTimer({ method: request.method });
    response.on('finish', () => stop({ route: request.route?.path ? `${request.baseUrl}${request.route.path}` : request.baseUrl || 'static', status: String(response.statusCode) }));
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
        },
      },
    }),
  );
  if (options.corsOrigin) app.use(['/api', '/v1'], cors({ origin: options.corsOrigin.split(',').map((origin) => origin.trim()) }));

  if (options.rateLimitPerMinute > 0) {
    const limiter = rateLimit({
      windowMs: 60_000,
      limit: options.rateLimitPerMinute,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      // Each of these checks runs on the first request and prints a stack trace if it trips:
      // TRUST_PROXY=true is the operator's explicit choice (warned about at start); without
      // TRUST_PROXY an X-Forwarded-For is untrusted client input (reported once below in the
      // app's own log), and so is a Forwarded header, which express never reads.
      validate: { trustProxy: false, xForwardedForHeader: false, forwardedHeader: false },
      handler: (request, response) => {
        const error = { status: 429, code: 'rate_limited', message: `Too many requests: at most ${options.rateLimitPerMinute} a minute. Try again shortly.` };
        if (request.baseUrl.startsWith('/v1')) sendOpenAiError(response, error);
        else if (request.baseUrl.startsWith('/mcp')) sendJsonRpcError(response, error);
        else sendError(response, error.status, error.code, error.message);
      },
    });
    // One budget across the APIs: they run the same pipeline.
    app.use(['/api/ask', '/api/search', '/api/table', '/v1/chat/completions', '/mcp'], limiter);
  }
  if (trustProxy === false) {
    let reported = false;
    app.use((request, _response, next) => {
      if (!reported && request.headers['x-forwarded-for'] !== undefined) {
        reported = true;
        logger.warn('X-Forwarded-For ignored: TRUST_PROXY is false, so rate limits and logs use the connecting address; behind a reverse proxy, set TRUST_PROXY (docs/deployment.md)');
      }
      next();
    });
  }
  const apiTokenGuard = requireBearerToken(options.apiToken, (response) => sendError(response, 401, 'unauthorized', 'A valid Authorization: Bearer <API_TOKEN> header is required.'));
  app.use('/api', (request, response, next) => {
    if (API_PATHS_WITHOUT_API_TOKEN.has(request.path) || request.path.startsWith('/admin/')) next();
    else apiTokenGuard(request, response, next);
  });
  // Uploads are raw file bytes, so their route comes before the JSON body parser.
  if (dependencies.indexAdmin && dependencies.uploads) app.post('/api/admin/papers', ...uploadRoute(dependencies.indexAdmin, dependencies.uploads, options.adminToken));
  app.use('/api', express.json({ limit: options.bodyLimit, strict: false, type: () => true }));
  app.use('/api', (request, response, next) => {
    if (request.method === 'POST' && (request.body === null || typeof request.body !== 'object' || Array.isArray(request.body))) {
      sendError(response, 400, 'invalid_request', 'body: expected a JSON object');
      return;
    }
    next();
  });
  app.use(['/api/search', '/api/papers'], requestTimeout(options.requestTimeoutMs));

  app.use('/api', apiRoutes(dependencies));
  app.use('/api', similarRoutes(dependencies.searchService));
  app.use('/api', citeRoutes(dependencies.searchService));
  if (dependencies.tableService) app.use('/api', tableRoutes(dependencies.tableService));
  app.use('/api', mapRoutes(dependencies));
  if (dependencies.indexAdmin) app.use('/api/admin', adminRoutes(dependencies.indexAdmin, options.adminToken, logger));
  app.use('/api', apiNotFound);

  app.use(
    '/v1',
    requireBearerToken(options.apiToken, (response) =>
      sendOpenAiError(response, { status: 401, code: 'invalid_api_key', message: 'A valid Authorization: Bearer <API_TOKEN> header is required.' }),
    ),
    express.json({ limit: CHAT_BODY_LIMIT, strict: false, type: () => true }),
    openAiRoutes(dependencies.askService, (paperId) => {
      const paper = dependencies.searchService.getPaper(paperId);
      return paper ? describePaper(paper) : '';
    }),
    errorHandler(logger, sendOpenAiError),
  );

  app.use(
    '/mcp',
    ...(options.mcpAllowList ? rebindingProtection(options.mcpAllowList) : []),
    requireBearerToken(options.apiToken, (response) => sendJsonRpcError(response, { status: 401, message: 'A valid Authorization: Bearer <API_TOKEN> header is required.' })),
    express.json({ limit: options.bodyLimit }),
    mcpHttpRoutes({ searchService: dependencies.searchService, askService: dependencies.askService }),
    errorHandler(logger, sendJsonRpcError),
  );

  app.get('/metrics', async (_request, response) => {
    const status = dependencies.searchService.status();
    metrics.indexPapers.set(status.papers);
    metrics.indexChunks.set(status.chunks);
    response.setHeader('Content-Type', metrics.registry.contentType);
    response.send(await metrics.registry.metrics());
  });
  app.get('/vendor/:file', (request, response) => {
    const file = VENDOR_FILES[request.params.file];
    if (!file) {
      sendError(response, 404, 'not_found', 'No such file.');
      return;
    }
    response.type('application/javascript').sendFile(file);
  });
  app.use(express.static(UI_DIR, { index: 'index.html', maxAge: 0 }));

  app.use(errorHandler(logger));
  return app;
}
