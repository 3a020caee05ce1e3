import { expect } from "chai";
import { network } from "hardhat";
import { parseEther } from "ethers";

import {
  DAY,
  ETH,
  ETH_RESERVE,
  MERCHANT,
  RefundStatus,
  TICKET,
  TICKET2,
  escrowFixture,
  hashOf,
  policyOf,
  requestRefund,
} from "./helpers/escrow.js";
import { openVerifiedTicket } from "./helpers/receipts.js";
import { GasBurningToken__factory } from "../typechain-types/index.js";

const connection = await network.create();
const { ethers } = connection;
const { loadFixture, time } = connection.networkHelpers;
const deployEscrowFixture = escrowFixture(connection);

const FIRST = parseEther("0.4");

/** Merchant 1 promises FIRST for a late first reply (the review's setup: 10 ETH reserve). */
async function promiseFixture() {
  const f = await loadFixture(deployEscrowFixture);
  await f.desk.connect(f.admin).setSlaCompensation(MERCHANT, {
    token: ETH,
    firstResponseAmount: FIRST,
    resolutionAmount: 0n,
    autoPay: false,
  });
  return f;
}

describe("Hardening (the outside review's findings)", function () {
  describe("finding 1: spam tickets collect no compensation", function () {
    it("pays nothing on 25 tickets a stranger opened without receipts, and real customers' refunds still lock", async function () {
      const { desk, escrow, stranger, customer2 } = await promiseFixture();
      const spam: bigint[] = [];
      for (let i = 0; i < 25; i++) {
        await desk.connect(stranger).openTicket(MERCHANT, hashOf(`spam ${i}`), hashOf("spam"), 3);
        spam.push(await desk.ticketCount());
      }
      await time.increase(DAY + 1n);
      for (const ticketId of spam) {
        await expect(escrow.connect(stranger).claimSlaCompensation(ticketId))
          .to.be.revertedWithCustomError(desk, "DeskNothingToCompensate")
          .withArgs(ticketId);
      }
      // Nothing was paid or owed: the reserve is whole, and a real customer's request locks at once.
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE);
      expect(await escrow.owedClaimCount()).to.equal(0n);
      await requestRefund(escrow, customer2, TICKET2, ETH, ETH_RESERVE);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(ETH_RESERVE);
    });

    it("still compensates a verified ticket's missed deadline", async function () {
      const { desk, escrow, admin, customer, stranger } = await promiseFixture();
      const ticketId = await openVerifiedTicket(desk, admin, customer, MERCHANT);
      await time.increase(DAY + 1n);
      await expect(escrow.connect(stranger).claimSlaCompensation(ticketId)).to.changeEtherBalance(
        ethers,
        customer,
        FIRST,
      );
    });
  });

  describe("finding 2: nobody closes in the last second of the reopen window", function () {
    it("lets the customer reopen at resolvedAt + reopenWindow, where a stranger's close reverts", async function () {
      const { desk, agent, customer, stranger } = await loadFixture(deployEscrowFixture);
      await desk.connect(agent).resolveTicket(TICKET, hashOf("done"));
      const resolvedAt = BigInt(await time.latest());
      const lastSecond = resolvedAt + 7n * DAY;
      await time.setNextBlockTimestamp(lastSecond);
      await expect(desk.connect(stranger).closeTicket(TICKET))
        .to.be.revertedWithCustomError(desk, "DeskAutoCloseNotDue")
        .withArgs(TICKET, lastSecond + 1n);
      await time.setNextBlockTimestamp(lastSecond);
      await expect(desk.connect(customer).reopenTicket(TICKET, hashOf("still broken"))).to.emit(
        desk,
        "TicketStatusChanged",
      );
    });

    it("lets anyone close one second after the window", async function () {
      const { desk, agent, stranger } = await loadFixture(deployEscrowFixture);
      await desk.connect(agent).resolveTicket(TICKET, hashOf("done"));
      const resolvedAt = BigInt(await time.latest());
      await time.setNextBlockTimestamp(resolvedAt + 7n * DAY + 1n);
      await expect(desk.connect(stranger).closeTicket(TICKET)).to.emit(desk, "TicketStatusChanged");
    });
  });

  describe("finding 3: issued refunds keep the compensation floor", function () {
    it("refuses an issued refund that would leave less than one ticket's worth of compensation", async function () {
      const { escrow, admin } = await promiseFixture();
      await expect(
        escrow.connect(admin).issueRefund(TICKET, ETH, ETH_RESERVE - FIRST + 1n, hashOf("x")),
      )
        .to.be.revertedWithCustomError(escrow, "EscrowIssueUnbacksSla")
        .withArgs(MERCHANT, ETH, FIRST);
      await expect(
        escrow.connect(admin).issueRefund(TICKET, ETH, ETH_RESERVE - FIRST, hashOf("y")),
      ).to.emit(escrow, "RefundIssued");
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(FIRST);
    });
  });

  describe("finding 4: a gas-burning compensation token cannot make the customer's calls expensive", function () {
    it("escalates with auto-paid compensation at a bounded gas cost and credits the customer", async function () {
      const { desk, escrow, admin, customer, deployer } = await loadFixture(deployEscrowFixture);
      const burner = await new GasBurningToken__factory(deployer).deploy();
      await burner.mint(admin.address, parseEther("10"));
      await burner.connect(admin).approve(await escrow.getAddress(), parseEther("10"));
      await escrow.connect(admin).deposit(MERCHANT, burner, parseEther("10"));
      await desk.connect(admin).setSlaCompensation(MERCHANT, {
        token: await burner.getAddress(),
        firstResponseAmount: FIRST,
        resolutionAmount: 0n,
        autoPay: true,
      });
      const ticketId = await openVerifiedTicket(desk, admin, customer, MERCHANT);
      await burner.setBurning(true);
      await time.increase(DAY + 1n);
      // Before the bound this needed about 1.8M gas; 300,000 is far below that and far above the call's
      // own cost plus the 100,000 the token may burn.
      const tx = await desk
        .connect(customer)
        .escalateTicket(ticketId, hashOf("late"), { gasLimit: 300_000 });
      await expect(tx)
        .to.emit(escrow, "SlaCompensationPaid")
        .withArgs(ticketId, MERCHANT, customer.address, 1n, await burner.getAddress(), FIRST, true);
      const receipt = await tx.wait();
      expect(receipt!.gasUsed).to.be.lessThan(250_000n);
      expect(await escrow.creditOf(customer.address, burner)).to.equal(FIRST);
    });
  });

  describe("terms fixed when they start", function () {
    it("pays a claim under the cycle's terms after the merchant set compensation to zero", async function () {
      const { desk, escrow, admin, customer, stranger } = await promiseFixture();
      const ticketId = await openVerifiedTicket(desk, admin, customer, MERCHANT);
      await time.increase(DAY + 1n);
      await desk.connect(admin).setSlaCompensation(MERCHANT, {
        token: ETH,
        firstResponseAmount: 0n,
        resolutionAmount: 0n,
        autoPay: false,
      });
      await expect(escrow.connect(stranger).claimSlaCompensation(ticketId))
        .to.emit(escrow, "SlaCompensationPaid")
        .withArgs(ticketId, MERCHANT, customer.address, 1n, ETH, FIRST, false);
    });

    it("gives a rejection the dispute window in force at the request, after the merchant shortened it", async function () {
      const { desk, escrow, admin, agent, customer } = await loadFixture(deployEscrowFixture);
      const { refundId } = await requestRefund(escrow, customer, TICKET, ETH, parseEther("1"));
      const policy = await policyOf(desk, MERCHANT);
      await desk.connect(admin).setPolicy(MERCHANT, { ...policy, disputeWindow: 1 });
      await escrow.connect(agent).rejectRefund(refundId, hashOf("no"));
      const rejectedAt = BigInt(await time.latest());
      expect((await escrow.getRefund(refundId)).deadline).to.equal(rejectedAt + 7n * DAY);
      expect((await escrow.getRefund(refundId)).termsVersion).to.equal(0n);
      await time.increase(DAY);
      await expect(escrow.connect(customer).disputeRefund(refundId, hashOf("yes"))).to.emit(
        escrow,
        "RefundDisputed",
      );
      expect(await escrow.refundStatusOf(refundId)).to.equal(RefundStatus.Disputed);
    });
  });
});

