import { hostHeaderValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import type { RequestHandler } from 'express';
import { sendJsonRpcError } from './http-routes.ts';

/** Which Host and Origin headers /mcp accepts (DNS-rebinding protection). */
export interface RebindingAllowList {
  allowedHosts: string[];
  allowedOrigins: string[];
}

/**
 * DNS-rebinding protection for /mcp: the SDK's Host check (hostname, port-agnostic), then the
 * Origin a browser sends. Requests without Origin (MCP clients are not browsers) pass that check.
 * Both answer 403 with a JSON-RPC error naming the rejected header.
 */
export function rebindingProtection({ allowedHosts, allowedOrigins }: RebindingAllowList): RequestHandler[] {
  const allowed = new Set(allowedOrigins);
  const checkOrigin: RequestHandler = (request, response, next) => {
    const origin = request.headers.origin;
    if (origin === undefined || allowed.has(origin)) {
      next();
      return;
    }
    sendJsonRpcError(response, { status: 403, message: `Invalid Origin: ${origin} is not allowed (ALLOWED_ORIGINS)` });
  };
  return [hostHeaderValidation(allowedHosts), checkOrigin];
}
