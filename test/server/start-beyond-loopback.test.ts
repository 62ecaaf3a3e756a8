import { spawn } from 'node:child_process';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/server-process.ts';
import { PROJECT_ROOT } from '../../src/config.ts';
import { makeTempDir, writeFixtureSeeds } from '../helpers/fixture-seeds.ts';

/** `npm start`'s command, with only the given settings (plus PATH). */
function runEntryPoint(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // The refusal comes before anything listens; a server that started anyway is stopped.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm start beyond loopback', () => {
  it('refuses without API_TOKEN: exit 1, one line on stderr, no stack trace', { timeout: 90_000 }, async () => {
    const { code, stdout, stderr } = await runEntryPoint({ HOST: '0.0.0.0', PORT: '0', ADMIN_TOKEN: 'admin-only', SEEDS_WATCH: 'false' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([
      'paperchat: HOST=0.0.0.0 serves beyond this machine but API_TOKEN is not set: set API_TOKEN (clients send it as a Bearer token), or ALLOW_OPEN_ACCESS=true to serve without one on purpose',
    ]);
  });

  it('names a TRUST_PROXY it cannot read in the same way', { timeout: 90_000 }, async () => {
    const { code, stderr } = await runEntryPoint({ TRUST_PROXY: 'proxy.internal' });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^paperchat: Invalid configuration: TRUST_PROXY: .*not "proxy\.internal"/);
  });
});


/** A request to this machine's loopback address with a chosen Host header (fetch sends the URL's). */
function send(port: number, method: string, pathname: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method, path: pathname, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('npm start beyond loopback with API_TOKEN', () => {
  it('starts, and guards /api and /mcp (token, Host, Origin) on the real process', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '0.0.0.0',
        PORT: String(port),
        API_TOKEN: 'deploy-secret',
        ALLOWED_HOSTS: 'chat.example.org',
        TRUST_PROXY: 'loopback',
        SEEDS_DIR: await writeFixtureSeeds(),
        DATA_DIR: await makeTempDir(),
        SEEDS_WATCH: 'false',
        EMBEDDINGS: 'use',
        EMBEDDING_THREADS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.once('close', resolve));
    try {
      await expect.poll(() => output, { timeout: 90_000, interval: 200 }).toContain('paperchat listening on');
      const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'test', version: '1' } } });
      const mcpHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: 'Bearer deploy-secret' };
      const allowed = await send(port, 'POST', '/mcp', { ...mcpHeaders, host: 'chat.example.org' }, initialize);
      expect(allowed.status, allowed.body).toBe(200);
      const rebound = await send(port, 'POST', '/mcp', { ...mcpHeaders, host: 'attacker.example' }, initialize);
      expect(rebound.status).toBe(403);
      expect(rebound.body).toContain('Invalid Host: attacker.example');
      const foreignOrigin = await send(port, 'POST', '/mcp', { ...mcpHeaders, host: 'chat.example.org', origin: 'https://attacker.example' }, initialize);
      expect(foreignOrigin.status).toBe(403);
      const anonymous = await send(port, 'GET', '/api/index', { host: 'chat.example.org' });
      expect(anonymous.status).toBe(401);
      expect(JSON.parse(anonymous.body)).toMatchObject({ error: { code: 'unauthorized' } });
      expect((await send(port, 'GET', '/api/index', { host: 'chat.example.org', authorization: 'Bearer deploy-secret' })).status).toBe(200);
      expect((await send(port, 'GET', '/api/health', { host: 'chat.example.org' })).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
