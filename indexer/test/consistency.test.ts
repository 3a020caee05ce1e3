/**
 * Consistency: after the demo's day and a second merchant's (test/scenario/run.ts) on a local node, every
 * ticket, refund, reserve, owed-compensation book, feedback record and aggregate, agent, policy and hit
 * rate the indexer serves equals what the contracts' views say, and every ticket's timeline and each
 * merchant's report equal what the SDK rebuilds from the logs. The comparisons are exact, so a handler
 * that books one wrong amount, misses one event or moves one status wrongly fails this test.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { before, describe, it } from "node:test";

import {
  addressesFromIgnition,
  connect,
  merchantReport,
  ticketTimeline,
  type CareLedgerAddresses,
  type TimelineEntry,
} from "careledger";
import { feedbackAttestationsAbi, refundEscrowAbi, supportDeskAbi } from "careledger/abis";
import { JsonRpcProvider } from "ethers";
import { createPublicClient, http, zeroAddress, type Abi, type Address, type Hex } from "viem";

import { getJson, graphql, testChainId, useStack } from "./harness.ts";

/** JSON as the API sends it: bigints as decimal strings, addresses lowercase. */
type Json = Record<string, unknown>;

/** The SDK's values in the API's JSON form, so the two compare with deepEqual. */
function normalize(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string")
    return /^0x[0-9a-fA-F]{40}$/.test(value) ? value.toLowerCase() : value;
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Json)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [/^0x[0-9a-fA-F]{40}$/.test(k) ? k.toLowerCase() : k, normalize(v)]),
    );
  }
  return value;
}

