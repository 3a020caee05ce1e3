/**
 * `npm run webhooks` (in indexer/): the webhook service, beside `npm run indexer`. Configuration from the
 * environment (see indexer/README.md): INDEXER_URL, CARELEDGER_RPC_URL / CARELEDGER_CHAIN_ID /
 * CARELEDGER_DEPLOYMENT_DIR (as the indexer), DATABASE_URL or WEBHOOKS_PGLITE_DIR, WEBHOOKS_PORT,
 * WEBHOOKS_DOMAIN, WEBHOOK_CONFIRMATIONS, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_BACKOFF_BASE_MS,
 * WEBHOOK_BACKOFF_MAX_MS, WEBHOOK_TIMEOUT_MS, WEBHOOK_POLL_MS. Stops cleanly on SIGTERM/SIGINT.
 */
import { serve } from "@hono/node-server";

import { loadDeployment } from "../deployment.ts";
import { webhookApp } from "./server.ts";
import { openStoreWhenReady } from "./store.ts";
import { DeliveryWorker, jsonLog, workerConfig } from "./worker.ts";

const deployment = loadDeployment();
const config = workerConfig();
// The database may not answer yet (starting, restarting): wait for it rather than exit.
const store = await openStoreWhenReady((error, retryInMs) =>
  jsonLog("warn", "the store's database does not answer; retrying", {
    error: String(error),
    retryInMs,
  }),
);
const port = Number(process.env.WEBHOOKS_PORT ?? 42070);
const domain = process.env.WEBHOOKS_DOMAIN ?? `localhost:${port}`;

const worker = new DeliveryWorker(store, { ...config, rpcUrl: deployment.rpcUrl });
const server = serve({
  fetch: webhookApp({ store, deployment, domain }).fetch,
  port,
  hostname: process.env.WEBHOOKS_HOST ?? "127.0.0.1",
});
worker.start();
jsonLog("info", "webhook service started", {
  port,
  domain,
  indexer: config.indexerUrl,
  confirmations: config.confirmations,
  store: process.env.DATABASE_URL ? "postgres" : "pglite",
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  jsonLog("info", "stopping", { signal });
  server.close();
  await worker.stop();
  await store.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
