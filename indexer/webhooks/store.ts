/**
 * The webhook worker's own durable state: endpoints, one delivery row per (endpoint, event), the
 * fan-out cursor and SIWE nonces. Postgres when `DATABASE_URL` is set (schema `careledger_webhooks`,
 * next to Ponder's), else an embedded PGlite folder (`WEBHOOKS_PGLITE_DIR`, default `.webhooks/pglite`):
 * Ponder's own PGlite belongs to the Ponder process, so the worker never opens it.
 */
import { mkdirSync } from "node:fs";

import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

export interface Store {
  query<T extends object>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `body` in one transaction (its queries see and commit together). */
  transaction<T>(body: (q: Store["query"]) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const SCHEMA = `
CREATE SCHEMA IF NOT EXISTS careledger_webhooks;
CREATE TABLE IF NOT EXISTS careledger_webhooks.endpoint (
  id           BIGSERIAL PRIMARY KEY,
  merchant_id  INTEGER NOT NULL,
  url          TEXT NOT NULL,
  secret       TEXT NOT NULL,
  registered_by TEXT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  enabled      BOOLEAN NOT NULL DEFAULT true
);
CREATE TABLE IF NOT EXISTS careledger_webhooks.delivery (
  endpoint_id  BIGINT NOT NULL REFERENCES careledger_webhooks.endpoint(id),
  event_id     TEXT NOT NULL,
  event_type   TEXT NOT NULL,
  ticket_id    NUMERIC(78) NOT NULL,
  block_number BIGINT NOT NULL,
  log_index    INTEGER NOT NULL,
  payload      TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'pending', -- pending | delivered | parked
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_error   TEXT,
  delivered_at TIMESTAMPTZ,
  PRIMARY KEY (endpoint_id, event_id)
);
ALTER TABLE careledger_webhooks.endpoint ADD COLUMN IF NOT EXISTS disabled_at TIMESTAMPTZ;
ALTER TABLE careledger_webhooks.endpoint ADD COLUMN IF NOT EXISTS disabled_by TEXT;
CREATE INDEX IF NOT EXISTS endpoint_merchant ON careledger_webhooks.endpoint (merchant_id);
CREATE INDEX IF NOT EXISTS delivery_due ON careledger_webhooks.delivery (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS delivery_ticket ON careledger_webhooks.delivery (endpoint_id, ticket_id, block_number, log_index);
CREATE TABLE IF NOT EXISTS careledger_webhooks.cursor (
  name         TEXT PRIMARY KEY,
  block_number BIGINT NOT NULL,
  log_index    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS careledger_webhooks.nonce (
  nonce        TEXT PRIMARY KEY,
  expires_at   TIMESTAMPTZ NOT NULL
);
`;

/** Opens the store and creates or upgrades its tables; fails if the database does not answer. */
export async function openStore(env: NodeJS.ProcessEnv = process.env): Promise<Store> {
  const store = env.DATABASE_URL
    ? postgresStore(env.DATABASE_URL)
    : await pgliteStore(env.WEBHOOKS_PGLITE_DIR ?? ".webhooks/pglite");
  try {
    await store.transaction(async (q) => {
      for (const statement of SCHEMA.split(";")
        .map((s) => s.trim())
        .filter(Boolean))
        await q(statement);
    });
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

/**
 * `openStore`, retried until the database answers (it may start after us, or be restarting): waits
 * 0.5 s, doubling up to 10 s, and reports each failed try through `onRetry`.
 */
export async function openStoreWhenReady(
  onRetry: (error: unknown, retryInMs: number) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Store> {
  for (let wait = 500; ; wait = Math.min(wait * 2, 10_000)) {
    try {
      return await openStore(env);
    } catch (error) {
      onRetry(error, wait);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/**
 * A pool of connections that outlives the database's restarts: a connection the server cut (an idle
 * one, or one checked out between two statements) is dropped instead of crashing the process, the
 * query or transaction that used it fails (the worker's tick retries), and the next one connects anew.
 */
function postgresStore(connectionString: string): Store {
  const pool = new pg.Pool({ connectionString, max: 4, connectionTimeoutMillis: 5_000 });
  pool.on("error", () => undefined); // an idle client lost with a restart: the pool replaces it
  const query = async <T extends object>(sql: string, params: unknown[] = []) =>
    (await pool.query(sql, params)).rows as T[];
  return {
    query,
    async transaction(body) {
      const client = await pool.connect();
      // Checked out, the client has no pool listener: without ours a cut connection would throw.
      let broken: Error | undefined;
      const onError = (error: Error) => (broken = error);
      client.on("error", onError);
      try {
        await client.query("BEGIN");
        const result = await body(
          async (sql, params = []) => (await client.query(sql, params)).rows,
        );
        await client.query("COMMIT");
        return result;
      } catch (error) {
        broken ??= error instanceof Error ? error : new Error(String(error));
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.off("error", onError);
        // After a failure the connection may be dead: destroy it rather than hand it out again.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

async function pgliteStore(dir: string): Promise<Store> {
  mkdirSync(dir, { recursive: true });
  const db = new PGlite(dir);
  await db.waitReady;
  const query = async <T extends object>(sql: string, params: unknown[] = []) =>
    (await db.query<T>(sql, params)).rows;
  return {
    query,
    async transaction<T>(body: (q: Store["query"]) => Promise<T>): Promise<T> {
      // PGlite types its result as possibly undefined (a rolled-back transaction); ours throw instead.
      const result = await db.transaction((tx) =>
        body(
          async <R extends object>(sql: string, params: unknown[] = []) =>
            (await tx.query<R>(sql, params)).rows,
        ),
      );
      return result as T;
    },
    close: () => db.close(),
  };
}
