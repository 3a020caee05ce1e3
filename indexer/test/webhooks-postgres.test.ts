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
import { before, describe, it } from "node:test";

import { hashOf } from "./chain.ts";
import { testChainId, useStack, waitFor } from "./harness.ts";
import { Receiver } from "./receiver.ts";
import { registerEndpoint } from "./siwe.ts";

const ADMIN = 10;
const AGENT = 11;
const ALICE = 12;
const BOB = 13;
const CONFIRMATIONS = 2;

describe("webhooks on Postgres", () => {
  const receiver = new Receiver();
  const stack = useStack({
    name: "webhooks-pg",
    chainId: testChainId() + 2,
    postgres: { schema: "careledger_hooks" },
    seed: (chain) => chain.merchantWithAgent(1, ADMIN, AGENT, "merchant"),
    webhooks: {
      WEBHOOK_CONFIRMATIONS: String(CONFIRMATIONS),
      // Never parked here: the receiver fails for as long as the test needs.
      WEBHOOK_MAX_ATTEMPTS: "100000",
      WEBHOOK_BACKOFF_BASE_MS: "100",
      WEBHOOK_BACKOFF_MAX_MS: "400",
      WEBHOOK_TIMEOUT_MS: "1000",
    },
    receivers: [receiver],
  });

  before(async () => {
    await registerEndpoint(stack.hooks.url, stack.chainId, stack.chain.account(ADMIN), 1, receiver);
  });

  /** Waits until the worker's log, since line `from`, has a line with message `msg`. */
  async function logged(from: number, msg: string): Promise<void> {
    await waitFor(
      `the webhook service to log "${msg}"`,
      async () =>
        stack.hooks.service
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
    await stack.waitIndexed();
    await receiver.deliveredExactly(
      await stack.outboxIds(),
      "every event at the receiver",
      120_000,
    );
  }

  it("delivers what was pending and what happened meanwhile after its Postgres restarts under it", async () => {
    receiver.behave = () => "error";
    await stack.chain.desk(ALICE, "openTicket", [1, hashOf("order 1"), hashOf("ticket 1"), 1]);
    await stack.chain.desk(BOB, "openTicket", [1, hashOf("order 2"), hashOf("ticket 2"), 2]);
    await stack.chain.desk(AGENT, "postMessage", [1n, hashOf("hello 1")]);
    await stack.chain.mine(CONFIRMATIONS + 1);
    await stack.waitIndexed();
    const [opened1, opened2] = (await stack.outboxIds()) as [string, string];
    await attempted([opened1, opened2]); // pending in the store, retried with backoff

    const logFrom = stack.hooks.service.entries().length;
    await stack.postgres.pause();
    await logged(logFrom, "tick failed; retrying"); // the worker noticed
    // The chain goes on while the store is down; the receiver recovers meanwhile.
    await stack.chain.desk(ALICE, "postMessage", [1n, hashOf("reply 1")]);
    await stack.chain.desk(AGENT, "resolveTicket", [2n, hashOf("done 2")]);
    await stack.chain.mine(CONFIRMATIONS + 1);
    receiver.behave = () => "ok";
    await stack.postgres.start();

    await everyEventDelivered();
    assert.ok(stack.hooks.service.alive, "the worker rode out the outage without a restart");
    assert.ok(stack.indexer.service.alive, "so did the indexer");
    assert.equal(
      (await stack.outboxIds()).length,
      6,
      "2 opened, 1 first answer, 2 messages, 1 resolved",
    );
  });

  it("starts while its Postgres is down, waits for it, and delivers everything pending", async () => {
    receiver.behave = (attempt) => (attempt === 1 ? "error" : "ok");
    await stack.chain.desk(ALICE, "openTicket", [1, hashOf("order 3"), hashOf("ticket 3"), 0]);
    await stack.chain.mine(CONFIRMATIONS + 1);
    await stack.waitIndexed();
    const opened3 = (await stack.outboxIds()).at(-1)!;
    await attempted([opened3]);

    await stack.hooks.service.kill();
    await stack.postgres.pause();
    await stack.chain.desk(AGENT, "postMessage", [3n, hashOf("hello 3")]);
    await stack.chain.desk(AGENT, "awaitCustomer", [3n, hashOf("waiting 3")]);
    await stack.chain.mine(CONFIRMATIONS + 1);
    const logFrom = stack.hooks.service.entries().length;
    const started = stack.hooks.start(); // ready only once the store answers
    await logged(logFrom, "the store's database does not answer; retrying");
    await stack.postgres.start();
    await started;

    await everyEventDelivered();
  });
});
