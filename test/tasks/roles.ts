/**
 * The tasks that complete every role from the command line: the merchant's staff (assign, await the
 * customer, issue a refund, reply to feedback, hand over the admin role), the customer (escalate,
 * cancel a ticket or a refund), the arbiter (rule on a dispute) and anyone (close a ticket, finalize a
 * rejection, settle an owed claim, withdraw a credit). Each has a success test (its line and its
 * effect on chain) and a refusal test (the sentence decoded from the contract's custom error).
 */
import { expect } from "chai";
import { ZeroAddress, parseEther, parseUnits, type Contract } from "ethers";

import { formatTime, shortAddress } from "../../cli/format.js";
import { openVerifiedTicket } from "../helpers/receipts.js";
import {
  connection,
  commitmentsFile,
  failureOf,
  loadTaskFixture,
  runTask,
  valueOf,
  type TaskFixture,
} from "../helpers/tasks.js";

const NOTE = `0x${"44".repeat(32)}`;
const ETH = ZeroAddress;
const { time } = connection.networkHelpers;

async function balance(address: string): Promise<bigint> {
  return await connection.ethers.provider.getBalance(address);
}

/** Refund 1: the customer asks for `amount` ETH on ticket 1. */
async function requested(fixture: TaskFixture, amount = parseEther("1")): Promise<void> {
  await (await fixture.escrow.connect(fixture.customer).requestRefund(1, ETH, amount, NOTE)).wait();
}

/** Refund 1 requested, then rejected by the agent. */
async function rejected(fixture: TaskFixture): Promise<void> {
  await requested(fixture);
  await (await fixture.escrow.connect(fixture.agent).rejectRefund(1, NOTE)).wait();
}

/** Refund 1 requested, rejected, and disputed before the arbiter. */
async function disputed(fixture: TaskFixture): Promise<void> {
  await rejected(fixture);
  await (await fixture.escrow.connect(fixture.customer).disputeRefund(1, NOTE)).wait();
}

