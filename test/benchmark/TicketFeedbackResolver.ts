import { expect } from "chai";
import { AbiCoder, ZeroAddress, ZeroHash } from "ethers";
import { network } from "hardhat";

import { FEEDBACK_SCHEMA } from "../../scripts/benchmark/extended.js";
import {
  EAS__factory,
  SchemaRegistry__factory,
  TicketFeedbackResolver__factory,
  type EAS,
  type TicketFeedbackResolver,
} from "../../typechain-types/index.js";
import {
  Status,
  feedbackFixture,
  hashOf,
  openTicket,
  resolvedTicket,
  closedTicket,
  type FeedbackFixture,
} from "../helpers/feedback.js";

const connection = await network.create();
const deployFeedbackFixture = feedbackFixture(connection);
const { loadFixture } = connection.networkHelpers;

interface ResolverFixture extends FeedbackFixture {
  eas: EAS;
  resolver: TicketFeedbackResolver;
  schema: string;
}

/** CareLedger (the feedback fixture), EAS 1.9.0 and the feedback schema registered with the resolver. */
async function deployResolverFixture(): Promise<ResolverFixture> {
  const fx = await deployFeedbackFixture();
  const registry = await new SchemaRegistry__factory(fx.deployer).deploy();
  const eas = await new EAS__factory(fx.deployer).deploy(await registry.getAddress());
  const resolver = await new TicketFeedbackResolver__factory(fx.deployer).deploy(
    await eas.getAddress(),
    await fx.desk.getAddress(),
  );
  const resolverAddress = await resolver.getAddress();
  const schema = await registry.register.staticCall(FEEDBACK_SCHEMA, resolverAddress, false);
  await registry.register(FEEDBACK_SCHEMA, resolverAddress, false);
  return { ...fx, eas, resolver, schema };
}

function request(schema: string, ticketId: bigint, rating: number) {
  return {
    schema,
    data: {
      recipient: ZeroAddress,
      expirationTime: 0n,
      revocable: false,
      refUID: ZeroHash,
      data: AbiCoder.defaultAbiCoder().encode(
        ["uint256", "uint8", "bytes32"],
        [ticketId, rating, hashOf(`comment on ${ticketId}`)],
      ),
      value: 0n,
    },
  };
}

describe("benchmark: TicketFeedbackResolver (EAS reference)", function () {
  describe("attest through EAS", function () {
    it("accepts the customer's rating of a resolved or closed ticket, and records it", async function () {
      const fx = await loadFixture(deployResolverFixture);
      const { eas, resolver, schema, customer } = fx;
      const resolved = await resolvedTicket(fx);
      const closed = await closedTicket(fx);
      for (const ticketId of [resolved, closed]) {
        expect(await resolver.isRated(ticketId)).to.equal(false);
        await expect(eas.connect(customer).attest(request(schema, ticketId, 5)))
          .to.emit(eas, "Attested")
          .withArgs(ZeroAddress, customer.address, (uid: string) => uid !== ZeroHash, schema);
        expect(await resolver.isRated(ticketId)).to.equal(true);
      }
    });

    it("refuses a second rating of the same ticket", async function () {
      const fx = await loadFixture(deployResolverFixture);
      const { eas, resolver, schema, customer } = fx;
      const ticketId = await resolvedTicket(fx);
      await eas.connect(customer).attest(request(schema, ticketId, 4));
      await expect(eas.connect(customer).attest(request(schema, ticketId, 2)))
        .to.be.revertedWithCustomError(resolver, "ResolverAlreadyRated")
        .withArgs(ticketId);
    });

    it("refuses anyone but the ticket's customer", async function () {
      const fx = await loadFixture(deployResolverFixture);
      const { eas, resolver, schema, stranger } = fx;
      const ticketId = await resolvedTicket(fx);
      await expect(eas.connect(stranger).attest(request(schema, ticketId, 4)))
        .to.be.revertedWithCustomError(resolver, "ResolverNotCustomer")
        .withArgs(ticketId, stranger.address);
    });

    it("refuses a ticket that is not resolved yet", async function () {
      const fx = await loadFixture(deployResolverFixture);
      const { eas, resolver, schema, customer } = fx;
      const ticketId = await openTicket(fx);
      await expect(eas.connect(customer).attest(request(schema, ticketId, 4)))
        .to.be.revertedWithCustomError(resolver, "ResolverTicketNotResolved")
        .withArgs(ticketId, Status.Open);
    });

    it("refuses a rating outside 1..5", async function () {
      const fx = await loadFixture(deployResolverFixture);
      const { eas, resolver, schema, customer } = fx;
      const ticketId = await resolvedTicket(fx);
      for (const rating of [0, 6]) {
        await expect(eas.connect(customer).attest(request(schema, ticketId, rating)))
          .to.be.revertedWithCustomError(resolver, "ResolverInvalidRating")
          .withArgs(rating);
      }
      expect(await resolver.isRated(ticketId)).to.equal(false);
    });
  });
});
