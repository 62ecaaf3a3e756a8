import pg from 'pg';
import { startPgliteServer, type PgliteServer } from '../../src/index/postgres/pglite-server.ts';

export type { PgliteServer };

/** PGlite behind its socket server: real Postgres 17 + pgvector + pg_textsearch, driven by `pg`. */
export function startTestDatabase(): Promise<PgliteServer> {
  return startPgliteServer();
}

/** Empties the database (schema, extensions, generations), so each test starts from nothing. */
export async function resetDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public; DROP EXTENSION IF EXISTS pg_textsearch CASCADE; DROP EXTENSION IF EXISTS vector CASCADE');
  } finally {
    await client.end();
  }
}

export async function queryOnce<Row extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Settings for a PostgresIndexStore in tests: short grace, small pool. */
export function storeSettings(url: string, overrides: Partial<{ graceSeconds: number; statementTimeoutMs: number }> = {}) {
  return { url, poolMax: 4, statementTimeoutMs: overrides.statementTimeoutMs ?? 10000, efSearch: 128, graceSeconds: overrides.graceSeconds ?? 600 };
}