describe("tasks: every role", function () {
  describe("merchant:transfer and merchant:accept", function () {
    it("offers the admin role, and the new admin accepts it", async function () {
      const { desk, addresses, admin, otherAdmin } = await loadTaskFixture();
      const offer = await runTask<{ pendingAdmin: string }>("merchant:transfer", {
        addresses,
        from: admin.address,
        merchantId: "1",
        newAdmin: otherAdmin.address,
      });
      expect(valueOf(offer).pendingAdmin).to.equal(otherAdmin.address);
      expect(await desk.pendingMerchantAdmin(1)).to.equal(otherAdmin.address);
      expect(await desk.merchantAdmin(1)).to.equal(admin.address);
      expect(offer.out.text)
        .to.include(`✔ the admin role of merchant #1 is offered to ${otherAdmin.address}`)
        .and.include(`${otherAdmin.address} accepts with \`merchant:accept 1\``);

      const accept = await runTask("merchant:accept", {
        addresses,
        from: otherAdmin.address,
        merchantId: "1",
      });
      valueOf(accept);
      expect(await desk.merchantAdmin(1)).to.equal(otherAdmin.address);
      expect(await desk.pendingMerchantAdmin(1)).to.equal(ZeroAddress);
      expect(accept.out.text)
        .to.include(`✔ ${otherAdmin.address} is now the admin of merchant #1`)
        .and.include(`${admin.address} is no longer its admin`);
    });

    it("says only the admin can hand the role over", async function () {
      const { desk, addresses, admin, agent, otherAdmin } = await loadTaskFixture();
      const run = await runTask("merchant:transfer", {
        addresses,
        from: agent.address,
        merchantId: "1",
        newAdmin: otherAdmin.address,
      });
      expect(failureOf(run)).to.equal(
        `✖ merchant:transfer: ${agent.address} is not the admin of merchant #1 (its admin is ${admin.address}): ` +
          "only the admin can hand over the admin role of this merchant; sign with the admin's account (`--from`)",
      );
      expect(await desk.pendingMerchantAdmin(1)).to.equal(ZeroAddress);
    });

    it("says an account that was not offered the role cannot accept it", async function () {
      const { desk, addresses, admin, stranger } = await loadTaskFixture();
      const run = await runTask("merchant:accept", {
        addresses,
        from: stranger.address,
        merchantId: "1",
      });
      expect(failureOf(run)).to.equal(
        `✖ merchant:accept: ${stranger.address} was not offered the admin role of merchant #1`,
      );
      expect(await desk.merchantAdmin(1)).to.equal(admin.address);
    });
  });

  describe("ticket:assign", function () {
    it("assigns a ticket to the signing agent by default", async function () {
      const { desk, addresses, agent } = await loadTaskFixture();
      const run = await runTask<{ agent: string }>("ticket:assign", {
        addresses,
        from: agent.address,
        ticketId: "1",
      });
      expect(valueOf(run).agent).to.equal(agent.address);
      expect((await desk.getTicket(1)).assignee).to.equal(agent.address);
      expect(run.out.text).to.include(`✔ ticket #1 is assigned to ${agent.address}`);
    });

    it("says a ticket can only go to an agent of the merchant", async function () {
      const { desk, addresses, admin, stranger } = await loadTaskFixture();
      const run = await runTask("ticket:assign", {
        addresses,
        from: admin.address,
        ticketId: "1",
        agent: stranger.address,
      });
      expect(failureOf(run)).to.equal(
        `✖ ticket:assign: ${stranger.address} is not an agent of merchant #1: add it first with \`merchant:agent 1 ${stranger.address}\``,
      );
      expect((await desk.getTicket(1)).assignee).to.equal(ZeroAddress);
    });
  });

  describe("ticket:await", function () {
    it("waits for the customer once work has started", async function () {
      const { desk, addresses, agent } = await loadTaskFixture();
      await (await desk.connect(agent).postMessage(1, NOTE)).wait();
      const run = await runTask("ticket:await", {
        addresses,
        from: agent.address,
        ticketId: "1",
        note: "Which size did you order?",
        commitments: commitmentsFile,
      });
      valueOf(run);
      expect(await desk.statusOf(1)).to.equal(3n); // AwaitingCustomer
      expect(run.out.text)
        .to.include("✔ ticket #1 is AwaitingCustomer")
        .and.match(/note\s+0x[0-9a-f]{64} \(commitment\)/);
    });

    it("says an Open ticket is answered first", async function () {
      const { desk, addresses, agent } = await loadTaskFixture();
      const run = await runTask("ticket:await", {
        addresses,
        from: agent.address,
        ticketId: "1",
        commitments: commitmentsFile,
      });
      expect(failureOf(run)).to.equal(
        `✖ ticket:await: ticket 1 is Open, so ${shortAddress(agent.address)} cannot wait for the customer on it now: ` +
          "staff can answer and resolve it (`ticket:resolve 1`)",
      );
      expect(await desk.statusOf(1)).to.equal(1n);
    });
  });

  describe("ticket:escalate", function () {
    it("escalates a ticket whose first reply is late", async function () {
      const { desk, addresses, customer } = await loadTaskFixture();
      const [dueAt] = await desk.firstResponseDeadline(1);
      await time.increaseTo(dueAt + 1n);
      const run = await runTask("ticket:escalate", {
        addresses,
        from: customer.address,
        ticketId: "1",
        reason: "Nobody answered",
        commitments: commitmentsFile,
      });
      valueOf(run);
      expect(await desk.statusOf(1)).to.equal(6n); // Escalated
      expect(run.out.text)
        .to.include("✔ ticket #1 is Escalated: a deadline was missed")
        .and.include("`sla:claim 1`");
    });

    it("says from when the ticket can be escalated", async function () {
      const { desk, addresses, customer } = await loadTaskFixture();
      const [dueAt] = await desk.firstResponseDeadline(1);
      const run = await runTask("ticket:escalate", {
        addresses,
        from: customer.address,
        ticketId: "1",
        reason: "Impatient",
        commitments: commitmentsFile,
      });
      expect(failureOf(run)).to.match(
        new RegExp(
          `^✖ ticket:escalate: ticket #1 has missed no deadline yet: it can be escalated from ${formatTime(dueAt + 1n)} \\(in .+\\)$`,
        ),
      );
      expect(await desk.statusOf(1)).to.equal(1n);
    });
  });

  describe("ticket:cancel", function () {
    it("cancels an Open ticket nobody worked on", async function () {
      const { desk, addresses, customer } = await loadTaskFixture();
      const run = await runTask("ticket:cancel", {
        addresses,
        from: customer.address,
        ticketId: "1",
      });
      valueOf(run);
      expect(await desk.statusOf(1)).to.equal(7n); // Cancelled
      expect(run.out.text).to.include("✔ ticket #1 is Cancelled");
    });

    it("says a ticket an agent took cannot be cancelled", async function () {
      const { desk, addresses, agent, customer } = await loadTaskFixture();
      await (await desk.connect(agent).assignTicket(1, agent.address)).wait();
      const run = await runTask("ticket:cancel", {
        addresses,
        from: customer.address,
        ticketId: "1",
      });
      expect(failureOf(run)).to.equal(
        "✖ ticket:cancel: ticket #1 cannot be cancelled: an agent was assigned or answered already",
      );
      expect(await desk.statusOf(1)).to.equal(1n);
    });
  });

  describe("ticket:close", function () {
    it("closes a ticket left Resolved past the auto-close delay; anyone may", async function () {
      const { desk, addresses, agent, stranger } = await loadTaskFixture();
      await (await desk.connect(agent).resolveTicket(1, NOTE)).wait();
      const { autoCloseDelay } = await desk.policyOf(1);
      await time.increase(autoCloseDelay + 1n);
      const run = await runTask("ticket:close", {
        addresses,
        from: stranger.address,
        ticketId: "1",
      });
      valueOf(run);
      expect(await desk.statusOf(1)).to.equal(5n); // Closed
      expect(run.out.text).to.include("✔ ticket #1 is Closed: resolved, and not reopened in time");
    });

    it("says from when the ticket can be closed", async function () {
      const { desk, addresses, agent, stranger } = await loadTaskFixture();
      await (await desk.connect(agent).resolveTicket(1, NOTE)).wait();
      const run = await runTask("ticket:close", {
        addresses,
        from: stranger.address,
        ticketId: "1",
      });
      expect(failureOf(run)).to.match(
        /^✖ ticket:close: ticket #1 can be closed by anyone only from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in .+\); its customer can confirm it now$/,
      );
      expect(await desk.statusOf(1)).to.equal(4n);
    });
  });

  describe("refund:issue", function () {
    it("pays the ticket's customer at once from the reserve, and can resolve the ticket", async function () {
      const { desk, escrow, addresses, agent, customer } = await loadTaskFixture();
      const before = await balance(customer.address);
      const run = await runTask<{ refundId: bigint }>("refund:issue", {
        addresses,
        from: agent.address,
        ticketId: "1",
        amount: "0.25",
        reason: "Returned in store",
        resolve: true,
        commitments: commitmentsFile,
      });
      expect(valueOf(run).refundId).to.equal(1n);
      expect((await balance(customer.address)) - before).to.equal(parseEther("0.25"));
      expect(await escrow.reserveOf(1, ETH)).to.equal(parseEther("9.75"));
      expect(await escrow.refundStatusOf(1)).to.equal(2n); // Paid
      expect(await desk.statusOf(1)).to.equal(4n); // Resolved
      expect(run.out.text)
        .to.include("✔ refund #1 issued on ticket #1, and the ticket resolved")
        .and.include(`paid    0.25 ETH to ${customer.address}`);
    });

    it("says only the merchant's staff can issue a refund", async function () {
      const { escrow, addresses, stranger } = await loadTaskFixture();
      const run = await runTask("refund:issue", {
        addresses,
        from: stranger.address,
        ticketId: "1",
        amount: "0.25",
        reason: "Free money",
        commitments: commitmentsFile,
      });
      expect(failureOf(run)).to.equal(
        `✖ refund:issue: ${stranger.address} is neither the admin nor an agent of merchant #1: only its staff can issue refunds; ` +
          "the admin adds agents with `merchant:agent 1 <address>`",
      );
      expect(await escrow.refundCount()).to.equal(0n);
    });
  });

  describe("refund:finalize", function () {
    it("makes an undisputed rejection final: the lock returns to the reserve", async function () {
      const fixture = await loadTaskFixture();
      const { escrow, desk, addresses, stranger } = fixture;
      await rejected(fixture);
      expect(await escrow.lockedOf(1, ETH)).to.equal(parseEther("1"));
      const { disputeWindow } = await desk.policyOf(1);
      await time.increase(disputeWindow + 1n);
      const run = await runTask("refund:finalize", {
        addresses,
        from: stranger.address,
        refundId: "1",
      });
      valueOf(run);
      expect(await escrow.lockedOf(1, ETH)).to.equal(0n);
      expect(await escrow.reserveOf(1, ETH)).to.equal(parseEther("10"));
      expect(run.out.text)
        .to.include("✔ the rejection of refund #1 is final")
        .and.include("1 ETH went back to the merchant's reserve; it can no longer be disputed");
    });

    it("says until when the customer may still dispute", async function () {
      const fixture = await loadTaskFixture();
      await rejected(fixture);
      const run = await runTask("refund:finalize", {
        addresses: fixture.addresses,
        from: fixture.stranger.address,
        refundId: "1",
      });
      expect(failureOf(run)).to.match(
        /^✖ refund:finalize: the customer may still dispute refund #1 until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in .+\); the rejection can be finalized after that$/,
      );
      expect(await fixture.escrow.lockedOf(1, ETH)).to.equal(parseEther("1"));
    });
  });

  describe("refund:cancel", function () {
    it("withdraws a request: the lock returns to the reserve", async function () {
      const fixture = await loadTaskFixture();
      await requested(fixture);
      const run = await runTask("refund:cancel", {
        addresses: fixture.addresses,
        from: fixture.customer.address,
        refundId: "1",
      });
      valueOf(run);
      expect(await fixture.escrow.refundStatusOf(1)).to.equal(5n); // Cancelled
      expect(await fixture.escrow.reserveOf(1, ETH)).to.equal(parseEther("10"));
      expect(run.out.text)
        .to.include("✔ refund #1 is Cancelled")
        .and.include("1 ETH went back to the merchant's reserve");
    });

    it("says only the customer can cancel it", async function () {
      const fixture = await loadTaskFixture();
      const { customer, stranger } = fixture;
      await requested(fixture);
      const run = await runTask("refund:cancel", {
        addresses: fixture.addresses,
        from: stranger.address,
        refundId: "1",
      });
      expect(failureOf(run)).to.equal(
        `✖ refund:cancel: ticket 1 is Open; only the customer ${customer.address} can cancel it (${stranger.address} is not its customer)`,
      );
      expect(await fixture.escrow.refundStatusOf(1)).to.equal(1n);
    });
  });

  describe("refund:rule", function () {
    it("rules for the customer: the refund is paid", async function () {
      const fixture = await loadTaskFixture();
      const { escrow, addresses, arbiter, customer } = fixture;
      await disputed(fixture);
      const before = await balance(customer.address);
      const run = await runTask<{ payCustomer: boolean }>("refund:rule", {
        addresses,
        from: arbiter.address,
        refundId: "1",
        decision: "customer",
      });
      expect(valueOf(run).payCustomer).to.equal(true);
      expect(await escrow.refundStatusOf(1)).to.equal(2n); // Paid
      expect((await balance(customer.address)) - before).to.equal(parseEther("1"));
      expect(run.out.text)
        .to.include("✔ refund #1: ruled for the customer")
        .and.include(`paid   1 ETH to ${customer.address}`);
    });

    it("rules for the merchant: the amount returns to the reserve", async function () {
      const fixture = await loadTaskFixture();
      const { escrow, addresses, arbiter } = fixture;
      await disputed(fixture);
      const run = await runTask("refund:rule", {
        addresses,
        from: arbiter.address,
        refundId: "1",
        decision: "merchant",
      });
      valueOf(run);
      expect(await escrow.lockedOf(1, ETH)).to.equal(0n);
      expect(await escrow.reserveOf(1, ETH)).to.equal(parseEther("10"));
      expect(run.out.text)
        .to.include("✔ refund #1: ruled for the merchant")
        .and.include("1 ETH went back to the merchant's reserve");
    });

    it("says only the merchant's arbiter can rule, and what a ruling is", async function () {
      const fixture = await loadTaskFixture();
      const { escrow, addresses, arbiter, agent } = fixture;
      await disputed(fixture);
      const run = await runTask("refund:rule", {
        addresses,
        from: agent.address,
        refundId: "1",
        decision: "customer",
      });
      expect(failureOf(run)).to.equal(
        `✖ refund:rule: only merchant #1's arbiter ${arbiter.address} can rule on this dispute (${agent.address} is not)`,
      );
      const typo = await runTask("refund:rule", {
        addresses,
        from: arbiter.address,
        refundId: "1",
        decision: "yes",
      });
      expect(failureOf(typo)).to.equal(
        '✖ refund:rule: the ruling "yes" is neither "customer" (pay the refund) nor "merchant" (release it to the reserve)',
      );
      expect(await escrow.refundStatusOf(1)).to.equal(4n); // still Disputed
    });
  });

  describe("refund:rule on what is not disputed", function () {
    it("says a refund still waiting for the merchant cannot be ruled on", async function () {
      const fixture = await loadTaskFixture();
      await requested(fixture);
      const run = await runTask("refund:rule", {
        addresses: fixture.addresses,
        from: fixture.arbiter.address,
        refundId: "1",
        decision: "customer",
      });
      expect(failureOf(run)).to.equal(
        "✖ refund:rule: refund #1 is Requested, so it cannot be ruled on: it waits for the merchant, who can approve or reject it " +
          "until its deadline; after that anyone can execute it (`refund:execute 1`)",
      );
      expect(await fixture.escrow.refundStatusOf(1)).to.equal(1n);
    });
  });

  describe("sla:claim on a ticket without an order receipt", function () {
    it("says only verified tickets earn compensation", async function () {
      const { desk, escrow, addresses, admin, stranger } = await loadTaskFixture();
      await (
        await desk.connect(admin).setSlaCompensation(1, {
          token: ETH,
          firstResponseAmount: parseEther("1"),
          resolutionAmount: 0n,
          autoPay: false,
        })
      ).wait();
      const [dueAt] = await desk.firstResponseDeadline(1);
      await time.increaseTo(dueAt + 1n);
      const reserve = await escrow.reserveOf(1, ETH);
      const run = await runTask("sla:claim", { addresses, from: stranger.address, ticketId: "1" });
      expect(failureOf(run)).to.equal(
        "✖ sla:claim: ticket #1 was opened without an order receipt from the merchant's checkout, and only verified " +
          "tickets earn deadline compensation (its misses still count in the merchant's hit rate)",
      );
      expect(await escrow.reserveOf(1, ETH)).to.equal(reserve);
    });
  });

  describe("sla:settle", function () {
    it("pays an owed claim once a deposit covers it", async function () {
      const fixture = await loadTaskFixture();
      const { desk, escrow, addresses, admin, customer, stranger } = fixture;
      await (
        await desk.connect(admin).setSlaCompensation(1, {
          token: ETH,
          firstResponseAmount: parseEther("1"),
          resolutionAmount: 0n,
          autoPay: false,
        })
      ).wait();
      // Compensation is paid on verified tickets only: ticket 2 comes with the checkout's receipt.
      const ticketId = await openVerifiedTicket(desk, admin, customer, 1n);
      // Lock all but 0.4 ETH, so the 1 ETH compensation is paid 0.4 now and owes 0.6.
      await requested(fixture, parseEther("9.6"));
      const [dueAt] = await desk.firstResponseDeadline(ticketId);
      await time.increaseTo(dueAt + 1n);
      await (await escrow.connect(stranger).claimSlaCompensation(ticketId)).wait();
      await (
        await escrow.connect(admin).deposit(1, ETH, parseEther("1"), { value: parseEther("1") })
      ).wait();
      const before = await balance(customer.address);

      const run = await runTask<{ amount: bigint }>("sla:settle", {
        addresses,
        from: stranger.address,
        owedId: "1",
      });
      expect(valueOf(run).amount).to.equal(parseEther("0.6"));
      expect((await balance(customer.address)) - before).to.equal(parseEther("0.6"));
      expect((await escrow.getOwedClaim(1)).paid).to.equal(true);
      expect(run.out.text)
        .to.include("✔ owed claim #1 settled")
        .and.include(`paid   0.6 ETH to the customer ${customer.address}`);
    });

    it("says a claim that does not exist", async function () {
      const { addresses, stranger } = await loadTaskFixture();
      const run = await runTask("sla:settle", {
        addresses,
        from: stranger.address,
        owedId: "4",
      });
      expect(failureOf(run)).to.equal("✖ sla:settle: owed compensation claim #4 does not exist");
    });
  });

  describe("credit:withdraw", function () {
    /** Refund 1 in a token that blocks `customer`: approving it leaves 30 TT as the customer's credit. */
    async function credited(fixture: TaskFixture): Promise<Contract> {
      const { escrow, admin, agent, customer } = fixture;
      const token = (await connection.ethers.deployContract("TestToken", [
        "Test Token",
        "TT",
      ])) as unknown as Contract;
      const tokenAddress = await token.getAddress();
      const amount = parseUnits("30", 18);
      await (await token.getFunction("mint")(admin.address, amount)).wait();
      await (
        await token.connect(admin).getFunction("approve")(await escrow.getAddress(), amount)
      ).wait();
      await (await escrow.connect(admin).deposit(1, tokenAddress, amount)).wait();
      await (await escrow.connect(customer).requestRefund(1, tokenAddress, amount, NOTE)).wait();
      await (await token.getFunction("setBlocked")(customer.address, true)).wait();
      await (await escrow.connect(agent).approveRefund(1)).wait();
      expect(await escrow.creditOf(customer.address, tokenAddress)).to.equal(amount);
      return token;
    }

    it("withdraws a credit to another address", async function () {
      const fixture = await loadTaskFixture();
      const { escrow, addresses, customer, customer2 } = fixture;
      const token = await credited(fixture);
      const tokenAddress = await token.getAddress();
      const run = await runTask<{ amount: bigint; to: string }>("credit:withdraw", {
        addresses,
        from: customer.address,
        token: tokenAddress,
        to: customer2.address,
      });
      expect(valueOf(run)).to.deep.include({ amount: parseUnits("30", 18), to: customer2.address });
      expect(await escrow.creditOf(customer.address, tokenAddress)).to.equal(0n);
      expect(await token.getFunction("balanceOf")(customer2.address)).to.equal(
        parseUnits("30", 18),
      );
      expect(run.out.text)
        .to.include("✔ withdrew a credit of 30 TT")
        .and.include(`to       ${customer2.address}`);
    });

    it("says the account has no credit", async function () {
      const { addresses, customer } = await loadTaskFixture();
      const run = await runTask("credit:withdraw", {
        addresses,
        from: customer.address,
      });
      expect(failureOf(run)).to.equal(
        `✖ credit:withdraw: ${customer.address} has no credit to withdraw in this token`,
      );
    });
  });

  describe("feedback:reply", function () {
    it("answers a customer's rating, once", async function () {
      const { desk, feedback, addresses, agent, customer } = await loadTaskFixture();
      await (await desk.connect(agent).resolveTicket(1, NOTE)).wait();
      await (await feedback.connect(customer).attest(1, 3, NOTE)).wait();
      const feedbackId = await feedback.feedbackOfTicket(1);
      const run = await runTask<{ txHash: string }>("feedback:reply", {
        addresses,
        from: agent.address,
        feedbackId: String(feedbackId),
        reply: "Sorry about the wait; fixed now.",
        commitments: commitmentsFile,
      });
      const { txHash } = valueOf(run);
      const reply = /reply\s+(0x[0-9a-f]{64}) \(commitment\)/.exec(run.out.text)?.[1];
      expect(reply).to.not.equal(undefined);
      const receipt = await connection.ethers.provider.getTransactionReceipt(txHash);
      const replied = receipt?.logs
        .map((log) => feedback.interface.parseLog(log))
        .find((event) => event?.name === "FeedbackReplied");
      expect(replied?.args.toObject()).to.deep.include({
        feedbackId,
        ticketId: 1n,
        replier: agent.address,
        replyHash: reply,
      });
      expect(run.out.text).to.include(`✔ replied to feedback #${feedbackId} on ticket #1`);
    });

    it("says only the merchant's staff can reply", async function () {
      const { desk, feedback, addresses, agent, customer, stranger } = await loadTaskFixture();
      await (await desk.connect(agent).resolveTicket(1, NOTE)).wait();
      await (await feedback.connect(customer).attest(1, 3, NOTE)).wait();
      const feedbackId = await feedback.feedbackOfTicket(1);
      const run = await runTask("feedback:reply", {
        addresses,
        from: stranger.address,
        feedbackId: String(feedbackId),
        reply: "Fake answer",
        commitments: commitmentsFile,
      });
      expect(failureOf(run)).to.equal(
        `✖ feedback:reply: ${stranger.address} is neither the admin nor an agent of merchant #1: only its staff can reply to feedback; ` +
          "the admin adds agents with `merchant:agent 1 <address>`",
      );
    });
  });
});
