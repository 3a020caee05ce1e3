/**
 * The relayer against a real local chain (`hardhat node`), over HTTP: what it refuses, and that a good
 * request is mined with the customer as the caller and the relayer paying.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";

import {
  SupportDesk__factory,
  connect,
  relay,
  signForwardRequest,
  type CareLedgerClient,
  type ForwardRequestData,
} from "careledger";
import { Wallet, id } from "ethers";

import { silentLogger } from "../src/log.ts";
import { Relayer, type RelayedStatus } from "../src/relayer.ts";
import { createRelayerServer } from "../src/server.ts";

import { startChain, type LocalChain } from "./chain.ts";

let chain: LocalChain;
let client: CareLedgerClient;
let base: string;
let stopServer: () => Promise<void>;
let clock = 1_000_000;
const desk = SupportDesk__factory.createInterface();

/** A customer without a wei: everything it does must go through the relayer. */
const customer = (name: string): Wallet => new Wallet(id(`relayer test: ${name}`), chain.provider);

const openTicketData = (orderRef: string): string =>
  desk.encodeFunctionData("openTicket", [
    chain.merchantId,
    id(orderRef),
    id("my parcel is late"),
    1,
  ]);

/** The wire form of a request: integers as decimal strings. */
const wire = (request: ForwardRequestData): Record<string, unknown> => ({
  ...request,
  value: request.value.toString(),
  gas: request.gas.toString(),
});

