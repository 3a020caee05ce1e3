/**
 * The webhook delivery worker: moves confirmed outbox events into per-endpoint deliveries, then delivers
 * them signed per Standard Webhooks, at least once, in order per ticket, with retries and parking.
 *
 * - Confirmations: an event is fanned out only when its block is at least `confirmations` deep on the
 *   node AND the indexer has indexed past it AND its block hash is still the canonical one, so an event
 *   of an abandoned branch (a reorg shallower than `confirmations`) is never delivered.
 * - Order: a delivery waits while an earlier event of the same ticket for the same endpoint is pending
 *   or parked, so a receiver never sees a ticket's events out of order.
 * - Retries: exponential backoff with full jitter; after `maxAttempts` a delivery is parked (and holds
 *   back its ticket's later events) until replayed.
 * - Restarts: everything is in the store; a delivery in flight when the process died is sent again
 *   (receivers deduplicate on `webhook-id`).
 */
import { Webhook } from "standardwebhooks";

import type { Store } from "./store.ts";

export interface WorkerConfig {
  indexerUrl: string;
  rpcUrl: string;
  confirmations: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  timeoutMs: number;
  pollMs: number;
  /** Concurrent deliveries per tick (each to a different ticket or endpoint). */
  concurrency: number;
}

export function workerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const int = (name: string, fallback: number, min = 0): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < min)
      throw new Error(`${name} must be an integer >= ${min}, got ${raw}`);
    return value;
  };
  return {
    indexerUrl: (env.INDEXER_URL ?? "http://127.0.0.1:42069").replace(/\/$/, ""),
    rpcUrl: env.CARELEDGER_RPC_URL ?? "http://127.0.0.1:8545",
    confirmations: int("WEBHOOK_CONFIRMATIONS", 12),
    maxAttempts: int("WEBHOOK_MAX_ATTEMPTS", 10, 1),
    backoffBaseMs: int("WEBHOOK_BACKOFF_BASE_MS", 2_000, 1),
    backoffMaxMs: int("WEBHOOK_BACKOFF_MAX_MS", 3_600_000, 1),
    timeoutMs: int("WEBHOOK_TIMEOUT_MS", 10_000, 1),
    pollMs: int("WEBHOOK_POLL_MS", 1_000, 10),
    concurrency: int("WEBHOOK_CONCURRENCY", 16, 1),
  };
}

