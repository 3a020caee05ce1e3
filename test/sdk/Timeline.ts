import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import { parseEther, ZeroAddress, ZeroHash } from "ethers";
import { network } from "hardhat";

import { TicketStatus, ticketTimeline, type TimelineEntry } from "../../src/index.js";
import { careLedgerFixture } from "../helpers/fixture.js";
import { clientAs, hashOf, openTicket, registerMerchant } from "../helpers/sdk.js";
import { receiptFor, signReceipt } from "../helpers/receipts.js";

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

    it("includes the ticket's compensation, every refund path and its feedback", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { desk, escrow, feedback, admin, agent, customer, arbiter, stranger } = fixture;
      const merchantId = await registerMerchant(fixture);
      const ETH = ZeroAddress;
      const ether = (n: string): bigint => parseEther(n);
      await escrow.connect(admin).deposit(merchantId, ETH, ether("10"), { value: ether("10") });
      await desk.connect(admin).setSlaCompensation(merchantId, {
        token: ETH,
        firstResponseAmount: ether("0.01"),
        resolutionAmount: ether("0.02"),
        autoPay: false,
      });
      const [reason1, rejection1, dispute1, reason2, reason3, reason4, rejection4, issue5] = [
        "broken",
        "no proof",
        "here is proof",
        "changed my mind",
        "late",
        "scratched",
        "not covered",
        "goodwill",
      ].map(hashOf) as [string, string, string, string, string, string, string, string];
      const [comment1, reply1, comment2] = ["meh", "sorry", "they made it right"].map(hashOf) as [
        string,
        string,
        string,
      ];

      // Compensation is paid on verified tickets: this one comes with the merchant's receipt.
      await desk.connect(admin).setOrderSigner(merchantId, admin.address, true);
      const signed = await signReceipt(
        desk,
        admin,
        await receiptFor(desk, merchantId, customer.address, { orderRef: hashOf("o") }),
      );
      const t0 = await timeOf(
        await desk
          .connect(customer)
          .openTicketWithReceipt(signed.receipt, signed.signature, hashOf("c"), 1),
      );
      const ticketId = await desk.ticketCount();
      await time.increase(DAY + 1);
      await escrow.connect(stranger).claimSlaCompensation(ticketId);
      const answer = hashOf("answer");
      await desk.connect(agent).postMessage(ticketId, answer);
      // Refund 1: requested, rejected, disputed, awarded by the arbiter.
      await escrow.connect(customer).requestRefund(ticketId, ETH, ether("1"), reason1);
      const rejectedAt = await timeOf(await escrow.connect(agent).rejectRefund(1n, rejection1));
      await escrow.connect(customer).disputeRefund(1n, dispute1);
      await escrow.connect(arbiter).resolveDispute(1n, true);
      // Refund 2: cancelled by the customer.
      await escrow.connect(customer).requestRefund(ticketId, ETH, ether("0.5"), reason2);
      await escrow.connect(customer).cancelRefund(2n);
      // Refund 3: the merchant stayed silent, a keeper executes it.
      await escrow.connect(customer).requestRefund(ticketId, ETH, ether("0.25"), reason3);
      await time.increase(3 * DAY + 1);
      await escrow.connect(stranger).executeRefund(3n);
      // Refund 4: rejected, never disputed, the rejection becomes final.
      await escrow.connect(customer).requestRefund(ticketId, ETH, ether("0.1"), reason4);
      const rejected4At = await timeOf(await escrow.connect(agent).rejectRefund(4n, rejection4));
      await time.increase(7 * DAY + 1);
      await escrow.connect(stranger).finalizeRejection(4n);
      // Refund 5: issued by staff, resolving the ticket in the same transaction.
      await escrow.connect(agent).issueRefundAndResolve(ticketId, ETH, ether("0.2"), issue5);
      // Feedback: given, answered, amended.
      await feedback.connect(customer).attest(ticketId, 3, comment1);
      const feedbackId = await feedback.feedbackOfTicket(ticketId);
      await feedback.connect(agent).reply(feedbackId, reply1);
      await feedback.connect(customer).amend(feedbackId, 5, comment2);
      await desk.connect(customer).confirmResolution(ticketId);

      const client = await clientAs(fixture, stranger);
      const timeline = await ticketTimeline(client, ticketId);

      const paid = (refundId: bigint, amount: bigint): Partial<TimelineEntry> => ({
        kind: "refund-paid",
        refundId,
        recipient: customer.address,
        token: ETH,
        amount,
        credited: false,
      });
      const requested = (
        refundId: bigint,
        amount: bigint,
        hash: string,
      ): Partial<TimelineEntry> => ({
        kind: "refund-requested",
        refundId,
        actor: customer.address,
        token: ETH,
        amount,
        hash,
      });
      expect(timeline.slice(1).map(what)).to.deep.equal([
        {
          kind: "verified",
          orderRef: signed.receipt.orderRef,
          signer: admin.address,
          token: ETH,
          amount: signed.receipt.amount,
        },
        { kind: "sla-settled", deadline: "first-response", dueAt: t0 + DAY, met: false },
        {
          kind: "sla-compensation-paid",
          recipient: customer.address,
          deadlines: 1,
          token: ETH,
          amount: ether("0.01"),
          credited: false,
        },
        {
          kind: "status",
          actor: agent.address,
          from: TicketStatus.Open,
          to: TicketStatus.InProgress,
          hash: answer,
        },
        { kind: "message", actor: agent.address, hash: answer },
        requested(1n, ether("1"), reason1),
        {
          kind: "refund-rejected",
          refundId: 1n,
          actor: agent.address,
          hash: rejection1,
          dueAt: rejectedAt + 7 * DAY,
        },
        {
          kind: "refund-disputed",
          refundId: 1n,
          actor: customer.address,
          arbiter: arbiter.address,
          hash: dispute1,
        },
        {
          kind: "dispute-resolved",
          refundId: 1n,
          actor: arbiter.address,
          arbiter: arbiter.address,
          payCustomer: true,
        },
        paid(1n, ether("1")),
        requested(2n, ether("0.5"), reason2),
        { kind: "refund-cancelled", refundId: 2n, actor: customer.address },
        requested(3n, ether("0.25"), reason3),
        { kind: "refund-executed", refundId: 3n, actor: stranger.address },
        paid(3n, ether("0.25")),
        requested(4n, ether("0.1"), reason4),
        {
          kind: "refund-rejected",
          refundId: 4n,
          actor: agent.address,
          hash: rejection4,
          dueAt: rejected4At + 7 * DAY,
        },
        { kind: "rejection-finalized", refundId: 4n, actor: stranger.address },
        { kind: "refund-issued", refundId: 5n, actor: agent.address, hash: issue5 },
        { kind: "sla-settled", deadline: "resolution", dueAt: t0 + 3 * DAY, met: false },
        {
          kind: "status",
          actor: agent.address,
          from: TicketStatus.InProgress,
          to: TicketStatus.Resolved,
          hash: issue5,
        },
        paid(5n, ether("0.2")),
        {
          kind: "feedback",
          feedbackId,
          actor: customer.address,
          rating: 3,
          hash: comment1,
        },
        { kind: "feedback-replied", feedbackId, actor: agent.address, hash: reply1 },
        {
          kind: "feedback",
          feedbackId: feedbackId + 1n,
          actor: customer.address,
          rating: 5,
          hash: comment2,
        },
        {
          kind: "feedback-amended",
          feedbackId: feedbackId + 1n,
          previousFeedbackId: feedbackId,
          rating: 5,
          previousRating: 3,
        },
        {
          kind: "status",
          actor: customer.address,
          from: TicketStatus.Resolved,
          to: TicketStatus.Closed,
          hash: ZeroHash,
        },
      ]);
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
