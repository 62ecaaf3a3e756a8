import pg from 'pg';
import { PaperchatError } from '../../errors.ts';

export interface DatabaseSettings {
  url: string;
  poolMax: number;
  statementTimeoutMs: number;
  efSearch: number;
}

/** The database cannot be reached (down, restarting, timed out): the request can be retried shortly. */
export class DatabaseUnavailableError extends PaperchatError {
  constructor(detail: string) {
    super('database_unavailable', `The database is unavailable (${detail}); try again in a moment.`, 503, true);
  }
}

/** DATABASE_URL that cannot work at all (malformed, wrong host/credentials/database). */
export class DatabaseConfigError extends PaperchatError {
  constructor(message: string) {
    super('config_error', message, 500);
  }
}

/**
 * Whether an error means "the database is not there right now" rather than "this query is
 * wrong": network errors, connection classes 08 and 57P (shutdown), timeouts, and pg's own
 * client-side errors (no SQLSTATE) such as "Connection terminated".
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (/^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, ETIMEDOUT, EPIPE, ENOTFOUND…
    if (code.startsWith('08') || code.startsWith('57P') || code === '57014' || code === '53300') return true;
    return false;
  }
  return /timeout|terminated|Connection|connect|socket/i.test(error.message);
}

/** Checks DATABASE_URL's shape before any connection, so a typo is one clear line. */
export function checkDatabaseUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseConfigError('DATABASE_URL is not a URL (expected postgres://user:password@host:5432/database)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new DatabaseConfigError(`DATABASE_URL must start with postgres:// (got ${parsed.protocol}//)`);
  }
}

/** Where DATABASE_URL points, without the password, for messages. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/**
 * A bounded pool: connecting gives up after a few seconds and every query after the
 * statement timeout (server-side, with a client-side backstop), so a database that goes
 * away turns into errors quickly instead of requests that hang.
 */
export function createPool(settings: DatabaseSettings): pg.Pool {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.poolMax,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    query_timeout: settings.statementTimeoutMs + 2000,
    keepAlive: true,
    // Awaited before the client is handed out. iterative_scan keeps filtered HNSW queries
    // (a user's paper selection) from returning fewer than `limit` units.
    onConnect: async (client: pg.ClientBase) => {
      await client.query(`SET statement_timeout = ${Math.round(settings.statementTimeoutMs)}; SET hnsw.ef_search = ${Math.round(settings.efSearch)}; SET hnsw.iterative_scan = strict_order`);
    },
  });
  // An idle client whose server went away emits here; unhandled, it would end the process.
  pool.on('error', () => undefined);
  return pool;
}

/** One connection outside the pool for long work (index builds) with no statement timeout. */
export async function connectForIngest(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true });
  client.on('error', () => undefined);
  await client.connect();
  await client.query('SET statement_timeout = 0');
  return client;
}

/** `[0.1,0.2,…]`: pgvector's text form. */
export function toVectorLiteral(vector: ArrayLike<number>): string {
  let text = '[';
  for (let index = 0; index < vector.length; index++) text += (index === 0 ? '' : ',') + vector[index];
  return `${text}]`;
}

export function fromVectorLiteral(text: string): Float32Array {
  return Float32Array.from(JSON.parse(text) as number[]);
}
