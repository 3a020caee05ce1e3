import { expect } from "chai";
import { network } from "hardhat";
import { parseEther, parseUnits, ZeroAddress } from "ethers";

import {
  DAY,
  DISPUTE_WINDOW,
  ETH,
  ETH_RESERVE,
  FEE_BPS,
  FEE_RESERVE,
  MERCHANT,
  OTHER_ETH_RESERVE,
  OTHER_MERCHANT,
  OTHER_TICKET,
  REFUND_RESPONSE_TIME,
  RefundStatus,
  TICKET,
  TICKET2,
  TOKEN_RESERVE,
  TicketStatus,
  booksOf,
  escrowFixture,
  hashOf,
  policyOf,
  requestRefund,
  timestampOf,
} from "./helpers/escrow.js";
import { FeeOnTransferToken__factory, TestToken__factory } from "../typechain-types/index.js";
import { ticketTimeline } from "../src/index.js";
import { clientAs } from "./helpers/sdk.js";

const connection = await network.create();
const { ethers } = connection;
const { loadFixture, time } = connection.networkHelpers;
const deployEscrowFixture = escrowFixture(connection);

const REASON = hashOf("reason");
const MAX_REFUND = 2n ** 112n - 1n;
const MAX_RESERVE = 2n ** 128n - 1n;

/** A fixture with refund 1: `customer` asked 1 ETH on ticket 1 (merchant 1). */
async function requestedFixture() {
  const f = await loadFixture(deployEscrowFixture);
  const amount = parseEther("1");
  const { refundId, deadline } = await requestRefund(f.escrow, f.customer, TICKET, ETH, amount);
  return { ...f, amount, refundId, deadline };
}

/** Refund 1 rejected by `agent`; returns when its dispute window ends. */
async function rejectedFixture() {
  const f = await requestedFixture();
  const tx = await f.escrow.connect(f.agent).rejectRefund(f.refundId, hashOf("no"));
  const disputeDeadline = (await timestampOf(tx)) + DISPUTE_WINDOW;
  return { ...f, disputeDeadline };
}

/** Refund 1 rejected and then disputed by `customer` before the default arbiter. */
async function disputedFixture() {
  const f = await rejectedFixture();
  await f.escrow.connect(f.customer).disputeRefund(f.refundId, hashOf("unfair"));
  return f;
}

