import http from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { resolveExposure } from '../../src/server/http/exposure.ts';
import { postJson, startTestApp, type TestApp } from '../helpers/test-app.ts';

const apps: TestApp[] = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

/** A pino logger whose JSON lines the test can read. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const search = (app: TestApp, forwardedFor?: string) => postJson(`${app.url}/api/search`, { query: 'event cameras' }, forwardedFor ? { 'x-forwarded-for': forwardedFor } : {});

/** express-rate-limit reports its own validation failures on the console. */
let consoleError: MockInstance;
let consoleWarn: MockInstance;
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error');
  consoleWarn = vi.spyOn(console, 'warn');
});
afterEach(() => {
  expect(consoleError).not.toHaveBeenCalled();
  expect(consoleWarn).not.toHaveBeenCalled();
  vi.restoreAllMocks();
});

describe('TRUST_PROXY', () => {
  it('set to the proxy (loopback here): clients behind it are rate-limited and logged by their forwarded address', async () => {
    const { logger, lines } = capturingLogger();
    const trustProxy = loadConfig({ TRUST_PROXY: 'loopback' }).TRUST_PROXY;
    const app = await startTestApp({ appOptions: { rateLimitPerMinute: 2, trustProxy }, logger });
    apps.push(app);
    const first = [await search(app, '203.0.113.7'), await search(app, '203.0.113.7'), await search(app, '203.0.113.7')].map((response) => response.status);
    const second = [await search(app, '198.51.100.9, 203.0.113.250'), await search(app, '198.51.100.9, 203.0.113.250')].map((response) => response.status);
    expect(first).toEqual([200, 200, 429]);
    // The right-most untrusted address is the client: 203.0.113.250 (a fresh budget), not the spoofable 198.51.100.9.
    expect(second).toEqual([200, 200]);
    const logged = lines.filter((line) => (line.req as { url?: string } | undefined)?.url === '/api/search').map((line) => (line.req as { remoteAddress?: string }).remoteAddress);
    expect(logged).toEqual(['203.0.113.7', '203.0.113.7', '203.0.113.7', '203.0.113.250', '203.0.113.250']);
  });

  it('a hop count trusts that many proxies', async () => {
    const trustProxy = loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY;
    const app = await startTestApp({ appOptions: { rateLimitPerMinute: 1, trustProxy } });
    apps.push(app);
    expect((await search(app, '203.0.113.1')).status).toBe(200);
    expect((await search(app, '203.0.113.2')).status).toBe(200);
    expect((await search(app, '203.0.113.1')).status).toBe(429);
  });

  it('unset: X-Forwarded-For is ignored, so a spoofed address does not escape the limit; one warning in the app log', async () => {
    const { logger, lines } = capturingLogger();
    const app = await startTestApp({ appOptions: { rateLimitPerMinute: 2 }, logger });
    apps.push(app);
    const statuses = [await search(app, '203.0.113.7'), await search(app, '203.0.113.8'), await search(app, '203.0.113.9'), await search(app)].map((response) => response.status);
    expect(statuses).toEqual([200, 200, 429, 429]);
    const addresses = lines.filter((line) => line.req).map((line) => (line.req as { remoteAddress?: string }).remoteAddress);
    expect(new Set(addresses)).toEqual(new Set(['127.0.0.1']));
    expect(lines.filter((line) => String(line.msg).startsWith('X-Forwarded-For ignored'))).toHaveLength(1);
  });

  it('a Forwarded header is not read either (express does not support it), and express-rate-limit stays quiet about it', async () => {
    // express-rate-limit runs each of its checks on the first request only: this one carries the header.
    const app = await startTestApp({ appOptions: { rateLimitPerMinute: 1, trustProxy: 1 } });
    apps.push(app);
    const forwarded = (address: string) => postJson(`${app.url}/api/search`, { query: 'event cameras' }, { forwarded: `for=${address}` });
    expect((await forwarded('203.0.113.10')).status).toBe(200);
    expect((await forwarded('203.0.113.11')).status).toBe(429);
  });

  it('true (trust every hop) answers per forwarded address without express-rate-limit printing its warning', async () => {
    const app = await startTestApp({ appOptions: { rateLimitPerMinute: 1, trustProxy: true } });
    apps.push(app);
    expect((await search(app, '203.0.113.1')).status).toBe(200);
    expect((await search(app, '203.0.113.2')).status).toBe(200);
  });
});

