/**
 * Reorgs, on a real Postgres (DATABASE_URL): snapshot the chain, mine blocks with CareLedger events,
 * let the indexer index them, revert, mine a different branch. The indexer's tables (tickets, timeline,
 * outbox) follow the new branch, and the webhook worker, waiting for confirmations, never notifies an
 * event of the abandoned branch while it delivers every event of the new one.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import type { EndpointView } from "../webhooks/endpoints.ts";
import { hashOf } from "./chain.ts";
import { getJson, testChainId, useStack, waitFor } from "./harness.ts";
import { Receiver } from "./receiver.ts";
import { registerEndpoint, sendJson, signIn } from "./siwe.ts";

const ADMIN = 10;
const AGENT = 11;
const ALICE = 12;
const BOB = 13;
const CONFIRMATIONS = 4;

interface OutboxEvent {
  id: string;
  type: string;
  ticketId: string;
  blockNumber: string;
}

describe("reorgs (Postgres)", () => {
  const receiver = new Receiver();
  const stack = useStack({
    name: "reorg",
    chainId: testChainId() + 1,
    postgres: { schema: "careledger_reorg" },
    seed: (chain) => chain.merchantWithAgent(1, ADMIN, AGENT, "merchant"),
    webhooks: { WEBHOOK_CONFIRMATIONS: String(CONFIRMATIONS) },
    receivers: [receiver],
  });
  /** Every delivery attempt's event id, in arrival order. */
  const received = () => receiver.received.map((r) => r.id);

  before(async () => {
    await registerEndpoint(stack.hooks.url, stack.chainId, stack.chain.account(ADMIN), 1, receiver);
  });

  const outbox = () => stack.outbox<OutboxEvent>();

  /** The webhook store's delivery counts for merchant 1's one endpoint (its admin lists them). */
  async function deliveryCounts(): Promise<EndpointView["deliveries"] | undefined> {
    const answer = await sendJson<{ endpoints?: EndpointView[] }>(
      `${stack.hooks.url}/endpoints/list`,
      {
        merchantId: 1,
        ...(await signIn(
          stack.hooks.url,
          stack.chainId,
          stack.chain.account(ADMIN),
          "List webhook endpoints of CareLedger merchant 1",
        )),
      },
    );
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.endpoints?.[0]?.deliveries;
  }

  it("follows the new branch in its tables and never notifies the abandoned one", async () => {
    // A confirmed ticket before the fork: delivered.
    await stack.chain.desk(ALICE, "openTicket", [1, hashOf("order 0"), hashOf("ticket 0"), 1]);
    await stack.chain.mine(CONFIRMATIONS + 1);
    await stack.waitIndexed();
    const before = await outbox();
    assert.equal(before.length, 1);
    await waitFor(
      "the pre-fork event",
      async () => (received().includes(before[0]!.id) ? true : undefined),
      60_000,
    );

    // Branch A: Alice opens ticket 2, an agent answers it (3 events), indexed but never confirmed.
    const snapshot = await stack.chain.public.request({
      method: "evm_snapshot" as never,
      params: [] as never,
    });
    await stack.chain.desk(ALICE, "openTicket", [1, hashOf("order A"), hashOf("ticket A"), 3]);
    await stack.chain.desk(AGENT, "postMessage", [2n, hashOf("answer A")]);
    await stack.waitIndexed();
    const branchA = (await outbox()).filter((e) => !before.some((b) => b.id === e.id));
    assert.deepEqual(
      branchA.map((e) => e.type),
      ["ticket.opened", "ticket.status_changed", "ticket.message_posted"],
    );
    const ticketA = await getJson<{
      ticket: { customer: string; priority: number; status: number };
    }>(`${stack.indexer.url}/tickets/2`);
    assert.equal(ticketA.ticket.customer, stack.chain.account(ALICE).address.toLowerCase());

    // Revert, and mine branch B: Bob opens ticket 2 instead, with another priority, then enough blocks.
    assert.equal(
      await stack.chain.public.request({
        method: "evm_revert" as never,
        params: [snapshot] as never,
      }),
      true,
    );
    await stack.chain.desk(BOB, "openTicket", [1, hashOf("order B"), hashOf("ticket B"), 0]);
    await stack.chain.mine(CONFIRMATIONS + 3);
    await stack.waitIndexed();

    const ticketB = await waitFor(
      "ticket 2 from branch B",
      async () => {
        const t = await getJson<{
          ticket: { customer: string; priority: number; status: number; messageCount: number };
          timeline: { kind: string }[];
        }>(`${stack.indexer.url}/tickets/2`);
        return t.ticket.customer === stack.chain.account(BOB).address.toLowerCase() ? t : undefined;
      },
      60_000,
    );
    assert.deepEqual(
      {
        priority: ticketB.ticket.priority,
        status: ticketB.ticket.status,
        messages: ticketB.ticket.messageCount,
      },
      { priority: 0, status: 1, messages: 0 },
    );
    assert.deepEqual(
      ticketB.timeline.map((e) => e.kind),
      ["opened"],
    );
    const after = await outbox();
    assert.equal(after.length, 2);
    assert.ok(
      after.every((e) => !branchA.some((a) => a.id === e.id)),
      "branch A's rows left the outbox",
    );
    const branchB = after.find((e) => e.id !== before[0]!.id)!;
    assert.equal(branchB.type, "ticket.opened");

    await waitFor(
      "branch B's event delivered",
      async () => (received().includes(branchB.id) ? true : undefined),
      60_000,
    );
    // Nothing of branch A may arrive late either. The worker sends only the deliveries in its store, and
    // fans out only outbox rows, which hold nothing of branch A any more (asserted above): once the store
    // has nothing left to send (no delivery pending or parked), what the receiver got is final. The
    // store must hold exactly the two events, both delivered.
    const counts = await waitFor(
      "the worker to have no delivery left to send",
      async () => {
        const c = await deliveryCounts();
        return c !== undefined && c.pending === 0 && c.parked === 0 ? c : undefined;
      },
      60_000,
    );
    assert.deepEqual(counts, { pending: 0, delivered: 2, parked: 0 });
    assert.deepEqual([...new Set(received())].sort(), [before[0]!.id, branchB.id].sort());
    for (const a of branchA)
      assert.ok(!received().includes(a.id), `${a.id} of the abandoned branch was delivered`);
    assert.equal(receiver.verificationFailures, 0);
  });
});
