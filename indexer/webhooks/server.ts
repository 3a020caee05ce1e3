/**
 * The webhook service's HTTP API:
 *
 * - `GET /siwe/nonce`            a fresh single-use nonce (10 minutes) for a SIWE message (./siwe.ts)
 * - `/endpoints…`                register, list, disable an endpoint, replay its parked deliveries
 *                                (./endpoints.ts), each authorized by the merchant's admin or an agent
 * - `GET /health`, `GET /ready`  liveness, and readiness (the store answers)
 */
import { Hono } from "hono";
import { generateSiweNonce } from "viem/siwe";

import type { Deployment } from "../deployment.ts";
import { endpointRoutes } from "./endpoints.ts";
import { siweAuthorizer } from "./siwe.ts";
import type { Store } from "./store.ts";

const NONCE_TTL_SECONDS = 600;

export function webhookApp(options: { store: Store; deployment: Deployment; domain: string }) {
  const { store, deployment, domain } = options;
  const app = new Hono();

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

  app.route("/", endpointRoutes({ store, authorize: siweAuthorizer(options) }));
  return app;
}
