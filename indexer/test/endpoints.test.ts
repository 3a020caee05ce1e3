/**
 * Endpoint management on the webhook service: listing a merchant's endpoints and disabling one, each
 * authorized like registration by a SIWE message of the merchant's admin or an agent, checked on chain.
 * Two merchants, so that an agent of one is a stranger to the other.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import type { EndpointView } from "../webhooks/endpoints.ts";
import { hashOf } from "./chain.ts";
import { testChainId, useStack, waitFor } from "./harness.ts";
import { Receiver } from "./receiver.ts";
import { registerEndpoint, sendJson, signIn, type Signed } from "./siwe.ts";

const ADMIN = 10;
const AGENT = 11;
const STRANGER = 12;
const CUSTOMER = 13;
const ADMIN_2 = 14;
const AGENT_2 = 15;
const CONFIRMATIONS = 1;

type ListAnswer = { merchantId?: number; endpoints?: EndpointView[]; error?: string };

describe("webhook endpoint management", () => {
  const kept = new Receiver();
  const dropped = new Receiver();
  const otherMerchant = new Receiver();
  const stack = useStack({
    name: "endpoints",
    chainId: testChainId() + 3,
    seed: async (chain) => {
      await chain.merchantWithAgent(1, ADMIN, AGENT, "one");
      await chain.merchantWithAgent(2, ADMIN_2, AGENT_2, "two");
    },
    webhooks: { WEBHOOK_CONFIRMATIONS: String(CONFIRMATIONS) },
    receivers: [kept, dropped, otherMerchant],
  });
  const ids = { kept: "", dropped: "", otherMerchant: "" };

  before(async () => {
    for (const [name, receiver, merchantId, signer] of [
      ["kept", kept, 1, ADMIN],
      ["dropped", dropped, 1, AGENT],
      ["otherMerchant", otherMerchant, 2, AGENT_2],
    ] as const) {
      ids[name] = await registerEndpoint(
        stack.hooks.url,
        stack.chainId,
        stack.chain.account(signer),
        merchantId,
        receiver,
      );
    }
  });

  const sign = (index: number, statement: string, options?: { domain?: string }): Promise<Signed> =>
    signIn(stack.hooks.url, stack.chainId, stack.chain.account(index), statement, options);

  async function list(index: number, merchantId: number, statementMerchant = merchantId) {
    return sendJson<ListAnswer>(`${stack.hooks.url}/endpoints/list`, {
      merchantId,
      ...(await sign(index, `List webhook endpoints of CareLedger merchant ${statementMerchant}`)),
    });
  }

  async function disable(index: number, id: string, statementId = id) {
    return sendJson<{ id?: string; enabled?: boolean; disabledAt?: string; error?: string }>(
      `${stack.hooks.url}/endpoints/${id}`,
      await sign(index, `Disable webhook endpoint ${statementId}`),
      "DELETE",
    );
  }

  it("lists a merchant's endpoints, without their secrets, to its admin and agents", async () => {
    const byAgent = await list(AGENT, 1);
    assert.equal(byAgent.status, 200, JSON.stringify(byAgent.body));
    assert.equal(byAgent.body.merchantId, 1);
    const endpoints = byAgent.body.endpoints ?? [];
    assert.deepEqual(
      endpoints.map((e) => [e.id, e.url, e.enabled, e.registeredBy]),
      [
        [ids.kept, kept.url, true, stack.chain.account(ADMIN).address.toLowerCase()],
        [ids.dropped, dropped.url, true, stack.chain.account(AGENT).address.toLowerCase()],
      ],
    );
    for (const e of endpoints) {
      assert.ok(!("secret" in e), "no secret in the list");
      assert.ok(!JSON.stringify(e).includes("whsec_"), "no secret in the list");
      assert.deepEqual(e.deliveries, { pending: 0, delivered: 0, parked: 0 });
      assert.equal(e.disabledAt, null);
      assert.ok(Date.parse(e.createdAt) > 0);
    }

    const byOtherAdmin = await list(ADMIN_2, 2);
    assert.equal(byOtherAdmin.status, 200);
    assert.deepEqual(
      byOtherAdmin.body.endpoints?.map((e) => e.id),
      [ids.otherMerchant],
    );
  });

  it("refuses to list a merchant's endpoints to a stranger or to another merchant's agent", async () => {
    const stranger = await list(STRANGER, 1);
    assert.equal(stranger.status, 403);
    assert.match(stranger.body.error ?? "", /neither the admin nor an agent of merchant 1/);
    assert.equal(stranger.body.endpoints, undefined);

    const otherAgent = await list(AGENT_2, 1);
    assert.equal(otherAgent.status, 403);
    assert.equal(otherAgent.body.endpoints, undefined);
  });

  it("answers bad input to the list and disable routes with 400, 401 or 404 and the reason", async () => {
    for (const merchantId of ["one", 0, -1, 1.5, 2 ** 32, null]) {
      const answer = await sendJson<ListAnswer>(`${stack.hooks.url}/endpoints/list`, {
        merchantId,
        ...(await sign(AGENT, "List webhook endpoints of CareLedger merchant 1")),
      });
      assert.equal(answer.status, 400, `merchantId ${String(merchantId)}`);
      assert.match(answer.body.error ?? "", /merchantId/);
    }
    const unsigned = await sendJson<ListAnswer>(`${stack.hooks.url}/endpoints/list`, {
      merchantId: 1,
    });
    assert.equal(unsigned.status, 400);
    assert.match(unsigned.body.error ?? "", /message .* and signature/);

    const badSignature = await sendJson<ListAnswer>(`${stack.hooks.url}/endpoints/list`, {
      merchantId: 1,
      ...(await sign(AGENT, "List webhook endpoints of CareLedger merchant 1")),
      signature: "0x1234",
    });
    assert.equal(badSignature.status, 401);

    // A message signed for merchant 2's list does not open merchant 1's.
    const otherStatement = await list(AGENT, 1, 2);
    assert.equal(otherStatement.status, 400);
    assert.match(otherStatement.body.error ?? "", /statement must be/);

    const otherDomain = await sendJson<ListAnswer>(`${stack.hooks.url}/endpoints/list`, {
      merchantId: 1,
      ...(await sign(AGENT, "List webhook endpoints of CareLedger merchant 1", {
        domain: "phish.example",
      })),
    });
    assert.equal(otherDomain.status, 401);

    // The same signed message twice: its nonce is spent.
    const signed = await sign(AGENT, "List webhook endpoints of CareLedger merchant 1");
    const first = await sendJson(`${stack.hooks.url}/endpoints/list`, { merchantId: 1, ...signed });
    assert.equal(first.status, 200);
    const second = await sendJson(`${stack.hooks.url}/endpoints/list`, {
      merchantId: 1,
      ...signed,
    });
    assert.equal(second.status, 401);

    assert.equal((await disable(AGENT, "abc")).status, 400);
    assert.equal((await disable(AGENT, "999999")).status, 404);
    const otherEndpoint = await disable(AGENT, ids.dropped, ids.kept);
    assert.equal(otherEndpoint.status, 400);
    assert.match(otherEndpoint.body.error ?? "", /statement must be/);
  });

  /** Opens a ticket of merchant 1, waits until it is indexed and confirmed: its outbox event id. */
  async function openTicket(name: string): Promise<string> {
    const before = await stack.outboxIds();
    await stack.chain.desk(CUSTOMER, "openTicket", [1, hashOf(`order ${name}`), hashOf(name), 1]);
    await stack.chain.mine(CONFIRMATIONS + 1);
    await stack.waitIndexed();
    const added = (await stack.outboxIds()).filter((id) => !before.includes(id));
    assert.equal(added.length, 1, "one event: the ticket opened");
    return added[0]!;
  }

  it("disables an endpoint only for its merchant's staff, after which nothing more is sent to it", async () => {
    // Before: both endpoints get merchant 1's events; the one to drop fails and keeps a delivery pending.
    dropped.behave = () => "error";
    const first = await openTicket("first");
    await waitFor(
      "the first event at the kept endpoint and tried at the other",
      async () => (kept.delivered().has(first) && dropped.attempts.has(first) ? true : undefined),
      60_000,
      100,
    );

    const stranger = await disable(STRANGER, ids.dropped);
    assert.equal(stranger.status, 403);
    const otherAgent = await disable(AGENT_2, ids.dropped);
    assert.equal(otherAgent.status, 403);
    assert.ok((await list(ADMIN, 1)).body.endpoints?.every((e) => e.enabled));

    const byAgent = await disable(AGENT, ids.dropped);
    const attemptsWhenDisabled = dropped.received.length;
    assert.equal(byAgent.status, 200, JSON.stringify(byAgent.body));
    assert.deepEqual([byAgent.body.id, byAgent.body.enabled], [ids.dropped, false]);
    assert.equal((await disable(ADMIN, ids.dropped)).status, 409, "already disabled");

    const listed = (await list(ADMIN, 1)).body.endpoints ?? [];
    const droppedView = listed.find((e) => e.id === ids.dropped);
    assert.deepEqual(
      [droppedView?.enabled, droppedView?.disabledBy],
      [false, stack.chain.account(AGENT).address.toLowerCase()],
    );
    assert.ok(Date.parse(droppedView?.disabledAt ?? "") > 0);
    assert.equal(listed.find((e) => e.id === ids.kept)?.enabled, true);

    const replay = await sendJson(
      `${stack.hooks.url}/endpoints/${ids.dropped}/replay`,
      await sign(ADMIN, `Replay parked webhook deliveries of endpoint ${ids.dropped}`),
    );
    assert.equal(replay.status, 409);

    // After: a second ticket reaches the kept endpoint; by then the worker has run past the disabling
    // and sent the disabled one neither the new event nor its pending retry (one attempt may have been
    // in flight while it was disabled).
    const second = await openTicket("second");
    await waitFor(
      "the second event at the kept endpoint",
      async () => (kept.delivered().has(second) ? true : undefined),
      60_000,
      100,
    );
    const afterDisabling = dropped.received.slice(attemptsWhenDisabled);
    assert.ok(afterDisabling.length <= 1, `${afterDisabling.length} attempts after disabling`);
    assert.ok(afterDisabling.every((r) => r.id === first));
    assert.deepEqual(otherMerchant.received, [], "merchant 2 gets nothing of merchant 1");
    await waitFor(
      "the delivery counts",
      async () => {
        const counts = (await list(AGENT, 1)).body.endpoints?.map((e) => [e.id, e.deliveries]);
        return JSON.stringify(counts) ===
          JSON.stringify([
            [ids.kept, { pending: 0, delivered: 2, parked: 0 }],
            [ids.dropped, { pending: 1, delivered: 0, parked: 0 }],
          ])
          ? true
          : undefined;
      },
      30_000,
      200,
    );
  });
});
