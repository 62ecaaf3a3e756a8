import type { PGlite as PGliteInstance } from '@electric-sql/pglite';

/**
 * A real Postgres 17 engine (PGlite: WASM, in this process) with pgvector and pg_textsearch,
 * served over the Postgres wire protocol on a loopback port, so `pg` talks to it exactly as
 * to a Postgres server. For tests, `npm run eval -- --store postgres` and the bench when no
 * DATABASE_URL is given; never for production (one session underneath, single-threaded).
 * The packages are devDependencies, loaded only when this is used.
 */
export interface PgliteServer {
  url: string;
  port: number;
  /** Stops accepting connections and drops the open ones (the database stays in memory / on disk). */
  stopListening(): Promise<void>;
  /** Listens again on the same port. */
  resumeListening(): Promise<void>;
  close(): Promise<void>;
}

export async function startPgliteServer(options: { dataDir?: string; port?: number; maxConnections?: number } = {}): Promise<PgliteServer> {
  const [{ PGlite }, { vector }, { pg_textsearch }, { PGLiteSocketServer }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-pgvector'),
    import('@electric-sql/pglite-pg_textsearch'),
    import('@electric-sql/pglite-socket'),
  ]).catch((error: unknown) => {
    throw new Error(`PGlite is not installed (it is a devDependency: run npm install): ${(error as Error).message}`);
  });
  const db = await PGlite.create({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), extensions: { vector, pg_textsearch } });
  const maxConnections = options.maxConnections ?? 100;
  const served = batchAtomic(db);
  let server = new PGLiteSocketServer({ db: served, port: options.port ?? 0, host: '127.0.0.1', maxConnections });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let listening = true;
  return {
    url,
    port,
    async stopListening() {
      if (!listening) return;
      listening = false;
      await server.stop();
    },
    async resumeListening() {
      if (listening) return;
      server = new PGLiteSocketServer({ db: served, port, host: '127.0.0.1', maxConnections });
      await server.start();
      listening = true;
    },
    async close() {
      if (listening) await server.stop();
      listening = false;
      await db.close();
    },
  };
}

/** Extended-protocol messages that leave a query half-sent until the client's Sync. */
const MID_BATCH_MESSAGES = new Set(['P', 'B', 'D', 'E', 'C', 'H', 'F']);

/**
 * The socket server runs one connection's messages at a time but may switch connections
 * between a query's Parse, Bind and Execute; with one session underneath, a second client's
 * Parse then replaces the first's unnamed statement ("bind message supplies 3 parameters, but
 * prepared statement requires 2"). The server already keeps one connection's turn while a
 * transaction is open (it asks `isInTransaction()`); this makes it keep the turn until the
 * Sync that ends each query too, as separate sessions of a Postgres server would.
 */
function batchAtomic(db: PGliteInstance): PGliteInstance {
  let midBatch = false;
  return new Proxy(db, {
    get(target, property) {
      if (property === 'isInTransaction') return () => midBatch || target.isInTransaction();
      if (property === 'execProtocolRawStream') {
        return async (message: Uint8Array, options: Parameters<PGliteInstance['execProtocolRawStream']>[1]) => {
          try {
            return await target.execProtocolRawStream(message, options);
          } finally {
            midBatch = MID_BATCH_MESSAGES.has(String.fromCharCode(message[0] ?? 0));
          }
        };
      }
      // The server rolls back for a client that left mid-transaction (or mid-query): its turn ends.
      if (property === 'exec') {
        return (query: string) => {
          midBatch = false;
          return target.exec(query);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
