/**
 * Reorgs, on a real Postgres (DATABASE_URL): snapshot the chain, mine blocks with CareLedger events,
 * let the indexer index them, revert, mine a different branch. The indexer's tables (tickets, timeline,
 * outbox) follow the new branch, and the webhook worker, waiting for confirmations, never notifies an
 * event of the abandoned branch while it delivers every event of the new one.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";

import { createSiweMessage } from "viem/siwe";

import { verifyDelivery } from "../examples/receiver.ts";
import { Chain, contractsOf, hashOf } from "./chain.ts";
import {
  deployCareLedger,
  freePort,
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
  type Service,
  type WebhookService,
} from "./harness.ts";

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
  const chainId = testChainId() + 1;
  const dir = tempDir("reorg");
  let node: { url: string; service: Service };
  let postgres: { url: string; stop: () => void };
  let forget: () => void = () => undefined;
  let indexer: Indexer;
  let hooks: WebhookService;
  let chain: Chain;
  let receiver: Server;
  const received: string[] = [];
  let secret = "";

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
      schema: "careledger_reorg",
    });
    hooks = await startWebhooks({
      dir,
      indexer,
      env: { WEBHOOK_CONFIRMATIONS: String(CONFIRMATIONS) },
    });
    const port = await freePort();
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        const event = verifyDelivery(secret, body, req.headers);
        received.push(event.id);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(port, "127.0.0.1", resolve));
    const { nonce } = await getJson<{ nonce: string }>(`${hooks.url}/siwe/nonce`);
    const url = `http://127.0.0.1:${port}/hooks`;
    const account = chain.account(ADMIN);
    const message = createSiweMessage({
      domain: new URL(hooks.url).host,
      address: account.address,
      statement: `Register webhook endpoint ${url} for CareLedger merchant 1`,
      uri: hooks.url,
      version: "1",
      chainId,
      nonce,
    });
    const response = await fetch(`${hooks.url}/endpoints`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        merchantId: 1,
        url,
        message,
        signature: await account.signMessage({ message }),
      }),
    });
    assert.equal(response.status, 201);
    secret = ((await response.json()) as { secret: string }).secret;
  });

  after(async () => {
    await hooks?.service.stop();
    await indexer?.service.stop();
    await node?.service.stop();
    receiver?.closeAllConnections();
    receiver?.close();
    postgres?.stop();
    forget();
  });

  const outbox = async () =>
    (await getJson<{ events: OutboxEvent[] }>(`${indexer.url}/outbox?limit=5000`)).events;

  it("follows the new branch in its tables and never notifies the abandoned one", async () => {
    // A confirmed ticket before the fork: delivered.
    await chain.desk(ALICE, "openTicket", [1, hashOf("order 0"), hashOf("ticket 0"), 1]);
    await chain.mine(CONFIRMATIONS + 1);
    await waitIndexed(indexer, node.url);
    const before = await outbox();
    assert.equal(before.length, 1);
    await waitFor(
      "the pre-fork event",
      async () => (received.includes(before[0]!.id) ? true : undefined),
      60_000,
    );

    // Branch A: Alice opens ticket 2, an agent answers it (3 events), indexed but never confirmed.
    const snapshot = await chain.public.request({
      method: "evm_snapshot" as never,
      params: [] as never,
    });
    await chain.desk(ALICE, "openTicket", [1, hashOf("order A"), hashOf("ticket A"), 3]);
    await chain.desk(AGENT, "postMessage", [2n, hashOf("answer A")]);
    await waitIndexed(indexer, node.url);
    const branchA = (await outbox()).filter((e) => !before.some((b) => b.id === e.id));
    assert.deepEqual(
      branchA.map((e) => e.type),
      ["ticket.opened", "ticket.status_changed", "ticket.message_posted"],
    );
    const ticketA = await getJson<{
      ticket: { customer: string; priority: number; status: number };
    }>(`${indexer.url}/tickets/2`);
    assert.equal(ticketA.ticket.customer, chain.account(ALICE).address.toLowerCase());

    // Revert, and mine branch B: Bob opens ticket 2 instead, with another priority, then enough blocks.
    assert.equal(
      await chain.public.request({ method: "evm_revert" as never, params: [snapshot] as never }),
      true,
    );
    await chain.desk(BOB, "openTicket", [1, hashOf("order B"), hashOf("ticket B"), 0]);
    await chain.mine(CONFIRMATIONS + 3);
    await waitIndexed(indexer, node.url);

    const ticketB = await waitFor(
      "ticket 2 from branch B",
      async () => {
        const t = await getJson<{
          ticket: { customer: string; priority: number; status: number; messageCount: number };
          timeline: { kind: string }[];
        }>(`${indexer.url}/tickets/2`);
        return t.ticket.customer === chain.account(BOB).address.toLowerCase() ? t : undefined;
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
      async () => (received.includes(branchB.id) ? true : undefined),
      60_000,
    );
    // A little longer: nothing of branch A may arrive late either.
    await new Promise((r) => setTimeout(r, 1_500));
    assert.deepEqual([...new Set(received)].sort(), [before[0]!.id, branchB.id].sort());
    for (const a of branchA)
      assert.ok(!received.includes(a.id), `${a.id} of the abandoned branch was delivered`);
  });
});