describe('API_TOKEN', () => {
  it('guards /api (but health, readiness and admin), /v1 and /mcp with 401 JSON; the UI files stay public', async () => {
    const app = await startTestApp({ appOptions: { apiToken: 'api-secret', adminToken: 'admin-secret' } });
    apps.push(app);
    const bearer = { authorization: 'Bearer api-secret' };
    for (const [path, init] of [
      ['/api/search', { method: 'POST', body: JSON.stringify({ query: 'event cameras' }) }],
      ['/api/ask', { method: 'POST', body: JSON.stringify({ question: 'What is TinyText?' }) }],
      ['/api/index', {}],
      ['/api/papers/anything', {}],
    ] as const) {
      const anonymous = await fetch(`${app.url}${path}`, { ...init, headers: { 'content-type': 'application/json' } });
      expect(anonymous.status, path).toBe(401);
      expect(await anonymous.json(), path).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining('API_TOKEN') } });
      const wrong = await fetch(`${app.url}${path}`, { ...init, headers: { 'content-type': 'application/json', authorization: 'Bearer api-secreT' } });
      expect(wrong.status, path).toBe(401);
    }
    expect((await postJson(`${app.url}/api/search`, { query: 'event cameras' }, bearer)).status).toBe(200);
    expect((await fetch(`${app.url}/api/index`, { headers: bearer })).status).toBe(200);

    const v1 = await postJson(`${app.url}/v1/chat/completions`, { model: 'paperchat', messages: [{ role: 'user', content: 'hi' }] });
    expect(v1.status).toBe(401);
    expect(((await v1.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    const mcp = await postJson(`${app.url}/mcp`, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(mcp.status).toBe(401);
    expect(await mcp.json()).toMatchObject({ jsonrpc: '2.0', error: { message: expect.stringContaining('API_TOKEN') } });

    expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
    expect((await fetch(`${app.url}/api/ready`)).status).toBe(200);
    // Admin routes answer to ADMIN_TOKEN alone (a request carries one bearer token).
    const reindex = await fetch(`${app.url}/api/admin/reindex`, { method: 'POST', headers: { authorization: 'Bearer admin-secret' } });
    expect(reindex.status).toBe(202);
    await app.library.waitForBuild();
    for (const path of ['/', '/app.js', '/api.js', '/styles.css', '/vendor/marked.esm.js']) expect((await fetch(`${app.url}${path}`)).status, path).toBe(200);
  });

  it('unset, /api stays open as before', async () => {
    const app = await startTestApp();
    apps.push(app);
    expect((await postJson(`${app.url}/api/search`, { query: 'event cameras' })).status).toBe(200);
  });
});

/** A raw MCP initialize, so Host can be set (fetch sends the URL's own). */
function mcpInitialize(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'test', version: '1' } } });
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('/mcp DNS-rebinding protection', () => {
  const exposure = resolveExposure(loadConfig({ HOST: '0.0.0.0', PORT: '3000', API_TOKEN: 't', ALLOWED_HOSTS: 'chat.example.org' }));

  it('bound beyond loopback: the allowed Host and Origin pass, a foreign Host or Origin gets 403 JSON-RPC naming it', async () => {
    const app = await startTestApp({ appOptions: { mcpAllowList: exposure.mcpAllowList } });
    apps.push(app);
    const allowed = await mcpInitialize(app.url, { host: 'chat.example.org' });
    expect(allowed.status, allowed.body).toBe(200);
    expect(allowed.body).toContain('serverInfo');
    expect((await mcpInitialize(app.url, { host: 'chat.example.org:443', origin: 'https://chat.example.org' })).status).toBe(200);

    const foreignHost = await mcpInitialize(app.url, { host: 'attacker.example' });
    expect(foreignHost.status).toBe(403);
    expect(JSON.parse(foreignHost.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000, message: 'Invalid Host: attacker.example' }, id: null });

    const foreignOrigin = await mcpInitialize(app.url, { host: 'chat.example.org', origin: 'https://attacker.example' });
    expect(foreignOrigin.status).toBe(403);
    expect(JSON.parse(foreignOrigin.body)).toMatchObject({ jsonrpc: '2.0', error: { message: expect.stringContaining('Invalid Origin: https://attacker.example') } });
  });

  it('bound to loopback: no allow-list, requests are served as before', async () => {
    expect(resolveExposure(loadConfig({ HOST: '127.0.0.1' })).mcpAllowList).toBeUndefined();
    const app = await startTestApp();
    apps.push(app);
    expect((await mcpInitialize(app.url, { host: 'attacker.example', origin: 'https://attacker.example' })).status).toBe(200);
  });
});
