import type { RequestHandler, Response } from 'express';
import type { ErrorSender, HttpError } from '../api/errors.ts';

/** OpenAI's error body, which its SDKs turn into typed exceptions (BadRequestError, AuthenticationError, …). */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** OpenAI's `type` for a status: clients branch on it (and on the status) to decide whether to retry. */
function errorType(status: number): string {
  if (status === 401) return 'invalid_request_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export function openAiErrorBody(error: Pick<HttpError, 'status' | 'code' | 'message' | 'param'>): OpenAiErrorBody {
  return { error: { message: error.message, type: errorType(error.status), param: error.param ?? null, code: error.code } };
}

export const sendOpenAiError: ErrorSender = (response: Response, error: HttpError) => {
  response.status(error.status).json(openAiErrorBody(error));
};

export const openAiNotFound: RequestHandler = (request, response) => {
  sendOpenAiError(response, { status: 404, code: 'not_found', message: `No route ${request.method} ${request.baseUrl}${request.path}` });
};
