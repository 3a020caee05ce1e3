import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { ZeroHash, concat } from "ethers";
import { network } from "hardhat";

import {
  FeedbackAttestations__factory,
  ReentrantDeskMock__factory,
} from "../typechain-types/index.js";
import {
  MAX_AMENDMENTS,
  MERCHANT,
  OTHER_MERCHANT,
  SEED_RATING,
  SEED_TICKET,
  Status,
  closedTicket,
  feedbackFixture,
  feedbackIdOf,
  hashOf,
  openTicket,
  resolvedTicket,
  statsOf,
  type FeedbackFixture,
} from "./helpers/feedback.js";
import { signForwardRequest } from "./helpers/forwarder.js";

const connection = await network.create();
const deployFeedbackFixture = feedbackFixture(connection);
const { loadFixture, time } = connection.networkHelpers;

const COMMENT = hashOf("comment: quick and polite");
const REPLY = hashOf("reply: thank you");

/** Merchant 1's aggregates right after the fixture: the seeded rating only. */
const SEEDED_STATS: [bigint, bigint, bigint[]] = [
  1n,
  SEED_RATING,
  [0n, 0n, 0n, 0n, 0n].map((zero, i) => (BigInt(i + 1) === SEED_RATING ? 1n : zero)),
];

/** The fixture plus one resolved ticket of `customer` at merchant 1. */
async function withResolvedTicket(): Promise<FeedbackFixture & { ticketId: bigint }> {
  const fx = await loadFixture(deployFeedbackFixture);
  return { ...fx, ticketId: await resolvedTicket(fx) };
}

/** The fixture plus a resolved ticket that `customer` rated 4 with `COMMENT`. */
async function withFeedback(): Promise<FeedbackFixture & { ticketId: bigint; feedbackId: bigint }> {
  const fx = await withResolvedTicket();
  await fx.feedback.connect(fx.customer).attest(fx.ticketId, 4, COMMENT);
  return { ...fx, feedbackId: feedbackIdOf(fx.ticketId) };
}