async function post(body: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${base}/relay`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/** Polls the relayer's status route until the transaction is no longer pending (at most 30 s). */
async function minedStatus(hash: string): Promise<RelayedStatus> {
  const started = Date.now();
  for (;;) {
    const status = (await (await fetch(`${base}/status/${hash}`)).json()) as RelayedStatus;
    if (status.status !== "pending" && status.status !== "unknown") return status;
    if (Date.now() - started > 30_000) throw new Error(`${hash} still ${status.status} after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

before(async () => {
  chain = await startChain();
  client = await connect(chain.provider, 31337n, chain.addresses);
  const relayer = new Relayer({
    provider: chain.provider,
    wallet: chain.account(8),
    addresses: chain.addresses,
    rateLimit: { limit: 3, windowMs: 60_000 },
    maxGas: 2_000_000n,
    logger: silentLogger,
    now: () => clock,
  });
  const server = createRelayerServer({ relayer, logger: silentLogger, corsOrigin: "*" });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stopServer = () => new Promise((resolve) => server.close(() => resolve()));
});

after(async () => {
  await stopServer?.();
  await chain?.stop();
});

describe("relayer", () => {
  it("relays a good request: mined, the customer is the caller, the relayer pays", async () => {
    const carol = customer("carol");
    const relayerBalance = await chain.provider.getBalance(chain.account(8).address);
    const request = await signForwardRequest(
      client,
      carol,
      chain.addresses.supportDesk,
      openTicketData("A-1"),
    );
    const answer = await post(wire(request));
    assert.equal(answer.status, 202);
    assert.match(answer.body.hash, /^0x[0-9a-f]{64}$/);
    const status = await minedStatus(answer.body.hash);
    assert.equal(status.status, "mined");
    assert.equal(status.from, carol.address);
    assert.equal(status.to, chain.addresses.supportDesk);
    assert.equal(await client.desk.customerOf(1), carol.address);
    assert.equal(await client.desk.ticketCount(), 1n);
    assert.equal(await chain.provider.getBalance(carol.address), 0n);
    assert.ok((await chain.provider.getBalance(chain.account(8).address)) < relayerBalance);
    assert.equal(await client.forwarder.nonces(carol.address), 1n);
  });

  it("refuses the same request again: replayed (its nonce is used)", async () => {
    const dan = customer("dan");
    const request = await signForwardRequest(
      client,
      dan,
      chain.addresses.supportDesk,
      openTicketData("A-2"),
    );
    const first = await post(wire(request));
    assert.equal(first.status, 202);
    await minedStatus(first.body.hash);
    const again = await post(wire(request));
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, "replayed");
    assert.equal(
      again.body.error.message,
      `this request was already relayed: it was signed for nonce 0 of ${dan.address}, whose next nonce is 1`,
    );
  });

  it("refuses a target that is not a CareLedger contract", async () => {
    const erin = customer("erin");
    const request = await signForwardRequest(client, erin, chain.addresses.forwarder, "0x", {
      gas: 50_000n,
    });
    const before = await chain.provider.getTransactionCount(chain.account(8).address);
    const answer = await post(wire(request));
    assert.equal(answer.status, 403);
    assert.equal(answer.body.error.code, "foreign-target");
    assert.equal(
      answer.body.error.message,
      `${chain.addresses.forwarder} is not one of CareLedger's contracts: this relayer pays only for calls ` +
        "to the SupportDesk, the RefundEscrow and FeedbackAttestations",
    );
    assert.equal(await chain.provider.getTransactionCount(chain.account(8).address), before);
  });

  it("refuses an expired request", async () => {
    const erin = customer("erin");
    const latest = await chain.provider.getBlock("latest");
    const deadline = (latest?.timestamp ?? 0) - 1;
    const request = await signForwardRequest(
      client,
      erin,
      chain.addresses.supportDesk,
      openTicketData("A-3"),
      {
        deadline,
      },
    );
    const answer = await post(wire(request));
    assert.equal(answer.status, 403);
    assert.equal(answer.body.error.code, "expired");
    assert.equal(
      answer.body.error.message,
      `the request's deadline (${new Date(deadline * 1000).toISOString()}) has passed: sign it again`,
    );
  });

  it("refuses a request signed by someone else than its `from`", async () => {
    const erin = customer("erin");
    const mallory = customer("mallory");
    const signed = await signForwardRequest(
      client,
      mallory,
      chain.addresses.supportDesk,
      openTicketData("A-4"),
    );
    const answer = await post(wire({ ...signed, from: erin.address }));
    assert.equal(answer.status, 401);
    assert.equal(answer.body.error.code, "bad-signature");
    assert.equal(
      answer.body.error.message,
      `the signature is not ${erin.address}'s signature of this request (nonce 0)`,
    );
  });

  it("simulates first: a call the contract refuses comes back as its error, and nothing is sent", async () => {
    const erin = customer("erin");
    // Ticket 1 is Carol's: Erin may not cancel it.
    const data = desk.encodeFunctionData("cancelTicket", [1]);
    const request = await signForwardRequest(client, erin, chain.addresses.supportDesk, data, {
      gas: 200_000n,
    });
    const before = await chain.provider.getTransactionCount(chain.account(8).address);
    const answer = await post(wire(request));
    assert.equal(answer.status, 422);
    assert.equal(answer.body.error.code, "reverts");
    assert.equal(answer.body.error.revert.name, "DeskNotCustomer");
    assert.equal(
      answer.body.error.message,
      `SupportDesk refused the call: DeskNotCustomer (ticketId 1, caller ${erin.address})`,
    );
    assert.equal(await chain.provider.getTransactionCount(chain.account(8).address), before);
  });

  it("limits each signer's rate, and lets it go again when the window has passed", async () => {
    const fay = customer("fay");
    const results: number[] = [];
    for (let index = 0; index < 4; index++) {
      const request = await signForwardRequest(
        client,
        fay,
        chain.addresses.supportDesk,
        openTicketData(`R-${index}`),
      );
      const answer = await post(wire(request));
      results.push(answer.status);
      if (answer.status === 202) await minedStatus(answer.body.hash);
      if (answer.status === 429) {
        assert.equal(answer.body.error.code, "rate-limited");
        assert.equal(answer.headers.get("retry-after"), "60");
      }
    }
    assert.deepEqual(results, [202, 202, 202, 429]);
    clock += 60_001;
    const request = await signForwardRequest(
      client,
      fay,
      chain.addresses.supportDesk,
      openTicketData("R-4"),
    );
    assert.equal((await post(wire(request))).status, 202);
  });

  it("sends concurrent requests of several signers with consecutive nonces, all mined", async () => {
    const signers = ["gus", "hal", "ivy", "jan"].map(customer);
    const requests = await Promise.all(
      signers.map((signer, index) =>
        signForwardRequest(
          client,
          signer,
          chain.addresses.supportDesk,
          openTicketData(`C-${index}`),
        ),
      ),
    );
    const before = await chain.provider.getTransactionCount(chain.account(8).address);
    const answers = await Promise.all(requests.map((request) => post(wire(request))));
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [202, 202, 202, 202],
    );
    const statuses = await Promise.all(answers.map((answer) => minedStatus(answer.body.hash)));
    assert.deepEqual(
      statuses.map((status) => status.status),
      ["mined", "mined", "mined", "mined"],
    );
    const nonces = await Promise.all(
      answers.map(async (answer) => (await chain.provider.getTransaction(answer.body.hash))?.nonce),
    );
    assert.deepEqual(
      [...nonces].sort((a, b) => (a ?? 0) - (b ?? 0)),
      [before, before + 1, before + 2, before + 3],
    );
  });

  it("is what the package's relay() uses with a relayer URL, refusals included", async () => {
    const kim = customer("kim");
    const tx = await relay(client, kim, chain.addresses.supportDesk, openTicketData("P-1"), {
      relayerUrl: base,
    });
    const receipt = await tx.wait();
    assert.equal(receipt?.status, 1);
    const ticketId = await client.desk.ticketCount();
    assert.equal(await client.desk.customerOf(ticketId), kim.address);

    const data = desk.encodeFunctionData("cancelTicket", [1]);
    await assert.rejects(
      relay(client, kim, chain.addresses.supportDesk, data, { relayerUrl: base, gas: 200_000n }),
      (error: Error & { data?: string }) => {
        assert.equal(error.name, "CareLedgerError");
        assert.equal(
          error.message,
          `SupportDesk refused the call: DeskNotCustomer (ticketId 1, caller ${kim.address})`,
        );
        assert.match(error.data ?? "", /^0x/);
        return true;
      },
    );
  });

  it("answers /health with the chain and the relayer's address", async () => {
    const health = (await (await fetch(`${base}/health`)).json()) as Record<string, unknown>;
    assert.equal(health.ok, true);
    assert.equal(health.chainId, 31337);
    assert.equal(health.relayer, chain.account(8).address);
  });
});
