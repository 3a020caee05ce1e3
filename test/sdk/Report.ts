import { expect } from "chai";
import { parseEther, ZeroAddress } from "ethers";
import { network } from "hardhat";

import { CareLedgerError, merchantReport } from "../../src/index.js";
import { careLedgerFixture } from "../helpers/fixture.js";
import { clientAs, hashOf, openTicket, registerMerchant } from "../helpers/sdk.js";
import { openVerifiedTicket } from "../helpers/receipts.js";

const connection = await network.create();
const deployCareLedgerFixture = careLedgerFixture(connection);
const { time } = connection.networkHelpers;

const DAY = 86_400;
const ETH = ZeroAddress;

describe("careledger merchantReport", function () {
  describe("merchantReport", function () {
    it("reports tickets by state, missed deadlines, compensation, refunds per token and ratings", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { desk, escrow, feedback, admin, agent, customer, customer2, otherAdmin } = fixture;
      const merchantId = await registerMerchant(fixture);
      const token = await connection.ethers.deployContract("TestToken", ["Test USD", "TUSD"]);
      const tokenAddress = await token.getAddress();
      await token.mint(admin.address, 1000n);
      await token.connect(admin).approve(await escrow.getAddress(), 1000n);
      await escrow.connect(admin).deposit(merchantId, tokenAddress, 1000n);
      await escrow
        .connect(admin)
        .deposit(merchantId, ETH, parseEther("1"), { value: parseEther("1") });
      await desk.connect(admin).setSlaCompensation(merchantId, {
        token: ETH,
        firstResponseAmount: parseEther("0.1"),
        resolutionAmount: parseEther("0.2"),
        autoPay: true,
      });

      // Another merchant's business must not show up in merchant 1's report.
      await desk.connect(otherAdmin).registerMerchant(otherAdmin.address, hashOf("other"));
      const other = await openTicket(fixture, 2n, customer);
      await escrow.connect(otherAdmin).deposit(2, ETH, 5n, { value: 5n });
      await escrow.connect(customer).requestRefund(other, ETH, 5n, hashOf("x"));
      await desk.connect(otherAdmin).resolveTicket(other, hashOf("done"));
      await feedback.connect(customer).attest(other, 1, hashOf("bad"));

      const t1 = await openTicket(fixture, merchantId, customer); // met both deadlines
      // Compensation is paid on verified tickets: t2 and t3 come with receipts for orders paid in the token.
      const t2 = await openVerifiedTicket(desk, admin, customer, merchantId, {
        token: tokenAddress,
        amount: 1000n,
        orderRef: hashOf("order 2"),
      }); // missed both
      const t3 = await openVerifiedTicket(desk, admin, customer2, merchantId, {
        token: tokenAddress,
        amount: 1000n,
        orderRef: hashOf("order 3"),
      }); // escalated
      const t4 = await openTicket(fixture, merchantId, customer); // cancelled
      await desk.connect(agent).postMessage(t1, hashOf("on it"));
      await desk.connect(agent).resolveTicket(t1, hashOf("fixed"));
      await desk.connect(customer).cancelTicket(t4);
      await time.increase(DAY + 1);
      // Late first responses: 0.1 ETH each, paid at once (autoPay).
      await desk.connect(agent).postMessage(t2, hashOf("sorry, late"));
      await desk.connect(customer2).escalateTicket(t3, hashOf("nobody answers"));
      // Refunds: one in ETH still pending (it locks most of the ETH reserve), four in the token.
      await escrow.connect(customer).requestRefund(t1, ETH, parseEther("0.75"), hashOf("r1"));
      await escrow.connect(customer).requestRefund(t1, tokenAddress, 100n, hashOf("r2"));
      await escrow.connect(agent).approveRefund(await escrow.refundCount());
      await escrow.connect(customer2).requestRefund(t3, tokenAddress, 50n, hashOf("r3"));
      await escrow.connect(agent).rejectRefund(await escrow.refundCount(), hashOf("no"));
      await escrow.connect(customer).requestRefund(t1, tokenAddress, 10n, hashOf("r4"));
      await escrow.connect(customer).cancelRefund(await escrow.refundCount());
      await escrow.connect(agent).issueRefund(t2, tokenAddress, 20n, hashOf("goodwill"));
      // A late resolution: 0.2 ETH due, only 0.05 left available, 0.15 owed.
      await time.increase(3 * DAY);
      await desk.connect(agent).resolveTicket(t2, hashOf("finally"));
      const t5 = await openTicket(fixture, merchantId, customer2); // still open
      await feedback.connect(customer).attest(t1, 5, hashOf("great"));
      await feedback.connect(customer).attest(t2, 2, hashOf("slow"));

      const client = await clientAs(fixture, otherAdmin);
      const report = await merchantReport(client, merchantId);

      expect(report).to.deep.equal({
        merchantId: Number(merchantId),
        admin: admin.address,
        ticketsByStatus: {
          None: 0,
          Open: 1,
          InProgress: 0,
          AwaitingCustomer: 0,
          Resolved: 2,
          Closed: 0,
          Escalated: 1,
          Cancelled: 1,
        },
        sla: {
          firstResponseMet: 1n,
          firstResponseMissed: 2n,
          resolutionMet: 1n,
          resolutionMissed: 1n,
          hitRateBps: 4000,
        },
        compensation: {
          perToken: {
            [ETH]: {
              paid: parseEther("0.25"),
              owedUncovered: parseEther("0.15"),
              coveredUnpaid: 0n,
            },
          },
          backed: false,
        },
        refunds: {
          requested: 4,
          issued: 1,
          paid: 2,
          rejected: 1,
          disputed: 0,
          cancelled: 1,
          perToken: {
            [ETH]: {
              requested: parseEther("0.75"),
              paid: 0n,
              locked: parseEther("0.75"),
              available: 0n,
            },
            [tokenAddress]: { requested: 160n, paid: 120n, locked: 50n, available: 830n },
          },
        },
        ratings: { count: 2, sum: 7, average: 3.5, histogram: [0, 1, 0, 0, 1] },
      });
      // The report agrees with the contracts' own views.
      expect(report.sla.hitRateBps).to.equal(Number(await desk.slaHitRateBps(merchantId)));
      expect(await desk.statusOf(t5)).to.equal(1n);
    });

    it("reports a merchant with no activity as empty, with a perfect hit rate", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const merchantId = await registerMerchant(fixture);
      const client = await clientAs(fixture, fixture.stranger);

      const report = await merchantReport(client, merchantId);

      expect(Object.values(report.ticketsByStatus).every((count) => count === 0)).to.equal(true);
      expect(report.sla.hitRateBps).to.equal(10_000);
      expect(report.compensation).to.deep.equal({ perToken: {}, backed: true });
      expect(report.refunds.perToken).to.deep.equal({});
      expect(report.ratings).to.deep.equal({
        count: 0,
        sum: 0,
        average: null,
        histogram: [0, 0, 0, 0, 0],
      });
    });

    it("throws CareLedgerError for a merchant that does not exist", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const client = await clientAs(fixture, fixture.stranger);
      const error: unknown = await merchantReport(client, 7).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).to.be.instanceOf(CareLedgerError);
      expect((error as Error).message).to.equal("merchant 7 does not exist");
    });
  });
});
