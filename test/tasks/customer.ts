import { readFile } from "node:fs/promises";

import { expect } from "chai";
import { ZeroAddress, ZeroHash, parseEther, parseUnits } from "ethers";

import {
  commitmentsFile,
  connection,
  failureOf,
  loadTaskFixture,
  runTask,
  valueOf,
  type TaskFixture,
} from "../helpers/tasks.js";

const DAY = 86_400;
const REASON = `0x${"22".repeat(32)}`;

/** Ticket 1 resolved by the agent. */
async function resolved(fixture: TaskFixture): Promise<void> {
  await (await fixture.desk.connect(fixture.agent).resolveTicket(1, ZeroHash)).wait();
}

describe("tasks: customer", function () {
  describe("ticket:open", function () {
    it("opens a ticket with committed message and order, and prints its id and first deadline", async function () {
      const { desk, addresses, customer2 } = await loadTaskFixture();
      const run = await runTask<{ ticketId: bigint; txHash: string; relayed: boolean }>(
        "ticket:open",
        {
          addresses,
          from: customer2.address,
          merchantId: "1",
          message: "My order never arrived.",
          order: "order #77",
          priority: "urgent",
          commitments: commitmentsFile,
        },
      );
      const { ticketId, relayed } = valueOf(run);
      expect(ticketId).to.equal(2n);
      expect(relayed).to.equal(false);
      expect(await desk.customerOf(2)).to.equal(customer2.address);
      expect((await desk.getTicket(2)).priority).to.equal(3n);
      expect(run.out.text)
        .to.include("✔ ticket #2 opened at merchant #1")
        .and.include("priority         urgent")
        .and.match(/first reply due\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    });

    it("opens a ticket gaslessly: the customer signs, the relayer pays", async function () {
      const { desk, addresses, relayer } = await loadTaskFixture();
      const accounts = await connection.ethers.getSigners();
      const index = accounts.findIndex((account) => account.address === relayer.address);
      const before = await connection.ethers.provider.getBalance(relayer.address);
      // A customer without a wei of ETH (an account the network can sign for: #11, emptied).
      const customer = accounts[11];
      if (customer === undefined) expect.fail("needs account #11");
      await connection.networkHelpers.setBalance(customer.address, 0n);
      const run = await runTask<{ ticketId: bigint; relayed: boolean }>("ticket:open", {
        addresses,
        from: "11",
        relayer: String(index),
        merchantId: "1",
        message: "Gasless question",
        commitments: commitmentsFile,
      });
      expect(valueOf(run)).to.deep.include({ ticketId: 2n, relayed: true });
      expect(await desk.customerOf(2)).to.equal(customer.address);
      expect(await connection.ethers.provider.getBalance(customer.address)).to.equal(0n);
      expect(await connection.ethers.provider.getBalance(relayer.address)).to.be.lessThan(before);
      expect(run.out.text).to.include(`gas paid by      ${relayer.address} (relayer`);
    });

    it("says the merchant does not exist", async function () {
      const { addresses, customer } = await loadTaskFixture();
      const run = await runTask("ticket:open", {
        addresses,
        from: customer.address,
        merchantId: "42",
        message: "Hello?",
        commitments: commitmentsFile,
      });
      expect(failureOf(run)).to.equal(
        '✖ ticket:open: merchant #42 does not exist on network "default" (merchants here are #1 to #1)',
      );
    });
  });

  describe("ticket:message", function () {
    it("posts a message; the customer's answer moves an awaiting ticket back to InProgress", async function () {
      const { desk, addresses, agent, customer } = await loadTaskFixture();
      await (await desk.connect(agent).postMessage(1, REASON)).wait();
      await (await desk.connect(agent).awaitCustomer(1, REASON)).wait();
      const run = await runTask("ticket:message", {
        addresses,
        from: customer.address,
        ticketId: "1",
        message: "Here is the photo.",
        commitments: commitmentsFile,
      });
      valueOf(run);
      expect(await desk.statusOf(1)).to.equal(2n);
      expect(run.out.text).to.match(/status\s+AwaitingCustomer → InProgress/);
    });

    it("tells a stranger it is not part of the ticket", async function () {
      const { addresses, stranger } = await loadTaskFixture();
      const run = await runTask("ticket:message", {
        addresses,
        from: stranger.address,
        ticketId: "1",
        message: "Spam",
        commitments: commitmentsFile,
      });
      expect(failureOf(run)).to.equal(
        `✖ ticket:message: ${stranger.address} is neither the customer of ticket #1 nor staff of its merchant, so it cannot post on it`,
      );
    });
  });

  describe("ticket:confirm", function () {
    it("confirms a resolution: the ticket closes", async function () {
      const fixture = await loadTaskFixture();
      await resolved(fixture);
      const run = await runTask("ticket:confirm", {
        addresses: fixture.addresses,
        from: fixture.customer.address,
        ticketId: "1",
      });
      valueOf(run);
      expect(await fixture.desk.statusOf(1)).to.equal(5n);
      expect(run.out.text).to.include("✔ ticket #1 is Closed: resolution confirmed");
    });

    it("says a ticket that is still open cannot be confirmed yet", async function () {
      const { addresses, customer } = await loadTaskFixture();
      const run = await runTask("ticket:confirm", {
        addresses,
        from: customer.address,
        ticketId: "1",
      });
      expect(failureOf(run)).to.equal(
        `✖ ticket:confirm: ticket 1 is Open, so ${customer.address.slice(0, 6)}…${customer.address.slice(-4)} ` +
          "cannot confirm the resolution of it now: staff can answer and resolve it (`ticket:resolve 1`)",
      );
    });
  });

  describe("ticket:reopen", function () {
    it("reopens a resolved ticket with new deadlines", async function () {
      const fixture = await loadTaskFixture();
      await resolved(fixture);
      const run = await runTask("ticket:reopen", {
        addresses: fixture.addresses,
        from: fixture.customer.address,
        ticketId: "1",
        reason: "Still broken.",
        commitments: commitmentsFile,
      });
      valueOf(run);
      expect(await fixture.desk.statusOf(1)).to.equal(1n);
      expect(run.out.text).to.include("✔ ticket #1 reopened");
    });

    it("says who may reopen a resolved ticket, and until when", async function () {
      const fixture = await loadTaskFixture();
      await resolved(fixture);
      const run = await runTask("ticket:reopen", {
        addresses: fixture.addresses,
        from: fixture.customer2.address,
        ticketId: "1",
        reason: "Not mine",
        commitments: commitmentsFile,
      });
      expect(failureOf(run)).to.equal(
        `✖ ticket:reopen: ticket 1 is Resolved; only the customer ${fixture.customer.address} can reopen it, ` +
          `within 7 days of resolution (${fixture.customer2.address} is not its customer)`,
      );
      expect(run.out.errors[1]).to.equal(
        `  SupportDesk: DeskNotCustomer(ticketId: 1, caller: ${fixture.customer2.address})`,
      );
      // Nothing went on chain, so the reason's salt is not kept.
      expect(await readFile(commitmentsFile, "utf8").catch(() => "")).to.not.include("Not mine");
    });
  });

  describe("refund:request", function () {
    it("asks for an ERC-20 refund, which is locked at once", async function () {
      const { escrow, addresses, customer, tokenAddress } = await loadTaskFixture();
      const run = await runTask<{ refundId: bigint }>("refund:request", {
        addresses,
        from: customer.address,
        ticketId: "1",
        amount: "12.5",
        token: tokenAddress,
        reason: "Arrived damaged.",
        commitments: commitmentsFile,
      });
      expect(valueOf(run).refundId).to.equal(1n);
      expect(await escrow.lockedOf(1, tokenAddress)).to.equal(parseUnits("12.5", 6));
      expect(run.out.text).to.include("✔ refund #1 requested: 12.5 dUSD on ticket #1");
    });

    it("says how much the reserve holds when asked for more", async function () {
      const { addresses, customer } = await loadTaskFixture();
      const run = await runTask("refund:request", {
        addresses,
        from: customer.address,
        ticketId: "1",
        amount: "11",
        reason: "Everything back",
        commitments: commitmentsFile,
      });
      expect(failureOf(run)).to.equal(
        "✖ refund:request: the merchant's reserve has only 10 ETH available and 11 ETH was asked for: " +
          "ask for less, or the merchant deposits more first (`escrow:deposit`)",
      );
    });
  });

  describe("refund:execute", function () {
    it("pays a refund the merchant left unanswered past its deadline", async function () {
      const { escrow, addresses, customer, stranger } = await loadTaskFixture();
      await (
        await escrow.connect(customer).requestRefund(1, ZeroAddress, parseEther("0.2"), REASON)
      ).wait();
      await connection.networkHelpers.time.increase(3 * DAY + 1);
      const before = await connection.ethers.provider.getBalance(customer.address);
      const run = await runTask("refund:execute", {
        addresses,
        from: stranger.address,
        refundId: "1",
      });
      valueOf(run);
      expect((await connection.ethers.provider.getBalance(customer.address)) - before).to.equal(
        parseEther("0.2"),
      );
      expect(run.out.text).to.include(`paid   0.2 ETH to ${customer.address}`);
    });

    it("says from when the refund can be executed", async function () {
      const { escrow, addresses, customer } = await loadTaskFixture();
      await (
        await escrow.connect(customer).requestRefund(1, ZeroAddress, parseEther("0.2"), REASON)
      ).wait();
      const run = await runTask("refund:execute", {
        addresses,
        from: customer.address,
        refundId: "1",
      });
      expect(failureOf(run)).to.match(
        /^✖ refund:execute: refund #1 can be executed only after .+ UTC \(in 3 d\); until then the merchant may approve or reject it$/,
      );
    });
  });

  describe("refund:dispute", function () {
    it("disputes a rejection before the merchant's arbiter", async function () {
      const { escrow, addresses, agent, customer, arbiter } = await loadTaskFixture();
      await (
        await escrow.connect(customer).requestRefund(1, ZeroAddress, parseEther("0.2"), REASON)
      ).wait();
      await (await escrow.connect(agent).rejectRefund(1, REASON)).wait();
      const run = await runTask<{ arbiter: string }>("refund:dispute", {
        addresses,
        from: customer.address,
        refundId: "1",
        reason: "It was damaged on arrival.",
        commitments: commitmentsFile,
      });
      expect(valueOf(run).arbiter).to.equal(arbiter.address);
      expect(await escrow.refundStatusOf(1)).to.equal(4n);
      expect(run.out.text).to.include(`arbiter  ${arbiter.address} decides it now`);
    });

    it("says a refund still waiting for the merchant cannot be disputed", async function () {
      const { escrow, addresses, customer } = await loadTaskFixture();
      await (
        await escrow.connect(customer).requestRefund(1, ZeroAddress, parseEther("0.2"), REASON)
      ).wait();
      const run = await runTask("refund:dispute", {
        addresses,
        from: customer.address,
        refundId: "1",
        reason: "Impatient",
        commitments: commitmentsFile,
      });
      expect(failureOf(run)).to.equal(
        "✖ refund:dispute: refund #1 is Requested, so it cannot be disputed: it waits for the merchant, who can " +
          "approve or reject it until its deadline; after that anyone can execute it (`refund:execute 1`)",
      );
    });
  });

  describe("feedback:give", function () {
    it("rates a resolved ticket, then amends the rating with a new record", async function () {
      const fixture = await loadTaskFixture();
      await resolved(fixture);
      const common = {
        addresses: fixture.addresses,
        from: fixture.customer.address,
        commitments: commitmentsFile,
      };
      const given = await runTask<{ feedbackId: bigint }>("feedback:give", {
        ...common,
        ticketId: "1",
        rating: 2,
        comment: "Slow.",
      });
      const first = valueOf(given).feedbackId;
      expect(given.out.text).to.include(`✔ feedback #${first} given on ticket #1: ★★☆☆☆`);

      const amended = await runTask<{ feedbackId: bigint; amended: boolean }>("feedback:give", {
        ...common,
        ticketId: "1",
        rating: 4,
        comment: "They made it right.",
        amend: true,
      });
      const second = valueOf(amended).feedbackId;
      expect(await fixture.feedback.feedbackOfTicket(1)).to.equal(second);
      expect((await fixture.feedback.getFeedback(first)).supersededBy).to.equal(second);
      const [count, sum] = await fixture.feedback.merchantStats(1);
      expect([count, sum]).to.deep.equal([1n, 4n]);
      expect(amended.out.text).to.include(
        `✔ feedback #${first} of ticket #1 amended by #${second}: ★★★★☆`,
      );
    });

    it("says feedback waits until the ticket is resolved", async function () {
      const { addresses, customer } = await loadTaskFixture();
      const run = await runTask("feedback:give", {
        addresses,
        from: customer.address,
        ticketId: "1",
        rating: 5,
        commitments: commitmentsFile,
      });
      expect(failureOf(run)).to.equal(
        "✖ feedback:give: ticket #1 is Open: feedback can be given once it is Resolved or Closed",
      );
    });
  });
});
