import { promises as fs } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { PROJECT_ROOT } from '../../config.ts';

// From the project root, not this module's URL: `npm start` runs src/ bundled into dist/.
const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'src', 'index', 'postgres', 'migrations');

/** Serialises concurrent starts: two replicas migrating at once would both try 001. */
const MIGRATION_LOCK = 0x70617065; // "pape"

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await fs.readdir(dir)).filter((name) => /^\d{3}_[a-z0-9_]+\.sql$/.test(name)).sort();
  return Promise.all(names.map(async (name) => ({ version: Number(name.slice(0, 3)), name, sql: await fs.readFile(path.join(dir, name), 'utf8') })));
}

/**
 * Applies the migrations not applied yet, each in its own transaction with its row in
 * schema_migrations, so a failure leaves the schema at the last complete version.
 * Returns the names applied now (none when the schema is current).
 */
export async function migrate(client: pg.ClientBase, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await readMigrations());
  const applied: string[] = [];
  for (const migration of all) {
    await client.query('BEGIN');
    try {
      // Under the lock, so two processes starting at once do not race to create the table.
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      const done = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (done.rowCount === 0) {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        applied.push(migration.name);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`);
    }
  }
  return applied;
}
