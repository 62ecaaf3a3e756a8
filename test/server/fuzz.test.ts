import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ appOptions: { rateLimitPerMinute: 0 } });
});
afterAll(async () => {
  await app.close();
});

/** Small seeded PRNG so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

function randomValue(next: () => number, depth = 0): unknown {
  const choice = Math.floor(next() * (depth > 3 ? 5 : 8));
  switch (choice) {
    case 0: return null;
    case 1: return next() > 0.5;
    case 2: return Math.floor(next() * 1e6) * (next() > 0.5 ? -1 : 1);
    case 3: return 'x'.repeat(Math.floor(next() * 3000));
    case 4: return String.fromCharCode(...Array.from({ length: 20 }, () => Math.floor(next() * 0xffff)));
    case 5: return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
    default: {
      const keys = ['query', 'question', 'k', 'history', 'paperIds', 'stream', 'role', 'content', '__proto__', 'constructor'];
      return Object.fromEntries(Array.from({ length: Math.floor(next() * 5) }, () => [keys[Math.floor(next() * keys.length)]!, randomValue(next, depth + 1)]));
    }
  }
}

function rawPost(url: string, body: Buffer, contentType: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { 'content-type': contentType, 'content-length': body.length } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(body);
  });
}

const endpoints = ['/api/search', '/api/ask', '/api/papers/x', '/api/health', '/api/admin/reindex', '/v1/chat/completions'];
const contentTypes = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''];

describe('fuzzing every endpoint with malformed bodies', () => {
  it('never answers 5xx and stays healthy', async () => {
    const next = random(42);
    const bodies: Buffer[] = [
      Buffer.from('['.repeat(10_000) + ']'.repeat(10_000)),
      Buffer.from('{"query":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5001)),
      Buffer.from([0x7b, 0x22, 0x71, 0x75, 0x65, 0x72, 0x79, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]),
      Buffer.from('{"query": "\\ud800"}'),
      Buffer.from(JSON.stringify({ query: 'x'.repeat(70_000) })),
    ];
    for (let index = 0; index < 150; index++) bodies.push(Buffer.from(JSON.stringify(randomValue(next))));
    const statuses = new Map<number, number>();
    for (const [index, body] of bodies.entries()) {
      const endpoint = endpoints[index % endpoints.length]!;
      const contentType = contentTypes[Math.floor(next() * contentTypes.length)]!;
      const status = await rawPost(`${app.url}${endpoint}`, body, contentType);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect(status, `${endpoint} with ${body.subarray(0, 80).toString()}`).toBeLessThan(500);
    }
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
    expect(statuses.get(400)).toBeGreaterThan(0);
  });
});
