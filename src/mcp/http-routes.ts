import { Router, type Response } from 'express';
import type { McpDependencies } from './server.ts';

/** JSON-RPC's "server error" range: HTTP-level failures have no request id to answer. */
const JSON_RPC_SERVER_ERROR = -32000;

/** Errors on /mcp as JSON-RPC error objects, which MCP clients report with their message. */
export function sendJsonRpcError(response: Response, error: { status: number; message: string }): void {
  response.status(error.status).json({ jsonrpc: '2.0', error: { code: JSON_RPC_SERVER_ERROR, message: error.message }, id: null });
}

/**
 * `/mcp`: the same tools as `npm run mcp`, over streamable HTTP in stateless mode. Each POST
 * gets a fresh server and transport, so no session lives between requests and any instance
 * can answer; the standalone notification stream (GET) and session deletion (DELETE) do not apply.
 */
export function mcpHttpRoutes(dependencies: McpDependencies): Router {
  const router = Router();

  router.post('/', async (request, response) => {
    // The SDK is loaded on first use: most servers never see an MCP client, and it costs start-up time.
    const [{ StreamableHTTPServerTransport }, { createMcpServer }] = await Promise.all([import('@modelcontextprotocol/sdk/server/streamableHttp.js'), import('./server.ts')]);
    const server = createMcpServer(dependencies);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    response.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request, response, request.body);
  });

  router.all('/', (_request, response) => {
    response.setHeader('Allow', 'POST');
    sendJsonRpcError(response, { status: 405, message: 'Method not allowed: this MCP endpoint is stateless; send JSON-RPC requests with POST.' });
  });

  return router;
}