describe("FeedbackAttestations", function () {
  describe("deployment", function () {
    it("reports version 1.0.0, its desk and the amendment cap", async function () {
      const { feedback, desk } = await loadFixture(deployFeedbackFixture);
      expect(await feedback.version()).to.equal("1.0.0");
      expect(await feedback.desk()).to.equal(await desk.getAddress());
      expect(await feedback.maxAmendments()).to.equal(MAX_AMENDMENTS);
    });

    it("trusts the CareLedger forwarder and nobody else", async function () {
      const { feedback, forwarder, stranger } = await loadFixture(deployFeedbackFixture);
      expect(await feedback.isTrustedForwarder(await forwarder.getAddress())).to.equal(true);
      expect(await feedback.isTrustedForwarder(stranger.address)).to.equal(false);
    });
  });

  describe("attest", function () {
    it("records the customer's rating of a resolved ticket", async function () {
      const { feedback, customer, ticketId } = await withResolvedTicket();
      const feedbackId = feedbackIdOf(ticketId);
      expect(await feedback.connect(customer).attest.staticCall(ticketId, 4, COMMENT)).to.equal(
        feedbackId,
      );

      await expect(feedback.connect(customer).attest(ticketId, 4, COMMENT))
        .to.emit(feedback, "FeedbackAttested")
        .withArgs(feedbackId, ticketId, MERCHANT, customer.address, 4, COMMENT);

      expect(await feedback.feedbackOfTicket(ticketId)).to.equal(feedbackId);
      const record = await feedback.getFeedback(feedbackId);
      expect(record.ticketId).to.equal(ticketId);
      expect(record.merchantId).to.equal(MERCHANT);
      expect(record.customer).to.equal(customer.address);
      expect(record.rating).to.equal(4n);
      expect(record.commentHash).to.equal(COMMENT);
      expect(record.replyHash).to.equal(ZeroHash);
      expect(record.supersedes).to.equal(0n);
      expect(record.supersededBy).to.equal(0n);
    });

    it("accepts a closed ticket", async function () {
      const fx = await loadFixture(deployFeedbackFixture);
      const ticketId = await closedTicket(fx);
      expect(await fx.desk.statusOf(ticketId)).to.equal(Status.Closed);
      await expect(fx.feedback.connect(fx.customer).attest(ticketId, 5, COMMENT))
        .to.emit(fx.feedback, "FeedbackAttested")
        .withArgs(feedbackIdOf(ticketId), ticketId, MERCHANT, fx.customer.address, 5, COMMENT);
    });

    it("accepts feedback without a comment (commentHash 0)", async function () {
      const { feedback, customer, ticketId } = await withResolvedTicket();
      await expect(feedback.connect(customer).attest(ticketId, 3, ZeroHash))
        .to.emit(feedback, "FeedbackAttested")
        .withArgs(feedbackIdOf(ticketId), ticketId, MERCHANT, customer.address, 3, ZeroHash);
      const record = await feedback.getFeedback(feedbackIdOf(ticketId));
      expect(record.rating).to.equal(3n);
      expect(record.commentHash).to.equal(ZeroHash);
    });

    it("adds the rating to its merchant's aggregates only", async function () {
      const fx = await withResolvedTicket();
      await fx.feedback.connect(fx.customer).attest(fx.ticketId, 2, COMMENT);
      const [count, sum, histogram] = SEEDED_STATS;
      const expected = [...histogram];
      expected[1] = (expected[1] ?? 0n) + 1n;
      expect(await statsOf(fx)).to.deep.equal([count + 1n, sum + 2n, expected]);
      expect(await statsOf(fx, OTHER_MERCHANT)).to.deep.equal([0n, 0n, [0n, 0n, 0n, 0n, 0n]]);
    });

    for (const rating of [1, 5]) {
      it(`accepts rating ${rating}`, async function () {
        const { feedback, customer, ticketId } = await withResolvedTicket();
        await feedback.connect(customer).attest(ticketId, rating, COMMENT);
        expect((await feedback.getFeedback(feedbackIdOf(ticketId))).rating).to.equal(
          BigInt(rating),
        );
      });
    }

    for (const rating of [0, 6, 255]) {
      it(`reverts on rating ${rating}`, async function () {
        const { feedback, customer, ticketId } = await withResolvedTicket();
        await expect(feedback.connect(customer).attest(ticketId, rating, COMMENT))
          .to.be.revertedWithCustomError(feedback, "FeedbackInvalidRating")
          .withArgs(rating);
      });
    }

    for (const role of ["admin", "agent", "otherAdmin", "customer2", "stranger"] as const) {
      it(`reverts when the ${role} attests the customer's ticket`, async function () {
        const fx = await withResolvedTicket();
        const caller: HardhatEthersSigner = fx[role];
        await expect(fx.feedback.connect(caller).attest(fx.ticketId, 5, COMMENT))
          .to.be.revertedWithCustomError(fx.feedback, "FeedbackNotCustomer")
          .withArgs(fx.ticketId, caller.address);
      });
    }

    it("reverts for an unknown ticket with the desk's DeskUnknownTicket", async function () {
      const { feedback, desk, customer } = await loadFixture(deployFeedbackFixture);
      const unknown = (await desk.ticketCount()) + 1n;
      await expect(feedback.connect(customer).attest(unknown, 5, COMMENT))
        .to.be.revertedWithCustomError(desk, "DeskUnknownTicket")
        .withArgs(unknown);
      await expect(feedback.connect(customer).attest(0n, 5, COMMENT))
        .to.be.revertedWithCustomError(desk, "DeskUnknownTicket")
        .withArgs(0n);
    });

    describe("reverts before the ticket is resolved", function () {
      const cases: {
        name: string;
        status: number;
        reach: (fx: FeedbackFixture) => Promise<bigint>;
      }[] = [
        { name: "Open", status: Status.Open, reach: (fx) => openTicket(fx) },
        {
          name: "InProgress (an agent answered)",
          status: Status.InProgress,
          reach: async (fx) => {
            const ticketId = await openTicket(fx);
            await fx.desk.connect(fx.agent).postMessage(ticketId, hashOf("first answer"));
            return ticketId;
          },
        },
        {
          name: "AwaitingCustomer",
          status: Status.AwaitingCustomer,
          reach: async (fx) => {
            const ticketId = await openTicket(fx);
            await fx.desk.connect(fx.agent).postMessage(ticketId, hashOf("first answer"));
            await fx.desk.connect(fx.agent).awaitCustomer(ticketId, hashOf("need photo"));
            return ticketId;
          },
        },
        {
          name: "Escalated",
          status: Status.Escalated,
          reach: async (fx) => {
            const ticketId = await openTicket(fx);
            const policy = await fx.desk.policyOf(MERCHANT);
            await time.increase(policy.firstResponseTime + 1n);
            await fx.desk.connect(fx.customer).escalateTicket(ticketId, hashOf("no answer"));
            return ticketId;
          },
        },
        {
          name: "Cancelled",
          status: Status.Cancelled,
          reach: async (fx) => {
            const ticketId = await openTicket(fx);
            await fx.desk.connect(fx.customer).cancelTicket(ticketId);
            return ticketId;
          },
        },
        {
          name: "Open again after a reopen",
          status: Status.Open,
          reach: async (fx) => {
            const ticketId = await resolvedTicket(fx);
            await fx.desk.connect(fx.customer).reopenTicket(ticketId, hashOf("still broken"));
            return ticketId;
          },
        },
      ];

      for (const { name, status, reach } of cases) {
        it(`reverts while the ticket is ${name}`, async function () {
          const fx = await loadFixture(deployFeedbackFixture);
          const ticketId = await reach(fx);
          expect(await fx.desk.statusOf(ticketId)).to.equal(status);
          await expect(fx.feedback.connect(fx.customer).attest(ticketId, 5, COMMENT))
            .to.be.revertedWithCustomError(fx.feedback, "FeedbackTicketNotResolved")
            .withArgs(ticketId, status);
        });
      }
    });

    it("reverts when the customer attests twice", async function () {
      const { feedback, customer, ticketId, feedbackId } = await withFeedback();
      await expect(feedback.connect(customer).attest(ticketId, 1, COMMENT))
        .to.be.revertedWithCustomError(feedback, "FeedbackAlreadyGiven")
        .withArgs(ticketId, feedbackId);
    });

    it("reverts after an amendment too, naming the current record", async function () {
      const { feedback, customer, ticketId, feedbackId } = await withFeedback();
      await feedback.connect(customer).amend(feedbackId, 2, COMMENT);
      await expect(feedback.connect(customer).attest(ticketId, 1, COMMENT))
        .to.be.revertedWithCustomError(feedback, "FeedbackAlreadyGiven")
        .withArgs(ticketId, feedbackId + 1n);
    });

    it("rates each ticket independently, for several customers and merchants", async function () {
      const fx = await loadFixture(deployFeedbackFixture);
      const mine = await resolvedTicket(fx, fx.customer);
      const theirs = await resolvedTicket(fx, fx.customer2);
      const elsewhere = await resolvedTicket(fx, fx.customer, OTHER_MERCHANT);
      await fx.feedback.connect(fx.customer).attest(mine, 5, COMMENT);
      await fx.feedback.connect(fx.customer2).attest(theirs, 1, ZeroHash);
      await expect(fx.feedback.connect(fx.customer).attest(elsewhere, 3, COMMENT))
        .to.emit(fx.feedback, "FeedbackAttested")
        .withArgs(
          feedbackIdOf(elsewhere),
          elsewhere,
          OTHER_MERCHANT,
          fx.customer.address,
          3,
          COMMENT,
        );
      expect((await fx.feedback.getFeedback(feedbackIdOf(theirs))).customer).to.equal(
        fx.customer2.address,
      );
      expect(await statsOf(fx, OTHER_MERCHANT)).to.deep.equal([1n, 3n, [0n, 0n, 1n, 0n, 0n]]);
    });

    describe("through the ERC-2771 forwarder", function () {
      it("lets a relayer submit the customer's signed attestation (gasless for the customer)", async function () {
        const { feedback, forwarder, customer, relayer, ticketId } = await withResolvedTicket();
        const data = feedback.interface.encodeFunctionData("attest", [ticketId, 5, COMMENT]);
        const request = await signForwardRequest(
          forwarder,
          customer,
          await feedback.getAddress(),
          data,
        );
        const balanceBefore = await connection.ethers.provider.getBalance(customer.address);

        await expect(forwarder.connect(relayer).execute(request))
          .to.emit(feedback, "FeedbackAttested")
          .withArgs(feedbackIdOf(ticketId), ticketId, MERCHANT, customer.address, 5, COMMENT);

        expect(await connection.ethers.provider.getBalance(customer.address)).to.equal(
          balanceBefore,
        );
        expect((await feedback.getFeedback(feedbackIdOf(ticketId))).customer).to.equal(
          customer.address,
        );
      });

      it("refuses a relayed attestation signed by someone other than the customer", async function () {
        const { feedback, forwarder, stranger, relayer, ticketId } = await withResolvedTicket();
        const data = feedback.interface.encodeFunctionData("attest", [ticketId, 5, COMMENT]);
        const request = await signForwardRequest(
          forwarder,
          stranger,
          await feedback.getAddress(),
          data,
        );
        // The forwarder reports a failed forwarded call as FailedCall; the inner error is
        // FeedbackNotCustomer(ticketId, stranger), as the direct call below shows.
        await expect(forwarder.connect(relayer).execute(request)).to.be.revertedWithCustomError(
          forwarder,
          "FailedCall",
        );
        expect(await feedback.feedbackOfTicket(ticketId)).to.equal(0n);
      });

      it("ignores an address appended to calldata by anyone but the forwarder", async function () {
        const { feedback, customer, stranger, ticketId } = await withResolvedTicket();
        const data = feedback.interface.encodeFunctionData("attest", [ticketId, 5, COMMENT]);
        const spoofed = stranger.sendTransaction({
          to: await feedback.getAddress(),
          data: concat([data, customer.address]),
        });
        await expect(spoofed)
          .to.be.revertedWithCustomError(feedback, "FeedbackNotCustomer")
          .withArgs(ticketId, stranger.address);
      });
    });

    describe("across a rating-word boundary (64 ticket ids share a word)", function () {
      /** Tickets up to id 65, with 63, 64 and 65 resolved for `customer`. */
      async function withTicketsPastTheFirstWord(): Promise<FeedbackFixture> {
        const fx = await loadFixture(deployFeedbackFixture);
        while ((await fx.desk.ticketCount()) < 62n) await openTicket(fx, fx.customer2);
        for (let i = 0; i < 3; i++) await resolvedTicket(fx);
        expect(await fx.desk.ticketCount()).to.equal(65n);
        return fx;
      }

      it("keeps the entries of neighbouring tickets independent", async function () {
        const fx = await withTicketsPastTheFirstWord();
        await fx.feedback.connect(fx.customer).attest(64n, 1, COMMENT);
        await fx.feedback.connect(fx.customer).attest(63n, 5, ZeroHash);
        await fx.feedback.connect(fx.customer).amend(feedbackIdOf(64n), 2, COMMENT);
        await fx.feedback.connect(fx.customer).attest(65n, 3, COMMENT);
        expect(await fx.feedback.feedbackOfTicket(62n)).to.equal(0n);
        expect(await fx.feedback.feedbackOfTicket(63n)).to.equal(feedbackIdOf(63n));
        expect(await fx.feedback.feedbackOfTicket(64n)).to.equal(feedbackIdOf(64n, 1));
        expect(await fx.feedback.feedbackOfTicket(65n)).to.equal(feedbackIdOf(65n));
        const ratings = await Promise.all(
          [feedbackIdOf(63n), feedbackIdOf(64n), feedbackIdOf(64n, 1), feedbackIdOf(65n)].map(
            async (id) => (await fx.feedback.getFeedback(id)).rating,
          ),
        );
        expect(ratings).to.deep.equal([5n, 1n, 2n, 3n]);
      });
    });
  });

  describe("reply", function () {
    for (const role of ["admin", "agent", "agent2"] as const) {
      it(`lets the merchant's ${role} answer the current record`, async function () {
        const fx = await withFeedback();
        const replier: HardhatEthersSigner = fx[role];
        await expect(fx.feedback.connect(replier).reply(fx.feedbackId, REPLY))
          .to.emit(fx.feedback, "FeedbackReplied")
          .withArgs(fx.feedbackId, fx.ticketId, replier.address, REPLY);
        const record = await fx.feedback.getFeedback(fx.feedbackId);
        expect(record.replyHash).to.equal(REPLY);
        expect(record.commentHash).to.equal(COMMENT);
        expect(record.rating).to.equal(4n);
      });
    }

    for (const role of ["customer", "customer2", "stranger", "otherAdmin", "relayer"] as const) {
      it(`reverts when the ${role} (not merchant 1's staff) replies`, async function () {
        const fx = await withFeedback();
        const caller: HardhatEthersSigner = fx[role];
        await expect(fx.feedback.connect(caller).reply(fx.feedbackId, REPLY))
          .to.be.revertedWithCustomError(fx.feedback, "FeedbackNotMerchantStaff")
          .withArgs(MERCHANT, caller.address);
      });
    }

    it("reverts when a merchant's own staff answers another merchant's feedback", async function () {
      const fx = await loadFixture(deployFeedbackFixture);
      const ticketId = await resolvedTicket(fx, fx.customer, OTHER_MERCHANT);
      await fx.feedback.connect(fx.customer).attest(ticketId, 2, COMMENT);
      for (const caller of [fx.admin, fx.agent]) {
        await expect(fx.feedback.connect(caller).reply(feedbackIdOf(ticketId), REPLY))
          .to.be.revertedWithCustomError(fx.feedback, "FeedbackNotMerchantStaff")
          .withArgs(OTHER_MERCHANT, caller.address);
      }
      await expect(fx.feedback.connect(fx.otherAdmin).reply(feedbackIdOf(ticketId), REPLY))
        .to.emit(fx.feedback, "FeedbackReplied")
        .withArgs(feedbackIdOf(ticketId), ticketId, fx.otherAdmin.address, REPLY);
    });

    it("reverts when a removed agent replies", async function () {
      const fx = await withFeedback();
      await fx.desk.connect(fx.admin).setAgent(MERCHANT, fx.agent.address, false);
      await expect(fx.feedback.connect(fx.agent).reply(fx.feedbackId, REPLY))
        .to.be.revertedWithCustomError(fx.feedback, "FeedbackNotMerchantStaff")
        .withArgs(MERCHANT, fx.agent.address);
    });

    it("reverts on a second reply, by anyone", async function () {
      const fx = await withFeedback();
      await fx.feedback.connect(fx.agent).reply(fx.feedbackId, REPLY);
      for (const caller of [fx.agent, fx.admin]) {
        await expect(fx.feedback.connect(caller).reply(fx.feedbackId, hashOf("second reply")))
          .to.be.revertedWithCustomError(fx.feedback, "FeedbackAlreadyReplied")
          .withArgs(fx.feedbackId);
      }
    });

    it("reverts on an empty reply hash", async function () {
      const fx = await withFeedback();
      await expect(fx.feedback.connect(fx.agent).reply(fx.feedbackId, ZeroHash))
        .to.be.revertedWithCustomError(fx.feedback, "FeedbackEmptyReply")
        .withArgs(fx.feedbackId);
    });

    it("reverts on a superseded record, and answers the amendment instead", async function () {
      const fx = await withFeedback();
      await fx.feedback.connect(fx.customer).amend(fx.feedbackId, 2, COMMENT);
      await expect(fx.feedback.connect(fx.agent).reply(fx.feedbackId, REPLY))
        .to.be.revertedWithCustomError(fx.feedback, "FeedbackSuperseded")
        .withArgs(fx.feedbackId, fx.feedbackId + 1n);
      await expect(fx.feedback.connect(fx.agent).reply(fx.feedbackId + 1n, REPLY))
        .to.emit(fx.feedback, "FeedbackReplied")
        .withArgs(fx.feedbackId + 1n, fx.ticketId, fx.agent.address, REPLY);
    });

    it("lets the merchant answer each amendment once, keeping earlier replies", async function () {
      const fx = await withFeedback();
      await fx.feedback.connect(fx.agent).reply(fx.feedbackId, REPLY);
      await fx.feedback.connect(fx.customer).amend(fx.feedbackId, 5, COMMENT);
      const second = hashOf("reply to the amendment");
      await fx.feedback.connect(fx.admin).reply(fx.feedbackId + 1n, second);
      expect((await fx.feedback.getFeedback(fx.feedbackId)).replyHash).to.equal(REPLY);
      expect((await fx.feedback.getFeedback(fx.feedbackId + 1n)).replyHash).to.equal(second);
    });

    it("reverts for unknown feedback ids", async function () {
      const fx = await withFeedback();
      const unrated = await resolvedTicket(fx);
      for (const unknown of [
        0n,
        feedbackIdOf(unrated),
        fx.feedbackId + 1n, // a revision that does not exist yet
        feedbackIdOf(fx.ticketId, 255n),
        feedbackIdOf(1_000_000n),
      ]) {
        await expect(fx.feedback.connect(fx.agent).reply(unknown, REPLY))
          .to.be.revertedWithCustomError(fx.feedback, "FeedbackUnknown")
          .withArgs(unknown);
      }
    });
  });

  describe("amend", function () {
    it("supersedes the record with a new one and moves the aggregates, step by step", async function () {
      const fx = await withResolvedTicket();
      const { feedback, customer, ticketId } = fx;
      const [count0, sum0, histogram0] = SEEDED_STATS;
      const withOne = (rating: number): bigint[] =>
        histogram0.map((n, i) => (i === rating - 1 ? n + 1n : n));

      // Revision 0: 5 stars.
      const first = feedbackIdOf(ticketId, 0);
      await feedback.connect(customer).attest(ticketId, 5, COMMENT);
      expect(await statsOf(fx)).to.deep.equal([count0 + 1n, sum0 + 5n, withOne(5)]);

      // Revision 1: down to 2 stars.
      const second = feedbackIdOf(ticketId, 1);
      const comment2 = hashOf("comment: it broke again");
      expect(await feedback.connect(customer).amend.staticCall(first, 2, comment2)).to.equal(
        second,
      );
      await expect(feedback.connect(customer).amend(first, 2, comment2))
        .to.emit(feedback, "FeedbackAttested")
        .withArgs(second, ticketId, MERCHANT, customer.address, 2, comment2)
        .and.to.emit(feedback, "FeedbackAmended")
        .withArgs(first, second, ticketId, 5, 2);
      expect(await statsOf(fx)).to.deep.equal([count0 + 1n, sum0 + 2n, withOne(2)]);

      // Revision 2: back up to 4 stars, no comment.
      const third = feedbackIdOf(ticketId, 2);
      await expect(feedback.connect(customer).amend(second, 4, ZeroHash))
        .to.emit(feedback, "FeedbackAmended")
        .withArgs(second, third, ticketId, 2, 4);
      expect(await statsOf(fx)).to.deep.equal([count0 + 1n, sum0 + 4n, withOne(4)]);

      // The chain: every record stays readable and points both ways.
      expect(await feedback.feedbackOfTicket(ticketId)).to.equal(third);
      const records = await Promise.all(
        [first, second, third].map((id) => feedback.getFeedback(id)),
      );
      expect(records.map((r) => r.rating)).to.deep.equal([5n, 2n, 4n]);
      expect(records.map((r) => r.commentHash)).to.deep.equal([COMMENT, comment2, ZeroHash]);
      expect(records.map((r) => r.supersedes)).to.deep.equal([0n, first, second]);
      expect(records.map((r) => r.supersededBy)).to.deep.equal([second, third, 0n]);
      for (const record of records) {
        expect(record.ticketId).to.equal(ticketId);
        expect(record.merchantId).to.equal(MERCHANT);
        expect(record.customer).to.equal(customer.address);
      }
    });

    it("keeps the aggregates when the rating stays the same", async function () {
      const fx = await withFeedback();
      const before = await statsOf(fx);
      await expect(fx.feedback.connect(fx.customer).amend(fx.feedbackId, 4, hashOf("typo fixed")))
        .to.emit(fx.feedback, "FeedbackAmended")
        .withArgs(fx.feedbackId, fx.feedbackId + 1n, fx.ticketId, 4, 4);
      expect(await statsOf(fx)).to.deep.equal(before);
    });

    it("is allowed after the ticket was reopened (the right to rate was earned)", async function () {
      const fx = await withFeedback();
      await fx.desk.connect(fx.customer).reopenTicket(fx.ticketId, hashOf("broke again"));
      await expect(fx.feedback.connect(fx.customer).amend(fx.feedbackId, 1, COMMENT))
        .to.emit(fx.feedback, "FeedbackAmended")
        .withArgs(fx.feedbackId, fx.feedbackId + 1n, fx.ticketId, 4, 1);
    });

    it(`allows ${MAX_AMENDMENTS} amendments and reverts on the next`, async function () {
      const fx = await withFeedback();
      let current = fx.feedbackId;
      for (let i = 1n; i <= MAX_AMENDMENTS; i++) {
        await fx.feedback.connect(fx.customer).amend(current, Number((i % 5n) + 1n), COMMENT);
        current += 1n;
      }
      expect(current).to.equal(feedbackIdOf(fx.ticketId, MAX_AMENDMENTS));
      expect(await fx.feedback.feedbackOfTicket(fx.ticketId)).to.equal(current);
      await expect(fx.feedback.connect(fx.customer).amend(current, 3, COMMENT))
        .to.be.revertedWithCustomError(fx.feedback, "FeedbackTooManyAmendments")
        .withArgs(fx.ticketId, MAX_AMENDMENTS);
      // The last record is still current and can be answered.
      await fx.feedback.connect(fx.agent).reply(current, REPLY);
      const [count, sum, histogram] = SEEDED_STATS;
      const last = Number((MAX_AMENDMENTS % 5n) + 1n);
      expect(await statsOf(fx)).to.deep.equal([
        count + 1n,
        sum + BigInt(last),
        histogram.map((n, i) => (i === last - 1 ? n + 1n : n)),
      ]);
    });

    for (const role of ["admin", "agent", "customer2", "stranger"] as const) {
      it(`reverts when the ${role} amends the customer's feedback`, async function () {
        const fx = await withFeedback();
        const caller: HardhatEthersSigner = fx[role];
        await expect(fx.feedback.connect(caller).amend(fx.feedbackId, 1, COMMENT))
          .to.be.revertedWithCustomError(fx.feedback, "FeedbackNotCustomer")
          .withArgs(fx.ticketId, caller.address);
      });
    }

    it("reverts on a superseded record", async function () {
      const fx = await withFeedback();
      await fx.feedback.connect(fx.customer).amend(fx.feedbackId, 2, COMMENT);
      await expect(fx.feedback.connect(fx.customer).amend(fx.feedbackId, 3, COMMENT))
        .to.be.revertedWithCustomError(fx.feedback, "FeedbackSuperseded")
        .withArgs(fx.feedbackId, fx.feedbackId + 1n);
    });

    for (const rating of [0, 6]) {
      it(`reverts on rating ${rating}`, async function () {
        const fx = await withFeedback();
        await expect(fx.feedback.connect(fx.customer).amend(fx.feedbackId, rating, COMMENT))
          .to.be.revertedWithCustomError(fx.feedback, "FeedbackInvalidRating")
          .withArgs(rating);
      });
    }

    for (const rating of [1, 5]) {
      it(`accepts rating ${rating}`, async function () {
        const fx = await withFeedback();
        await fx.feedback.connect(fx.customer).amend(fx.feedbackId, rating, COMMENT);
        expect((await fx.feedback.getFeedback(fx.feedbackId + 1n)).rating).to.equal(BigInt(rating));
      });
    }

    it("reverts for unknown feedback ids", async function () {
      const fx = await withFeedback();
      const unrated = await resolvedTicket(fx);
      for (const unknown of [0n, feedbackIdOf(unrated), fx.feedbackId + 1n, fx.feedbackId + 255n]) {
        await expect(fx.feedback.connect(fx.customer).amend(unknown, 3, COMMENT))
          .to.be.revertedWithCustomError(fx.feedback, "FeedbackUnknown")
          .withArgs(unknown);
      }
    });

    it("works gaslessly through the forwarder", async function () {
      const fx = await withFeedback();
      const data = fx.feedback.interface.encodeFunctionData("amend", [fx.feedbackId, 1, COMMENT]);
      const request = await signForwardRequest(
        fx.forwarder,
        fx.customer,
        await fx.feedback.getAddress(),
        data,
      );
      await expect(fx.forwarder.connect(fx.relayer).execute(request))
        .to.emit(fx.feedback, "FeedbackAmended")
        .withArgs(fx.feedbackId, fx.feedbackId + 1n, fx.ticketId, 4, 1);
    });
  });

  describe("views", function () {
    it("feedbackOfTicket is 0 for a ticket without feedback and for unknown tickets", async function () {
      const fx = await loadFixture(deployFeedbackFixture);
      const unrated = await resolvedTicket(fx);
      expect(await fx.feedback.feedbackOfTicket(unrated)).to.equal(0n);
      expect(await fx.feedback.feedbackOfTicket(0n)).to.equal(0n);
      expect(await fx.feedback.feedbackOfTicket(1_000_000n)).to.equal(0n);
      expect(await fx.feedback.feedbackOfTicket(SEED_TICKET)).to.equal(feedbackIdOf(SEED_TICKET));
    });

    it("getFeedback reverts for unknown ids", async function () {
      const fx = await withFeedback();
      for (const unknown of [0n, 1n, 255n, fx.feedbackId + 1n, feedbackIdOf(fx.ticketId + 1n)]) {
        await expect(fx.feedback.getFeedback(unknown))
          .to.be.revertedWithCustomError(fx.feedback, "FeedbackUnknown")
          .withArgs(unknown);
      }
    });

    it("merchantStats is all zeros for a merchant without ratings, or no merchant", async function () {
      const fx = await loadFixture(deployFeedbackFixture);
      expect(await statsOf(fx, OTHER_MERCHANT)).to.deep.equal([0n, 0n, [0n, 0n, 0n, 0n, 0n]]);
      expect(await statsOf(fx, 99n)).to.deep.equal([0n, 0n, [0n, 0n, 0n, 0n, 0n]]);
    });

    it("the aggregates equal a replay of the events", async function () {
      const fx = await loadFixture(deployFeedbackFixture);
      const a = await resolvedTicket(fx, fx.customer);
      const b = await closedTicket(fx, fx.customer2);
      const c = await resolvedTicket(fx, fx.customer, OTHER_MERCHANT);
      await fx.feedback.connect(fx.customer).attest(a, 1, COMMENT);
      await fx.feedback.connect(fx.customer2).attest(b, 5, COMMENT);
      await fx.feedback.connect(fx.customer).attest(c, 3, COMMENT);
      await fx.feedback.connect(fx.customer).amend(feedbackIdOf(a), 4, COMMENT);
      await fx.feedback.connect(fx.customer2).amend(feedbackIdOf(b), 2, COMMENT);
      await fx.feedback.connect(fx.customer2).amend(feedbackIdOf(b, 1), 3, COMMENT);

      // Rebuild from FeedbackAttested alone: the last record of each ticket is its current rating.
      const current = new Map<bigint, { merchantId: bigint; rating: bigint }>();
      const attested = await fx.feedback.queryFilter(fx.feedback.filters.FeedbackAttested());
      for (const { args } of attested) {
        current.set(args.ticketId, { merchantId: args.merchantId, rating: args.rating });
      }
      for (const merchantId of [MERCHANT, OTHER_MERCHANT]) {
        const histogram = [0n, 0n, 0n, 0n, 0n];
        let count = 0n;
        let sum = 0n;
        for (const entry of current.values()) {
          if (entry.merchantId !== merchantId) continue;
          count += 1n;
          sum += entry.rating;
          histogram[Number(entry.rating) - 1] = (histogram[Number(entry.rating) - 1] ?? 0n) + 1n;
        }
        expect(await statsOf(fx, merchantId)).to.deep.equal([count, sum, histogram]);
      }
      // And every FeedbackAmended links a record to the one right after it.
      const amended = await fx.feedback.queryFilter(fx.feedback.filters.FeedbackAmended());
      expect(amended).to.have.length(3);
      for (const { args } of amended) {
        expect(args.newFeedbackId).to.equal(args.previousFeedbackId + 1n);
        expect((await fx.feedback.getFeedback(args.previousFeedbackId)).supersededBy).to.equal(
          args.newFeedbackId,
        );
      }
    });
  });

  describe("reentrancy", function () {
    it("reads the desk with STATICCALL, so a hostile desk cannot re-enter attest, reply or amend", async function () {
      const { deployer, customer, agent, forwarder } = await loadFixture(deployFeedbackFixture);
      const desk = await new ReentrantDeskMock__factory(deployer).deploy();
      const feedback = await new FeedbackAttestations__factory(deployer).deploy(
        await desk.getAddress(),
        await forwarder.getAddress(),
      );
      await desk.configure(await feedback.getAddress(), customer.address, agent.address);

      // Each call below reads the desk (ticketCore, and isAgent for reply), and each read makes the
      // mock try to rate its own ticket through a plain CALL; it reverts (ReentrySucceeded) if that
      // wrote anything.
      await feedback.connect(customer).attest(7n, 5, COMMENT);
      await feedback.connect(agent).reply(feedbackIdOf(7n), REPLY);
      await feedback.connect(customer).amend(feedbackIdOf(7n), 3, COMMENT);

      // Sanity check of the mock: called with a plain CALL (a transaction), its re-entry does write.
      await expect(desk.ticketCore(8n)).to.be.revertedWithCustomError(desk, "ReentrySucceeded");

      const offset = await desk.REENTRY_TICKET_OFFSET();
      for (const ticketId of [offset, offset + 7n]) {
        expect(await feedback.feedbackOfTicket(ticketId)).to.equal(0n);
      }
      const [count, sum, histogram] = await feedback.merchantStats(1n);
      expect([count, sum, [...histogram]]).to.deep.equal([1n, 3n, [0n, 0n, 1n, 0n, 0n]]);
    });
  });
});
