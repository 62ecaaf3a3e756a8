import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';

/** Compares an `Authorization: Bearer <token>` header in constant time. */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** Lets a request through when no token is configured or it presents the token; `reject` answers the rest (in its API's error shape). */
export function requireBearerToken(token: string | undefined, reject: (response: Response) => void): RequestHandler {
  return (request, response, next) => {
    if (!token || tokenMatches(request.headers.authorization, token)) {
      next();
      return;
    }
    reject(response);
  };
}
