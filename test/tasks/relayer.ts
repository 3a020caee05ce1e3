/**
 * `--relayer` on every task a customer may run: the customer (an account without a wei of ETH) signs,
 * the relayer submits through CareLedger's forwarder and pays the gas, and the contracts act for the
 * customer. A refusal is still the contract's own, decoded before anything is signed.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { ZeroAddress, parseEther } from "ethers";

import { openVerifiedTicket } from "../helpers/receipts.js";
import {
  commitmentsFile,
  connection,
  failureOf,
  loadTaskFixture,
  runTask,
  valueOf,
  type TaskFixture,
} from "../helpers/tasks.js";

const NOTE = `0x${"55".repeat(32)}`;
const ETH = ZeroAddress;
const { time } = connection.networkHelpers;

interface Context extends TaskFixture {
  /** Account #11: the customer of ticket 2, emptied of ETH before the task runs. */
  payer: HardhatEthersSigner;
}

interface Case {
  task: string;
  /** What happened before, done directly (account #11 still has ETH then). */
  setup?: (context: Context) => Promise<void>;
  args: Record<string, unknown>;
  /** The task's first line. */
  headline: string;
  /** Its effect on chain. */
  check: (context: Context) => Promise<unknown>;
  /** ETH the customer receives from the call itself (a refund paid to it). */
  received?: bigint;
}

async function resolve2({ desk, agent }: Context): Promise<void> {
  await (await desk.connect(agent).resolveTicket(2, NOTE)).wait();
}

async function request2({ escrow, payer }: Context): Promise<void> {
  await (await escrow.connect(payer).requestRefund(2, ETH, parseEther("0.1"), NOTE)).wait();
}

const cases: Case[] = [
  {
    task: "ticket:message",
    args: { ticketId: "2", message: "A photo", commitments: commitmentsFile },
    headline: "✔ message posted on ticket #2",
    check: async ({ desk, payer }) => {
      const [event] = await desk.queryFilter(desk.filters.MessagePosted(2));
      expect(event?.args.author).to.equal(payer.address);
    },
  },
  {
    task: "ticket:confirm",
    setup: resolve2,
    args: { ticketId: "2" },
    headline: "✔ ticket #2 is Closed: resolution confirmed",
    check: async ({ desk }) => expect(await desk.statusOf(2)).to.equal(5n),
  },
  {
    task: "ticket:reopen",
    setup: resolve2,
    args: { ticketId: "2", reason: "Still broken", commitments: commitmentsFile },
    headline: "✔ ticket #2 reopened: it is Open again, with new deadlines",
    check: async ({ desk }) => expect(await desk.statusOf(2)).to.equal(1n),
  },
  {
    task: "ticket:escalate",
    setup: async ({ desk }) => {
      const [dueAt] = await desk.firstResponseDeadline(2);
      await time.increaseTo(dueAt + 1n);
    },
    args: { ticketId: "2", reason: "No answer", commitments: commitmentsFile },
    headline: "✔ ticket #2 is Escalated: a deadline was missed",
    check: async ({ desk }) => expect(await desk.statusOf(2)).to.equal(6n),
  },
  {
    task: "ticket:cancel",
    args: { ticketId: "2" },
    headline: "✔ ticket #2 is Cancelled",
    check: async ({ desk }) => expect(await desk.statusOf(2)).to.equal(7n),
  },
  {
    task: "ticket:close",
    setup: async (context) => {
      await resolve2(context);
      await time.increase((await context.desk.policyOf(1)).autoCloseDelay + 1n);
    },
    args: { ticketId: "2" },
    headline: "✔ ticket #2 is Closed: resolved, and not reopened in time",
    check: async ({ desk }) => expect(await desk.statusOf(2)).to.equal(5n),
  },
  {
    task: "refund:request",
    args: { ticketId: "2", amount: "0.1", reason: "Broken", commitments: commitmentsFile },
    headline: "✔ refund #1 requested: 0.1 ETH on ticket #2",
    check: async ({ escrow, payer }) => {
      expect((await escrow.getRefund(1)).customer).to.equal(payer.address);
      expect(await escrow.lockedOf(1, ETH)).to.equal(parseEther("0.1"));
    },
  },
  {
    task: "refund:cancel",
    setup: request2,
    args: { refundId: "1" },
    headline: "✔ refund #1 is Cancelled",
    check: async ({ escrow }) => expect(await escrow.refundStatusOf(1)).to.equal(5n),
  },
  {
    task: "refund:execute",
    setup: async (context) => {
      await request2(context);
      await time.increase((await context.desk.policyOf(1)).refundResponseTime + 1n);
    },
    args: { refundId: "1" },
    headline: "✔ refund #1 executed: the merchant did not answer in time",
    check: async ({ escrow }) => expect(await escrow.refundStatusOf(1)).to.equal(2n),
    received: parseEther("0.1"),
  },
  {
    task: "refund:dispute",
    setup: async (context) => {
      await request2(context);
      await (await context.escrow.connect(context.agent).rejectRefund(1, NOTE)).wait();
    },
    args: { refundId: "1", reason: "It was broken", commitments: commitmentsFile },
    headline: "✔ refund #1 disputed",
    check: async ({ escrow }) => expect(await escrow.refundStatusOf(1)).to.equal(4n),
  },
  {
    task: "refund:finalize",
    setup: async (context) => {
      await request2(context);
      await (await context.escrow.connect(context.agent).rejectRefund(1, NOTE)).wait();
      await time.increase((await context.desk.policyOf(1)).disputeWindow + 1n);
    },
    args: { refundId: "1" },
    headline: "✔ the rejection of refund #1 is final",
    check: async ({ escrow }) => expect(await escrow.lockedOf(1, ETH)).to.equal(0n),
  },
  {
    task: "feedback:give",
    setup: resolve2,
    args: { ticketId: "2", rating: 4, comment: "Good", commitments: commitmentsFile },
    headline: "✔ feedback #",
    check: async ({ feedback, payer }) => {
      const record = await feedback.getFeedback(await feedback.feedbackOfTicket(2));
      expect(record.customer).to.equal(payer.address);
      expect(record.rating).to.equal(4n);
    },
  },
  {
    task: "sla:claim",
    // Compensation is paid on verified tickets only: account #11 opens ticket 3 with a receipt of the
    // merchant's checkout, after the promise (terms are fixed when the ticket's cycle starts).
    setup: async ({ desk, admin, payer }) => {
      await (
        await desk.connect(admin).setSlaCompensation(1, {
          token: ETH,
          firstResponseAmount: parseEther("0.01"),
          resolutionAmount: 0n,
          autoPay: false,
        })
      ).wait();
      await openVerifiedTicket(desk, admin, payer, 1n);
      const [dueAt] = await desk.firstResponseDeadline(3);
      await time.increaseTo(dueAt + 1n);
    },
    args: { ticketId: "3" },
    headline: "✔ deadline compensation claimed for ticket #3",
    check: async ({ desk }) =>
      expect((await desk.getTicket(3)).firstResponseCompensated).to.equal(true),
    received: parseEther("0.01"),
  },
];

