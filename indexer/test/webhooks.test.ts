/**
 * Webhooks end to end (the worker's store on PGlite): SIWE registration (admin or agent only, nonce used
 * once), Standard Webhooks signatures checked with the `standardwebhooks` verifier (through
 * examples/receiver.ts), and delivery at least once and in order per ticket to a receiver that fails its
 * first attempts, times out, and is down while the worker is killed and restarted; a receiver that keeps
 * failing gets its deliveries parked, holding back the ticket's later events (not other tickets'), until
 * a SIWE-signed replay.
 *
 * The retry budget (`MAX_ATTEMPTS`) is the flaky receiver's margin: every attempt the worker makes while
 * that receiver is down counts, and an event it needs three answered attempts for must not be parked.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { parseEther, zeroAddress } from "viem";

import { toHelpdesk } from "../examples/receiver.ts";
import { hashOf } from "./chain.ts";
import { testChainId, useStack, waitFor } from "./harness.ts";
import { Receiver } from "./receiver.ts";
import { sendJson, signIn } from "./siwe.ts";

const ADMIN = 10;
const AGENT = 11;
const STRANGER = 12;
const CUSTOMERS = [13, 14, 15];
const CONFIRMATIONS = 2;
/** Attempts before parking: the flaky receiver needs 3 answered ones plus those made while it is down. */
const MAX_ATTEMPTS = 12;

