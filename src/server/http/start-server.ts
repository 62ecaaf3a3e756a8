import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from 'pino';

export interface RunningServer {
  server: Server;
  url: string;
  /** Stops accepting connections, lets in-flight requests finish (bounded), then resolves. */
  close(graceMs?: number): Promise<void>;
}

export function startServer(app: Express, { port, host }: { port: number; host: string }): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      const address = server.address() as AddressInfo;
      const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
      // Slow clients must not hold sockets forever; streaming answers keep writing.
      server.headersTimeout = 30_000;
      server.requestTimeout = 120_000;
      // Once closing, every response ends its keep-alive connection: busy clients would
      // otherwise keep sending requests on open sockets until the grace period runs out.
      let closing = false;
      const pending = new Set<ServerResponse>();
      const endKeepAlive = (response: ServerResponse) => {
        if (!response.headersSent) response.setHeader('Connection', 'close');
      };
      server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
        if (closing) {
          endKeepAlive(response);
          return;
        }
        pending.add(response);
        response.once('close', () => pending.delete(response));
      });
      resolve({
        server,
        url,
        close: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            closing = true;
            pending.forEach(endKeepAlive);
            const force = setTimeout(() => server.closeAllConnections(), graceMs);
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}

/** SIGTERM / SIGINT: finish in-flight requests, run `cleanup`, exit. A second signal exits at once. */
export function installShutdownHandlers(running: RunningServer, logger: Logger, cleanup: () => Promise<void> = async () => {}): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info(`${signal}: finishing in-flight requests`);
    running
      .close()
      .then(cleanup)
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
