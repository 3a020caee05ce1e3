import { expect } from "chai";
import { network } from "hardhat";
import { parseEther, parseUnits, ZeroAddress } from "ethers";

import {
  ETH,
  ETH_RESERVE,
  MERCHANT,
  OTHER_ETH_RESERVE,
  OTHER_MERCHANT,
  OTHER_TICKET,
  TICKET,
  TICKET2,
  TOKEN_RESERVE,
  TicketStatus,
  WalletMode,
  deployWallet,
  escrowFixture,
  hashOf,
  openVerifiedTicketAs,
  requestRefund,
} from "./helpers/escrow.js";
import { openVerifiedTicket } from "./helpers/receipts.js";
import type { RefundEscrow, SupportDesk } from "../typechain-types/index.js";

const connection = await network.create();
const { ethers } = connection;
const { loadFixture, time } = connection.networkHelpers;
const FIRST = parseEther("0.1");
const RESOLUTION = parseEther("0.2");

// Compensation is paid on verified tickets only, under the terms in force when their cycle started: tickets
// 1-3 are opened with their merchants' receipts, after merchant 1 promised FIRST and RESOLUTION.
const deployEscrowFixture = escrowFixture(connection, { verifiedTickets: true });
const deployClaimFixture = escrowFixture(connection, {
  verifiedTickets: true,
  compensation: { firstResponseAmount: FIRST, resolutionAmount: RESOLUTION, autoPay: false },
});
const deployAutoPayFixture = escrowFixture(connection, {
  verifiedTickets: true,
  compensation: { firstResponseAmount: FIRST, resolutionAmount: RESOLUTION, autoPay: true },
});
const BOTH = FIRST + RESOLUTION;
const FIRST_RESPONSE = 1n;
const RESOLUTION_DEADLINE = 2n;

/** Merchant 1 promises 0.1 ETH for a missed first response and 0.2 ETH for a missed resolution. */
async function slaFixture(autoPay = false) {
  const f = await loadFixture(autoPay ? deployAutoPayFixture : deployClaimFixture);
  const [firstDueAt] = await f.desk.firstResponseDeadline(TICKET);
  const [resolutionDueAt] = await f.desk.resolutionDeadline(TICKET);
  return { ...f, firstDueAt, resolutionDueAt };
}

async function autoPayFixture() {
  return slaFixture(true);
}

/** Locks merchant 1's whole ETH reserve but `left` with customer2's refund on ticket 2. */
async function lockAllBut(
  escrow: RefundEscrow,
  f: { customer2: Parameters<typeof requestRefund>[1] },
  left: bigint,
) {
  const available = await escrow.reserveOf(MERCHANT, ETH);
  return requestRefund(escrow, f.customer2, TICKET2, ETH, available - left);
}

/** For ETH: the escrow's balance equals every merchant's available + locked + covered-unpaid owed, plus credits. */
async function expectEthBooksBalanced(escrow: RefundEscrow, creditors: string[]) {
  let books = 0n;
  for (const merchantId of [MERCHANT, OTHER_MERCHANT]) {
    const [, coveredUnpaid] = await escrow.owedOf(merchantId, ETH);
    books +=
      (await escrow.reserveOf(merchantId, ETH)) +
      (await escrow.lockedOf(merchantId, ETH)) +
      coveredUnpaid;
  }
  for (const account of creditors) books += await escrow.creditOf(account, ETH);
  expect(await ethers.provider.getBalance(escrow)).to.equal(books);
}

async function ticketFlags(desk: SupportDesk, ticketId: bigint) {
  const ticket = await desk.getTicket(ticketId);
  return {
    firstResponseCompensated: ticket.firstResponseCompensated,
    resolutionCompensated: ticket.resolutionCompensated,
  };
}

