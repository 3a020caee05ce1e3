/**
 * Webhooks end to end: SIWE registration (admin or agent only, nonce used once), Standard Webhooks
 * signatures checked with the `standardwebhooks` verifier (through examples/receiver.ts), and delivery at
 * least once and in order per ticket to a receiver that fails its first attempts, times out, and is down
 * while the worker is killed and restarted; a receiver that keeps failing gets its deliveries parked,
 * holding back the ticket's later events, until a SIWE-signed replay.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";

import { parseEther, zeroAddress, type Hex } from "viem";
import { createSiweMessage } from "viem/siwe";

import { toHelpdesk, verifyDelivery, type CareLedgerEvent } from "../examples/receiver.ts";
import { Chain, contractsOf, hashOf } from "./chain.ts";
import {
  deployCareLedger,
  freePort,
  getJson,
  startIndexer,
  startNode,
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
const STRANGER = 12;
const CUSTOMERS = [13, 14, 15];
const CONFIRMATIONS = 2;

interface Received {
  id: string;
  ticketId: string;
  position: [number, number];
  ok: boolean;
}

/** A receiver whose behaviour the test sets: `fail(attempt)` decides per attempt of each id. */
class Receiver {
  readonly received: Received[] = [];
  readonly attempts = new Map<string, number>();
  verificationFailures = 0;
  secret = "";
  behave: (attempt: number) => "ok" | "error" | "hang" = () => "ok";
  #server: Server | undefined;
  port = 0;

  async listen(port?: number): Promise<void> {
    this.port = port ?? (await freePort());
    this.#server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        let event: CareLedgerEvent;
        try {
          event = verifyDelivery(this.secret, body, req.headers);
        } catch {
          this.verificationFailures += 1;
          res.writeHead(401).end();
          return;
        }
        const attempt = (this.attempts.get(event.id) ?? 0) + 1;
        this.attempts.set(event.id, attempt);
        const mode = this.behave(attempt);
        this.received.push({
          id: event.id,
          ticketId: event.ticketId,
          position: [Number(event.blockNumber), event.logIndex],
          ok: mode === "ok",
        });
        if (mode === "ok") res.writeHead(204).end();
        else if (mode === "error") res.writeHead(503).end();
        // "hang": answer after the worker's timeout; the worker counts it as failed.
        else setTimeout(() => res.writeHead(204).end(), 1_500);
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.port, "127.0.0.1", resolve));
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  delivered(): Set<string> {
    return new Set(this.received.filter((r) => r.ok).map((r) => r.id));
  }
}

