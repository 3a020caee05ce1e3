/**
 * The SDK with an indexer: after the demo's day and a second merchant's (test/scenario/run.ts) on a local
 * node, `connect(..., { indexer })` answers every ticket's timeline, both merchants' reports, queues and
 * refunds and every customer's tickets from the indexer, and each answer is deep-equal (bigints, checksummed
 * addresses, enums) to what the same SDK rebuilds from the logs without one. With a wrong URL every read
 * falls back to the logs and still gives the same answers.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import {
  addressesFromIgnition,
  connect,
  customerTickets,
  merchantQueue,
  merchantRefunds,
  merchantReport,
  RefundStatus,
  ticketTimeline,
  type CareLedgerAddresses,
  type CareLedgerClient,
} from "careledger";
import { JsonRpcProvider } from "ethers";

import { testChainId, useStack } from "./harness.ts";

describe("the SDK reading from the indexer", () => {
  const stack = useStack({
    name: "sdk",
    // Another id than the consistency test's, in case both run at once.
    chainId: testChainId() + 1,
    contracts: "scenario",
  });
  let addresses: CareLedgerAddresses;
  let logs: CareLedgerClient;
  let indexed: CareLedgerClient;
  const fallbacks: string[] = [];
  const chainId = stack.chainId;

  const provider = () => new JsonRpcProvider(stack.node.url, chainId, { staticNetwork: true });

  before(async () => {
    addresses = addressesFromIgnition(stack.addresses);
    logs = await connect(provider(), chainId, addresses);
    indexed = await connect(provider(), chainId, addresses, {
      indexer: { indexerUrl: stack.indexer.url, onFallback: (reason) => fallbacks.push(reason) },
    });
  });

  it("gives every ticket's timeline exactly as the log scan does", async () => {
    const count = Number(await logs.desk.ticketCount());
    assert.ok(count >= 10, `the scenario opened ${count} tickets`);
    let entries = 0;
    for (let id = 1; id <= count; id++) {
      const fromLogs = await ticketTimeline(logs, id);
      assert.deepStrictEqual(await ticketTimeline(indexed, id), fromLogs, `ticket ${id}`);
      entries += fromLogs.length;
    }
    assert.ok(entries > 80, `${entries} entries compared`);
    assert.deepEqual(fallbacks, []);
  });

  it("gives each merchant's report and queue exactly as the log scan does", async () => {
    let queued = 0;
    for (const id of [1, 2]) {
      assert.deepStrictEqual(
        await merchantReport(indexed, id),
        await merchantReport(logs, id),
        `merchant ${id}'s report`,
      );
      const queue = await merchantQueue(logs, id, { limit: 1000 });
      queued += queue.length;
      assert.deepStrictEqual(
        await merchantQueue(indexed, id, { limit: 1000 }),
        queue,
        `merchant ${id}'s queue`,
      );
      assert.deepStrictEqual(await merchantQueue(indexed, id, { limit: 2 }), queue.slice(0, 2));
    }
    assert.ok(queued >= 2, `${queued} tickets in the queues`);
    assert.deepEqual(fallbacks, []);
  });

  it("gives each merchant's refunds, all and open ones, exactly as the log scan does", async () => {
    const open = new Set<RefundStatus>();
    let listed = 0;
    for (const id of [1, 2]) {
      const all = await merchantRefunds(logs, id, { limit: 1000 });
      const unsettled = await merchantRefunds(logs, id, { open: true });
      listed += all.length;
      for (const refund of unsettled) open.add(refund.status);
      assert.deepStrictEqual(
        await merchantRefunds(indexed, id, { limit: 1000 }),
        all,
        `merchant ${id}`,
      );
      assert.deepStrictEqual(
        await merchantRefunds(indexed, id, { open: true }),
        unsettled,
        `merchant ${id}'s open refunds`,
      );
      assert.deepStrictEqual(await merchantRefunds(indexed, id, { limit: 2 }), all.slice(0, 2));
    }
    // The scenario leaves refunds in every open state, and settles others: the filter had work to do.
    assert.ok(listed >= 8, `${listed} refunds listed`);
    assert.deepEqual(
      [...open].sort(),
      [RefundStatus.Requested, RefundStatus.Rejected, RefundStatus.Disputed].sort(),
    );
    assert.deepEqual(fallbacks, []);
  });

  it("answers a bad merchant id, limit or open flag on the refunds route with 400", async () => {
    for (const query of [
      "x/refunds",
      "1/refunds?limit=0",
      "1/refunds?limit=1001",
      "1/refunds?open=2",
    ]) {
      const answer = await fetch(`${stack.indexer.url}/merchants/${query}`);
      assert.equal(answer.status, 400, query);
      assert.deepEqual(await answer.json(), {
        error: "merchant id and limit must be positive integers, open 0 or 1",
      });
    }
  });

  it("gives every customer's tickets exactly as the log scan does", async () => {
    const count = Number(await logs.desk.ticketCount());
    const customers = new Set<string>();
    for (let id = 1; id <= count; id++) customers.add(await logs.desk.customerOf(id));
    assert.ok(customers.size >= 2, `${customers.size} customers`);
    for (const customer of customers) {
      const fromLogs = await customerTickets(logs, customer);
      assert.ok(fromLogs.length >= 1);
      assert.deepStrictEqual(await customerTickets(indexed, customer), fromLogs, customer);
    }
    assert.deepEqual(fallbacks, []);
  });

  it("falls back to the logs, with the same answers, when the indexer's URL is wrong", async () => {
    const reasons: string[] = [];
    const wrong = await connect(provider(), chainId, addresses, {
      indexer: {
        indexerUrl: `${stack.indexer.url}/nothing-here`,
        onFallback: (r) => reasons.push(r),
      },
    });
    const customer = await logs.desk.customerOf(1);
    assert.deepStrictEqual(await ticketTimeline(wrong, 1), await ticketTimeline(logs, 1));
    assert.deepStrictEqual(await merchantReport(wrong, 1), await merchantReport(logs, 1));
    assert.deepStrictEqual(await merchantQueue(wrong, 2), await merchantQueue(logs, 2));
    assert.deepStrictEqual(
      await customerTickets(wrong, customer),
      await customerTickets(logs, customer),
    );
    assert.deepStrictEqual(
      await merchantRefunds(wrong, 2, { open: true }),
      await merchantRefunds(logs, 2, { open: true }),
    );
    assert.equal(reasons.length, 5, reasons.join("\n"));
  });
});
