import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { PaperchatError } from '../../errors.ts';

export interface ErrorBody {
  error: { code: string; message: string };
}

export function sendError(response: Response, status: number, code: string, message: string): void {
  response.status(status).json({ error: { code, message } } satisfies ErrorBody);
}

/** "field: problem; field: problem" — names what is wrong without echoing the input. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
}

/** Body-parser failures carry a `type` and an HTTP status of their own. */
interface HttpParseError {
  type?: string;
  status?: number;
  statusCode?: number;
}

/** The one place errors become HTTP responses; never a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, next) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    if (error instanceof z.ZodError) {
      sendError(response, 400, 'invalid_request', describeZodError(error));
      return;
    }
    if (error instanceof PaperchatError) {
      if (error.status >= 500) logger.warn({ requestId: request.id, code: error.code }, error.message);
      if (error.retryable && error.status === 503) response.setHeader('Retry-After', '5');
      sendError(response, error.status, error.code, error.message);
      return;
    }
    const parseError = error as HttpParseError;
    const status = parseError.status ?? parseError.statusCode;
    if (parseError.type === 'entity.too.large') {
      sendError(response, 413, 'payload_too_large', 'The request body is too large.');
      return;
    }
    if (parseError.type === 'entity.parse.failed') {
      sendError(response, 400, 'invalid_json', 'The request body is not valid JSON.');
      return;
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendError(response, status, 'bad_request', 'The request could not be read.');
      return;
    }
    logger.error({ err: error, requestId: request.id }, 'unhandled error');
    sendError(response, 500, 'internal_error', 'Internal error');
  };
}

export const apiNotFound: RequestHandler = (request, response) => {
  sendError(response, 404, 'not_found', `No API route ${request.method} ${request.path}`);
};
