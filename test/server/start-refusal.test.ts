import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';

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
