/**
 * The webhook service's HTTP API. Merchants prove control with Sign-In with Ethereum (EIP-4361), signed
 * by the merchant's admin or one of its agents as the desk says right now (`merchantAdmin`, `isAgent`):
 *
 * - `GET  /siwe/nonce`                 a fresh single-use nonce (10 minutes)
 * - `POST /endpoints`                  `{ merchantId, url, message, signature }`; the message's statement
 *                                      must be `Register webhook endpoint <url> for CareLedger merchant <id>`.
 *                                      Answers `{ id, secret }`: the signing secret is shown only here.
 * - `POST /endpoints/:id/replay`       `{ message, signature }` with the statement
 *                                      `Replay parked webhook deliveries of endpoint <id>`: parked
 *                                      deliveries go back to pending, in order.
 * - `GET  /health`, `GET /ready`       liveness, and readiness (the store answers).
 *
 * SIWE fields checked: domain (`WEBHOOKS_DOMAIN`), chain id, nonce (issued here, used once), time window
 * (issued-at, expiration, not-before), and the signature (EOAs and ERC-1271/6492 contract wallets).
 */
import { randomBytes } from "node:crypto";

import { supportDeskAbi } from "careledger/abis";
import { Hono } from "hono";
import { createPublicClient, http, type Address, type Hex } from "viem";
import { generateSiweNonce, parseSiweMessage, validateSiweMessage } from "viem/siwe";

import type { Deployment } from "../deployment.ts";
import type { Store } from "./store.ts";
import { replayParked } from "./worker.ts";

const NONCE_TTL_SECONDS = 600;

export const registerStatement = (url: string, merchantId: number) =>
  `Register webhook endpoint ${url} for CareLedger merchant ${merchantId}`;
export const replayStatement = (endpointId: string | number) =>
  `Replay parked webhook deliveries of endpoint ${endpointId}`;

/** A Standard Webhooks secret: `whsec_` and 24 random bytes in base64. */
function newSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

export function webhookApp(options: { store: Store; deployment: Deployment; domain: string }) {
  const { store, deployment, domain } = options;
  const chain = createPublicClient({ transport: http(deployment.rpcUrl) });
  const app = new Hono();

  /**
   * Checks a SIWE message and its signature, consumes its nonce, and returns who signed it if that
   * account is merchant `merchantId`'s admin or agent; else a response explaining why not.
   */
  async function authorize(
    body: { message?: unknown; signature?: unknown },
    statement: string,
    merchantId: number,
  ): Promise<{ signer: Address } | { status: 400 | 401 | 403; error: string }> {
    if (
      typeof body.message !== "string" ||
      typeof body.signature !== "string" ||
      !/^0x[0-9a-fA-F]+$/.test(body.signature)
    ) {
      return {
        status: 400,
        error: "message (an EIP-4361 message) and signature (hex) are required",
      };
    }
    const fields = parseSiweMessage(body.message);
    if (fields.statement !== statement)
      return { status: 400, error: `the statement must be: ${statement}` };
    if (fields.chainId !== deployment.chainId)
      return { status: 400, error: `chain id must be ${deployment.chainId}` };
    if (fields.address === undefined || fields.nonce === undefined)
      return { status: 400, error: "address and nonce are required" };
    if (!validateSiweMessage({ message: fields, domain, time: new Date() })) {
      return {
        status: 401,
        error: `the message is for another domain than ${domain}, or expired, or not valid yet`,
      };
    }
    // The nonce is consumed before the signature is checked, so a message can never be used twice.
    const consumed = await store.query(
      "DELETE FROM careledger_webhooks.nonce WHERE nonce = $1 AND expires_at > now() RETURNING nonce",
      [fields.nonce],
    );
    if (consumed.length === 0)
      return { status: 401, error: "unknown, used or expired nonce: get one from /siwe/nonce" };
    const valid = await chain.verifySiweMessage({
      message: body.message,
      signature: body.signature as Hex,
      domain,
    });
    if (!valid) return { status: 401, error: "the signature does not match the message's address" };
    const signer = fields.address;
    const [admin, agent] = await Promise.all([
      chain.readContract({
        abi: supportDeskAbi,
        address: deployment.supportDesk.address,
        functionName: "merchantAdmin",
        args: [merchantId],
      }),
      chain.readContract({
        abi: supportDeskAbi,
        address: deployment.supportDesk.address,
        functionName: "isAgent",
        args: [merchantId, signer],
      }),
    ]);
    if (admin.toLowerCase() !== signer.toLowerCase() && !agent) {
      return {
        status: 403,
        error: `${signer} is neither the admin nor an agent of merchant ${merchantId}`,
      };
    }
    return { signer };
  }

  app.get("/health", (c) => c.json({ ok: true }));
  app.get("/ready", async (c) => {
    try {
      await store.query("SELECT 1");
      return c.json({ ready: true });
    } catch {
      return c.json({ ready: false }, 503);
    }
  });

  app.get("/siwe/nonce", async (c) => {
    const nonce = generateSiweNonce();
    await store.query(
      "INSERT INTO careledger_webhooks.nonce (nonce, expires_at) VALUES ($1, now() + ($2::integer * interval '1 second'))",
      [nonce, NONCE_TTL_SECONDS],
    );
    await store.query("DELETE FROM careledger_webhooks.nonce WHERE expires_at <= now()");
    return c.json({ nonce, domain, chainId: deployment.chainId });
  });

  app.post("/endpoints", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as {
      merchantId?: unknown;
      url?: unknown;
      message?: unknown;
      signature?: unknown;
    };
    const merchantId = Number(body.merchantId);
    if (!Number.isSafeInteger(merchantId) || merchantId <= 0)
      return c.json({ error: "merchantId must be a positive integer" }, 400);
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

  app.post("/endpoints/:id/replay", async (c) => {
    const id = c.req.param("id");
    if (!/^\d+$/.test(id)) return c.json({ error: "not an endpoint id" }, 400);
    const [endpoint] = await store.query<{ merchant_id: number }>(
      "SELECT merchant_id FROM careledger_webhooks.endpoint WHERE id = $1",
      [id],
    );
    if (endpoint === undefined) return c.json({ error: `no endpoint ${id}` }, 404);
    const body = (await c.req.json().catch(() => ({}))) as {
      message?: unknown;
      signature?: unknown;
    };
    const auth = await authorize(body, replayStatement(id), endpoint.merchant_id);
    if ("error" in auth) return c.json({ error: auth.error }, auth.status);
    return c.json({ replayed: await replayParked(store, id) });
  });

  return app;
}
