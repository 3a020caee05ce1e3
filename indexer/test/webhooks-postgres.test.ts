/**
 * Webhooks on a real Postgres (Debian's 15, `DATABASE_URL`) that goes away while deliveries are pending:
 * stopped (`pg_ctl stop -m fast` cuts every session) and started again under a running worker, and then
 * while the worker itself is killed and started with the database still down. After each, every event of
 * the outbox (those pending before, and those the chain produced during the outage) reaches the receiver,
 * signature-verified, each id at least once, in order per ticket, and the worker process never crashed.
 *
 * As in production, the indexer (its tables and the outbox, schema `careledger_hooks`) and the webhook
 * store (schema `careledger_webhooks`) share the one Postgres, so the outage hits both: Ponder retries
 * its queries and goes on, and the outbox rows written before, during (none: Ponder waits) and after
 * the outage are all delivered.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { Chain, contractsOf, hashOf } from "./chain.ts";
import {
  deployCareLedger,
  getJson,
  startIndexer,
  startNode,
  startPostgres,
  startWebhooks,
  tempDir,
  testChainId,
  waitFor,
  waitIndexed,
  type Indexer,
  type Postgres,
  type Service,
  type WebhookService,
} from "./harness.ts";
import { Receiver } from "./receiver.ts";
import { sendJson, signIn } from "./siwe.ts";

const ADMIN = 10;
const AGENT = 11;
const ALICE = 12;
const BOB = 13;
const CONFIRMATIONS = 2;

describe("webhooks on Postgres", () => {
  const chainId = testChainId() + 2;
  const dir = tempDir("webhooks-pg");
  let postgres: Postgres;
  let node: { url: string; service: Service };
  let forget: () => void = () => undefined;
  let indexer: Indexer;
  let hooks: WebhookService;
  let chain: Chain;
  const receiver = new Receiver();

  before(async () => {
    postgres = await startPostgres(dir);
    node = await startNode(dir, chainId);
    const deployed = deployCareLedger(node.url, chainId);
    forget = deployed.forget;
    chain = new Chain(node.url, chainId, contractsOf(deployed.deploymentDir));
    await chain.desk(ADMIN, "registerMerchant", [chain.account(ADMIN).address, hashOf("merchant")]);
    await chain.desk(ADMIN, "setAgent", [1, chain.account(AGENT).address, true]);
    indexer = await startIndexer({
      dir,
      rpcUrl: node.url,
      chainId,
      deploymentDir: deployed.deploymentDir,
      databaseUrl: postgres.url,
      schema: "careledger_hooks",
    });
    hooks = await startWebhooks({
      dir,
      indexer, // and so its DATABASE_URL
      env: {
        WEBHOOK_CONFIRMATIONS: String(CONFIRMATIONS),
        // Never parked here: the receiver fails for as long as the test needs.
        WEBHOOK_MAX_ATTEMPTS: "100000",
        WEBHOOK_BACKOFF_BASE_MS: "100",
        WEBHOOK_BACKOFF_MAX_MS: "400",
        WEBHOOK_TIMEOUT_MS: "1000",
      },
    });
    await receiver.listen();
    const url = receiver.url;
    const registered = await sendJson<{ id: string; secret: string }>(`${hooks.url}/endpoints`, {
      merchantId: 1,
      url,
      ...(await signIn(
        hooks.url,
        chainId,
        chain.account(ADMIN),
        `Register webhook endpoint ${url} for CareLedger merchant 1`,
      )),
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    receiver.secret = registered.body.secret;
  });

  after(async () => {
    await hooks?.service.stop();
    await indexer?.service.stop();
    await node?.service.stop();
    await receiver.close();
    postgres?.stop();
    forget();
  });

  async function outboxIds(): Promise<string[]> {
    const { events } = await getJson<{ events: { id: string }[] }>(
      `${indexer.url}/outbox?limit=5000`,
    );
    return events.map((e) => e.id);
  }

  /** Waits until the worker's log, since line `from`, has a line with message `msg`. */
  async function logged(from: number, msg: string): Promise<void> {
    await waitFor(
      `the webhook service to log "${msg}"`,
      async () =>
        hooks.service
          .entries()
          .slice(from)
          .some((e) => e.msg === msg)
          ? true
          : undefined,
      60_000,
      50,
    );
  }

  /** Waits until each of `ids` was attempted at least once (so it sits in the store as a delivery). */
  async function attempted(ids: string[]): Promise<void> {
    await waitFor(
      "the first events to be attempted",
      async () => (ids.every((id) => receiver.attempts.has(id)) ? true : undefined),
      60_000,
      100,
    );
  }

  async function everyEventDelivered(): Promise<void> {
    await waitIndexed(indexer, node.url);
    const expected = await outboxIds();
    await waitFor(
      "every event at the receiver",
      async () => (expected.every((id) => receiver.delivered().has(id)) ? true : undefined),
      120_000,
      200,
    );
    assert.deepEqual([...receiver.delivered()].sort(), [...expected].sort());
    assert.deepEqual(receiver.outOfOrder(), []);
    assert.equal(receiver.verificationFailures, 0);
  }

  it("delivers what was pending and what happened meanwhile after its Postgres restarts under it", async () => {
    receiver.behave = () => "error";
    await chain.desk(ALICE, "openTicket", [1, hashOf("order 1"), hashOf("ticket 1"), 1]);
    await chain.desk(BOB, "openTicket", [1, hashOf("order 2"), hashOf("ticket 2"), 2]);
    await chain.desk(AGENT, "postMessage", [1n, hashOf("hello 1")]);
    await chain.mine(CONFIRMATIONS + 1);
    await waitIndexed(indexer, node.url);
    const [opened1, opened2] = (await outboxIds()) as [string, string];
    await attempted([opened1, opened2]); // pending in the store, retried with backoff

    const logFrom = hooks.service.entries().length;
    await postgres.pause();
    await logged(logFrom, "tick failed; retrying"); // the worker noticed
    // The chain goes on while the store is down; the receiver recovers meanwhile.
    await chain.desk(ALICE, "postMessage", [1n, hashOf("reply 1")]);
    await chain.desk(AGENT, "resolveTicket", [2n, hashOf("done 2")]);
    await chain.mine(CONFIRMATIONS + 1);
    receiver.behave = () => "ok";
    await postgres.start();

    await everyEventDelivered();
    assert.ok(hooks.service.alive, "the worker rode out the outage without a restart");
    assert.ok(indexer.service.alive, "so did the indexer");
    assert.equal((await outboxIds()).length, 6, "2 opened, 1 first answer, 2 messages, 1 resolved");
  });

  it("starts while its Postgres is down, waits for it, and delivers everything pending", async () => {
    receiver.behave = (attempt) => (attempt === 1 ? "error" : "ok");
    await chain.desk(ALICE, "openTicket", [1, hashOf("order 3"), hashOf("ticket 3"), 0]);
    await chain.mine(CONFIRMATIONS + 1);
    await waitIndexed(indexer, node.url);
    const opened3 = (await outboxIds()).at(-1)!;
    await attempted([opened3]);

    await hooks.service.kill();
    await postgres.pause();
    await chain.desk(AGENT, "postMessage", [3n, hashOf("hello 3")]);
    await chain.desk(AGENT, "awaitCustomer", [3n, hashOf("waiting 3")]);
    await chain.mine(CONFIRMATIONS + 1);
    const logFrom = hooks.service.entries().length;
    const started = hooks.start(); // ready only once the store answers
    await logged(logFrom, "the store's database does not answer; retrying");
    await postgres.start();
    await started;

    await everyEventDelivered();
  });
});
