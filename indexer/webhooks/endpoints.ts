/**
 * A merchant's webhook endpoints, every route authorized by a SIWE message of the merchant's admin or an
 * agent (./siwe.ts) whose statement names the action:
 *
 * - `POST   /endpoints`             `{ merchantId, url, message, signature }`, statement
 *                                   `Register webhook endpoint <url> for CareLedger merchant <id>`:
 *                                   `201 { id, merchantId, url, secret }` (the secret is shown only here).
 * - `POST   /endpoints/list`        `{ merchantId, message, signature }`, statement
 *                                   `List webhook endpoints of CareLedger merchant <id>`: the merchant's
 *                                   endpoints (disabled ones included), with delivery counts, no secrets.
 *                                   A POST: each request spends a nonce, so it is not a safe GET.
 * - `DELETE /endpoints/:id`         `{ message, signature }`, statement `Disable webhook endpoint <id>`:
 *                                   no new event is fanned out to it, nothing pending is sent any more
 *                                   (its deliveries stay in the store, for the record).
 * - `POST   /endpoints/:id/replay`  `{ message, signature }`, statement
 *                                   `Replay parked webhook deliveries of endpoint <id>`: parked deliveries
 *                                   go back to pending, in order.
 */
import { randomBytes } from "node:crypto";

import { Hono, type Context } from "hono";

import type { Authorize, SignedBody } from "./siwe.ts";
import type { Store } from "./store.ts";
import { replayParked } from "./worker.ts";

export const registerStatement = (url: string, merchantId: number) =>
  `Register webhook endpoint ${url} for CareLedger merchant ${merchantId}`;
export const listStatement = (merchantId: number) =>
  `List webhook endpoints of CareLedger merchant ${merchantId}`;
export const disableStatement = (endpointId: string | number) =>
  `Disable webhook endpoint ${endpointId}`;
export const replayStatement = (endpointId: string | number) =>
  `Replay parked webhook deliveries of endpoint ${endpointId}`;

/** What the list answers per endpoint. */
export interface EndpointView {
  id: string;
  url: string;
  enabled: boolean;
  registeredBy: string;
  createdAt: string;
  disabledAt: string | null;
  disabledBy: string | null;
  deliveries: { pending: number; delivered: number; parked: number };
}

/** A Standard Webhooks secret: `whsec_` and 24 random bytes in base64. */
function newSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** A merchant id the desk can hold (uint32, from 1), or undefined. */
function merchantIdOf(value: unknown): number | undefined {
  const id = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  return typeof id === "number" && Number.isSafeInteger(id) && id > 0 && id < 2 ** 32
    ? id
    : undefined;
}

async function bodyOf<T extends SignedBody>(c: Context): Promise<T> {
  const body: unknown = await c.req.json().catch(() => ({}));
  return (typeof body === "object" && body !== null ? body : {}) as T;
}