describe("Staff refund allowances", function () {
  const LIMIT = parseEther("1");

  async function allowanceFixture() {
    const f = await loadFixture(deployEscrowFixture);
    await f.escrow.connect(f.admin).setRefundAllowance(MERCHANT, f.agent.address, ETH, LIMIT, DAY);
    return f;
  }

  it("lets the admin set a limit per agent, token and period, with an event and a view", async function () {
    const { escrow, admin, agent } = await loadFixture(deployEscrowFixture);
    await expect(escrow.connect(admin).setRefundAllowance(MERCHANT, agent.address, ETH, LIMIT, DAY))
      .to.emit(escrow, "RefundAllowanceSet")
      .withArgs(MERCHANT, agent.address, ETH, LIMIT, DAY, admin.address);
    const view = await escrow.refundAllowanceOf(MERCHANT, agent.address, ETH);
    expect([view.limited, view.limit, view.period, view.spent, view.periodEndsAt]).to.deep.equal([
      true,
      LIMIT,
      DAY,
      0n,
      0n,
    ]);
  });

  it("counts issued refunds and approvals against the limit and refuses the wei over it", async function () {
    const { escrow, agent, customer } = await allowanceFixture();
    await expect(escrow.connect(agent).issueRefund(TICKET, ETH, parseEther("0.6"), hashOf("a")))
      .to.emit(escrow, "RefundAllowanceSpent")
      .withArgs(MERCHANT, agent.address, 1n, ETH, parseEther("0.6"), parseEther("0.4"));
    const { refundId } = await requestRefund(escrow, customer, TICKET, ETH, parseEther("0.4") + 1n);
    await expect(escrow.connect(agent).approveRefund(refundId))
      .to.be.revertedWithCustomError(escrow, "EscrowAllowanceExceeded")
      .withArgs(MERCHANT, agent.address, ETH, parseEther("0.4"), parseEther("0.4") + 1n);
    const view = await escrow.refundAllowanceOf(MERCHANT, agent.address, ETH);
    expect(view.spent).to.equal(parseEther("0.6"));
  });

  it("starts a new period once the last one ended", async function () {
    const { escrow, agent } = await allowanceFixture();
    await escrow.connect(agent).issueRefund(TICKET, ETH, LIMIT, hashOf("a"));
    await expect(escrow.connect(agent).issueRefund(TICKET, ETH, 1n, hashOf("b")))
      .to.be.revertedWithCustomError(escrow, "EscrowAllowanceExceeded")
      .withArgs(MERCHANT, agent.address, ETH, 0n, 1n);
    await time.increase(DAY);
    await expect(escrow.connect(agent).issueRefund(TICKET, ETH, LIMIT, hashOf("c"))).to.emit(
      escrow,
      "RefundIssued",
    );
  });

  it("never limits the admin, nor an agent without an allowance, nor another token", async function () {
    const { escrow, admin, agent2, agent, token } = await allowanceFixture();
    await escrow.connect(admin).issueRefund(TICKET, ETH, parseEther("2"), hashOf("a"));
    await escrow.connect(agent2).issueRefund(TICKET, ETH, parseEther("2"), hashOf("b"));
    await escrow.connect(agent).issueRefund(TICKET, token, parseEther("5"), hashOf("c"));
    expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - parseEther("4"));
  });

  it("counts a concession of a disputed refund", async function () {
    const { escrow, agent, customer } = await allowanceFixture();
    const { refundId } = await requestRefund(escrow, customer, TICKET, ETH, parseEther("2"));
    await escrow.connect(agent).rejectRefund(refundId, hashOf("no"));
    await escrow.connect(customer).disputeRefund(refundId, hashOf("yes"));
    await expect(escrow.connect(agent).approveRefund(refundId))
      .to.be.revertedWithCustomError(escrow, "EscrowAllowanceExceeded")
      .withArgs(MERCHANT, agent.address, ETH, LIMIT, parseEther("2"));
  });

  it("removes the limit with period 0", async function () {
    const { escrow, admin, agent } = await allowanceFixture();
    await expect(escrow.connect(admin).setRefundAllowance(MERCHANT, agent.address, ETH, 5n, 0))
      .to.emit(escrow, "RefundAllowanceSet")
      .withArgs(MERCHANT, agent.address, ETH, 0n, 0, admin.address);
    expect((await escrow.refundAllowanceOf(MERCHANT, agent.address, ETH)).limited).to.equal(false);
    await escrow.connect(agent).issueRefund(TICKET, ETH, parseEther("3"), hashOf("a"));
  });

  it("reverts when an agent, a stranger or another merchant's admin sets an allowance", async function () {
    const { escrow, agent, stranger, otherAdmin } = await loadFixture(deployEscrowFixture);
    for (const caller of [agent, stranger, otherAdmin]) {
      await expect(
        escrow.connect(caller).setRefundAllowance(MERCHANT, agent.address, ETH, LIMIT, DAY),
      )
        .to.be.revertedWithCustomError(escrow, "EscrowNotMerchantAdmin")
        .withArgs(MERCHANT, caller.address);
    }
    await expect(escrow.connect(stranger).setRefundAllowance(9n, agent.address, ETH, LIMIT, DAY))
      .to.be.revertedWithCustomError(escrow, "EscrowUnknownMerchant")
      .withArgs(9n);
  });

  it("reverts for a period over 365 days and a limit over 96 bits", async function () {
    const { escrow, admin, agent } = await loadFixture(deployEscrowFixture);
    await expect(
      escrow
        .connect(admin)
        .setRefundAllowance(MERCHANT, agent.address, ETH, LIMIT, 365n * DAY + 1n),
    )
      .to.be.revertedWithCustomError(escrow, "EscrowInvalidAllowancePeriod")
      .withArgs(365n * DAY + 1n);
    await expect(
      escrow.connect(admin).setRefundAllowance(MERCHANT, agent.address, ETH, 2n ** 96n, DAY),
    )
      .to.be.revertedWithCustomError(escrow, "EscrowAmountTooLarge")
      .withArgs(2n ** 96n, 2n ** 96n - 1n);
  });
});