describe("RefundEscrow SLA compensation", function () {
  describe("claimSlaCompensation", function () {
    it("pays the customer, not the caller, for a missed first response", async function () {
      const { escrow, desk, customer, stranger, firstDueAt } = await slaFixture();
      await time.setNextBlockTimestamp(firstDueAt + 1n);
      const tx = await escrow.connect(stranger).claimSlaCompensation(TICKET);
      await expect(tx)
        .to.emit(escrow, "SlaCompensationPaid")
        .withArgs(TICKET, MERCHANT, customer.address, FIRST_RESPONSE, ETH, FIRST, false);
      await expect(tx).to.not.emit(escrow, "SlaCompensationOwed");
      await expect(tx).to.changeEtherBalances(
        ethers,
        [escrow, customer, stranger],
        [-FIRST, FIRST, 0n],
      );
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - FIRST);
      expect(await ticketFlags(desk, TICKET)).to.deep.equal({
        firstResponseCompensated: true,
        resolutionCompensated: false,
      });
    });

    it("returns what it paid and what it recorded as owed", async function () {
      const { escrow, stranger, firstDueAt } = await slaFixture();
      await time.increaseTo(firstDueAt + 1n);
      const [paid, owed] = await escrow.connect(stranger).claimSlaCompensation.staticCall(TICKET);
      expect(paid).to.equal(FIRST);
      expect(owed).to.equal(0n);
    });

    for (const offset of [-1n, 0n]) {
      it(`reverts at the first-response deadline ${offset === 0n ? "itself" : "- 1 s"}`, async function () {
        const { escrow, desk, stranger, firstDueAt } = await slaFixture();
        await time.setNextBlockTimestamp(firstDueAt + offset);
        await expect(escrow.connect(stranger).claimSlaCompensation(TICKET))
          .to.be.revertedWithCustomError(desk, "DeskNothingToCompensate")
          .withArgs(TICKET);
      });
    }

    it("refuses a second claim for the same deadline", async function () {
      const { escrow, desk, customer, firstDueAt } = await slaFixture();
      await time.increaseTo(firstDueAt + 1n);
      await escrow.connect(customer).claimSlaCompensation(TICKET);
      await expect(escrow.connect(customer).claimSlaCompensation(TICKET))
        .to.be.revertedWithCustomError(desk, "DeskNothingToCompensate")
        .withArgs(TICKET);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - FIRST);
    });

    it("pays both missed deadlines in one claim", async function () {
      const { escrow, customer, stranger, resolutionDueAt } = await slaFixture();
      await time.setNextBlockTimestamp(resolutionDueAt + 1n);
      const tx = await escrow.connect(stranger).claimSlaCompensation(TICKET);
      await expect(tx)
        .to.emit(escrow, "SlaCompensationPaid")
        .withArgs(
          TICKET,
          MERCHANT,
          customer.address,
          FIRST_RESPONSE | RESOLUTION_DEADLINE,
          ETH,
          BOTH,
          false,
        );
      await expect(tx).to.changeEtherBalances(ethers, [escrow, customer], [-BOTH, BOTH]);
    });

    it("pays the resolution miss in a later claim, once", async function () {
      const { escrow, desk, customer, firstDueAt, resolutionDueAt } = await slaFixture();
      await time.increaseTo(firstDueAt + 1n);
      await escrow.connect(customer).claimSlaCompensation(TICKET);
      await time.setNextBlockTimestamp(resolutionDueAt);
      await expect(escrow.connect(customer).claimSlaCompensation(TICKET))
        .to.be.revertedWithCustomError(desk, "DeskNothingToCompensate")
        .withArgs(TICKET);
      await time.setNextBlockTimestamp(resolutionDueAt + 1n);
      await expect(escrow.connect(customer).claimSlaCompensation(TICKET))
        .to.emit(escrow, "SlaCompensationPaid")
        .withArgs(TICKET, MERCHANT, customer.address, RESOLUTION_DEADLINE, ETH, RESOLUTION, false);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - BOTH);
    });

    it("compensates a reopened ticket's new deadlines again", async function () {
      const { escrow, desk, agent, customer, firstDueAt } = await slaFixture();
      await time.increaseTo(firstDueAt + 1n);
      await escrow.connect(customer).claimSlaCompensation(TICKET);
      await desk.connect(agent).resolveTicket(TICKET, hashOf("done"));
      await desk.connect(customer).reopenTicket(TICKET, hashOf("not done"));
      const [newDueAt] = await desk.firstResponseDeadline(TICKET);
      await time.setNextBlockTimestamp(newDueAt + 1n);
      await expect(escrow.connect(customer).claimSlaCompensation(TICKET))
        .to.emit(escrow, "SlaCompensationPaid")
        .withArgs(TICKET, MERCHANT, customer.address, FIRST_RESPONSE, ETH, FIRST, false);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - 2n * FIRST);
    });

    it("pays the ended cycle's unclaimed miss when the customer reopens", async function () {
      const { escrow, desk, agent, customer, firstDueAt } = await slaFixture();
      await time.increaseTo(firstDueAt + 1n);
      await desk.connect(agent).resolveTicket(TICKET, hashOf("late, but done"));
      const reopen = await desk.connect(customer).reopenTicket(TICKET, hashOf("not done"));
      await expect(reopen)
        .to.emit(escrow, "SlaCompensationPaid")
        .withArgs(TICKET, MERCHANT, customer.address, FIRST_RESPONSE, ETH, FIRST, false);
      await expect(reopen).to.changeEtherBalances(ethers, [escrow, customer], [-FIRST, FIRST]);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - FIRST);
      // The new cycle has missed nothing yet.
      await expect(escrow.connect(customer).claimSlaCompensation(TICKET))
        .to.be.revertedWithCustomError(desk, "DeskNothingToCompensate")
        .withArgs(TICKET);
    });

    it("pays nothing at a reopen when the ended cycle's miss was claimed already", async function () {
      const { escrow, desk, agent, customer, firstDueAt } = await slaFixture();
      await time.increaseTo(firstDueAt + 1n);
      await escrow.connect(customer).claimSlaCompensation(TICKET);
      await desk.connect(agent).resolveTicket(TICKET, hashOf("done"));
      await expect(desk.connect(customer).reopenTicket(TICKET, hashOf("not done"))).to.not.emit(
        escrow,
        "SlaCompensationPaid",
      );
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - FIRST);
    });

    it("pays in the ERC-20 the merchant chose", async function () {
      const { escrow, desk, admin, customer, token } = await loadFixture(deployEscrowFixture);
      const first = parseUnits("5", 18);
      await desk.connect(admin).setSlaCompensation(MERCHANT, {
        token: await token.getAddress(),
        firstResponseAmount: first,
        resolutionAmount: parseUnits("10", 18),
        autoPay: false,
      });
      // A cycle that starts after the change runs under it.
      const ticketId = await openVerifiedTicket(desk, admin, customer, MERCHANT, {
        orderRef: hashOf("order 4"),
      });
      const [dueAt] = await desk.firstResponseDeadline(ticketId);
      await time.increaseTo(dueAt + 1n);
      const tx = await escrow.claimSlaCompensation(ticketId);
      await expect(tx)
        .to.emit(escrow, "SlaCompensationPaid")
        .withArgs(ticketId, MERCHANT, customer.address, 1n, await token.getAddress(), first, false);
      await expect(tx).to.changeTokenBalances(ethers, token, [escrow, customer], [-first, first]);
      expect(await escrow.reserveOf(MERCHANT, token)).to.equal(TOKEN_RESERVE - first);
    });

    it("reverts for a merchant that offers no compensation", async function () {
      const { escrow, desk, customer } = await loadFixture(deployEscrowFixture);
      const [dueAt] = await desk.firstResponseDeadline(OTHER_TICKET);
      await time.increaseTo(dueAt + 1n);
      await expect(escrow.connect(customer).claimSlaCompensation(OTHER_TICKET))
        .to.be.revertedWithCustomError(desk, "DeskNothingToCompensate")
        .withArgs(OTHER_TICKET);
      expect(await escrow.reserveOf(OTHER_MERCHANT, ETH)).to.equal(OTHER_ETH_RESERVE);
    });

    it("reverts for a ticket that does not exist", async function () {
      const { escrow, desk, stranger } = await slaFixture();
      await expect(escrow.connect(stranger).claimSlaCompensation(77n))
        .to.be.revertedWithCustomError(desk, "DeskUnknownTicket")
        .withArgs(77n);
    });

    it("credits a customer wallet that refuses the payment", async function () {
      const { escrow, desk, deployer, admin, stranger } = await slaFixture();
      const wallet = await deployWallet(deployer);
      await wallet.setMode(WalletMode.Revert);
      const ticketId = await openVerifiedTicketAs(desk, wallet, admin, MERCHANT);
      const [dueAt] = await desk.firstResponseDeadline(ticketId);
      await time.increaseTo(dueAt + 1n);
      await expect(escrow.connect(stranger).claimSlaCompensation(ticketId))
        .to.emit(escrow, "SlaCompensationPaid")
        .withArgs(ticketId, MERCHANT, await wallet.getAddress(), 1n, ETH, FIRST, true);
      expect(await escrow.creditOf(wallet, ETH)).to.equal(FIRST);
      await expectEthBooksBalanced(escrow, [await wallet.getAddress()]);
    });
  });

  describe("owed compensation", function () {
    it("pays what the reserve holds, owes the rest, and pays it once a deposit covers it", async function () {
      const f = await slaFixture();
      const { escrow, admin, customer, stranger, firstDueAt } = f;
      const short = parseEther("0.04");
      await lockAllBut(escrow, f, short);
      await time.increaseTo(firstDueAt + 1n);

      const owedAmount = FIRST - short;
      const claim = await escrow.connect(stranger).claimSlaCompensation(TICKET);
      await expect(claim)
        .to.emit(escrow, "SlaCompensationPaid")
        .withArgs(TICKET, MERCHANT, customer.address, 1n, ETH, short, false);
      await expect(claim)
        .to.emit(escrow, "SlaCompensationOwed")
        .withArgs(1n, TICKET, customer.address, MERCHANT, 1n, ETH, owedAmount);
      await expect(claim).to.changeEtherBalances(ethers, [escrow, customer], [-short, short]);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(0n);
      expect(await escrow.owedOf(MERCHANT, ETH)).to.deep.equal([owedAmount, 0n]);
      expect(await escrow.owedClaimCount()).to.equal(1n);
      const owedClaim = await escrow.getOwedClaim(1n);
      expect(owedClaim.ticketId).to.equal(TICKET);
      expect(owedClaim.merchantId).to.equal(MERCHANT);
      expect(owedClaim.customer).to.equal(customer.address);
      expect(owedClaim.token).to.equal(ETH);
      expect(owedClaim.amount).to.equal(owedAmount);
      expect(owedClaim.coveredAt).to.equal(owedAmount);
      expect(owedClaim.paid).to.equal(false);
      expect(await escrow.slaCompensationBacked(MERCHANT)).to.deep.equal([false, 0n, BOTH]);
      await expectEthBooksBalanced(escrow, []);

      await expect(escrow.connect(stranger).settleOwedCompensation(1n))
        .to.be.revertedWithCustomError(escrow, "EscrowOwedNotCovered")
        .withArgs(1n, 0n, owedAmount);

      const top = parseEther("1");
      const deposit = await escrow.connect(admin).deposit(MERCHANT, ETH, top, { value: top });
      await expect(deposit)
        .to.emit(escrow, "ReserveDeposited")
        .withArgs(MERCHANT, ETH, admin.address, top);
      await expect(deposit)
        .to.emit(escrow, "OwedCompensationCovered")
        .withArgs(MERCHANT, ETH, owedAmount);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(top - owedAmount);
      expect(await escrow.owedOf(MERCHANT, ETH)).to.deep.equal([0n, owedAmount]);
      await expectEthBooksBalanced(escrow, []);

      const settle = await escrow.connect(stranger).settleOwedCompensation(1n);
      await expect(settle)
        .to.emit(escrow, "OwedCompensationPaid")
        .withArgs(1n, customer.address, ETH, owedAmount, false);
      await expect(settle).to.changeEtherBalances(
        ethers,
        [escrow, customer, stranger],
        [-owedAmount, owedAmount, 0n],
      );
      expect(await escrow.owedOf(MERCHANT, ETH)).to.deep.equal([0n, 0n]);
      expect((await escrow.getOwedClaim(1n)).paid).to.equal(true);
      await expectEthBooksBalanced(escrow, []);

      await expect(escrow.connect(stranger).settleOwedCompensation(1n))
        .to.be.revertedWithCustomError(escrow, "EscrowOwedAlreadyPaid")
        .withArgs(1n);
    });

    it("owes everything when nothing is available, without a payment event", async function () {
      const f = await slaFixture();
      const { escrow, customer, firstDueAt } = f;
      await lockAllBut(escrow, f, 0n);
      await time.increaseTo(firstDueAt + 1n);
      const [paid, owed] = await escrow.claimSlaCompensation.staticCall(TICKET);
      expect([paid, owed]).to.deep.equal([0n, FIRST]);
      const tx = await escrow.claimSlaCompensation(TICKET);
      await expect(tx).to.not.emit(escrow, "SlaCompensationPaid");
      await expect(tx)
        .to.emit(escrow, "SlaCompensationOwed")
        .withArgs(1n, TICKET, customer.address, MERCHANT, 1n, ETH, FIRST);
      await expect(tx).to.changeEtherBalance(ethers, escrow, 0n);
    });

    it("covers owed claims first in, first out", async function () {
      const f = await slaFixture();
      const { escrow, desk, admin, customer, customer2, stranger, firstDueAt } = f;
      await lockAllBut(escrow, f, 0n);
      const [secondDueAt] = await desk.firstResponseDeadline(TICKET2);
      await time.increaseTo((firstDueAt > secondDueAt ? firstDueAt : secondDueAt) + 1n);
      await escrow.claimSlaCompensation(TICKET); // owed 1: 0.1, covered at 0.1
      await escrow.claimSlaCompensation(TICKET2); // owed 2: 0.1, covered at 0.2
      expect((await escrow.getOwedClaim(2n)).coveredAt).to.equal(2n * FIRST);
      expect(await escrow.owedOf(MERCHANT, ETH)).to.deep.equal([2n * FIRST, 0n]);

      const part = parseEther("0.15");
      await escrow.connect(admin).deposit(MERCHANT, ETH, part, { value: part });
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(0n);
      await expect(escrow.connect(stranger).settleOwedCompensation(2n))
        .to.be.revertedWithCustomError(escrow, "EscrowOwedNotCovered")
        .withArgs(2n, part, 2n * FIRST);
      await expect(escrow.connect(stranger).settleOwedCompensation(1n)).to.changeEtherBalance(
        ethers,
        customer,
        FIRST,
      );

      const more = parseEther("0.1");
      await expect(escrow.connect(admin).deposit(MERCHANT, ETH, more, { value: more }))
        .to.emit(escrow, "OwedCompensationCovered")
        .withArgs(MERCHANT, ETH, 2n * FIRST - part);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(more - (2n * FIRST - part));
      await expect(escrow.connect(stranger).settleOwedCompensation(2n)).to.changeEtherBalance(
        ethers,
        customer2,
        FIRST,
      );
      expect(await escrow.owedOf(MERCHANT, ETH)).to.deep.equal([0n, 0n]);
      await expectEthBooksBalanced(escrow, []);
    });

    it("covers owed compensation first from a released lock", async function () {
      const f = await slaFixture();
      const { escrow, customer, customer2, stranger, firstDueAt } = f;
      const { refundId } = await lockAllBut(escrow, f, 0n);
      await time.increaseTo(firstDueAt + 1n);
      await escrow.claimSlaCompensation(TICKET);
      const cancel = await escrow.connect(customer2).cancelRefund(refundId);
      await expect(cancel)
        .to.emit(escrow, "OwedCompensationCovered")
        .withArgs(MERCHANT, ETH, FIRST);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - FIRST);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
      await expect(escrow.connect(stranger).settleOwedCompensation(1n)).to.changeEtherBalance(
        ethers,
        customer,
        FIRST,
      );
      await expectEthBooksBalanced(escrow, []);
    });

    it("settleOwedCompensation and getOwedClaim revert for an unknown claim", async function () {
      const { escrow, stranger } = await slaFixture();
      await expect(escrow.connect(stranger).settleOwedCompensation(1n))
        .to.be.revertedWithCustomError(escrow, "EscrowUnknownOwedClaim")
        .withArgs(1n);
      await expect(escrow.getOwedClaim(0n))
        .to.be.revertedWithCustomError(escrow, "EscrowUnknownOwedClaim")
        .withArgs(0n);
    });
  });

  describe("slaCompensationBacked", function () {
    it("is true while the reserve covers one ticket's worth", async function () {
      const { escrow } = await slaFixture();
      expect(await escrow.slaCompensationBacked(MERCHANT)).to.deep.equal([true, ETH_RESERVE, BOTH]);
    });

    it("is false once locks take the reserve below it", async function () {
      const f = await slaFixture();
      await lockAllBut(f.escrow, f, BOTH - 1n);
      expect(await f.escrow.slaCompensationBacked(MERCHANT)).to.deep.equal([
        false,
        BOTH - 1n,
        BOTH,
      ]);
    });

    it("is trivially true for a merchant that promises nothing", async function () {
      const { escrow } = await loadFixture(deployEscrowFixture);
      expect(await escrow.slaCompensationBacked(OTHER_MERCHANT)).to.deep.equal([
        true,
        OTHER_ETH_RESERVE,
        0n,
      ]);
    });
  });

  describe("withdrawReserve with a compensation promise", function () {
    it("may go down to the backing but not one wei below", async function () {
      const { escrow, admin } = await slaFixture();
      await expect(
        escrow
          .connect(admin)
          .withdrawReserve(MERCHANT, ETH, ETH_RESERVE - BOTH + 1n, admin.address),
      )
        .to.be.revertedWithCustomError(escrow, "EscrowWithdrawUnbacksSla")
        .withArgs(MERCHANT, ETH, BOTH);
      await expect(
        escrow.connect(admin).withdrawReserve(MERCHANT, ETH, ETH_RESERVE - BOTH, admin.address),
      ).to.changeEtherBalance(ethers, admin, ETH_RESERVE - BOTH);
      expect(await escrow.slaCompensationBacked(MERCHANT)).to.deep.equal([true, BOTH, BOTH]);
      await expect(escrow.connect(admin).withdrawReserve(MERCHANT, ETH, 1n, admin.address))
        .to.be.revertedWithCustomError(escrow, "EscrowWithdrawUnbacksSla")
        .withArgs(MERCHANT, ETH, BOTH);
    });

    it("leaves other tokens free, and everything once the promise is withdrawn", async function () {
      const { escrow, desk, admin, token } = await slaFixture();
      await escrow.connect(admin).withdrawReserve(MERCHANT, token, TOKEN_RESERVE, admin.address);
      await desk.connect(admin).setSlaCompensation(MERCHANT, {
        token: ZeroAddress,
        firstResponseAmount: 0n,
        resolutionAmount: 0n,
        autoPay: false,
      });
      await expect(
        escrow.connect(admin).withdrawReserve(MERCHANT, ETH, ETH_RESERVE, admin.address),
      ).to.changeEtherBalance(ethers, admin, ETH_RESERVE);
    });
  });

  describe("paySlaCompensation (auto-pay, called by the desk)", function () {
    it("pays the customer when the merchant answers late", async function () {
      const { escrow, desk, agent, customer, firstDueAt } = await autoPayFixture();
      await time.setNextBlockTimestamp(firstDueAt + 1n);
      const tx = await desk.connect(agent).postMessage(TICKET, hashOf("sorry for the wait"));
      await expect(tx)
        .to.emit(escrow, "SlaCompensationPaid")
        .withArgs(TICKET, MERCHANT, customer.address, FIRST_RESPONSE, ETH, FIRST, false);
      await expect(tx).to.changeEtherBalances(ethers, [escrow, customer], [-FIRST, FIRST]);
      await expect(escrow.claimSlaCompensation(TICKET))
        .to.be.revertedWithCustomError(desk, "DeskNothingToCompensate")
        .withArgs(TICKET);
    });

    it("pays nothing when the merchant answers on time", async function () {
      const { escrow, desk, agent, firstDueAt } = await autoPayFixture();
      await time.setNextBlockTimestamp(firstDueAt);
      await expect(desk.connect(agent).postMessage(TICKET, hashOf("hello"))).to.not.emit(
        escrow,
        "SlaCompensationPaid",
      );
    });

    it("pays the refund and the late-resolution compensation in one transaction (nested hook)", async function () {
      const { escrow, desk, agent, customer, resolutionDueAt } = await autoPayFixture();
      const amount = parseEther("1");
      const { refundId } = await requestRefund(escrow, customer, TICKET, ETH, amount);
      await time.setNextBlockTimestamp(resolutionDueAt + 1n);
      const tx = await escrow.connect(agent).approveRefundAndResolve(refundId, hashOf("refunded"));
      await expect(tx)
        .to.emit(desk, "TicketStatusChanged")
        .withArgs(
          TICKET,
          TicketStatus.Open,
          TicketStatus.Resolved,
          agent.address,
          hashOf("refunded"),
        );
      await expect(tx)
        .to.emit(escrow, "SlaCompensationPaid")
        .withArgs(TICKET, MERCHANT, customer.address, 3n, ETH, BOTH, false);
      await expect(tx)
        .to.emit(escrow, "RefundPaid")
        .withArgs(refundId, customer.address, ETH, amount, false);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [escrow, customer],
        [-(amount + BOTH), amount + BOTH],
      );
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - amount - BOTH);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
      await expectEthBooksBalanced(escrow, []);
    });

    it("pays an issued refund and the late-response compensation in one transaction (nested hook)", async function () {
      const { escrow, agent, customer, firstDueAt } = await autoPayFixture();
      const amount = parseEther("0.5");
      await time.setNextBlockTimestamp(firstDueAt + 1n);
      const tx = await escrow
        .connect(agent)
        .issueRefundAndResolve(TICKET, ETH, amount, hashOf("refunded"));
      await expect(tx)
        .to.emit(escrow, "SlaCompensationPaid")
        .withArgs(TICKET, MERCHANT, customer.address, FIRST_RESPONSE, ETH, FIRST, false);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [escrow, customer],
        [-(amount + FIRST), amount + FIRST],
      );
      await expectEthBooksBalanced(escrow, []);
    });

    it("pays when the customer escalates", async function () {
      const { escrow, desk, customer, firstDueAt } = await autoPayFixture();
      await time.setNextBlockTimestamp(firstDueAt + 1n);
      const tx = await desk.connect(customer).escalateTicket(TICKET, hashOf("nobody answers"));
      await expect(tx)
        .to.emit(escrow, "SlaCompensationPaid")
        .withArgs(TICKET, MERCHANT, customer.address, FIRST_RESPONSE, ETH, FIRST, false);
      await expect(tx).to.changeEtherBalance(ethers, customer, FIRST);
    });

    it("records owed compensation without blocking the desk when the reserve is short", async function () {
      const f = await autoPayFixture();
      const { escrow, desk, agent, customer, firstDueAt } = f;
      await lockAllBut(escrow, f, 0n);
      await time.setNextBlockTimestamp(firstDueAt + 1n);
      const tx = await desk.connect(agent).postMessage(TICKET, hashOf("late"));
      await expect(tx)
        .to.emit(escrow, "SlaCompensationOwed")
        .withArgs(1n, TICKET, customer.address, MERCHANT, FIRST_RESPONSE, ETH, FIRST);
      expect(await desk.statusOf(TICKET)).to.equal(TicketStatus.InProgress);
    });

    it("reverts for anyone but the desk", async function () {
      const { escrow, admin, stranger, customer } = await autoPayFixture();
      const terms = { token: ETH, firstResponseAmount: FIRST, resolutionAmount: 0n, autoPay: true };
      for (const caller of [admin, stranger]) {
        await expect(
          escrow
            .connect(caller)
            .paySlaCompensation(TICKET, MERCHANT, customer.address, FIRST_RESPONSE, terms),
        )
          .to.be.revertedWithCustomError(escrow, "EscrowNotDesk")
          .withArgs(caller.address);
      }
    });
  });
});
