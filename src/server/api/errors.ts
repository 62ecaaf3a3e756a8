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

/** An error as the client sees it; each API family renders it in its own shape. */
export interface HttpError {
  status: number;
  code: string;
  message: string;
  /** The offending field (first validation issue), when known. */
  param?: string;
  /** Seconds the client should wait before retrying (503 while indexing). */
  retryAfter?: number;
}

/** Known failures (validation, typed errors, body parsing) become HttpErrors; anything else is undefined. */
export function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof z.ZodError) {
    const path = error.issues[0]?.path ?? [];
    return { status: 400, code: 'invalid_request', message: describeZodError(error), ...(path.length > 0 ? { param: path.join('.') } : {}) };
  }
  if (error instanceof PaperchatError) {
    return { status: error.status, code: error.code, message: error.message, ...(error.retryable && error.status === 503 ? { retryAfter: 5 } : {}) };
  }
  const parseError = error as HttpParseError;
  const status = parseError.status ?? parseError.statusCode;
  if (parseError.type === 'entity.too.large') return { status: 413, code: 'payload_too_large', message: 'The request body is too large.' };
  if (parseError.type === 'entity.parse.failed') return { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' };
  if (typeof status === 'number' && status >= 400 && status < 500) return { status, code: 'bad_request', message: 'The request could not be read.' };
  return undefined;
}

/** The stable code of an error that happened after the response started (reported in-stream). */
export function errorCode(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'internal_error';
}

export type ErrorSender = (response: Response, error: HttpError) => void;

const sendApiError: ErrorSender = (response, error) => sendError(response, error.status, error.code, error.message);

/** The one place errors become HTTP responses; never a stack trace. */
export function errorHandler(logger: Logger, send: ErrorSender = sendApiError): ErrorRequestHandler {
  return (error: unknown, request, response, next) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    const httpError = toHttpError(error);
    if (!httpError) {
      // A client that has gone (e.g. during shutdown) is not a server fault worth an error line.
      if (request.destroyed || response.destroyed) logger.debug({ err: error, requestId: request.id }, 'request failed after the client left');
      else logger.error({ err: error, requestId: request.id }, 'unhandled error');
      send(response, { status: 500, code: 'internal_error', message: 'Internal error' });
      return;
    }
    if (error instanceof PaperchatError && error.status >= 500) logger.warn({ requestId: request.id, code: error.code }, error.message);
    if (httpError.retryAfter !== undefined) response.setHeader('Retry-After', String(httpError.retryAfter));
    send(response, httpError);
  };
}

export const apiNotFound: RequestHandler = (request, response) => {
  sendError(response, 404, 'not_found', `No API route ${request.method} ${request.path}`);
};
