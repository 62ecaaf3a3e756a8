import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface TestServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

async function listen(server: http.Server, requests: string[]): Promise<TestServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves `<modelsDir>/<model id>/<file>` as the hub's `/<model id>/resolve/main/<file>`. */
export async function startFakeHub(modelsDir: string): Promise<TestServer> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url ?? '');
    const match = /^\/(.+)\/resolve\/main\/(.+)$/.exec(request.url ?? '');
    const file = match ? path.join(modelsDir, ...match[1]!.split('/'), ...match[2]!.split('/')) : null;
    void (file ? fs.readFile(file) : Promise.reject(new Error('bad path'))).then(
      (body) => response.writeHead(200, { 'content-length': body.length }).end(body),
      () => response.writeHead(404).end('not found'),
    );
  });
  return listen(server, requests);
}

/** Accepts connections and never answers: a hub behind a black hole. */
export async function startSilentHub(): Promise<TestServer> {
  const requests: string[] = [];
  const server = http.createServer((request) => {
    requests.push(request.url ?? '');
  });
  return listen(server, requests);
}

/** A URL on which nothing listens (connection refused). */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  const { url, close } = await listen(server, []);
  await close();
  return url;
}