/** Full jitter: a uniform wait in [delay/2, delay] where delay doubles per attempt up to the cap. */
export function backoffMs(
  attempt: number,
  config: Pick<WorkerConfig, "backoffBaseMs" | "backoffMaxMs">,
): number {
  const delay = Math.min(config.backoffMaxMs, config.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(delay / 2 + Math.random() * (delay / 2));
}

interface OutboxRow {
  id: string;
  type: string;
  merchantId: number;
  ticketId: string;
  blockNumber: string;
  blockHash: string;
  logIndex: number;
  payload: Record<string, unknown>;
}

type Log = (
  level: "info" | "warn" | "error",
  msg: string,
  fields?: Record<string, unknown>,
) => void;

export const jsonLog: Log = (level, msg, fields = {}) => {
  const line = JSON.stringify({
    time: new Date().toISOString(),
    level,
    service: "webhooks",
    msg,
    ...fields,
  });
  if (level === "info") console.log(line);
  else console.error(line);
};

async function rpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

export class DeliveryWorker {
  readonly #store: Store;
  readonly #config: WorkerConfig;
  readonly #log: Log;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(store: Store, config: WorkerConfig, log: Log = jsonLog) {
    this.#store = store;
    this.#config = config;
    this.#log = log;
  }

  start(): void {
    const loop = async () => {
      if (this.#stopped) return;
      this.#running = this.tick().catch((error: unknown) =>
        this.#log("warn", "tick failed; retrying", { error: String(error) }),
      );
      await this.#running;
      if (!this.#stopped) this.#timer = setTimeout(loop, this.#config.pollMs);
    };
    void loop();
  }

  /** Stops after the tick in progress (deliveries in flight finish or time out). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#running;
  }

  async tick(): Promise<void> {
    await this.fanOut();
    await this.deliverDue();
  }

  /** Copies confirmed, canonical outbox events into deliveries for each enabled endpoint of their merchant. */
  async fanOut(): Promise<number> {
    const { indexerUrl, rpcUrl, confirmations } = this.#config;
    // The indexer's progress first: rows at or below it are complete (Ponder commits block by block).
    const status = (await (
      await fetch(`${indexerUrl}/status`, { signal: AbortSignal.timeout(10_000) })
    ).json()) as Record<string, { block?: { number: number } }>;
    const indexed = Math.min(...Object.values(status).map((s) => s.block?.number ?? -1));
    const head = Number(BigInt(await rpc<string>(rpcUrl, "eth_blockNumber", [])));
    const safe = Math.min(indexed, head - confirmations);
    if (safe < 0) return 0;

    const [cursor] = await this.#store.query<{ block_number: string; log_index: number }>(
      "SELECT block_number, log_index FROM careledger_webhooks.cursor WHERE name = 'outbox'",
    );
    const after = cursor === undefined ? "0:-1" : `${cursor.block_number}:${cursor.log_index}`;
    const response = await fetch(`${indexerUrl}/outbox?after=${after}&toBlock=${safe}&limit=500`, {
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`GET /outbox: ${response.status}`);
    const { events } = (await response.json()) as { events: OutboxRow[] };
    if (events.length === 0) return 0;

    // Every block must still be canonical: if the indexer has not caught up with a reorg yet, wait.
    const canonical = new Map<string, string>();
    const accepted: OutboxRow[] = [];
    for (const event of events) {
      let hash = canonical.get(event.blockNumber);
      if (hash === undefined) {
        const block = await rpc<{ hash: string } | null>(rpcUrl, "eth_getBlockByNumber", [
          `0x${BigInt(event.blockNumber).toString(16)}`,
          false,
        ]);
        hash = block?.hash ?? "";
        canonical.set(event.blockNumber, hash);
      }
      if (hash.toLowerCase() !== event.blockHash.toLowerCase()) {
        this.#log("warn", "outbox row is not on the canonical chain yet; waiting for the indexer", {
          event: event.id,
          block: event.blockNumber,
        });
        break;
      }
      accepted.push(event);
    }
    if (accepted.length === 0) return 0;

    const last = accepted[accepted.length - 1]!;
    await this.#store.transaction(async (q) => {
      for (const event of accepted) {
        await q(
          `INSERT INTO careledger_webhooks.delivery (endpoint_id, event_id, event_type, ticket_id, block_number, log_index, payload)
           SELECT id, $1, $2, $3, $4, $5, $6 FROM careledger_webhooks.endpoint WHERE merchant_id = $7 AND enabled
           ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
          [
            event.id,
            event.type,
            event.ticketId,
            event.blockNumber,
            event.logIndex,
            JSON.stringify(event.payload),
            event.merchantId,
          ],
        );
      }
      await q(
        `INSERT INTO careledger_webhooks.cursor (name, block_number, log_index) VALUES ('outbox', $1, $2)
         ON CONFLICT (name) DO UPDATE SET block_number = $1, log_index = $2`,
        [last.blockNumber, last.logIndex],
      );
    });
    return accepted.length;
  }

  /** Sends every due delivery that is the earliest unfinished one of its ticket for its endpoint. */
  async deliverDue(): Promise<number> {
    const due = await this.#store.query<{
      endpoint_id: string;
      event_id: string;
      payload: string;
      attempts: number;
      url: string;
      secret: string;
    }>(
      `SELECT d.endpoint_id, d.event_id, d.payload, d.attempts, e.url, e.secret
         FROM careledger_webhooks.delivery d JOIN careledger_webhooks.endpoint e ON e.id = d.endpoint_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND e.enabled
          AND NOT EXISTS (
            SELECT 1 FROM careledger_webhooks.delivery p
             WHERE p.endpoint_id = d.endpoint_id AND p.ticket_id = d.ticket_id
               AND (p.block_number, p.log_index) < (d.block_number, d.log_index)
               AND p.status IN ('pending', 'parked'))
        ORDER BY d.block_number, d.log_index
        LIMIT $1`,
      [this.#config.concurrency],
    );
    // Every attempt settles before the tick ends, even when one fails to record its outcome (the store
    // went away): a new tick never races an attempt still in flight, which could break per-ticket order.
    const outcomes = await Promise.allSettled(due.map((delivery) => this.#deliver(delivery)));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    return due.length;
  }

  async #deliver(d: {
    endpoint_id: string;
    event_id: string;
    payload: string;
    attempts: number;
    url: string;
    secret: string;
  }) {
    const attempt = d.attempts + 1;
    let error: string | undefined;
    try {
      const headers = signedHeaders(d.secret, d.event_id, d.payload);
      const response = await fetch(d.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: d.payload,
        signal: AbortSignal.timeout(this.#config.timeoutMs),
        redirect: "manual",
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.status < 200 || response.status >= 300) error = `HTTP ${response.status}`;
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    if (error === undefined) {
      await this.#store.query(
        `UPDATE careledger_webhooks.delivery SET status = 'delivered', attempts = $3, delivered_at = now(), last_error = NULL
          WHERE endpoint_id = $1 AND event_id = $2`,
        [d.endpoint_id, d.event_id, attempt],
      );
      this.#log("info", "delivered", { endpoint: d.endpoint_id, event: d.event_id, attempt });
      return;
    }
    const park = attempt >= this.#config.maxAttempts;
    await this.#store.query(
      `UPDATE careledger_webhooks.delivery
          SET attempts = $3, last_error = $4, status = $5,
              next_attempt_at = now() + ($6::integer * interval '1 millisecond')
        WHERE endpoint_id = $1 AND event_id = $2`,
      [
        d.endpoint_id,
        d.event_id,
        attempt,
        error,
        park ? "parked" : "pending",
        park ? 0 : backoffMs(attempt, this.#config),
      ],
    );
    this.#log(
      park ? "error" : "warn",
      park ? "parked after the last attempt" : "delivery failed; will retry",
      {
        endpoint: d.endpoint_id,
        event: d.event_id,
        attempt,
        error,
      },
    );
  }
}

/** The three Standard Webhooks headers for one delivery (the signature covers id, time and body). */
export function signedHeaders(
  secret: string,
  id: string,
  payload: string,
  at = new Date(),
): Record<string, string> {
  const timestamp = new Date(Math.floor(at.getTime() / 1000) * 1000);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp.getTime() / 1000),
    "webhook-signature": new Webhook(secret).sign(id, timestamp, payload),
  };
}

/** Parked deliveries of `endpointId` go back to pending, in order, with fresh attempts. */
export async function replayParked(store: Store, endpointId: string): Promise<number> {
  const rows = await store.query<{ event_id: string }>(
    `UPDATE careledger_webhooks.delivery SET status = 'pending', attempts = 0, next_attempt_at = now()
      WHERE endpoint_id = $1 AND status = 'parked' RETURNING event_id`,
    [endpointId],
  );
  return rows.length;
}