describe("webhooks", () => {
  const chainId = testChainId();
  const dir = tempDir("webhooks");
  let node: { url: string; service: Service };
  let forget: () => void = () => undefined;
  let indexer: Indexer;
  let hooks: WebhookService;
  let chain: Chain;
  const flaky = new Receiver();
  const broken = new Receiver();
  let brokenEndpoint = "";

  before(async () => {
    node = await startNode(dir, chainId);
    const deployed = deployCareLedger(node.url, chainId);
    forget = deployed.forget;
    chain = new Chain(node.url, chainId, contractsOf(deployed.deploymentDir));
    await chain.desk(ADMIN, "registerMerchant", [chain.account(ADMIN).address, hashOf("merchant")]);
    await chain.desk(ADMIN, "setAgent", [1, chain.account(AGENT).address, true]);
    await chain.escrow(ADMIN, "deposit", [1, zeroAddress, parseEther("1")], parseEther("1"));
    indexer = await startIndexer({
      dir,
      rpcUrl: node.url,
      chainId,
      deploymentDir: deployed.deploymentDir,
    });
    hooks = await startWebhooks({
      dir,
      indexer,
      env: {
        WEBHOOK_CONFIRMATIONS: String(CONFIRMATIONS),
        WEBHOOK_MAX_ATTEMPTS: "5",
        WEBHOOK_BACKOFF_BASE_MS: "100",
        WEBHOOK_BACKOFF_MAX_MS: "400",
        WEBHOOK_TIMEOUT_MS: "400",
      },
    });
    await flaky.listen();
    await broken.listen();
  });

  after(async () => {
    await hooks?.service.stop();
    await indexer?.service.stop();
    await node?.service.stop();
    await flaky.close();
    await broken.close();
    forget();
  });

  /** A SIWE message for the webhook service, signed by test account `index`. */
  async function signIn(
    index: number,
    statement: string,
    nonce?: string,
  ): Promise<{ message: string; signature: Hex }> {
    const issued = nonce ?? (await getJson<{ nonce: string }>(`${hooks.url}/siwe/nonce`)).nonce;
    const account = chain.account(index);
    const message = createSiweMessage({
      domain: new URL(hooks.url).host,
      address: account.address,
      statement,
      uri: hooks.url,
      version: "1",
      chainId,
      nonce: issued,
      issuedAt: new Date(Date.now() - 1_000),
      expirationTime: new Date(Date.now() + 300_000),
    });
    return { message, signature: await account.signMessage({ message }) };
  }

  async function register(index: number, url: string, statementUrl = url) {
    const signed = await signIn(
      index,
      `Register webhook endpoint ${statementUrl} for CareLedger merchant 1`,
    );
    const response = await fetch(`${hooks.url}/endpoints`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ merchantId: 1, url, ...signed }),
    });
    return {
      status: response.status,
      body: (await response.json()) as { id?: string; secret?: string; error?: string },
      signed,
    };
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

    // The same signed message again: its nonce is spent.
    const replayed = await fetch(`${hooks.url}/endpoints`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ merchantId: 1, url: flaky.url, ...byAgent.signed }),
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
    await chain.desk(c1, "openTicket", [1, hashOf("order 1"), hashOf("ticket 1"), 1]);
    await chain.desk(c2, "openTicket", [1, hashOf("order 2"), hashOf("ticket 2"), 3]);
    await chain.desk(AGENT, "postMessage", [1n, hashOf("hello 1")]);
    await chain.desk(c1, "postMessage", [1n, hashOf("reply 1")]);
    await chain.escrow(c2, "requestRefund", [
      2n,
      zeroAddress,
      parseEther("0.1"),
      hashOf("refund 2"),
    ]);

    // The worker dies mid-way (SIGKILL: no clean shutdown) and the receiver goes down with it.
    await waitFor(
      "some deliveries",
      async () => (flaky.delivered().size > 0 ? true : (await chain.mine(1), undefined)),
      60_000,
      300,
    );
    await hooks.service.kill();
    await flaky.close();
    await chain.escrow(AGENT, "approveRefund", [1n]);
    await chain.desk(AGENT, "awaitCustomer", [1n, hashOf("waiting 1")]);
    await chain.desk(c3, "openTicket", [1, hashOf("order 3"), hashOf("ticket 3"), 0]);
    await chain.desk(AGENT, "resolveTicket", [2n, hashOf("done 2")]);
    await chain.feedback(c2, "attest", [2n, 5, hashOf("great 2")]);
    await chain.mine(CONFIRMATIONS + 1);
    await waitIndexed(indexer, node.url);
    await hooks.start();
    await new Promise((r) => setTimeout(r, 1_000)); // the receiver is still down while the worker retries
    await flaky.listen(flaky.port);

    const { events } = await getJson<{
      events: { id: string; ticketId: string; blockNumber: string; logIndex: number }[];
    }>(`${indexer.url}/outbox?limit=5000`);
    const expected = new Set(events.map((e) => e.id));
    // 3 opened, 3 status changes (first answer, awaiting customer, resolved), 2 messages, refund requested
    // and paid, feedback given.
    assert.equal(expected.size, 11, `${expected.size} events in the outbox`);
    await waitFor(
      "every event at the flaky receiver",
      async () => ([...expected].every((id) => flaky.delivered().has(id)) ? true : undefined),
      120_000,
      200,
    );
    assert.equal(flaky.verificationFailures, 0);
    assert.deepEqual([...flaky.delivered()].sort(), [...expected].sort());
    for (const id of expected) assert.ok((flaky.attempts.get(id) ?? 0) >= 3, `${id} was retried`);

    // In order per ticket: every attempt (failed ones included) of a ticket's events follows chain order.
    const byTicket = new Map<string, [number, number][]>();
    for (const r of flaky.received)
      byTicket.set(r.ticketId, [...(byTicket.get(r.ticketId) ?? []), r.position]);
    for (const [ticketId, positions] of byTicket) {
      for (let i = 1; i < positions.length; i++) {
        const [a, b] = [positions[i - 1]!, positions[i]!];
        assert.ok(
          a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]),
          `ticket ${ticketId}: ${a} then ${b}`,
        );
      }
    }

    // The event ids are stable: chain id, transaction hash and log index.
    for (const e of events)
      assert.match(e.id, new RegExp(`^${chainId}:0x[0-9a-f]{64}:${e.logIndex}$`));

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
    // Each ticket's first event was tried WEBHOOK_MAX_ATTEMPTS times and parked; nothing later of that ticket went out.
    await waitFor(
      "the broken receiver's first events parked",
      async () =>
        broken.attempts.size >= 3 && [...broken.attempts.values()].every((n) => n >= 5)
          ? true
          : undefined,
      60_000,
      200,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    const opened = new Set(broken.received.map((r) => r.id));
    assert.equal(
      opened.size,
      3,
      `only the three tickets' first events were attempted: ${[...opened].join(", ")}`,
    );
    // Five attempts each (one more if the worker was killed while an attempt was in flight).
    for (const [id, n] of broken.attempts) assert.ok(n === 5 || n === 6, `${id}: ${n} attempts`);

    const stranger = await (async () => {
      const signed = await signIn(
        STRANGER,
        `Replay parked webhook deliveries of endpoint ${brokenEndpoint}`,
      );
      return fetch(`${hooks.url}/endpoints/${brokenEndpoint}/replay`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(signed),
      });
    })();
    assert.equal(stranger.status, 403);

    broken.behave = () => "ok";
    const signed = await signIn(
      ADMIN,
      `Replay parked webhook deliveries of endpoint ${brokenEndpoint}`,
    );
    const replay = await fetch(`${hooks.url}/endpoints/${brokenEndpoint}/replay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(signed),
    });
    assert.deepEqual(await replay.json(), { replayed: 3 });
    await waitFor(
      "every event at the repaired receiver",
      async () => (broken.delivered().size === flaky.delivered().size ? true : undefined),
      60_000,
      200,
    );
    assert.deepEqual([...broken.delivered()].sort(), [...flaky.delivered()].sort());
  });
});
