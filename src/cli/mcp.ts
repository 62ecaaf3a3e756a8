// First import: nothing may write to stdout before (or besides) the protocol.
import '../mcp/stdout-guard.ts';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { loadConfig } from '../config.ts';
import { createMcpServer } from '../mcp/server.ts';
import { createServices } from '../services.ts';
import { consoleLogger, runCommand } from './console-logger.ts';

/**
 * `npm run mcp`: the paperchat tools over stdio for MCP hosts (Claude Desktop, IDEs). The
 * index is loaded (or built) as `npm start` does; the server connects at once so the host's
 * handshake never waits on a first build, and tools wait for the index instead. Logs go to stderr.
 */
runCommand(async () => {
  const config = loadConfig();
  const { provider, library, pipeline } = await createServices(config, consoleLogger);
  const ready = library.start();
  const server = createMcpServer({ searchService: library, askService: pipeline, ready });
  await server.connect(new StdioServerTransport());
  consoleLogger.info(`paperchat MCP server on stdio (answers: ${provider.name})`);

  // The host ends the session by closing stdin (or with a signal); runCommand exits when this settles.
  const closed = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  try {
    await Promise.race([ready, closed]);
    if (library.current) {
      consoleLogger.info('index ready');
      library.watchForExternalBuilds();
    }
    await closed;
  } finally {
    await server.close();
    await library.close();
  }
});
