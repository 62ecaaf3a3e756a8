import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { configSchema, loadConfig, PROJECT_ROOT } from '../../src/config.ts';
import { resolveExposure } from '../../src/server/http/exposure.ts';
import { SERVER_GLIBC_TUNABLES } from '../../scripts/bench-scale.ts';

/**
 * docs/deployment.md and deploy/ describe settings that src/config.ts reads: these checks
 * parse the files and run them through the real config, so renaming or mistyping a setting
 * on either side fails here instead of in someone's deployment.
 */

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');

/**
 * The Postgres store's settings (docs/postgres-store.md), parsed by config.ts once that store is
 * merged. Until then they are taken on trust; from then on every one must be in the schema.
 */
const POSTGRES_STORE_SETTINGS = ['INDEX_STORE', 'DATABASE_URL', 'DATABASE_POOL_MAX', 'DATABASE_STATEMENT_TIMEOUT_MS', 'HNSW_EF_SEARCH'];
const configKeys = new Set(Object.keys(configSchema.shape));
const storeMerged = configKeys.has('INDEX_STORE');
const knownSettings = new Set([...configKeys, ...(storeMerged ? [] : POSTGRES_STORE_SETTINGS)]);

const serviceSchema = z.object({
  build: z.union([z.string(), z.object({ context: z.string(), dockerfile: z.string().optional() })]).optional(),
  image: z.string().optional(),
  command: z.union([z.string(), z.array(z.string())]).optional(),
  environment: z.record(z.string(), z.string()).optional(),
  volumes: z.array(z.string()).optional(),
  ports: z.array(z.string()).optional(),
  healthcheck: z.record(z.string(), z.unknown()).optional(),
  depends_on: z.unknown().optional(),
  restart: z.string().optional(),
});
const composeSchema = z.object({ name: z.string(), services: z.record(z.string(), serviceSchema), volumes: z.record(z.string(), z.unknown()).optional() });

const composeText = read('deploy/compose.yaml');
const compose = composeSchema.parse(parse(composeText, { merge: true }));
const services = Object.entries(compose.services);
/** Services running the paperchat image: the replicas and the ingest worker. */
const paperchatServices = services.filter(([, service]) => service.image === 'paperchat:local');
const replicas = paperchatServices.filter(([, service]) => service.command === undefined);

/** deploy/env.example: the values an operator fills in (placeholders stand in for empty secrets). */
const envExample = Object.fromEntries(
  read('deploy/env.example')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => {
      const [name = '', value = ''] = line.split(/=(.*)/s);
      return [name, value || `sample-${name.toLowerCase()}`];
    }),
);

/** Compose's `${NAME}`, `${NAME:?message}` and `${NAME:-default}`, with a missing required value an error. */
function interpolate(value: string, variables: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::([?-])([^}]*))?\}/g, (_match, name: string, kind?: string, rest?: string) => {
    const given = variables[name];
    if (given) return given;
    if (kind === '-') return rest ?? '';
    throw new Error(`${name} is not set${kind === '?' ? `: ${rest}` : ''}`);
  });
}