export function endpointRoutes(options: { store: Store; authorize: Authorize }) {
  const { store, authorize } = options;
  const app = new Hono();

  /** The endpoint `:id` names, or the answer to give when there is none. */
  async function endpointOf(c: Context) {
    const id = c.req.param("id") ?? "";
    if (!/^\d{1,18}$/.test(id)) return { response: c.json({ error: "not an endpoint id" }, 400) };
    const [endpoint] = await store.query<{ merchant_id: number; enabled: boolean }>(
      "SELECT merchant_id, enabled FROM careledger_webhooks.endpoint WHERE id = $1",
      [id],
    );
    if (endpoint === undefined) return { response: c.json({ error: `no endpoint ${id}` }, 404) };
    return { id, merchantId: endpoint.merchant_id, enabled: endpoint.enabled };
  }

  app.post("/endpoints", async (c) => {
    const body = await bodyOf<SignedBody & { merchantId?: unknown; url?: unknown }>(c);
    const merchantId = merchantIdOf(body.merchantId);
    if (merchantId === undefined)
      return c.json({ error: "merchantId must be a merchant id (a positive uint32)" }, 400);
    if (typeof body.url !== "string" || !/^https?:\/\/\S+$/.test(body.url))
      return c.json({ error: "url must be an http(s) URL" }, 400);
    const auth = await authorize(body, registerStatement(body.url, merchantId), merchantId);
    if ("error" in auth) return c.json({ error: auth.error }, auth.status);
    const secret = newSecret();
    const [row] = await store.query<{ id: string }>(
      "INSERT INTO careledger_webhooks.endpoint (merchant_id, url, secret, registered_by) VALUES ($1, $2, $3, $4) RETURNING id",
      [merchantId, body.url, secret, auth.signer.toLowerCase()],
    );
    return c.json({ id: String(row!.id), merchantId, url: body.url, secret }, 201);
  });

  app.post("/endpoints/list", async (c) => {
    const body = await bodyOf<SignedBody & { merchantId?: unknown }>(c);
    const merchantId = merchantIdOf(body.merchantId);
    if (merchantId === undefined)
      return c.json({ error: "merchantId must be a merchant id (a positive uint32)" }, 400);
    const auth = await authorize(body, listStatement(merchantId), merchantId);
    if ("error" in auth) return c.json({ error: auth.error }, auth.status);
    const rows = await store.query<{
      id: string;
      url: string;
      enabled: boolean;
      registered_by: string;
      created_at: Date | string;
      disabled_at: Date | string | null;
      disabled_by: string | null;
      pending: string | number;
      delivered: string | number;
      parked: string | number;
    }>(
      `SELECT e.id, e.url, e.enabled, e.registered_by, e.created_at, e.disabled_at, e.disabled_by,
              count(d.event_id) FILTER (WHERE d.status = 'pending') AS pending,
              count(d.event_id) FILTER (WHERE d.status = 'delivered') AS delivered,
              count(d.event_id) FILTER (WHERE d.status = 'parked') AS parked
         FROM careledger_webhooks.endpoint e
         LEFT JOIN careledger_webhooks.delivery d ON d.endpoint_id = e.id
        WHERE e.merchant_id = $1
        GROUP BY e.id
        ORDER BY e.id`,
      [merchantId],
    );
    const iso = (t: Date | string | null) => (t === null ? null : new Date(t).toISOString());
    const endpoints: EndpointView[] = rows.map((r) => ({
      id: String(r.id),
      url: r.url,
      enabled: r.enabled,
      registeredBy: r.registered_by,
      createdAt: iso(r.created_at)!,
      disabledAt: iso(r.disabled_at),
      disabledBy: r.disabled_by,
      deliveries: {
        pending: Number(r.pending),
        delivered: Number(r.delivered),
        parked: Number(r.parked),
      },
    }));
    return c.json({ merchantId, endpoints });
  });

  app.delete("/endpoints/:id", async (c) => {
    const endpoint = await endpointOf(c);
    if ("response" in endpoint) return endpoint.response;
    const auth = await authorize(
      await bodyOf(c),
      disableStatement(endpoint.id),
      endpoint.merchantId,
    );
    if ("error" in auth) return c.json({ error: auth.error }, auth.status);
    const [row] = await store.query<{ disabled_at: Date | string }>(
      `UPDATE careledger_webhooks.endpoint SET enabled = false, disabled_at = now(), disabled_by = $2
        WHERE id = $1 AND enabled RETURNING disabled_at`,
      [endpoint.id, auth.signer.toLowerCase()],
    );
    if (row === undefined)
      return c.json({ error: `endpoint ${endpoint.id} is already disabled` }, 409);
    return c.json({
      id: endpoint.id,
      enabled: false,
      disabledAt: new Date(row.disabled_at).toISOString(),
    });
  });

  app.post("/endpoints/:id/replay", async (c) => {
    const endpoint = await endpointOf(c);
    if ("response" in endpoint) return endpoint.response;
    const auth = await authorize(
      await bodyOf(c),
      replayStatement(endpoint.id),
      endpoint.merchantId,
    );
    if ("error" in auth) return c.json({ error: auth.error }, auth.status);
    if (!endpoint.enabled)
      return c.json({ error: `endpoint ${endpoint.id} is disabled: register a new one` }, 409);
    return c.json({ replayed: await replayParked(store, endpoint.id) });
  });

  return app;
}
