import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import { ZeroHash } from "ethers";
import { network } from "hardhat";

import { TicketStatus, ticketTimeline, type TimelineEntry } from "../../src/index.js";
import { careLedgerFixture } from "../helpers/fixture.js";
import { clientAs, hashOf, openTicket, registerMerchant } from "../helpers/sdk.js";

const connection = await network.create();
const deployCareLedgerFixture = careLedgerFixture(connection);
const { time } = connection.networkHelpers;

const DAY = 86_400;

/** The block time of a mined transaction. */
async function timeOf(tx: ContractTransactionResponse): Promise<number> {
  const receipt = await tx.wait();
  if (receipt === null) throw new Error("no receipt");
  const block = await connection.ethers.provider.getBlock(receipt.blockNumber);
  if (block === null) throw new Error("no block");
  return block.timestamp;
}

/** An entry without where it happened, to compare what happened. */
function what(entry: TimelineEntry): Partial<TimelineEntry> {
  const { blockNumber, logIndex, timestamp, transactionHash, ...rest } = entry;
  (void blockNumber, logIndex, timestamp, transactionHash);
  return rest;
}

describe("careledger ticketTimeline", function () {
  describe("ticketTimeline", function () {
    it("rebuilds a ticket that went through every state, in chain order, with block times", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { desk, admin, agent, customer, customer2 } = fixture;
      const merchantId = await registerMerchant(fixture);
      const [order, content, first, note, reply, escalation, resolution, reopen, final] = [
        "order #1",
        "kettle broken",
        "sorry, looking into it",
        "photo please",
        "here is the photo",
        "nobody answers",
        "replacement shipped",
        "replacement broken too",
        "refund sent",
      ].map(hashOf) as [string, string, string, string, string, string, string, string, string];

      const opened = await desk.connect(customer).openTicket(merchantId, order, content, 2);
      const t0 = await timeOf(opened);
      const ticketId = await desk.ticketCount();
      // Another ticket's events in between must not leak into this timeline.
      const otherTicket = await openTicket(fixture, merchantId, customer2);
      await desk.connect(agent).assignTicket(ticketId, agent.address);
      await desk.connect(agent).postMessage(otherTicket, hashOf("other"));
      await desk.connect(agent).postMessage(ticketId, first);
      await desk.connect(agent).awaitCustomer(ticketId, note);
      await desk.connect(customer).postMessage(ticketId, reply);
      await time.increase(3 * DAY);
      const [resolutionDueAt] = await desk.resolutionDeadline(ticketId);
      await desk.connect(customer).escalateTicket(ticketId, escalation);
      await desk.connect(admin).resolveTicket(ticketId, resolution);
      const t1 = await timeOf(await desk.connect(customer).reopenTicket(ticketId, reopen));
      await desk.connect(agent).resolveTicket(ticketId, final);
      await desk.connect(customer).confirmResolution(ticketId);

      const client = await clientAs(fixture, customer);
      const timeline = await ticketTimeline(client, ticketId);

      expect(timeline.map(what)).to.deep.equal([
        {
          kind: "opened",
          actor: customer.address,
          to: TicketStatus.Open,
          hash: content,
          orderRef: order,
          priority: 2,
          merchantId: Number(merchantId),
        },
        { kind: "assigned", actor: agent.address, agent: agent.address },
        { kind: "sla-settled", deadline: "first-response", dueAt: t0 + DAY, met: true },
        {
          kind: "status",
          actor: agent.address,
          from: TicketStatus.Open,
          to: TicketStatus.InProgress,
          hash: first,
        },
        { kind: "message", actor: agent.address, hash: first },
        {
          kind: "status",
          actor: agent.address,
          from: TicketStatus.InProgress,
          to: TicketStatus.AwaitingCustomer,
          hash: note,
        },
        {
          kind: "status",
          actor: customer.address,
          from: TicketStatus.AwaitingCustomer,
          to: TicketStatus.InProgress,
          hash: reply,
        },
        { kind: "message", actor: customer.address, hash: reply },
        {
          kind: "sla-settled",
          deadline: "resolution",
          dueAt: Number(resolutionDueAt),
          met: false,
        },
        {
          kind: "status",
          actor: customer.address,
          from: TicketStatus.InProgress,
          to: TicketStatus.Escalated,
          hash: escalation,
        },
        {
          kind: "status",
          actor: admin.address,
          from: TicketStatus.Escalated,
          to: TicketStatus.Resolved,
          hash: resolution,
        },
        {
          kind: "status",
          actor: customer.address,
          from: TicketStatus.Resolved,
          to: TicketStatus.Open,
          hash: reopen,
        },
        // Resolving a ticket nobody answered in this cycle answers it too.
        { kind: "sla-settled", deadline: "first-response", dueAt: t1 + DAY, met: true },
        { kind: "sla-settled", deadline: "resolution", dueAt: t1 + 3 * DAY, met: true },
        {
          kind: "status",
          actor: agent.address,
          from: TicketStatus.Open,
          to: TicketStatus.Resolved,
          hash: final,
        },
        {
          kind: "status",
          actor: customer.address,
          from: TicketStatus.Resolved,
          to: TicketStatus.Closed,
          hash: ZeroHash,
        },
      ]);

      // Ordered as the chain did, each with its block's time and transaction.
      for (const [index, entry] of timeline.entries()) {
        const block = await connection.ethers.provider.getBlock(entry.blockNumber);
        expect(entry.timestamp).to.equal(block?.timestamp);
        const receipt = await connection.ethers.provider.getTransactionReceipt(
          entry.transactionHash,
        );
        expect(receipt?.blockNumber).to.equal(entry.blockNumber);
        const previous = timeline[index - 1];
        if (previous !== undefined) {
          expect([previous.blockNumber, previous.logIndex]).to.satisfy(
            ([b, i]: [number, number]) =>
              b < entry.blockNumber || (b === entry.blockNumber && i < entry.logIndex),
          );
        }
      }
      expect(timeline[0]?.timestamp).to.equal(t0);
    });

    it("starts at fromBlock when given", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { desk, agent } = fixture;
      const merchantId = await registerMerchant(fixture);
      const ticketId = await openTicket(fixture, merchantId);
      const answer = await desk.connect(agent).postMessage(ticketId, hashOf("hello"));
      const client = await clientAs(fixture, agent);

      const fromBlock = (await answer.wait())?.blockNumber;
      const timeline = await ticketTimeline(client, ticketId, { fromBlock });
      expect(timeline.map((entry) => entry.kind)).to.deep.equal([
        "sla-settled",
        "status",
        "message",
      ]);
    });

    it("returns an empty history for a ticket that does not exist", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const client = await clientAs(fixture, fixture.stranger);
      expect(await ticketTimeline(client, 42n)).to.deep.equal([]);
    });
  });
});