describe("indexer consistency with the contracts' views", () => {
  const stack = useStack({ name: "consistency", chainId: testChainId(), contracts: "scenario" });
  let addresses: CareLedgerAddresses;
  let client: ReturnType<typeof createPublicClient>;

  before(() => {
    addresses = addressesFromIgnition(stack.addresses);
    client = createPublicClient({ transport: http(stack.node.url) });
  });

  /** A view of one of the contracts, read with viem. */
  const reader =
    (abi: Abi, address: () => string) =>
    <F extends string>(functionName: F, args: readonly unknown[]) =>
      client.readContract({
        abi,
        address: address(),
        functionName,
        args,
      } as never) as Promise<never>;
  const desk = reader(supportDeskAbi, () => addresses.supportDesk);
  const escrow = reader(refundEscrowAbi, () => addresses.refundEscrow);
  const feedback = reader(feedbackAttestationsAbi, () => addresses.feedbackAttestations);
  /** The SDK without an indexer: what it rebuilds from the logs. */
  const sdkOnLogs = () =>
    connect(
      new JsonRpcProvider(stack.node.url, stack.chainId, { staticNetwork: true }),
      stack.chainId,
      addresses,
    );

  it("has every ticket with the desk's status, parties, priority, assignee, deadlines and receipt", async () => {
    const count = Number(await desk("ticketCount", []));
    let verifiedTickets = 0;
    assert.ok(count >= 10, `the scenario opened ${count} tickets`);
    for (let id = 1; id <= count; id++) {
      const view = (await desk("getTicket", [BigInt(id)])) as {
        customer: Address;
        merchantId: number;
        status: number;
        priority: number;
        assignee: Address;
        firstResponseDueAt: bigint;
        resolutionDueAt: bigint;
        resolvedAt: bigint;
        firstResponded: boolean;
      };
      const { ticket } = await getJson<{ ticket: Json }>(`${stack.indexer.url}/tickets/${id}`);
      const where = `ticket ${id}`;
      assert.equal(ticket.customer, view.customer.toLowerCase(), where);
      assert.equal(ticket.merchantId, view.merchantId, where);
      assert.equal(ticket.status, view.status, where);
      assert.equal(ticket.priority, view.priority, where);
      assert.equal(
        ticket.assignee,
        view.assignee === zeroAddress ? null : view.assignee.toLowerCase(),
        where,
      );
      assert.equal(ticket.firstResponded, view.firstResponded, where);
      assert.equal(ticket.resolvedAt, view.resolvedAt.toString(), where);
      assert.equal(ticket.firstResponseDueAt, view.firstResponseDueAt.toString(), where);
      // While awaiting the customer the desk's view counts the paused clock from "now": not comparable.
      if (view.status !== 3)
        assert.equal(ticket.resolutionDueAt, view.resolutionDueAt.toString(), where);
      // The order behind it: a verified ticket carries its receipt's order, token and amount.
      const [verified, orderRef, token, amount] = (await desk("receiptOf", [BigInt(id)])) as [
        boolean,
        Hex,
        Address,
        bigint,
        bigint,
      ];
      assert.equal(ticket.verified, verified, where);
      if (verified) {
        verifiedTickets++;
        assert.equal(ticket.orderRef, orderRef, where);
        assert.equal(ticket.receiptToken, token.toLowerCase(), where);
        assert.equal(ticket.receiptAmount, amount.toString(), where);
        assert.notEqual(ticket.receiptSigner, null, where);
      } else {
        assert.deepEqual(
          [ticket.receiptSigner, ticket.receiptToken, ticket.receiptAmount],
          [null, null, null],
          where,
        );
      }
    }
    // t1, t5 and t6 of the second merchant at least.
    assert.ok(verifiedTickets >= 3, `${verifiedTickets} verified tickets`);
  });

  it("counts what each verified order's refunds lock or paid as refundedForOrder does", async () => {
    const { tickets } = await graphql<{
      tickets: { items: { id: string; merchantId: number; orderRef: Hex }[] };
    }>(
      stack.indexer.url,
      "{ tickets(where: { verified: true }, limit: 1000) { items { id merchantId orderRef } } }",
    );
    const { refunds } = await graphql<{
      refunds: {
        items: { ticketId: string; amount: string; locked: boolean; paidTo: string | null }[];
      };
    }>(stack.indexer.url, "{ refunds(limit: 1000) { items { ticketId amount locked paidTo } } }");
    assert.ok(tickets.items.length >= 3, `${tickets.items.length} verified tickets`);
    let refundedSomewhere = false;
    for (const t of tickets.items) {
      const orderTickets = new Set(
        tickets.items
          .filter((o) => o.merchantId === t.merchantId && o.orderRef === t.orderRef)
          .map((o) => o.id),
      );
      // Locked (requested, rejected within its dispute window, disputed) or paid; released ones are not.
      const indexed = refunds.items
        .filter((r) => orderTickets.has(r.ticketId) && (r.locked || r.paidTo !== null))
        .reduce((sum, r) => sum + BigInt(r.amount), 0n);
      const onChain = (await escrow("refundedForOrder", [t.merchantId, t.orderRef])) as bigint;
      assert.equal(indexed, onChain, `order ${t.orderRef} of merchant ${t.merchantId}`);
      if (onChain > 0n) refundedSomewhere = true;
    }
    assert.ok(refundedSomewhere, "a verified order had a refund locked or paid");
  });

  it("has every ticket's timeline exactly as the SDK rebuilds it from the logs", async () => {
    const sdk = await sdkOnLogs();
    const count = Number(await desk("ticketCount", []));
    let entries = 0;
    for (let id = 1; id <= count; id++) {
      const fromLogs = await ticketTimeline(sdk, id, { fromBlock: 0 });
      const { timeline } = await getJson<{ timeline: Json[] }>(
        `${stack.indexer.url}/tickets/${id}`,
      );
      const indexed = timeline.map(({ id: _id, ticketId: _t, ...entry }) => entry);
      assert.deepEqual(
        indexed,
        normalize(fromLogs.map((e: TimelineEntry) => e)),
        `ticket ${id}'s timeline`,
      );
      entries += fromLogs.length;
    }
    assert.ok(entries > 80, `${entries} timeline entries compared`);
  });

  it("has every refund allowance with what its agent spent and has left", async () => {
    const { refundAllowances } = await graphql<{
      refundAllowances: {
        items: {
          merchantId: number;
          agent: Address;
          token: Address;
          periodLimit: string;
          period: number;
          left: string | null;
          spent: string;
        }[];
      };
    }>(
      stack.indexer.url,
      "{ refundAllowances(limit: 1000) { items { merchantId agent token periodLimit period left spent } } }",
    );
    assert.ok(refundAllowances.items.length >= 1, "the scenario limited an agent");
    for (const a of refundAllowances.items) {
      const where = `agent ${a.agent} of merchant ${a.merchantId} in ${a.token}`;
      const view = (await escrow("refundAllowanceOf", [a.merchantId, a.agent, a.token])) as {
        limited: boolean;
        limit: bigint;
        period: number;
        spent: bigint;
      };
      assert.equal(a.periodLimit, view.limit.toString(), where);
      assert.equal(a.period, view.period, where);
      // The scenario spends within one period, so everything spent is the running period's.
      assert.equal(a.spent, view.spent.toString(), where);
      assert.equal(a.left ?? a.periodLimit, (view.limit - view.spent).toString(), where);
    }
    // t3's issued 0.05 ETH and t6's approved 0.025 ETH.
    assert.ok(refundAllowances.items.some((a) => a.spent === "75000000000000000"));
  });

  it("has every refund as getRefund shows it", async () => {
    const count = Number(await escrow("refundCount", []));
    const { refunds } = await graphql<{ refunds: { items: Json[] } }>(
      stack.indexer.url,
      '{ refunds(limit: 1000, orderBy: "id") { items { id ticketId merchantId customer token amount status deadline } } }',
    );
    assert.equal(refunds.items.length, count);
    for (const row of refunds.items) {
      const view = (await escrow("getRefund", [BigInt(row.id as string)])) as {
        ticketId: bigint;
        merchantId: number;
        customer: Address;
        token: Address;
        amount: bigint;
        status: number;
        deadline: bigint;
      };
      assert.deepEqual(
        row,
        {
          id: row.id,
          ticketId: view.ticketId.toString(),
          merchantId: view.merchantId,
          customer: view.customer.toLowerCase(),
          token: view.token.toLowerCase(),
          amount: view.amount.toString(),
          status: view.status,
          deadline: view.deadline.toString(),
        },
        `refund ${row.id}`,
      );
    }
  });

  it("has every merchant's admin, policy, compensation terms, agents, SLA counts and hit rate", async () => {
    const count = Number(await desk("merchantCount", []));
    assert.equal(count, 2);
    const { agents } = await graphql<{
      agents: { items: { merchantId: number; account: Address; enabled: boolean }[] };
    }>(stack.indexer.url, "{ agents(limit: 1000) { items { merchantId account enabled } } }");
    assert.ok(agents.items.length >= 3);
    for (const a of agents.items) {
      assert.equal(
        a.enabled,
        await desk("isAgent", [a.merchantId, a.account]),
        `agent ${a.account}`,
      );
    }
    for (let id = 1; id <= count; id++) {
      const { merchant } = await graphql<{ merchant: Json }>(
        stack.indexer.url,
        `{ merchant(id: ${id}) { admin pendingAdmin firstResponseTime resolutionTime reopenWindow autoCloseDelay refundResponseTime disputeWindow arbiter compensationToken compensationFirstResponse compensationResolution compensationAutoPay firstResponseMet firstResponseMissed resolutionMet resolutionMissed } }`,
      );
      const policy = (await desk("policyOf", [id])) as Record<string, number | Address>;
      const terms = (await desk("slaCompensationOf", [id])) as Record<
        string,
        bigint | boolean | Address
      >;
      const stats = (await desk("slaStatsOf", [id])) as Record<string, bigint>;
      const pending = (await desk("pendingMerchantAdmin", [id])) as Address;
      assert.deepEqual(merchant, {
        admin: ((await desk("merchantAdmin", [id])) as Address).toLowerCase(),
        pendingAdmin: pending === zeroAddress ? null : pending.toLowerCase(),
        firstResponseTime: policy.firstResponseTime,
        resolutionTime: policy.resolutionTime,
        reopenWindow: policy.reopenWindow,
        autoCloseDelay: policy.autoCloseDelay,
        refundResponseTime: policy.refundResponseTime,
        disputeWindow: policy.disputeWindow,
        arbiter: (policy.arbiter as Address).toLowerCase(),
        compensationToken: (terms.token as Address).toLowerCase(),
        compensationFirstResponse: String(terms.firstResponseAmount),
        compensationResolution: String(terms.resolutionAmount),
        compensationAutoPay: terms.autoPay,
        firstResponseMet: Number(stats.firstResponseMet),
        firstResponseMissed: Number(stats.firstResponseMissed),
        resolutionMet: Number(stats.resolutionMet),
        resolutionMissed: Number(stats.resolutionMissed),
      });
      const report = await getJson<{ sla: { hitRateBps: number } }>(
        `${stack.indexer.url}/merchants/${id}/report`,
      );
      assert.equal(
        report.sla.hitRateBps,
        Number(await desk("slaHitRateBps", [id])),
        `merchant ${id}'s hit rate`,
      );
    }
  });

  it("has every reserve (available, locked) and owed-compensation book per merchant and token", async () => {
    const { reserves } = await graphql<{
      reserves: {
        items: {
          merchantId: number;
          token: Address;
          available: string;
          locked: string;
          owedTotal: string;
          owedCovered: string;
          owedSettled: string;
        }[];
      };
    }>(
      stack.indexer.url,
      "{ reserves(limit: 1000) { items { merchantId token available locked owedTotal owedCovered owedSettled } } }",
    );
    // The demo's ERC-20 and ETH reserves of merchant 1, and merchant 2's ETH reserve.
    assert.ok(reserves.items.length >= 3, `${reserves.items.length} reserves`);
    for (const r of reserves.items) {
      const where = `merchant ${r.merchantId} reserve of ${r.token}`;
      assert.equal(r.available, String(await escrow("reserveOf", [r.merchantId, r.token])), where);
      assert.equal(r.locked, String(await escrow("lockedOf", [r.merchantId, r.token])), where);
      const [uncovered, coveredUnpaid] = (await escrow("owedOf", [r.merchantId, r.token])) as [
        bigint,
        bigint,
      ];
      assert.equal(BigInt(r.owedTotal) - BigInt(r.owedCovered), uncovered, where);
      assert.equal(BigInt(r.owedCovered) - BigInt(r.owedSettled), coveredUnpaid, where);
    }
    assert.ok(
      reserves.items.some((r) => r.owedTotal !== "0"),
      "the scenario owed compensation at least once",
    );
  });

  it("has every feedback record and each merchant's current rating aggregates", async () => {
    const { feedbacks } = await graphql<{ feedbacks: { items: Json[] } }>(
      stack.indexer.url,
      "{ feedbacks(limit: 1000) { items { id ticketId merchantId customer rating commentHash replyHash supersedes supersededBy } } }",
    );
    assert.ok(feedbacks.items.length >= 4, `${feedbacks.items.length} feedback records`);
    for (const row of feedbacks.items) {
      const view = (await feedback("getFeedback", [BigInt(row.id as string)])) as Record<
        string,
        unknown
      >;
      const zeroHash = `0x${"0".repeat(64)}`;
      assert.deepEqual(row, {
        id: row.id,
        ticketId: String(view.ticketId),
        merchantId: view.merchantId,
        customer: (view.customer as string).toLowerCase(),
        rating: view.rating,
        commentHash: view.commentHash,
        replyHash: view.replyHash === zeroHash ? null : view.replyHash,
        supersedes: String(view.supersedes),
        supersededBy: String(view.supersededBy),
      });
      if (row.supersededBy === "0") {
        assert.equal(
          String(await feedback("feedbackOfTicket", [BigInt(row.ticketId as string)])),
          row.id,
        );
      }
    }
    for (const id of [1, 2]) {
      const [count, sum, histogram] = (await feedback("merchantStats", [id])) as [
        bigint,
        bigint,
        readonly bigint[],
      ];
      const report = await getJson<{
        ratings: { count: number; sum: number; histogram: number[] };
      }>(`${stack.indexer.url}/merchants/${id}/report`);
      assert.deepEqual(
        report.ratings.histogram,
        histogram.map(Number),
        `merchant ${id}'s histogram`,
      );
      assert.equal(report.ratings.count, Number(count));
      assert.equal(report.ratings.sum, Number(sum));
      // The verified-purchase rating: only feedback on tickets opened with an order receipt.
      const [vCount, vSum, vHistogram] = (await feedback("verifiedMerchantStats", [id])) as [
        bigint,
        bigint,
        readonly bigint[],
      ];
      const { merchant } = await graphql<{ merchant: Record<string, number> }>(
        stack.indexer.url,
        `{ merchant(id: ${id}) { verifiedFeedbackCount verifiedFeedbackSum verifiedRating1 verifiedRating2 verifiedRating3 verifiedRating4 verifiedRating5 } }`,
      );
      assert.deepEqual(
        merchant,
        {
          verifiedFeedbackCount: Number(vCount),
          verifiedFeedbackSum: Number(vSum),
          verifiedRating1: Number(vHistogram[0]),
          verifiedRating2: Number(vHistogram[1]),
          verifiedRating3: Number(vHistogram[2]),
          verifiedRating4: Number(vHistogram[3]),
          verifiedRating5: Number(vHistogram[4]),
        },
        `merchant ${id}'s verified ratings`,
      );
      if (id === 2) assert.ok(vCount >= 1n, "merchant 2's amended t1 rating is verified");
    }
  });

  it("serves each merchant's report exactly as the SDK's merchantReport rebuilds it", async () => {
    const sdk = await sdkOnLogs();
    for (const id of [1, 2]) {
      const fromLogs = normalize(await merchantReport(sdk, id, { fromBlock: 0 }));
      const indexed = await getJson<Json>(`${stack.indexer.url}/merchants/${id}/report`);
      assert.deepEqual(indexed, fromLogs, `merchant ${id}'s report`);
    }
  });

  it("orders a merchant's queue by the nearest deadline and lists a customer's tickets", async () => {
    const { tickets } = await getJson<{ tickets: Json[] }>(
      `${stack.indexer.url}/merchants/2/queue`,
    );
    const open = tickets.map((t) => t.status);
    assert.ok(
      open.every((s) => [1, 2, 3, 6].includes(s as number)),
      `queue statuses ${open.join(",")}`,
    );
    const deadlines = tickets
      .filter((t) => t.nextDeadline !== null)
      .map((t) => BigInt(t.nextDeadline as string));
    assert.deepEqual(
      deadlines,
      [...deadlines].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    // Nothing the merchant owes is missing from the queue.
    const all = await graphql<{ tickets: { items: { id: string; status: number }[] } }>(
      stack.indexer.url,
      "{ tickets(where: { merchantId: 2 }, limit: 1000) { items { id status } } }",
    );
    assert.deepEqual(
      tickets.map((t) => t.id).sort(),
      all.tickets.items
        .filter((t) => [1, 2, 3, 6].includes(t.status))
        .map((t) => t.id)
        .sort(),
    );
    const first = all.tickets.items[0]!;
    const { ticket } = await getJson<{ ticket: { customer: string } }>(
      `${stack.indexer.url}/tickets/${first.id}`,
    );
    const mine = await getJson<{ tickets: { id: string; customer: string }[] }>(
      `${stack.indexer.url}/customers/${ticket.customer}/tickets`,
    );
    assert.ok(
      mine.tickets.length >= 1 && mine.tickets.every((t) => t.customer === ticket.customer),
    );
    for (const t of mine.tickets) {
      assert.equal(
        ((await desk("customerOf", [BigInt(t.id)])) as Address).toLowerCase(),
        ticket.customer,
      );
    }
  });
});
