import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

/** The project root, so commands work from any working directory. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const integer = (fallback: number, min: number, max: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().min(min).max(max).default(fallback));
/** `1/true/yes/on` and `0/false/no/off`, so `SEEDS_WATCH=0` reads as it looks (z.coerce.boolean would take "0" as true). */
const flag = (fallback: boolean) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value !== '' ? value.trim().toLowerCase() : undefined),
    z.enum(['1', 'true', 'yes', 'on', '0', 'false', 'no', 'off']).optional().transform((value) => (value === undefined ? fallback : ['1', 'true', 'yes', 'on'].includes(value))),
  );

/** Comma-separated values, trimmed, empties dropped; unset or blank is undefined. */
const commaList = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() !== '' ? value.split(',').map((item) => item.trim()).filter((item) => item !== '') : undefined),
  z.array(z.string()).optional(),
);

/** express's named address ranges for `trust proxy`. */
const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isAddressOrSubnet(entry: string): boolean {
  if (TRUST_PROXY_NAMES.includes(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * express's `trust proxy` setting: `false` (ignore X-Forwarded-For), `true` (trust every hop),
 * a hop count, or addresses/CIDRs/loopback|linklocal|uniquelocal of the proxies to trust.
 */
export type TrustProxy = boolean | number | string[];

const trustProxy = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : 'false'),
  z.string().transform((value, context): TrustProxy => {
    const lower = value.toLowerCase();
    if (lower === 'false') return false;
    if (lower === 'true') return true;
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value.split(',').map((entry) => entry.trim());
    const invalid = entries.filter((entry) => !isAddressOrSubnet(entry));
    if (invalid.length > 0) {
      context.addIssue({
        code: 'custom',
        message: `expected false, true, a hop count, or comma-separated addresses/CIDRs (or loopback, linklocal, uniquelocal); not ${invalid.map((entry) => JSON.stringify(entry)).join(', ')}`,
      });
      return z.NEVER;
    }
    return entries;
  }),
);

/**
 * Every setting, read from environment variables. This is the one place configuration
 * is parsed and validated; README.md's configuration table mirrors it.
 */
export const configSchema = z.object({
  PORT: integer(3000, 0, 65535),
  HOST: z.string().default('127.0.0.1'),
  SEEDS_DIR: z.string().default(path.join(PROJECT_ROOT, 'seeds')),
  DATA_DIR: z.string().default(path.join(PROJECT_ROOT, 'data')),
  PROMPTS_DIR: z.string().default(path.join(PROJECT_ROOT, 'prompts')),
  /** Keep seed entries without an abstract as title-only papers instead of rejecting them. */
  INGEST_TITLE_ONLY: flag(false),
  /** Seed files larger than this are reported and not read. */
  INGEST_MAX_FILE_MB: integer(50, 1, 4096),
  /** Rebuild in the background when files in SEEDS_DIR change (the server only). */
  SEEDS_WATCH: flag(true),
  SEEDS_WATCH_DEBOUNCE_MS: integer(2000, 50, 600000),
  /** Largest file POST /api/admin/papers accepts. */
  UPLOAD_MAX_MB: integer(20, 1, 1024),

  EMBEDDINGS: z.enum(['auto', 'transformers', 'use']).default('auto'),
  EMBEDDING_MODEL: z.string().default('Xenova/bge-small-en-v1.5'),
  MODELS_DIR: z.string().default(path.join(PROJECT_ROOT, 'models')),
  /** How long `auto` waits for the transformers.js model before falling back. */
  EMBEDDINGS_LOAD_TIMEOUT_MS: integer(15000, 100, 600000),
  EMBEDDING_THREADS: integer(0, 0, 64),
  /** Bundled encoder: most questions embedded in one call when every worker is busy (1 = one call per question). */
  EMBEDDING_QUERY_BATCH: integer(4, 1, 64),
  /** A ranker weights file (as written by `npm run fit-ranker -- --write`) instead of the shipped one. */
  RANKER_WEIGHTS: optionalString,

  LLM_PROVIDER: z.enum(['extractive', 'openai', 'ollama']).default('extractive'),
  LLM_MODEL: optionalString,
  OPENAI_BASE_URL: z.string().default('https://api.openai.com/v1'),
  OPENAI_API_KEY: optionalString,
  OLLAMA_BASE_URL: z.string().default('http://127.0.0.1:11434'),
  LLM_TIMEOUT_MS: integer(60000, 100, 600000),

  ADMIN_TOKEN: optionalString,
  API_TOKEN: optionalString,
  RATE_LIMIT_PER_MIN: integer(120, 0, 1000000),
  /** Which reverse proxies' X-Forwarded-For to believe, so rate limits and logs see the client (docs/deployment.md). */
  TRUST_PROXY: trustProxy,
  /** Host names /mcp accepts in the Host header when bound beyond loopback; default derived from HOST. */
  ALLOWED_HOSTS: commaList,
  /** Origins /mcp accepts from browsers when bound beyond loopback; default derived from the allowed hosts and PORT. */
  ALLOWED_ORIGINS: commaList,
  /** Serve beyond loopback without API_TOKEN, knowingly (otherwise the server refuses to start). */
  ALLOW_OPEN_ACCESS: flag(false),
  CORS_ORIGIN: optionalString,
  /** Where indexes live: folders under DATA_DIR, or a Postgres database shared by replicas (docs/postgres-store.md). */
  INDEX_STORE: z.enum(['files', 'postgres']).default('files'),
  /** postgres://user:password@host:port/database — required with INDEX_STORE=postgres. */
  DATABASE_URL: optionalString,
  DATABASE_POOL_MAX: integer(10, 1, 1000),
  /** Longest a query may run (server-side statement_timeout; the client gives up a little later). */
  DATABASE_STATEMENT_TIMEOUT_MS: integer(10000, 100, 3600000),
  /** How often a replica checks for a new live generation when no NOTIFY arrives. */
  DATABASE_POLL_INTERVAL_MS: integer(3000, 100, 600000),
  /** How long a replaced generation is kept (replicas still on it finish their requests) before it is dropped. */
  DATABASE_GENERATION_GRACE_S: integer(600, 0, 604800),
  /** pgvector's hnsw.ef_search for the Postgres store (the files store uses the value in its manifest, 128). */
  HNSW_EF_SEARCH: integer(128, 1, 1000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema
    .refine((config) => config.INDEX_STORE !== 'postgres' || config.DATABASE_URL !== undefined, { message: 'DATABASE_URL is required when INDEX_STORE=postgres', path: ['DATABASE_URL'] })
    .safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