describe('deploy/compose.yaml', () => {
  it('has Postgres, two or more replicas, one ingest worker and the proxy', () => {
    expect(compose.services.postgres).toBeDefined();
    expect(replicas.length).toBeGreaterThanOrEqual(2);
    const workers = paperchatServices.filter(([, service]) => service.command !== undefined);
    expect(workers.map(([name]) => name)).toEqual(['ingest']);
    expect(workers[0]![1].command).toEqual(['npm', 'run', 'ingest']);
    expect((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.ingest).toContain('src/cli/ingest.ts');
    expect(compose.services.proxy?.image).toMatch(/^caddy:/);
    // Only the proxy is reachable from outside.
    expect(services.filter(([, service]) => service.ports).map(([name]) => name)).toEqual(['proxy']);
  });

  it('sets only settings config.ts reads on the paperchat services', () => {
    for (const [name, service] of paperchatServices) {
      const unknown = Object.keys(service.environment ?? {}).filter((key) => !knownSettings.has(key));
      expect(unknown, name).toEqual([]);
    }
    if (storeMerged) for (const key of POSTGRES_STORE_SETTINGS) expect(configKeys, key).toContain(key);
  });

  it('gives each replica a configuration that loads and is allowed to serve beyond loopback', () => {
    for (const [name, service] of replicas) {
      const environment = Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(value, envExample)]));
      const config = loadConfig(environment);
      expect(config.HOST, name).toBe('0.0.0.0');
      expect(config.TRUST_PROXY, name).toBe(1);
      expect(config.SEEDS_WATCH, name).toBe(false);
      const exposure = resolveExposure(config);
      expect(exposure.mcpAllowList?.allowedHosts, name).toContain(envExample.PAPERCHAT_HOSTNAME);
      expect(exposure.mcpAllowList?.allowedOrigins, name).toEqual([`https://${envExample.PAPERCHAT_HOSTNAME}`]);
    }
  });

  it('needs exactly the values deploy/env.example lists', () => {
    const required = new Set([...composeText.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((match) => match[1]));
    expect(new Set(Object.keys(envExample))).toEqual(required);
    expect(() => interpolate('${API_TOKEN:?set API_TOKEN}', {})).toThrow('API_TOKEN is not set: set API_TOKEN');
  });

  it('preloads pg_textsearch in a Postgres 17 image with pgvector', () => {
    const postgres = compose.services.postgres!;
    expect([postgres.command ?? []].flat().join(' ')).toContain('shared_preload_libraries=pg_textsearch');
    const dockerfile = read('deploy/postgres/Dockerfile');
    expect(dockerfile).toMatch(/^FROM pgvector\/pgvector:pg17$/m);
    expect(dockerfile).toContain('postgresql-server-dev-17');
    const init = read('deploy/postgres/init-paperchat.sh');
    expect(init).toContain('CREATE EXTENSION IF NOT EXISTS vector;');
    expect(init).toContain('CREATE EXTENSION IF NOT EXISTS pg_textsearch;');
    expect(dockerfile).toContain('init-paperchat.sh');
  });

  it('is what docs/deployment.md shows, and the Caddyfile balances over exactly the replicas, readiness-gated', () => {
    const doc = read('docs/deployment.md');
    expect(doc).toContain(`\`\`\`yaml\n${composeText}\`\`\``);
    const caddyfile = read('deploy/Caddyfile');
    expect(doc).toContain(`\`\`\`\n${caddyfile}\`\`\``);
    const upstreams = /reverse_proxy ([^{]+)\{/.exec(caddyfile)?.[1]?.trim().split(/\s+/) ?? [];
    expect(upstreams).toEqual(replicas.map(([name, service]) => `${name}:${service.environment?.PORT}`));
    expect(caddyfile).toMatch(/health_uri \/api\/ready/);
    expect(caddyfile).toMatch(/lb_policy ip_hash/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  /** Instructions with their continuation lines joined, comments dropped. */
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => ({ keyword: line.split(/\s+/)[0]!, rest: line.slice(line.split(/\s+/)[0]!.length).trim() }));

  it('uses only Dockerfile instructions, on node:20-slim with npm ci', () => {
    const keywords = new Set(['FROM', 'WORKDIR', 'RUN', 'COPY', 'ENV', 'USER', 'EXPOSE', 'HEALTHCHECK', 'CMD', 'ARG', 'LABEL']);
    expect(instructions.filter((instruction) => !keywords.has(instruction.keyword))).toEqual([]);
    expect(instructions.filter((instruction) => instruction.keyword === 'FROM').map((instruction) => instruction.rest.split(' ')[0])).toEqual(['node:20-slim', 'node:20-slim']);
    expect(dockerfile).toContain('npm ci --omit=dev');
  });

  it('copies files that exist, runs as a non-root user, checks readiness and starts the real entry point', () => {
    for (const { rest } of instructions.filter((instruction) => instruction.keyword === 'COPY' && !instruction.rest.startsWith('--from'))) {
      const sources = rest.split(/\s+/).filter((part) => !part.startsWith('--')).slice(0, -1);
      for (const source of sources) expect(existsSync(path.join(PROJECT_ROOT, source)), source).toBe(true);
    }
    const users = instructions.filter((instruction) => instruction.keyword === 'USER');
    expect(users.at(-1)?.rest).toBe('node');
    const keywords = instructions.map((instruction) => instruction.keyword);
    expect(keywords.lastIndexOf('USER')).toBeGreaterThan(keywords.lastIndexOf('RUN'));
    expect(instructions.find((instruction) => instruction.keyword === 'HEALTHCHECK')?.rest).toContain('/api/ready');
    const command = JSON.parse(instructions.find((instruction) => instruction.keyword === 'CMD')!.rest) as string[];
    expect(command).toEqual(['node', 'scripts/start.mjs']);
    expect((JSON.parse(read('package.json')) as { dependencies: Record<string, string> }).dependencies.esbuild).toBeDefined();
    // The image's defaults are settings config.ts reads, with values it accepts.
    const environment = Object.fromEntries(
      [...dockerfile.matchAll(/^\s*(?:ENV\s+)?([A-Z_]+)=(\S+?)\s*\\?$/gm)].map((match) => [match[1]!, match[2]!]),
    );
    // Besides NODE_ENV, the one variable for the runtime rather than config.ts: glibc's, as the scale bench loads with it.
    expect(Object.keys(environment).filter((key) => key !== 'NODE_ENV' && key !== 'GLIBC_TUNABLES' && !configKeys.has(key))).toEqual([]);
    expect(environment.GLIBC_TUNABLES).toBe(SERVER_GLIBC_TUNABLES);
    expect(() => loadConfig(environment)).not.toThrow();
  });

  it('.dockerignore keeps local state out of the image', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['node_modules', 'data', '.git']) expect(ignored).toContain(entry);
  });
});

describe('docs/deployment.md', () => {
  it('names only settings that exist (or variables of the compose file)', () => {
    const doc = read('docs/deployment.md');
    const composeVariables = new Set(Object.keys(envExample));
    // Postgres's own, the Dockerfile's build argument, and the runtime's own variables the image sets.
    const others = new Set(['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB', 'PG_TEXTSEARCH_VERSION', 'NODE_ENV', 'GLIBC_TUNABLES']);
    const named = [...doc.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]+|HOST|PORT)(?:=[^`]*)?`/g)].map((match) => match[1]!);
    const unknown = [...new Set(named)].filter((name) => !knownSettings.has(name) && !composeVariables.has(name) && !others.has(name));
    expect(unknown).toEqual([]);
    expect(named).toContain('TRUST_PROXY');
  });
});