describe("RefundEscrow", function () {
  describe("version", function () {
    it("returns 1.0.0", async function () {
      const { escrow } = await loadFixture(deployEscrowFixture);
      expect(await escrow.version()).to.equal("1.0.0");
    });

    it("serves the deployment's desk", async function () {
      const { escrow, desk } = await loadFixture(deployEscrowFixture);
      expect(await escrow.desk()).to.equal(await desk.getAddress());
      expect(await desk.escrow()).to.equal(await escrow.getAddress());
    });
  });

  describe("deposit", function () {
    it("adds ETH to the merchant's reserve", async function () {
      const { escrow, admin } = await loadFixture(deployEscrowFixture);
      const amount = parseEther("1.5");
      const tx = await escrow.connect(admin).deposit(MERCHANT, ETH, amount, { value: amount });
      await expect(tx)
        .to.emit(escrow, "ReserveDeposited")
        .withArgs(MERCHANT, ETH, admin.address, amount);
      await expect(tx).to.changeEtherBalances(ethers, [admin, escrow], [-amount, amount]);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE + amount);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
    });

    it("adds an ERC-20 to the merchant's reserve", async function () {
      const { escrow, admin, token } = await loadFixture(deployEscrowFixture);
      const amount = parseUnits("250", 18);
      const tx = await escrow.connect(admin).deposit(MERCHANT, token, amount);
      await expect(tx)
        .to.emit(escrow, "ReserveDeposited")
        .withArgs(MERCHANT, await token.getAddress(), admin.address, amount);
      await expect(tx).to.changeTokenBalances(ethers, token, [admin, escrow], [-amount, amount]);
      expect(await escrow.reserveOf(MERCHANT, token)).to.equal(TOKEN_RESERVE + amount);
    });

    it("credits a fee-on-transfer token by the amount actually received", async function () {
      const { escrow, admin, feeToken } = await loadFixture(deployEscrowFixture);
      const amount = parseUnits("1000", 18);
      const received = amount - (amount * FEE_BPS) / 10_000n;
      const tx = await escrow.connect(admin).deposit(MERCHANT, feeToken, amount);
      await expect(tx)
        .to.emit(escrow, "ReserveDeposited")
        .withArgs(MERCHANT, await feeToken.getAddress(), admin.address, received);
      await expect(tx).to.changeTokenBalances(
        ethers,
        feeToken,
        [admin, escrow],
        [-amount, received],
      );
      expect(await escrow.reserveOf(MERCHANT, feeToken)).to.equal(FEE_RESERVE + received);
    });

    it("lets anyone fund any merchant, and keeps merchants apart", async function () {
      const { escrow, stranger } = await loadFixture(deployEscrowFixture);
      const amount = parseEther("0.25");
      await expect(escrow.connect(stranger).deposit(OTHER_MERCHANT, ETH, amount, { value: amount }))
        .to.emit(escrow, "ReserveDeposited")
        .withArgs(OTHER_MERCHANT, ETH, stranger.address, amount);
      expect(await escrow.reserveOf(OTHER_MERCHANT, ETH)).to.equal(OTHER_ETH_RESERVE + amount);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE);
    });

    it("reverts on a zero amount, naming the token", async function () {
      const { escrow, admin, token } = await loadFixture(deployEscrowFixture);
      await expect(escrow.connect(admin).deposit(MERCHANT, ETH, 0n))
        .to.be.revertedWithCustomError(escrow, "EscrowZeroAmount")
        .withArgs(ETH);
      await expect(escrow.connect(admin).deposit(MERCHANT, token, 0n))
        .to.be.revertedWithCustomError(escrow, "EscrowZeroAmount")
        .withArgs(await token.getAddress());
    });

    it("reverts for a merchant that does not exist", async function () {
      const { escrow, admin } = await loadFixture(deployEscrowFixture);
      for (const merchantId of [0n, 3n]) {
        await expect(escrow.connect(admin).deposit(merchantId, ETH, 1n, { value: 1n }))
          .to.be.revertedWithCustomError(escrow, "EscrowUnknownMerchant")
          .withArgs(merchantId);
      }
    });

    it("reverts when msg.value differs from an ETH amount", async function () {
      const { escrow, admin } = await loadFixture(deployEscrowFixture);
      await expect(escrow.connect(admin).deposit(MERCHANT, ETH, 100n, { value: 99n }))
        .to.be.revertedWithCustomError(escrow, "EscrowWrongValue")
        .withArgs(99n, 100n);
      await expect(escrow.connect(admin).deposit(MERCHANT, ETH, 100n, { value: 101n }))
        .to.be.revertedWithCustomError(escrow, "EscrowWrongValue")
        .withArgs(101n, 100n);
    });

    it("reverts when ETH comes with an ERC-20 deposit", async function () {
      const { escrow, admin, token } = await loadFixture(deployEscrowFixture);
      await expect(escrow.connect(admin).deposit(MERCHANT, token, 100n, { value: 1n }))
        .to.be.revertedWithCustomError(escrow, "EscrowWrongValue")
        .withArgs(1n, 100n);
    });

    it("reverts for a token address without code", async function () {
      const { escrow, admin, stranger } = await loadFixture(deployEscrowFixture);
      await expect(escrow.connect(admin).deposit(MERCHANT, stranger.address, 100n))
        .to.be.revertedWithCustomError(escrow, "EscrowTokenNotContract")
        .withArgs(stranger.address);
    });

    it("reverts when the token delivers nothing", async function () {
      const { escrow, admin, deployer } = await loadFixture(deployEscrowFixture);
      const allFee = await new FeeOnTransferToken__factory(deployer).deploy(10_000n);
      await allFee.mint(admin.address, 1000n);
      await allFee.connect(admin).approve(escrow, 1000n);
      await expect(escrow.connect(admin).deposit(MERCHANT, allFee, 1000n))
        .to.be.revertedWithCustomError(escrow, "EscrowNothingReceived")
        .withArgs(await allFee.getAddress());
    });

    it("reverts when the reserve would not fit 128 bits", async function () {
      const { escrow, otherAdmin, deployer } = await loadFixture(deployEscrowFixture);
      const big = await new TestToken__factory(deployer).deploy("Big", "BIG");
      await big.mint(otherAdmin.address, 2n ** 129n);
      await big.connect(otherAdmin).approve(escrow, 2n ** 129n);
      await expect(escrow.connect(otherAdmin).deposit(OTHER_MERCHANT, big, MAX_RESERVE + 1n))
        .to.be.revertedWithCustomError(escrow, "EscrowAmountTooLarge")
        .withArgs(MAX_RESERVE + 1n, MAX_RESERVE);
      await escrow.connect(otherAdmin).deposit(OTHER_MERCHANT, big, MAX_RESERVE);
      expect(await escrow.reserveOf(OTHER_MERCHANT, big)).to.equal(MAX_RESERVE);
      await expect(escrow.connect(otherAdmin).deposit(OTHER_MERCHANT, big, 1n))
        .to.be.revertedWithCustomError(escrow, "EscrowAmountTooLarge")
        .withArgs(1n, 0n);
    });

    it("rejects plain ETH transfers (only deposit books ETH)", async function () {
      const { escrow, admin } = await loadFixture(deployEscrowFixture);
      await expect(
        admin.sendTransaction({ to: await escrow.getAddress(), value: 1n }),
      ).to.be.revertedWithoutReason(ethers);
    });
  });

  describe("withdrawReserve", function () {
    it("sends available ETH to the admin's chosen address", async function () {
      const { escrow, admin, stranger } = await loadFixture(deployEscrowFixture);
      const amount = parseEther("4");
      const tx = await escrow
        .connect(admin)
        .withdrawReserve(MERCHANT, ETH, amount, stranger.address);
      await expect(tx)
        .to.emit(escrow, "ReserveWithdrawn")
        .withArgs(MERCHANT, ETH, stranger.address, amount);
      await expect(tx).to.changeEtherBalances(ethers, [escrow, stranger], [-amount, amount]);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - amount);
    });

    it("sends an ERC-20 and the whole reserve", async function () {
      const { escrow, admin, token } = await loadFixture(deployEscrowFixture);
      const tx = await escrow
        .connect(admin)
        .withdrawReserve(MERCHANT, token, TOKEN_RESERVE, admin.address);
      await expect(tx).to.changeTokenBalances(
        ethers,
        token,
        [escrow, admin],
        [-TOKEN_RESERVE, TOKEN_RESERVE],
      );
      expect(await escrow.reserveOf(MERCHANT, token)).to.equal(0n);
    });

    it("cannot take what a refund has locked", async function () {
      const { escrow, admin, amount } = await requestedFixture();
      const available = ETH_RESERVE - amount;
      await expect(escrow.connect(admin).withdrawReserve(MERCHANT, ETH, ETH_RESERVE, admin.address))
        .to.be.revertedWithCustomError(escrow, "InsufficientReserve")
        .withArgs(available, ETH_RESERVE);
      await escrow.connect(admin).withdrawReserve(MERCHANT, ETH, available, admin.address);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(0n);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(amount);
    });

    it("reverts for an agent, a stranger and another merchant's admin", async function () {
      const { escrow, agent, stranger, otherAdmin } = await loadFixture(deployEscrowFixture);
      for (const caller of [agent, stranger, otherAdmin]) {
        await expect(escrow.connect(caller).withdrawReserve(MERCHANT, ETH, 1n, caller.address))
          .to.be.revertedWithCustomError(escrow, "EscrowNotMerchantAdmin")
          .withArgs(MERCHANT, caller.address);
      }
    });

    it("reverts for a merchant that does not exist", async function () {
      const { escrow, admin } = await loadFixture(deployEscrowFixture);
      await expect(escrow.connect(admin).withdrawReserve(9n, ETH, 1n, admin.address))
        .to.be.revertedWithCustomError(escrow, "EscrowUnknownMerchant")
        .withArgs(9n);
    });

    it("reverts on a zero address or a zero amount", async function () {
      const { escrow, admin, token } = await loadFixture(deployEscrowFixture);
      await expect(escrow.connect(admin).withdrawReserve(MERCHANT, ETH, 1n, ZeroAddress))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidRecipient")
        .withArgs(ZeroAddress);
      await expect(escrow.connect(admin).withdrawReserve(MERCHANT, ETH, 0n, admin.address))
        .to.be.revertedWithCustomError(escrow, "EscrowZeroAmount")
        .withArgs(ETH);
      await expect(escrow.connect(admin).withdrawReserve(MERCHANT, token, 0n, admin.address))
        .to.be.revertedWithCustomError(escrow, "EscrowZeroAmount")
        .withArgs(await token.getAddress());
    });

    it("reverts when the admin's receiver refuses ETH, keeping the reserve", async function () {
      const { escrow, admin, deployer } = await loadFixture(deployEscrowFixture);
      const refuser = await new TestToken__factory(deployer).deploy("No receive", "NR");
      await expect(escrow.connect(admin).withdrawReserve(MERCHANT, ETH, 5n, refuser))
        .to.be.revertedWithCustomError(escrow, "EscrowTransferFailed")
        .withArgs(await refuser.getAddress(), ETH, 5n);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE);
    });

    it("follows an admin handover", async function () {
      const { escrow, desk, admin, stranger } = await loadFixture(deployEscrowFixture);
      await desk.connect(admin).transferMerchantAdmin(MERCHANT, stranger.address);
      await desk.connect(stranger).acceptMerchantAdmin(MERCHANT);
      await expect(escrow.connect(admin).withdrawReserve(MERCHANT, ETH, 1n, admin.address))
        .to.be.revertedWithCustomError(escrow, "EscrowNotMerchantAdmin")
        .withArgs(MERCHANT, admin.address);
      await expect(
        escrow.connect(stranger).withdrawReserve(MERCHANT, ETH, 1n, stranger.address),
      ).to.changeEtherBalance(ethers, stranger, 1n);
    });
  });

  describe("requestRefund", function () {
    it("locks the amount at once, with the merchant's response deadline", async function () {
      const { escrow, customer } = await loadFixture(deployEscrowFixture);
      const amount = parseEther("1.25");
      const tx = await escrow.connect(customer).requestRefund(TICKET, ETH, amount, REASON);
      await expect(tx)
        .to.emit(escrow, "RefundRequested")
        .withArgs(1n, TICKET, customer.address, ETH, amount, REASON);
      await expect(tx).to.changeEtherBalances(ethers, [customer, escrow], [0n, 0n]);
      const requestedAt = await timestampOf(tx);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - amount);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(amount);
      expect(await escrow.refundCount()).to.equal(1n);
      expect(await escrow.refundStatusOf(1n)).to.equal(RefundStatus.Requested);
      const refund = await escrow.getRefund(1n);
      expect(refund.ticketId).to.equal(TICKET);
      expect(refund.merchantId).to.equal(MERCHANT);
      expect(refund.customer).to.equal(customer.address);
      expect(refund.token).to.equal(ETH);
      expect(refund.amount).to.equal(amount);
      expect(refund.status).to.equal(RefundStatus.Requested);
      expect(refund.deadline).to.equal(requestedAt + REFUND_RESPONSE_TIME);
    });

    it("locks an ERC-20 and records the token", async function () {
      const { escrow, customer, token } = await loadFixture(deployEscrowFixture);
      const amount = parseUnits("40", 18);
      await expect(escrow.connect(customer).requestRefund(TICKET, token, amount, REASON))
        .to.emit(escrow, "RefundRequested")
        .withArgs(1n, TICKET, customer.address, await token.getAddress(), amount, REASON);
      expect((await escrow.getRefund(1n)).token).to.equal(await token.getAddress());
      expect(await escrow.reserveOf(MERCHANT, token)).to.equal(TOKEN_RESERVE - amount);
      expect(await escrow.lockedOf(MERCHANT, token)).to.equal(amount);
    });

    it("allows several partial refunds on one ticket, up to the whole reserve", async function () {
      const { escrow, customer } = await loadFixture(deployEscrowFixture);
      await escrow.connect(customer).requestRefund(TICKET, ETH, parseEther("3"), REASON);
      await escrow.connect(customer).requestRefund(TICKET, ETH, parseEther("7"), REASON);
      expect(await escrow.refundCount()).to.equal(2n);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(0n);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(ETH_RESERVE);
      await expect(escrow.connect(customer).requestRefund(TICKET, ETH, 1n, REASON))
        .to.be.revertedWithCustomError(escrow, "InsufficientReserve")
        .withArgs(0n, 1n);
    });

    it("draws only on the ticket's own merchant", async function () {
      const { escrow, customer } = await loadFixture(deployEscrowFixture);
      const tooMuch = OTHER_ETH_RESERVE + 1n;
      await expect(escrow.connect(customer).requestRefund(OTHER_TICKET, ETH, tooMuch, REASON))
        .to.be.revertedWithCustomError(escrow, "InsufficientReserve")
        .withArgs(OTHER_ETH_RESERVE, tooMuch);
      await escrow.connect(customer).requestRefund(OTHER_TICKET, ETH, OTHER_ETH_RESERVE, REASON);
      expect(await escrow.lockedOf(OTHER_MERCHANT, ETH)).to.equal(OTHER_ETH_RESERVE);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
    });

    it("reverts when the reserve cannot cover the amount", async function () {
      const { escrow, customer, token } = await loadFixture(deployEscrowFixture);
      await expect(
        escrow.connect(customer).requestRefund(TICKET, token, TOKEN_RESERVE + 1n, REASON),
      )
        .to.be.revertedWithCustomError(escrow, "InsufficientReserve")
        .withArgs(TOKEN_RESERVE, TOKEN_RESERVE + 1n);
    });

    it("reverts for anyone but the ticket's customer", async function () {
      const { escrow, customer2, agent, admin, stranger } = await loadFixture(deployEscrowFixture);
      for (const caller of [customer2, agent, admin, stranger]) {
        await expect(escrow.connect(caller).requestRefund(TICKET, ETH, 1n, REASON))
          .to.be.revertedWithCustomError(escrow, "EscrowNotCustomer")
          .withArgs(TICKET, caller.address);
      }
    });

    it("reverts on a zero or oversized amount", async function () {
      const { escrow, customer, token } = await loadFixture(deployEscrowFixture);
      await expect(escrow.connect(customer).requestRefund(TICKET, ETH, 0n, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowZeroAmount")
        .withArgs(ETH);
      await expect(escrow.connect(customer).requestRefund(TICKET, token, 0n, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowZeroAmount")
        .withArgs(await token.getAddress());
      await expect(escrow.connect(customer).requestRefund(TICKET, ETH, MAX_REFUND + 1n, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowAmountTooLarge")
        .withArgs(MAX_REFUND + 1n, MAX_REFUND);
    });

    it("reverts for a ticket that does not exist", async function () {
      const { escrow, desk, customer } = await loadFixture(deployEscrowFixture);
      await expect(escrow.connect(customer).requestRefund(99n, ETH, 1n, REASON))
        .to.be.revertedWithCustomError(desk, "DeskUnknownTicket")
        .withArgs(99n);
    });

    it("reverts for a cancelled ticket", async function () {
      const { escrow, desk, customer } = await loadFixture(deployEscrowFixture);
      await desk.connect(customer).cancelTicket(TICKET);
      await expect(escrow.connect(customer).requestRefund(TICKET, ETH, 1n, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowTicketNotRefundable")
        .withArgs(TICKET, TicketStatus.Cancelled);
    });

    it("is allowed on resolved and closed tickets (a return after the case)", async function () {
      const { escrow, desk, customer, agent } = await loadFixture(deployEscrowFixture);
      await desk.connect(agent).resolveTicket(TICKET, hashOf("done"));
      await escrow.connect(customer).requestRefund(TICKET, ETH, 1n, REASON);
      await desk.connect(customer).confirmResolution(TICKET);
      await escrow.connect(customer).requestRefund(TICKET, ETH, 2n, REASON);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(3n);
    });

    it("keeps its deadline when the merchant changes its policy", async function () {
      const { escrow, desk, admin, customer, arbiter } = await loadFixture(deployEscrowFixture);
      const { refundId, deadline } = await requestRefund(escrow, customer, TICKET, ETH, 1n);
      await desk.connect(admin).setPolicy(MERCHANT, {
        firstResponseTime: 3600,
        resolutionTime: 7200,
        reopenWindow: 3600,
        autoCloseDelay: 3600,
        refundResponseTime: 60,
        disputeWindow: 60,
        arbiter: arbiter.address,
      });
      expect((await escrow.getRefund(refundId)).deadline).to.equal(deadline);
      const second = await requestRefund(escrow, customer, TICKET, ETH, 1n);
      const now = BigInt(await time.latest());
      expect(second.deadline).to.equal(now + 60n);
    });
  });

  describe("approveRefund", function () {
    it("pays the customer in ETH in the same transaction", async function () {
      const { escrow, agent, customer, refundId, amount } = await requestedFixture();
      const tx = await escrow.connect(agent).approveRefund(refundId);
      await expect(tx).to.emit(escrow, "RefundApproved").withArgs(refundId, agent.address);
      await expect(tx)
        .to.emit(escrow, "RefundPaid")
        .withArgs(refundId, customer.address, ETH, amount, false);
      await expect(tx).to.changeEtherBalances(ethers, [escrow, customer], [-amount, amount]);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - amount);
      const refund = await escrow.getRefund(refundId);
      expect(refund.status).to.equal(RefundStatus.Paid);
      expect(refund.deadline).to.equal(0n);
    });

    it("pays an ERC-20", async function () {
      const { escrow, admin, customer, token } = await loadFixture(deployEscrowFixture);
      const amount = parseUnits("12.5", 18);
      const { refundId } = await requestRefund(
        escrow,
        customer,
        TICKET,
        await token.getAddress(),
        amount,
      );
      const tx = await escrow.connect(admin).approveRefund(refundId);
      await expect(tx)
        .to.emit(escrow, "RefundPaid")
        .withArgs(refundId, customer.address, await token.getAddress(), amount, false);
      await expect(tx).to.changeTokenBalances(ethers, token, [escrow, customer], [-amount, amount]);
      expect(await escrow.lockedOf(MERCHANT, token)).to.equal(0n);
    });

    it("pays a fee-on-transfer token: the books move by the amount, the customer gets it less the fee", async function () {
      const { escrow, agent, customer, feeToken } = await loadFixture(deployEscrowFixture);
      const amount = parseUnits("100", 18);
      const fee = (amount * FEE_BPS) / 10_000n;
      const feeAddress = await feeToken.getAddress();
      const { refundId } = await requestRefund(escrow, customer, TICKET, feeAddress, amount);
      const tx = await escrow.connect(agent).approveRefund(refundId);
      await expect(tx)
        .to.emit(escrow, "RefundPaid")
        .withArgs(refundId, customer.address, feeAddress, amount, false);
      await expect(tx).to.changeTokenBalances(
        ethers,
        feeToken,
        [escrow, customer],
        [-amount, amount - fee],
      );
      expect(await escrow.reserveOf(MERCHANT, feeToken)).to.equal(FEE_RESERVE - amount);
      expect(await escrow.lockedOf(MERCHANT, feeToken)).to.equal(0n);
      expect(await feeToken.balanceOf(escrow)).to.equal(FEE_RESERVE - amount);
    });

    it("does not change the ticket", async function () {
      const { escrow, desk, agent, refundId } = await requestedFixture();
      await escrow.connect(agent).approveRefund(refundId);
      expect(await desk.statusOf(TICKET)).to.equal(TicketStatus.Open);
    });

    it("reverts for the customer, a stranger and another merchant's admin", async function () {
      const { escrow, customer, stranger, otherAdmin, refundId } = await requestedFixture();
      for (const caller of [customer, stranger, otherAdmin]) {
        await expect(escrow.connect(caller).approveRefund(refundId))
          .to.be.revertedWithCustomError(escrow, "EscrowNotMerchantStaff")
          .withArgs(MERCHANT, caller.address);
      }
    });

    it("reverts for an agent whose role was revoked", async function () {
      const { escrow, desk, admin, agent, refundId } = await requestedFixture();
      await desk.connect(admin).setAgent(MERCHANT, agent.address, false);
      await expect(escrow.connect(agent).approveRefund(refundId))
        .to.be.revertedWithCustomError(escrow, "EscrowNotMerchantStaff")
        .withArgs(MERCHANT, agent.address);
    });

    it("reverts for a refund that does not exist", async function () {
      const { escrow, agent } = await loadFixture(deployEscrowFixture);
      for (const refundId of [0n, 1n]) {
        await expect(escrow.connect(agent).approveRefund(refundId))
          .to.be.revertedWithCustomError(escrow, "EscrowUnknownRefund")
          .withArgs(refundId);
      }
    });

    it("reverts when the refund is no longer Requested (paid once only)", async function () {
      const { escrow, agent, agent2, refundId } = await requestedFixture();
      await escrow.connect(agent).approveRefund(refundId);
      await expect(escrow.connect(agent2).approveRefund(refundId))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidRefundStatus")
        .withArgs(refundId, RefundStatus.Paid);
    });

    it("reverts for a cancelled refund", async function () {
      const { escrow, agent, customer, refundId } = await requestedFixture();
      await escrow.connect(customer).cancelRefund(refundId);
      await expect(escrow.connect(agent).approveRefund(refundId))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidRefundStatus")
        .withArgs(refundId, RefundStatus.Cancelled);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE);
    });

    for (const offset of [-1n, 0n]) {
      it(`is allowed at the response deadline ${offset === 0n ? "itself" : "- 1 s"}`, async function () {
        const { escrow, agent, customer, refundId, deadline, amount } = await requestedFixture();
        await time.setNextBlockTimestamp(deadline + offset);
        await expect(escrow.connect(agent).approveRefund(refundId)).to.changeEtherBalance(
          ethers,
          customer,
          amount,
        );
      });
    }

    it("reverts one second after the response deadline", async function () {
      const { escrow, agent, refundId, deadline } = await requestedFixture();
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(escrow.connect(agent).approveRefund(refundId))
        .to.be.revertedWithCustomError(escrow, "EscrowResponseDeadlinePassed")
        .withArgs(refundId, deadline);
    });

    it("concedes a rejected refund within its dispute window: pays the customer to the wei", async function () {
      const { escrow, agent, customer, refundId, amount } = await rejectedFixture();
      const tx = await escrow.connect(agent).approveRefund(refundId);
      await expect(tx).to.emit(escrow, "RefundApproved").withArgs(refundId, agent.address);
      await expect(tx)
        .to.emit(escrow, "RefundPaid")
        .withArgs(refundId, customer.address, ETH, amount, false);
      await expect(tx).to.not.emit(escrow, "DisputeConceded");
      await expect(tx).to.changeEtherBalances(
        ethers,
        [escrow, customer, agent],
        [-amount, amount, 0n],
      );
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - amount);
      expect(await ethers.provider.getBalance(escrow)).to.equal(await booksOf(escrow, ETH));
      const refund = await escrow.getRefund(refundId);
      expect(refund.status).to.equal(RefundStatus.Paid);
      expect(refund.deadline).to.equal(0n);
      expect(await escrow.disputeArbiterOf(refundId)).to.equal(ZeroAddress);
    });

    it("ends the dispute window of a conceded rejection: no dispute, no finalization, no second payout", async function () {
      const { escrow, admin, agent, customer, stranger, refundId, disputeDeadline } =
        await rejectedFixture();
      await escrow.connect(admin).approveRefund(refundId);
      await expect(escrow.connect(customer).disputeRefund(refundId, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidRefundStatus")
        .withArgs(refundId, RefundStatus.Paid);
      await expect(escrow.connect(agent).approveRefund(refundId))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidRefundStatus")
        .withArgs(refundId, RefundStatus.Paid);
      await time.increaseTo(disputeDeadline + 1n);
      await expect(escrow.connect(stranger).finalizeRejection(refundId))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidRefundStatus")
        .withArgs(refundId, RefundStatus.Paid);
    });

    for (const offset of [0n, 1n]) {
      it(`concedes a rejection ${offset === 0n ? "at the end of its dispute window" : "after its dispute window, until it is finalized"}`, async function () {
        const { escrow, agent, customer, refundId, amount, disputeDeadline } =
          await rejectedFixture();
        await time.setNextBlockTimestamp(disputeDeadline + offset);
        await expect(escrow.connect(agent).approveRefund(refundId)).to.changeEtherBalances(
          ethers,
          [escrow, customer],
          [-amount, amount],
        );
        expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
      });
    }

    it("concedes a disputed refund: pays the customer and ends the arbiter's case", async function () {
      const { escrow, admin, arbiter, customer, refundId, amount } = await disputedFixture();
      const tx = await escrow.connect(admin).approveRefund(refundId);
      await expect(tx).to.emit(escrow, "RefundApproved").withArgs(refundId, admin.address);
      await expect(tx)
        .to.emit(escrow, "DisputeConceded")
        .withArgs(refundId, arbiter.address, admin.address);
      await expect(tx)
        .to.emit(escrow, "RefundPaid")
        .withArgs(refundId, customer.address, ETH, amount, false);
      await expect(tx).to.not.emit(escrow, "DisputeResolved");
      await expect(tx).to.changeEtherBalances(
        ethers,
        [escrow, customer, admin, arbiter],
        [-amount, amount, 0n, 0n],
      );
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - amount);
      expect(await ethers.provider.getBalance(escrow)).to.equal(await booksOf(escrow, ETH));
      const refund = await escrow.getRefund(refundId);
      expect(refund.status).to.equal(RefundStatus.Paid);
      expect(refund.deadline).to.equal(0n);
      // The record of who had the case stays.
      expect(await escrow.disputeArbiterOf(refundId)).to.equal(arbiter.address);
    });

    it("makes the arbiter's later ruling on a conceded dispute revert, either way", async function () {
      const { escrow, agent, arbiter, refundId } = await disputedFixture();
      await escrow.connect(agent).approveRefund(refundId);
      for (const payCustomer of [true, false]) {
        await expect(escrow.connect(arbiter).resolveDispute(refundId, payCustomer))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidRefundStatus")
          .withArgs(refundId, RefundStatus.Paid);
      }
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - parseEther("1"));
    });

    it("frees the merchant from an ERC-20 dispute whose arbiter never rules, to the wei", async function () {
      const { escrow, admin, agent, customer, customer2, arbiter, token } =
        await loadFixture(deployEscrowFixture);
      const tokenAddress = await token.getAddress();
      const amount = parseUnits("9999.999999999999999999", 18);
      const { refundId } = await requestRefund(escrow, customer, TICKET, tokenAddress, amount);
      await escrow.connect(agent).rejectRefund(refundId, REASON);
      await escrow.connect(customer).disputeRefund(refundId, REASON);
      // Locked: nobody else can be refunded and the merchant cannot withdraw it.
      await expect(escrow.connect(customer2).requestRefund(TICKET2, tokenAddress, 2n, REASON))
        .to.be.revertedWithCustomError(escrow, "InsufficientReserve")
        .withArgs(TOKEN_RESERVE - amount, 2n);
      await time.increase(5n * 365n * DAY); // the arbiter never rules

      const tx = await escrow.connect(admin).approveRefund(refundId);
      await expect(tx)
        .to.emit(escrow, "DisputeConceded")
        .withArgs(refundId, arbiter.address, admin.address);
      await expect(tx)
        .to.emit(escrow, "RefundPaid")
        .withArgs(refundId, customer.address, tokenAddress, amount, false);
      await expect(tx).to.changeTokenBalances(
        ethers,
        token,
        [escrow, customer, admin],
        [-amount, amount, 0n],
      );
      expect(await escrow.lockedOf(MERCHANT, token)).to.equal(0n);
      expect(await escrow.reserveOf(MERCHANT, token)).to.equal(TOKEN_RESERVE - amount);
      expect(await token.balanceOf(escrow)).to.equal(await booksOf(escrow, tokenAddress));
      // The rest of the reserve works again.
      const rest = TOKEN_RESERVE - amount;
      await expect(
        escrow.connect(admin).withdrawReserve(MERCHANT, token, rest, admin.address),
      ).to.changeTokenBalances(ethers, token, [escrow, admin], [-rest, rest]);
      expect(await token.balanceOf(escrow)).to.equal(await booksOf(escrow, tokenAddress));
    });

    it("reverts when the customer, the arbiter, a stranger or another merchant's admin concedes", async function () {
      const { escrow, agent, customer, arbiter, stranger, otherAdmin, refundId } =
        await rejectedFixture();
      const disputed = await requestRefund(escrow, customer, TICKET, ETH, 2n);
      await escrow.connect(agent).rejectRefund(disputed.refundId, REASON);
      await escrow.connect(customer).disputeRefund(disputed.refundId, REASON);
      for (const id of [refundId, disputed.refundId]) {
        for (const caller of [customer, arbiter, stranger, otherAdmin]) {
          await expect(escrow.connect(caller).approveRefund(id))
            .to.be.revertedWithCustomError(escrow, "EscrowNotMerchantStaff")
            .withArgs(MERCHANT, caller.address);
          await expect(escrow.connect(caller).approveRefundAndResolve(id, REASON))
            .to.be.revertedWithCustomError(escrow, "EscrowNotMerchantStaff")
            .withArgs(MERCHANT, caller.address);
        }
      }
      expect(await escrow.refundStatusOf(refundId)).to.equal(RefundStatus.Rejected);
      expect(await escrow.refundStatusOf(disputed.refundId)).to.equal(RefundStatus.Disputed);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(parseEther("1") + 2n);
    });

    it("reverts when an agent whose role was revoked concedes", async function () {
      const { escrow, desk, admin, agent, refundId } = await disputedFixture();
      await desk.connect(admin).setAgent(MERCHANT, agent.address, false);
      await expect(escrow.connect(agent).approveRefund(refundId))
        .to.be.revertedWithCustomError(escrow, "EscrowNotMerchantStaff")
        .withArgs(MERCHANT, agent.address);
    });

    it("reverts for a final rejection: finalized, or ruled for the merchant", async function () {
      const { escrow, agent, admin, customer, arbiter, stranger, refundId, disputeDeadline } =
        await rejectedFixture();
      const ruled = await requestRefund(escrow, customer, TICKET, ETH, 3n);
      await escrow.connect(agent).rejectRefund(ruled.refundId, REASON);
      await escrow.connect(customer).disputeRefund(ruled.refundId, REASON);
      await escrow.connect(arbiter).resolveDispute(ruled.refundId, false);
      await time.increaseTo(disputeDeadline + 1n);
      await escrow.connect(stranger).finalizeRejection(refundId);
      for (const id of [refundId, ruled.refundId]) {
        for (const caller of [agent, admin]) {
          await expect(escrow.connect(caller).approveRefund(id))
            .to.be.revertedWithCustomError(escrow, "EscrowRejectionFinal")
            .withArgs(id);
          await expect(escrow.connect(caller).approveRefundAndResolve(id, REASON))
            .to.be.revertedWithCustomError(escrow, "EscrowRejectionFinal")
            .withArgs(id);
        }
      }
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE);
      expect(await ethers.provider.getBalance(escrow)).to.equal(await booksOf(escrow, ETH));
    });

    it("shows the conceded dispute in the ticket's timeline, after which the arbiter has nothing to rule", async function () {
      const fixture = await disputedFixture();
      const { escrow, admin, arbiter, customer, refundId, amount } = fixture;
      await escrow.connect(admin).approveRefund(refundId);
      const timeline = await ticketTimeline(await clientAs(fixture, customer), TICKET);
      const refundEntries = timeline
        .filter((entry) => entry.refundId === refundId)
        .map(({ kind, actor, arbiter: caseArbiter, recipient, amount: paid }) => ({
          kind,
          actor,
          arbiter: caseArbiter,
          recipient,
          amount: paid,
        }));
      expect(refundEntries.map((entry) => entry.kind)).to.deep.equal([
        "refund-requested",
        "refund-rejected",
        "refund-disputed",
        "refund-approved",
        "dispute-conceded",
        "refund-paid",
      ]);
      expect(refundEntries[4]).to.deep.equal({
        kind: "dispute-conceded",
        actor: admin.address,
        arbiter: arbiter.address,
        recipient: undefined,
        amount: undefined,
      });
      expect(refundEntries[5]?.recipient).to.equal(customer.address);
      expect(refundEntries[5]?.amount).to.equal(amount);
      // The arbiter's queue, from events alone: disputed before them, neither ruled nor conceded.
      const disputedBefore = await escrow.queryFilter(
        escrow.filters.RefundDisputed(undefined, arbiter.address),
      );
      const closed = [
        ...(await escrow.queryFilter(escrow.filters.DisputeResolved(undefined, arbiter.address))),
        ...(await escrow.queryFilter(escrow.filters.DisputeConceded(undefined, arbiter.address))),
      ].map((log) => log.args.refundId);
      expect(disputedBefore.map((log) => log.args.refundId)).to.deep.equal([refundId]);
      expect(closed).to.deep.equal([refundId]);
    });

    it("keeps the books balanced through approvals and concessions in several tokens", async function () {
      const { escrow, admin, agent, customer, token, feeToken } =
        await loadFixture(deployEscrowFixture);
      const held = [
        { address: ETH, balance: () => ethers.provider.getBalance(escrow) },
        { address: await token.getAddress(), balance: () => token.balanceOf(escrow) },
        { address: await feeToken.getAddress(), balance: () => feeToken.balanceOf(escrow) },
      ];
      for (const [index, { address }] of held.entries()) {
        const amount = (n: bigint): bigint => parseUnits("1", 18) + BigInt(index) * 10n + n;
        const approved = await requestRefund(escrow, customer, TICKET, address, amount(1n));
        const rejected = await requestRefund(escrow, customer, TICKET, address, amount(2n));
        const disputed = await requestRefund(escrow, customer, TICKET, address, amount(3n));
        const open = await requestRefund(escrow, customer, TICKET, address, amount(4n));
        await escrow.connect(agent).approveRefund(approved.refundId);
        await escrow.connect(agent).rejectRefund(rejected.refundId, REASON);
        await escrow.connect(agent).rejectRefund(disputed.refundId, REASON);
        await escrow.connect(customer).disputeRefund(disputed.refundId, REASON);
        await escrow.connect(admin).approveRefund(rejected.refundId);
        await escrow.connect(agent).approveRefundAndResolve(disputed.refundId, REASON);
        expect(await escrow.lockedOf(MERCHANT, address)).to.equal(amount(4n));
        for (const id of [approved, rejected, disputed]) {
          expect(await escrow.refundStatusOf(id.refundId)).to.equal(RefundStatus.Paid);
        }
        expect(await escrow.refundStatusOf(open.refundId)).to.equal(RefundStatus.Requested);
      }
      for (const { address, balance } of held) {
        expect(await balance()).to.equal(await booksOf(escrow, address));
      }
    });
  });

  describe("approveRefundAndResolve", function () {
    it("pays the customer and resolves the ticket in one transaction", async function () {
      const { escrow, desk, agent, customer, refundId, amount } = await requestedFixture();
      const note = hashOf("refunded");
      const tx = await escrow.connect(agent).approveRefundAndResolve(refundId, note);
      await expect(tx)
        .to.emit(desk, "TicketStatusChanged")
        .withArgs(TICKET, TicketStatus.Open, TicketStatus.Resolved, agent.address, note);
      await expect(tx)
        .to.emit(escrow, "RefundPaid")
        .withArgs(refundId, customer.address, ETH, amount, false);
      await expect(tx).to.changeEtherBalances(ethers, [escrow, customer], [-amount, amount]);
      expect(await desk.statusOf(TICKET)).to.equal(TicketStatus.Resolved);
    });

    it("pays and leaves a ticket that is no longer active as it is", async function () {
      const { escrow, desk, agent, customer, refundId, amount } = await requestedFixture();
      await desk.connect(agent).resolveTicket(TICKET, hashOf("done"));
      await desk.connect(customer).confirmResolution(TICKET);
      const tx = await escrow.connect(agent).approveRefundAndResolve(refundId, hashOf("again"));
      await expect(tx).to.not.emit(desk, "TicketStatusChanged");
      await expect(tx).to.changeEtherBalance(ethers, customer, amount);
      expect(await desk.statusOf(TICKET)).to.equal(TicketStatus.Closed);
    });

    it("concedes a disputed refund and resolves the ticket in one transaction", async function () {
      const { escrow, desk, agent, arbiter, customer, refundId, amount } = await disputedFixture();
      const note = hashOf("conceded");
      const tx = await escrow.connect(agent).approveRefundAndResolve(refundId, note);
      await expect(tx).to.emit(escrow, "RefundApproved").withArgs(refundId, agent.address);
      await expect(tx)
        .to.emit(escrow, "DisputeConceded")
        .withArgs(refundId, arbiter.address, agent.address);
      await expect(tx)
        .to.emit(desk, "TicketStatusChanged")
        .withArgs(TICKET, TicketStatus.Open, TicketStatus.Resolved, agent.address, note);
      await expect(tx)
        .to.emit(escrow, "RefundPaid")
        .withArgs(refundId, customer.address, ETH, amount, false);
      await expect(tx).to.changeEtherBalances(ethers, [escrow, customer], [-amount, amount]);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
      expect(await ethers.provider.getBalance(escrow)).to.equal(await booksOf(escrow, ETH));
    });

    it("concedes a rejected refund and resolves the ticket, without a dispute event", async function () {
      const { escrow, desk, admin, customer, refundId, amount } = await rejectedFixture();
      const tx = await escrow.connect(admin).approveRefundAndResolve(refundId, hashOf("ok then"));
      await expect(tx).to.not.emit(escrow, "DisputeConceded");
      await expect(tx).to.changeEtherBalances(ethers, [escrow, customer], [-amount, amount]);
      expect(await desk.statusOf(TICKET)).to.equal(TicketStatus.Resolved);
      expect(await escrow.refundStatusOf(refundId)).to.equal(RefundStatus.Paid);
    });

    it("reverts for non-staff and after the deadline, like approveRefund", async function () {
      const { escrow, customer, agent, refundId, deadline } = await requestedFixture();
      await expect(escrow.connect(customer).approveRefundAndResolve(refundId, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowNotMerchantStaff")
        .withArgs(MERCHANT, customer.address);
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(escrow.connect(agent).approveRefundAndResolve(refundId, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowResponseDeadlinePassed")
        .withArgs(refundId, deadline);
    });
  });

  describe("issueRefund", function () {
    it("pays the ticket's customer at once from the available reserve", async function () {
      const { escrow, agent, customer } = await loadFixture(deployEscrowFixture);
      const amount = parseEther("0.3");
      const tx = await escrow.connect(agent).issueRefund(TICKET, ETH, amount, REASON);
      await expect(tx).to.emit(escrow, "RefundIssued").withArgs(1n, TICKET, agent.address, REASON);
      await expect(tx)
        .to.emit(escrow, "RefundPaid")
        .withArgs(1n, customer.address, ETH, amount, false);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [escrow, customer, agent],
        [-amount, amount, 0n],
      );
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - amount);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
      const refund = await escrow.getRefund(1n);
      expect(refund.status).to.equal(RefundStatus.Paid);
      expect(refund.customer).to.equal(customer.address);
      expect(refund.amount).to.equal(amount);
      expect(refund.deadline).to.equal(0n);
    });

    it("pays an ERC-20 and never touches a locked amount", async function () {
      const { escrow, admin, customer, customer2, token } = await loadFixture(deployEscrowFixture);
      const tokenAddress = await token.getAddress();
      const locked = parseUnits("9000", 18);
      await requestRefund(escrow, customer2, TICKET2, tokenAddress, locked);
      const available = TOKEN_RESERVE - locked;
      await expect(escrow.connect(admin).issueRefund(TICKET, token, available + 1n, REASON))
        .to.be.revertedWithCustomError(escrow, "InsufficientReserve")
        .withArgs(available, available + 1n);
      await expect(
        escrow.connect(admin).issueRefund(TICKET, token, available, REASON),
      ).to.changeTokenBalances(ethers, token, [escrow, customer], [-available, available]);
      expect(await escrow.lockedOf(MERCHANT, token)).to.equal(locked);
    });

    it("reverts for the customer, a stranger and another merchant's admin", async function () {
      const { escrow, customer, stranger, otherAdmin } = await loadFixture(deployEscrowFixture);
      for (const caller of [customer, stranger, otherAdmin]) {
        await expect(escrow.connect(caller).issueRefund(TICKET, ETH, 1n, REASON))
          .to.be.revertedWithCustomError(escrow, "EscrowNotMerchantStaff")
          .withArgs(MERCHANT, caller.address);
      }
    });

    it("reverts on bad input: zero, oversized, unknown or cancelled ticket", async function () {
      const { escrow, desk, agent, customer, token } = await loadFixture(deployEscrowFixture);
      await expect(escrow.connect(agent).issueRefund(TICKET, ETH, 0n, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowZeroAmount")
        .withArgs(ETH);
      await expect(escrow.connect(agent).issueRefund(TICKET, token, 0n, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowZeroAmount")
        .withArgs(await token.getAddress());
      await expect(escrow.connect(agent).issueRefund(TICKET, ETH, MAX_REFUND + 1n, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowAmountTooLarge")
        .withArgs(MAX_REFUND + 1n, MAX_REFUND);
      await expect(escrow.connect(agent).issueRefund(42n, ETH, 1n, REASON))
        .to.be.revertedWithCustomError(desk, "DeskUnknownTicket")
        .withArgs(42n);
      await desk.connect(customer).cancelTicket(TICKET);
      await expect(escrow.connect(agent).issueRefund(TICKET, ETH, 1n, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowTicketNotRefundable")
        .withArgs(TICKET, TicketStatus.Cancelled);
    });
  });

  describe("issueRefundAndResolve", function () {
    it("pays and resolves the ticket", async function () {
      const { escrow, desk, agent, customer } = await loadFixture(deployEscrowFixture);
      const amount = parseEther("2");
      const tx = await escrow.connect(agent).issueRefundAndResolve(TICKET, ETH, amount, REASON);
      await expect(tx)
        .to.emit(desk, "TicketStatusChanged")
        .withArgs(TICKET, TicketStatus.Open, TicketStatus.Resolved, agent.address, REASON);
      await expect(tx).to.changeEtherBalances(ethers, [escrow, customer], [-amount, amount]);
      expect(await desk.statusOf(TICKET)).to.equal(TicketStatus.Resolved);
    });

    it("reverts for a stranger", async function () {
      const { escrow, stranger } = await loadFixture(deployEscrowFixture);
      await expect(escrow.connect(stranger).issueRefundAndResolve(TICKET, ETH, 1n, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowNotMerchantStaff")
        .withArgs(MERCHANT, stranger.address);
    });
  });

  describe("rejectRefund", function () {
    it("keeps the amount locked and opens the dispute window", async function () {
      const { escrow, agent, refundId, amount } = await requestedFixture();
      const note = hashOf("used item");
      const tx = await escrow.connect(agent).rejectRefund(refundId, note);
      const disputeDeadline = (await timestampOf(tx)) + DISPUTE_WINDOW;
      await expect(tx)
        .to.emit(escrow, "RefundRejected")
        .withArgs(refundId, agent.address, note, disputeDeadline);
      await expect(tx).to.changeEtherBalance(ethers, escrow, 0n);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(amount);
      const refund = await escrow.getRefund(refundId);
      expect(refund.status).to.equal(RefundStatus.Rejected);
      expect(refund.deadline).to.equal(disputeDeadline);
    });

    it("reverts for the customer and a stranger", async function () {
      const { escrow, customer, stranger, refundId } = await requestedFixture();
      for (const caller of [customer, stranger]) {
        await expect(escrow.connect(caller).rejectRefund(refundId, REASON))
          .to.be.revertedWithCustomError(escrow, "EscrowNotMerchantStaff")
          .withArgs(MERCHANT, caller.address);
      }
    });

    it("reverts for an unknown or already rejected refund", async function () {
      const { escrow, agent, refundId } = await requestedFixture();
      await expect(escrow.connect(agent).rejectRefund(7n, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowUnknownRefund")
        .withArgs(7n);
      await escrow.connect(agent).rejectRefund(refundId, REASON);
      await expect(escrow.connect(agent).rejectRefund(refundId, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidRefundStatus")
        .withArgs(refundId, RefundStatus.Rejected);
    });

    it("is allowed at the response deadline itself", async function () {
      const { escrow, agent, refundId, deadline } = await requestedFixture();
      await time.setNextBlockTimestamp(deadline);
      await expect(escrow.connect(agent).rejectRefund(refundId, REASON))
        .to.emit(escrow, "RefundRejected")
        .withArgs(refundId, agent.address, REASON, deadline + DISPUTE_WINDOW);
    });

    it("reverts one second after the response deadline", async function () {
      const { escrow, agent, refundId, deadline } = await requestedFixture();
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(escrow.connect(agent).rejectRefund(refundId, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowResponseDeadlinePassed")
        .withArgs(refundId, deadline);
    });
  });

  describe("finalizeRejection", function () {
    it("releases the lock once the dispute window ended, for anyone", async function () {
      const { escrow, stranger, refundId, disputeDeadline } = await rejectedFixture();
      await time.setNextBlockTimestamp(disputeDeadline + 1n);
      const tx = await escrow.connect(stranger).finalizeRejection(refundId);
      await expect(tx).to.emit(escrow, "RejectionFinalized").withArgs(refundId, stranger.address);
      await expect(tx).to.changeEtherBalance(ethers, escrow, 0n);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE);
      const refund = await escrow.getRefund(refundId);
      expect(refund.status).to.equal(RefundStatus.Rejected);
      expect(refund.deadline).to.equal(0n);
    });

    for (const offset of [-1n, 0n]) {
      it(`reverts at the end of the dispute window ${offset === 0n ? "itself" : "- 1 s"}`, async function () {
        const { escrow, stranger, refundId, disputeDeadline } = await rejectedFixture();
        await time.setNextBlockTimestamp(disputeDeadline + offset);
        await expect(escrow.connect(stranger).finalizeRejection(refundId))
          .to.be.revertedWithCustomError(escrow, "EscrowDisputeWindowOpen")
          .withArgs(refundId, disputeDeadline);
      });
    }

    it("reverts a second time: the rejection is final", async function () {
      const { escrow, stranger, refundId, disputeDeadline } = await rejectedFixture();
      await time.increaseTo(disputeDeadline + 1n);
      await escrow.connect(stranger).finalizeRejection(refundId);
      await expect(escrow.connect(stranger).finalizeRejection(refundId))
        .to.be.revertedWithCustomError(escrow, "EscrowRejectionFinal")
        .withArgs(refundId);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE);
    });

    it("reverts for requested, disputed and unknown refunds", async function () {
      const { escrow, customer, stranger, refundId } = await disputedFixture();
      await expect(escrow.connect(stranger).finalizeRejection(refundId))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidRefundStatus")
        .withArgs(refundId, RefundStatus.Disputed);
      const second = await requestRefund(escrow, customer, TICKET, ETH, 1n);
      await expect(escrow.connect(stranger).finalizeRejection(second.refundId))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidRefundStatus")
        .withArgs(second.refundId, RefundStatus.Requested);
      await expect(escrow.connect(stranger).finalizeRejection(99n))
        .to.be.revertedWithCustomError(escrow, "EscrowUnknownRefund")
        .withArgs(99n);
    });
  });

  describe("disputeRefund", function () {
    it("puts the rejection before the merchant's arbiter", async function () {
      const { escrow, customer, arbiter, refundId, amount } = await rejectedFixture();
      const note = hashOf("it was broken");
      await expect(escrow.connect(customer).disputeRefund(refundId, note))
        .to.emit(escrow, "RefundDisputed")
        .withArgs(refundId, arbiter.address, note);
      expect(await escrow.disputeArbiterOf(refundId)).to.equal(arbiter.address);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(amount);
      const refund = await escrow.getRefund(refundId);
      expect(refund.status).to.equal(RefundStatus.Disputed);
      expect(refund.deadline).to.equal(0n);
    });

    it("is allowed at the end of the dispute window itself", async function () {
      const { escrow, customer, refundId, disputeDeadline } = await rejectedFixture();
      await time.setNextBlockTimestamp(disputeDeadline);
      await expect(escrow.connect(customer).disputeRefund(refundId, REASON)).to.emit(
        escrow,
        "RefundDisputed",
      );
    });

    it("reverts one second after the dispute window", async function () {
      const { escrow, customer, refundId, disputeDeadline } = await rejectedFixture();
      await time.setNextBlockTimestamp(disputeDeadline + 1n);
      await expect(escrow.connect(customer).disputeRefund(refundId, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowDisputeWindowClosed")
        .withArgs(refundId, disputeDeadline);
    });

    it("reverts for anyone but the customer", async function () {
      const { escrow, agent, customer2, stranger, refundId } = await rejectedFixture();
      for (const caller of [agent, customer2, stranger]) {
        await expect(escrow.connect(caller).disputeRefund(refundId, REASON))
          .to.be.revertedWithCustomError(escrow, "EscrowNotCustomer")
          .withArgs(TICKET, caller.address);
      }
    });

    it("reverts for a refund that was not rejected, or whose rejection is final", async function () {
      const { escrow, customer, stranger, refundId, disputeDeadline } = await rejectedFixture();
      const second = await requestRefund(escrow, customer, TICKET, ETH, 1n);
      await expect(escrow.connect(customer).disputeRefund(second.refundId, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidRefundStatus")
        .withArgs(second.refundId, RefundStatus.Requested);
      await time.increaseTo(disputeDeadline + 1n);
      await escrow.connect(stranger).finalizeRejection(refundId);
      await expect(escrow.connect(customer).disputeRefund(refundId, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowRejectionFinal")
        .withArgs(refundId);
      await expect(escrow.connect(customer).disputeRefund(0n, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowUnknownRefund")
        .withArgs(0n);
    });

    it("reverts when the merchant had no arbiter when the refund was requested", async function () {
      const { escrow, desk, admin, agent, customer } = await rejectedFixture();
      const policy = await policyOf(desk, MERCHANT);
      await desk.connect(admin).setPolicy(MERCHANT, { ...policy, arbiter: ZeroAddress });
      const { refundId } = await requestRefund(escrow, customer, TICKET, ETH, parseEther("0.1"));
      await escrow.connect(agent).rejectRefund(refundId, REASON);
      await expect(escrow.connect(customer).disputeRefund(refundId, REASON))
        .to.be.revertedWithCustomError(escrow, "EscrowNoArbiter")
        .withArgs(MERCHANT);
    });

    it("still goes to the arbiter in force at the request after the merchant removed it", async function () {
      const { escrow, desk, admin, customer, arbiter, refundId } = await rejectedFixture();
      const policy = await policyOf(desk, MERCHANT);
      await desk.connect(admin).setPolicy(MERCHANT, { ...policy, arbiter: ZeroAddress });
      await expect(escrow.connect(customer).disputeRefund(refundId, REASON))
        .to.emit(escrow, "RefundDisputed")
        .withArgs(refundId, arbiter.address, REASON);
      expect(await escrow.disputeArbiterOf(refundId)).to.equal(arbiter.address);
    });

    it("goes to the arbiter in force at the request, who keeps it whatever the policy says later", async function () {
      const { escrow, desk, admin, customer, stranger, arbiter, refundId, amount } =
        await rejectedFixture();
      const policy = await policyOf(desk, MERCHANT);
      await desk.connect(admin).setPolicy(MERCHANT, { ...policy, arbiter: stranger.address });
      await expect(escrow.connect(customer).disputeRefund(refundId, REASON))
        .to.emit(escrow, "RefundDisputed")
        .withArgs(refundId, arbiter.address, REASON);
      await expect(escrow.connect(stranger).resolveDispute(refundId, true))
        .to.be.revertedWithCustomError(escrow, "EscrowNotArbiter")
        .withArgs(MERCHANT, stranger.address, arbiter.address);
      await expect(escrow.connect(arbiter).resolveDispute(refundId, true)).to.changeEtherBalance(
        ethers,
        customer,
        amount,
      );
    });
  });

  describe("resolveDispute", function () {
    it("pays the customer when the arbiter rules for them", async function () {
      const { escrow, arbiter, customer, refundId, amount } = await disputedFixture();
      const tx = await escrow.connect(arbiter).resolveDispute(refundId, true);
      await expect(tx).to.emit(escrow, "DisputeResolved").withArgs(refundId, arbiter.address, true);
      await expect(tx)
        .to.emit(escrow, "RefundPaid")
        .withArgs(refundId, customer.address, ETH, amount, false);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [escrow, customer, arbiter],
        [-amount, amount, 0n],
      );
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - amount);
      expect(await escrow.refundStatusOf(refundId)).to.equal(RefundStatus.Paid);
    });

    it("releases the lock to the reserve when the arbiter rules for the merchant", async function () {
      const { escrow, arbiter, stranger, refundId } = await disputedFixture();
      const tx = await escrow.connect(arbiter).resolveDispute(refundId, false);
      await expect(tx)
        .to.emit(escrow, "DisputeResolved")
        .withArgs(refundId, arbiter.address, false);
      await expect(tx).to.not.emit(escrow, "RefundPaid");
      await expect(tx).to.changeEtherBalance(ethers, escrow, 0n);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE);
      const refund = await escrow.getRefund(refundId);
      expect(refund.status).to.equal(RefundStatus.Rejected);
      expect(refund.deadline).to.equal(0n);
      await expect(escrow.connect(stranger).finalizeRejection(refundId))
        .to.be.revertedWithCustomError(escrow, "EscrowRejectionFinal")
        .withArgs(refundId);
    });

    it("reverts for anyone but the arbiter", async function () {
      const { escrow, admin, agent, customer, stranger, arbiter, refundId } =
        await disputedFixture();
      for (const caller of [admin, agent, customer, stranger]) {
        await expect(escrow.connect(caller).resolveDispute(refundId, true))
          .to.be.revertedWithCustomError(escrow, "EscrowNotArbiter")
          .withArgs(MERCHANT, caller.address, arbiter.address);
      }
    });

    it("reverts for a refund that is not disputed, and a second time", async function () {
      const { escrow, arbiter, customer, refundId } = await disputedFixture();
      await escrow.connect(arbiter).resolveDispute(refundId, true);
      await expect(escrow.connect(arbiter).resolveDispute(refundId, true))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidRefundStatus")
        .withArgs(refundId, RefundStatus.Paid);
      const second = await requestRefund(escrow, customer, TICKET, ETH, 1n);
      await expect(escrow.connect(arbiter).resolveDispute(second.refundId, false))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidRefundStatus")
        .withArgs(second.refundId, RefundStatus.Requested);
      await expect(escrow.connect(arbiter).resolveDispute(50n, false))
        .to.be.revertedWithCustomError(escrow, "EscrowUnknownRefund")
        .withArgs(50n);
    });
  });

  describe("executeRefund", function () {
    it("pays the customer, not the caller, once the merchant let the deadline pass", async function () {
      const { escrow, stranger, customer, refundId, deadline, amount } = await requestedFixture();
      await time.setNextBlockTimestamp(deadline + 1n);
      const tx = await escrow.connect(stranger).executeRefund(refundId);
      await expect(tx).to.emit(escrow, "RefundExecuted").withArgs(refundId, stranger.address);
      await expect(tx)
        .to.emit(escrow, "RefundPaid")
        .withArgs(refundId, customer.address, ETH, amount, false);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [escrow, customer, stranger],
        [-amount, amount, 0n],
      );
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
      expect(await escrow.refundStatusOf(refundId)).to.equal(RefundStatus.Paid);
    });

    it("lets the customer execute their own refund", async function () {
      const { escrow, customer, refundId, deadline, amount } = await requestedFixture();
      await time.increaseTo(deadline + 1n);
      await expect(escrow.connect(customer).executeRefund(refundId)).to.changeEtherBalance(
        ethers,
        customer,
        amount,
      );
    });

    for (const offset of [-1n, 0n]) {
      it(`reverts at the response deadline ${offset === 0n ? "itself" : "- 1 s"}`, async function () {
        const { escrow, stranger, refundId, deadline } = await requestedFixture();
        await time.setNextBlockTimestamp(deadline + offset);
        await expect(escrow.connect(stranger).executeRefund(refundId))
          .to.be.revertedWithCustomError(escrow, "EscrowResponseDeadlineNotReached")
          .withArgs(refundId, deadline);
      });
    }

    it("reverts for rejected, paid and unknown refunds", async function () {
      const { escrow, agent, customer, stranger, refundId } = await requestedFixture();
      await escrow.connect(agent).rejectRefund(refundId, REASON);
      const second = await requestRefund(escrow, customer, TICKET, ETH, 1n);
      await time.increaseTo(second.deadline + 1n);
      await expect(escrow.connect(stranger).executeRefund(refundId))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidRefundStatus")
        .withArgs(refundId, RefundStatus.Rejected);
      await escrow.connect(stranger).executeRefund(second.refundId);
      await expect(escrow.connect(stranger).executeRefund(second.refundId))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidRefundStatus")
        .withArgs(second.refundId, RefundStatus.Paid);
      await expect(escrow.connect(stranger).executeRefund(3n))
        .to.be.revertedWithCustomError(escrow, "EscrowUnknownRefund")
        .withArgs(3n);
    });
  });

  describe("cancelRefund", function () {
    it("releases the lock back to the reserve", async function () {
      const { escrow, customer, refundId } = await requestedFixture();
      const tx = await escrow.connect(customer).cancelRefund(refundId);
      await expect(tx).to.emit(escrow, "RefundCancelled").withArgs(refundId);
      await expect(tx).to.changeEtherBalances(ethers, [escrow, customer], [0n, 0n]);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE);
      const refund = await escrow.getRefund(refundId);
      expect(refund.status).to.equal(RefundStatus.Cancelled);
      expect(refund.deadline).to.equal(0n);
    });

    it("is allowed after the response deadline, while still Requested", async function () {
      const { escrow, customer, refundId, deadline } = await requestedFixture();
      await time.increaseTo(deadline + 100n);
      await expect(escrow.connect(customer).cancelRefund(refundId)).to.emit(
        escrow,
        "RefundCancelled",
      );
    });

    it("reverts for anyone but the customer", async function () {
      const { escrow, agent, admin, customer2, stranger, refundId } = await requestedFixture();
      for (const caller of [agent, admin, customer2, stranger]) {
        await expect(escrow.connect(caller).cancelRefund(refundId))
          .to.be.revertedWithCustomError(escrow, "EscrowNotCustomer")
          .withArgs(TICKET, caller.address);
      }
    });

    it("reverts once the refund is no longer Requested", async function () {
      const { escrow, agent, customer, refundId } = await requestedFixture();
      await escrow.connect(agent).approveRefund(refundId);
      await expect(escrow.connect(customer).cancelRefund(refundId))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidRefundStatus")
        .withArgs(refundId, RefundStatus.Paid);
      await expect(escrow.connect(customer).cancelRefund(9n))
        .to.be.revertedWithCustomError(escrow, "EscrowUnknownRefund")
        .withArgs(9n);
    });
  });

  describe("views", function () {
    it("report None and revert for a refund that does not exist", async function () {
      const { escrow } = await loadFixture(deployEscrowFixture);
      expect(await escrow.refundStatusOf(1n)).to.equal(RefundStatus.None);
      expect(await escrow.refundCount()).to.equal(0n);
      await expect(escrow.getRefund(1n))
        .to.be.revertedWithCustomError(escrow, "EscrowUnknownRefund")
        .withArgs(1n);
    });

    it("let the books be rebuilt from events alone", async function () {
      const { escrow, admin, agent, customer, customer2, stranger, token } =
        await loadFixture(deployEscrowFixture);
      const tokenAddress = await token.getAddress();
      await escrow.connect(stranger).deposit(MERCHANT, ETH, 123n, { value: 123n });
      const first = await requestRefund(escrow, customer, TICKET, ETH, 1000n);
      const second = await requestRefund(escrow, customer2, TICKET2, tokenAddress, 500n);
      const third = await requestRefund(escrow, customer, TICKET, ETH, 77n);
      await escrow.connect(agent).approveRefund(first.refundId);
      await escrow.connect(agent).rejectRefund(second.refundId, REASON);
      await escrow.connect(customer).cancelRefund(third.refundId);
      await escrow.connect(agent).issueRefund(TICKET2, tokenAddress, 42n, REASON);
      await escrow.connect(admin).withdrawReserve(MERCHANT, ETH, 5n, admin.address);
      const conceded = await requestRefund(escrow, customer, TICKET, ETH, 55n);
      await escrow.connect(agent).rejectRefund(conceded.refundId, REASON);
      await escrow.connect(customer).disputeRefund(conceded.refundId, REASON);
      await escrow.connect(admin).approveRefund(conceded.refundId);

      const available = new Map<string, bigint>();
      const locked = new Map<string, bigint>();
      const refunds = new Map<bigint, { token: string; amount: bigint }>();
      const add = (m: Map<string, bigint>, key: string, delta: bigint) =>
        m.set(key, (m.get(key) ?? 0n) + delta);
      const logs = await ethers.provider.getLogs({
        address: await escrow.getAddress(),
        fromBlock: 0,
      });
      for (const log of logs) {
        const parsed = escrow.interface.parseLog(log);
        if (parsed === null) continue;
        const a = parsed.args;
        switch (parsed.name) {
          case "ReserveDeposited":
            if (a[0] === MERCHANT) add(available, a[1] as string, a[3] as bigint);
            break;
          case "ReserveWithdrawn":
            add(available, a[1] as string, -(a[3] as bigint));
            break;
          case "RefundRequested":
            refunds.set(a[0] as bigint, { token: a[3] as string, amount: a[4] as bigint });
            add(available, a[3] as string, -(a[4] as bigint));
            add(locked, a[3] as string, a[4] as bigint);
            break;
          case "RefundIssued":
            break;
          case "RefundPaid": {
            const known = refunds.get(a[0] as bigint);
            if (known === undefined) add(available, a[2] as string, -(a[3] as bigint));
            else add(locked, a[2] as string, -(a[3] as bigint));
            break;
          }
          case "RefundCancelled": {
            const r = refunds.get(a[0] as bigint);
            if (r === undefined) throw new Error("cancel of an unknown refund");
            add(locked, r.token, -r.amount);
            add(available, r.token, r.amount);
            break;
          }
        }
      }
      for (const t of [ETH, tokenAddress]) {
        expect(available.get(t)).to.equal(await escrow.reserveOf(MERCHANT, t));
        expect(locked.get(t) ?? 0n).to.equal(await escrow.lockedOf(MERCHANT, t));
      }
    });
  });
});