describe("webhooks", () => {
  const flaky = new Receiver();
  const broken = new Receiver();
  const stack = useStack({
    name: "webhooks",
    chainId: testChainId(),
    seed: async (chain) => {
      await chain.merchantWithAgent(1, ADMIN, AGENT, "merchant");
      await chain.escrow(ADMIN, "deposit", [1, zeroAddress, parseEther("1")], parseEther("1"));
    },
    webhooks: {
      WEBHOOK_CONFIRMATIONS: String(CONFIRMATIONS),
      WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      WEBHOOK_BACKOFF_BASE_MS: "100",
      WEBHOOK_BACKOFF_MAX_MS: "400",
      WEBHOOK_TIMEOUT_MS: "400",
    },
    receivers: [flaky, broken],
  });
  const chainId = stack.chainId;
  let flakyEndpoint = "";
  let brokenEndpoint = "";
  /** The outbox after the delivery test (the parking test adds one event). */
  let firstEvents: string[] = [];

  async function register(index: number, url: string, statementUrl = url) {
    const signed = await signIn(
      stack.hooks.url,
      chainId,
      stack.chain.account(index),
      `Register webhook endpoint ${statementUrl} for CareLedger merchant 1`,
    );
    const answer = await sendJson<{ id?: string; secret?: string; error?: string }>(
      `${stack.hooks.url}/endpoints`,
      { merchantId: 1, url, ...signed },
    );
    return { ...answer, signed };
  }

  /** The worker's log lines since `from` about a failed attempt to `endpoint` (`error` matching). */
  function failedAttempts(from: number, endpoint: string, error: RegExp) {
    return stack.hooks.service
      .entries()
      .slice(from)
      .filter(
        (e) =>
          e.msg === "delivery failed; will retry" &&
          String(e.endpoint) === endpoint &&
          error.test(String(e.error)),
      );
  }

  it("registers endpoints only for SIWE messages signed by the merchant's admin or agent, each nonce once", async () => {
    const stranger = await register(STRANGER, flaky.url);
    assert.equal(stranger.status, 403, JSON.stringify(stranger.body));
    assert.match(stranger.body.error ?? "", /neither the admin nor an agent of merchant 1/);

    const wrongStatement = await register(AGENT, flaky.url, "http://elsewhere.example/hooks");
    assert.equal(wrongStatement.status, 400);

    const byAgent = await register(AGENT, flaky.url);
    assert.equal(byAgent.status, 201, JSON.stringify(byAgent.body));
    assert.match(byAgent.body.secret ?? "", /^whsec_[A-Za-z0-9+/=]{32}$/);
    flaky.secret = byAgent.body.secret!;
    flakyEndpoint = byAgent.body.id!;

    // The same signed message again: its nonce is spent.
    const replayed = await sendJson(`${stack.hooks.url}/endpoints`, {
      merchantId: 1,
      url: flaky.url,
      ...byAgent.signed,
    });
    assert.equal(replayed.status, 401);

    const byAdmin = await register(ADMIN, broken.url);
    assert.equal(byAdmin.status, 201);
    broken.secret = byAdmin.body.secret!;
    brokenEndpoint = byAdmin.body.id!;
  });

  it("delivers every event at least once, signed, in order per ticket, through failures, timeouts and a restart", async () => {
    // First attempt of each event fails with 503, the second hangs past the worker's timeout, the third succeeds.
    flaky.behave = (attempt) => (attempt === 1 ? "error" : attempt === 2 ? "hang" : "ok");
    broken.behave = () => "error";
    const [c1, c2, c3] = CUSTOMERS as [number, number, number];
    await stack.chain.desk(c1, "openTicket", [1, hashOf("order 1"), hashOf("ticket 1"), 1]);
    await stack.chain.desk(c2, "openTicket", [1, hashOf("order 2"), hashOf("ticket 2"), 3]);
    await stack.chain.desk(AGENT, "postMessage", [1n, hashOf("hello 1")]);
    await stack.chain.desk(c1, "postMessage", [1n, hashOf("reply 1")]);
    await stack.chain.escrow(c2, "requestRefund", [
      2n,
      zeroAddress,
      parseEther("0.1"),
      hashOf("refund 2"),
    ]);

    // The worker dies mid-way (SIGKILL: no clean shutdown) and the receiver goes down with it.
    await waitFor(
      "some deliveries",
      async () => (flaky.delivered().size > 0 ? true : (await stack.chain.mine(1), undefined)),
      60_000,
      300,
    );
    await stack.hooks.service.kill();
    await flaky.close();
    await stack.chain.escrow(AGENT, "approveRefund", [1n]);
    await stack.chain.desk(AGENT, "awaitCustomer", [1n, hashOf("waiting 1")]);
    await stack.chain.desk(c3, "openTicket", [1, hashOf("order 3"), hashOf("ticket 3"), 0]);
    await stack.chain.desk(AGENT, "resolveTicket", [2n, hashOf("done 2")]);
    await stack.chain.feedback(c2, "attest", [2n, 5, hashOf("great 2")]);
    await stack.chain.mine(CONFIRMATIONS + 1);
    await stack.waitIndexed();
    const logFrom = stack.hooks.service.entries().length;
    await stack.hooks.start();
    // The receiver stays down until the restarted worker has tried it and found nobody listening.
    await waitFor(
      "the restarted worker to find the receiver down",
      async () =>
        failedAttempts(logFrom, flakyEndpoint, /fetch failed|ECONNREFUSED/).length > 0
          ? true
          : undefined,
      60_000,
      50,
    );
    await flaky.listen(flaky.port);

    const expected = await stack.outboxIds();
    // 3 opened, 3 status changes (first answer, awaiting customer, resolved), 2 messages, refund requested
    // and paid, feedback given.
    assert.equal(expected.length, 11, `${expected.length} events in the outbox`);
    firstEvents = expected;
    await waitFor(
      "every event at the flaky receiver",
      async () => (expected.every((id) => flaky.delivered().has(id)) ? true : undefined),
      120_000,
      200,
    );
    assert.equal(flaky.verificationFailures, 0);
    assert.deepEqual([...flaky.delivered()].sort(), [...expected].sort());
    for (const id of expected) assert.ok((flaky.attempts.get(id) ?? 0) >= 3, `${id} was retried`);
    // In order per ticket: every attempt (failed ones included) of a ticket's events follows chain order.
    assert.deepEqual(flaky.outOfOrder(), []);

    // The event ids are stable: chain id, transaction hash and log index.
    for (const id of expected) assert.match(id, new RegExp(`^${chainId}:0x[0-9a-f]{64}:\\d+$`));

    // Mapping onto a helpdesk ticket, from the delivered bodies.
    assert.equal(
      toHelpdesk({
        type: "ticket.status_changed",
        chainId,
        ticketId: "1",
        data: { from: 2, to: 3 },
      } as never).status,
      "pending",
    );
    assert.equal(
      toHelpdesk({
        type: "ticket.status_changed",
        chainId,
        ticketId: "2",
        data: { from: 2, to: 4 },
      } as never).status,
      "solved",
    );
    assert.equal(
      toHelpdesk({ type: "ticket.opened", chainId, ticketId: "2", data: { priority: 3 } } as never)
        .priority,
      "urgent",
    );
  });

  it("parks a delivery that keeps failing, holds its ticket's later events, and replays them on a signed request", async () => {
    // Each ticket's first event is tried MAX_ATTEMPTS times and parked (one more attempt reached the
    // receiver if the worker was killed while it was in flight).
    await waitFor(
      "the broken receiver's first events parked",
      async () =>
        broken.attempts.size >= 3 && [...broken.attempts.values()].every((n) => n >= MAX_ATTEMPTS)
          ? true
          : undefined,
      120_000,
      200,
    );
    for (const [id, n] of broken.attempts)
      assert.ok(n === MAX_ATTEMPTS || n === MAX_ATTEMPTS + 1, `${id}: ${n} attempts`);

    // A new ticket is not held back by the parked ones: once it arrives, the worker has run past the
    // parking, and still sent nothing later of the three parked tickets.
    broken.behave = () => "ok";
    await stack.chain.desk(CUSTOMERS[0]!, "openTicket", [
      1,
      hashOf("order 4"),
      hashOf("ticket 4"),
      2,
    ]);
    await stack.chain.mine(CONFIRMATIONS + 1);
    await stack.waitIndexed();
    const ticket4 = (await stack.outboxIds()).filter((id) => !firstEvents.includes(id));
    assert.equal(ticket4.length, 1, "one new event: ticket 4 opened");
    await waitFor(
      "the new ticket's event at the broken receiver",
      async () => (broken.delivered().has(ticket4[0]!) ? true : undefined),
      60_000,
      200,
    );
    assert.equal(
      new Set(broken.received.map((r) => r.id)).size,
      4,
      "only the three parked first events and ticket 4's were attempted",
    );

    const stranger = await sendJson(
      `${stack.hooks.url}/endpoints/${brokenEndpoint}/replay`,
      await signIn(
        stack.hooks.url,
        chainId,
        stack.chain.account(STRANGER),
        `Replay parked webhook deliveries of endpoint ${brokenEndpoint}`,
      ),
    );
    assert.equal(stranger.status, 403);

    const replay = await sendJson(
      `${stack.hooks.url}/endpoints/${brokenEndpoint}/replay`,
      await signIn(
        stack.hooks.url,
        chainId,
        stack.chain.account(ADMIN),
        `Replay parked webhook deliveries of endpoint ${brokenEndpoint}`,
      ),
    );
    assert.deepEqual(replay.body, { replayed: 3 });
    await broken.deliveredExactly(
      await stack.outboxIds(),
      "every event at the repaired receiver",
      60_000,
    );
  });
});