/** The fixture, with ticket 2 opened by account #11 and whatever `setup` adds. */
async function context(setup?: Case["setup"]): Promise<Context & { relayerIndex: string }> {
  const fixture = await loadTaskFixture();
  const accounts = await connection.ethers.getSigners();
  const payer = accounts[11];
  if (payer === undefined) expect.fail("needs account #11");
  await (await fixture.desk.connect(payer).openTicket(1, NOTE, NOTE, 1)).wait();
  const ctx: Context = { ...fixture, payer };
  await setup?.(ctx);
  await connection.networkHelpers.setBalance(payer.address, 0n);
  const relayerIndex = String(accounts.findIndex((a) => a.address === fixture.relayer.address));
  return { ...ctx, relayerIndex };
}

describe("tasks: --relayer on every customer task", function () {
  for (const testCase of cases) {
    it(`${testCase.task}: the customer signs, the relayer pays the gas`, async function () {
      const ctx = await context(testCase.setup);
      const relayerBefore = await connection.ethers.provider.getBalance(ctx.relayer.address);
      const run = await runTask(testCase.task, {
        ...testCase.args,
        addresses: ctx.addresses,
        from: "11",
        relayer: ctx.relayerIndex,
      });
      valueOf(run);
      expect(run.out.text)
        .to.include(testCase.headline)
        .and.match(
          new RegExp(
            `gas paid by\\s+${ctx.relayer.address} \\(relayer; ${ctx.payer.address} signed, gaslessly\\)`,
          ),
        );
      await testCase.check(ctx);
      expect(await connection.ethers.provider.getBalance(ctx.payer.address)).to.equal(
        testCase.received ?? 0n,
      );
      expect(await connection.ethers.provider.getBalance(ctx.relayer.address)).to.be.lessThan(
        relayerBefore,
      );
    });
  }

  it("a relayed call the contract refuses fails with its sentence, and nothing is sent", async function () {
    const ctx = await context();
    const forwarderNonce = await ctx.forwarder.nonces(ctx.stranger.address);
    const run = await runTask("ticket:cancel", {
      addresses: ctx.addresses,
      from: ctx.stranger.address,
      relayer: ctx.relayerIndex,
      ticketId: "2",
    });
    expect(failureOf(run)).to.equal(
      `✖ ticket:cancel: ticket 2 is Open; only the customer ${ctx.payer.address} can cancel it (${ctx.stranger.address} is not its customer)`,
    );
    expect(await ctx.forwarder.nonces(ctx.stranger.address)).to.equal(forwarderNonce);
    expect(await ctx.desk.statusOf(2)).to.equal(1n);
  });

  it("says --relayer is not an account of the network", async function () {
    const ctx = await context();
    const run = await runTask("ticket:cancel", {
      addresses: ctx.addresses,
      from: "11",
      relayer: "99",
      ticketId: "2",
    });
    expect(failureOf(run)).to.equal(
      '✖ ticket:cancel: --relayer 99: network "default" has 20 account(s), #0 to #19',
    );
  });
});
