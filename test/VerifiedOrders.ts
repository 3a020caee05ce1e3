import { expect } from "chai";
import { network } from "hardhat";
import { ZeroAddress, parseEther } from "ethers";

import {
  ETH,
  ETH_RESERVE,
  MERCHANT,
  OTHER_MERCHANT,
  RefundStatus,
  TICKET,
  escrowFixture,
  hashOf,
} from "./helpers/escrow.js";
import { openVerifiedTicket, receiptFor, signReceipt } from "./helpers/receipts.js";
import { signForwardRequest } from "./helpers/forwarder.js";
import {
  orderReceiptFromJson,
  orderReceiptToJson,
  verifyOrderReceipt,
  hashOrderReceipt,
} from "../src/index.js";

const connection = await network.create();
const { ethers } = connection;
const { loadFixture, time } = connection.networkHelpers;
const deployEscrowFixture = escrowFixture(connection);

const ORDER = hashOf("order 77");
const PAID = parseEther("2");

/** Merchant 1 accepts its admin's receipts; the customer opens two verified tickets on one 2 ETH order. */
async function orderFixture() {
  const f = await loadFixture(deployEscrowFixture);
  const first = await openVerifiedTicket(f.desk, f.admin, f.customer, MERCHANT, {
    orderRef: ORDER,
    amount: PAID,
  });
  const second = await openVerifiedTicket(f.desk, f.admin, f.customer, MERCHANT, {
    orderRef: ORDER,
    amount: PAID,
  });
  return { ...f, first, second };
}

describe("Verified orders", function () {
  describe("setOrderSigner / setReceiptRequired", function () {
    it("lets the admin name signers and require receipts, with events", async function () {
      const { desk, admin, agent } = await loadFixture(deployEscrowFixture);
      await expect(desk.connect(admin).setOrderSigner(MERCHANT, agent.address, true))
        .to.emit(desk, "OrderSignerSet")
        .withArgs(MERCHANT, agent.address, true);
      expect(await desk.isOrderSigner(MERCHANT, agent.address)).to.equal(true);
      expect(await desk.isOrderSigner(OTHER_MERCHANT, agent.address)).to.equal(false);
      await expect(desk.connect(admin).setReceiptRequired(MERCHANT, true))
        .to.emit(desk, "ReceiptRequirementSet")
        .withArgs(MERCHANT, true);
      expect(await desk.receiptRequired(MERCHANT)).to.equal(true);
      expect(await desk.receiptRequired(OTHER_MERCHANT)).to.equal(false);
    });

    it("reverts when an agent or another merchant's admin names a signer", async function () {
      const { desk, agent, otherAdmin, stranger } = await loadFixture(deployEscrowFixture);
      await expect(desk.connect(agent).setOrderSigner(MERCHANT, agent.address, true))
        .to.be.revertedWithCustomError(desk, "DeskNotMerchantAdmin")
        .withArgs(MERCHANT, agent.address);
      await expect(desk.connect(otherAdmin).setReceiptRequired(MERCHANT, true))
        .to.be.revertedWithCustomError(desk, "DeskNotMerchantAdmin")
        .withArgs(MERCHANT, otherAdmin.address);
      await expect(desk.connect(stranger).setOrderSigner(9n, stranger.address, true))
        .to.be.revertedWithCustomError(desk, "DeskUnknownMerchant")
        .withArgs(9n);
    });

    it("reverts for the zero address as a signer", async function () {
      const { desk, admin } = await loadFixture(deployEscrowFixture);
      await expect(desk.connect(admin).setOrderSigner(MERCHANT, ZeroAddress, true))
        .to.be.revertedWithCustomError(desk, "DeskInvalidOrderSigner")
        .withArgs(ZeroAddress);
    });
  });

  describe("openTicketWithReceipt", function () {
    it("opens a verified ticket with the receipt's order, and emits TicketOpened and TicketVerified", async function () {
      const { desk, admin, customer } = await loadFixture(deployEscrowFixture);
      await desk.connect(admin).setOrderSigner(MERCHANT, admin.address, true);
      const signed = await signReceipt(
        desk,
        admin,
        await receiptFor(desk, MERCHANT, customer.address, { orderRef: ORDER, amount: PAID }),
      );
      const content = hashOf("the tent leaks");
      const tx = desk
        .connect(customer)
        .openTicketWithReceipt(signed.receipt, signed.signature, content, 2);
      const ticketId = (await desk.ticketCount()) + 1n;
      await expect(tx)
        .to.emit(desk, "TicketOpened")
        .withArgs(ticketId, MERCHANT, customer.address, ORDER, content, 2);
      await expect(tx)
        .to.emit(desk, "TicketVerified")
        .withArgs(ticketId, ORDER, admin.address, ETH, PAID);
      const [verified, orderRef, token, amount, supportUntil] = await desk.receiptOf(ticketId);
      expect([verified, orderRef, token, amount, supportUntil]).to.deep.equal([
        true,
        ORDER,
        ETH,
        PAID,
        signed.receipt.supportUntil,
      ]);
      expect((await desk.getTicket(ticketId)).verified).to.equal(true);
    });

    it("opens gaslessly through the forwarder for the receipt's customer", async function () {
      const { desk, forwarder, admin, customer, relayer } = await loadFixture(deployEscrowFixture);
      await desk.connect(admin).setOrderSigner(MERCHANT, admin.address, true);
      const signed = await signReceipt(
        desk,
        admin,
        await receiptFor(desk, MERCHANT, customer.address, { orderRef: ORDER }),
      );
      const data = desk.interface.encodeFunctionData("openTicketWithReceipt", [
        signed.receipt,
        signed.signature,
        hashOf("relayed"),
        1,
      ]);
      const request = await signForwardRequest(forwarder, customer, desk, data);
      await forwarder.connect(relayer).execute(request);
      const ticketId = await desk.ticketCount();
      expect(await desk.customerOf(ticketId)).to.equal(customer.address);
      expect((await desk.receiptOf(ticketId))[0]).to.equal(true);
    });

    it("reverts when someone else than the receipt's customer uses it", async function () {
      const { desk, admin, customer, stranger } = await loadFixture(deployEscrowFixture);
      await desk.connect(admin).setOrderSigner(MERCHANT, admin.address, true);
      const signed = await signReceipt(
        desk,
        admin,
        await receiptFor(desk, MERCHANT, customer.address),
      );
      await expect(
        desk
          .connect(stranger)
          .openTicketWithReceipt(signed.receipt, signed.signature, hashOf("x"), 1),
      )
        .to.be.revertedWithCustomError(desk, "DeskReceiptNotForCaller")
        .withArgs(customer.address, stranger.address);
    });

    it("accepts a receipt up to supportUntil and refuses it one second later", async function () {
      const { desk, admin, customer } = await loadFixture(deployEscrowFixture);
      await desk.connect(admin).setOrderSigner(MERCHANT, admin.address, true);
      const now = BigInt(await time.latest());
      const signed = await signReceipt(
        desk,
        admin,
        await receiptFor(desk, MERCHANT, customer.address, { supportUntil: now + 100n }),
      );
      await time.setNextBlockTimestamp(now + 100n);
      await desk
        .connect(customer)
        .openTicketWithReceipt(signed.receipt, signed.signature, hashOf("a"), 1);
      await time.setNextBlockTimestamp(now + 101n);
      await expect(
        desk
          .connect(customer)
          .openTicketWithReceipt(signed.receipt, signed.signature, hashOf("b"), 1),
      )
        .to.be.revertedWithCustomError(desk, "DeskReceiptExpired")
        .withArgs(now + 100n);
    });

    it("reverts for a signer the merchant never named or revoked", async function () {
      const { desk, admin, agent, customer } = await loadFixture(deployEscrowFixture);
      const signed = await signReceipt(
        desk,
        agent,
        await receiptFor(desk, MERCHANT, customer.address),
      );
      await expect(
        desk
          .connect(customer)
          .openTicketWithReceipt(signed.receipt, signed.signature, hashOf("x"), 1),
      )
        .to.be.revertedWithCustomError(desk, "DeskNotOrderSigner")
        .withArgs(MERCHANT, agent.address);
      await desk.connect(admin).setOrderSigner(MERCHANT, agent.address, true);
      await desk
        .connect(customer)
        .openTicketWithReceipt(signed.receipt, signed.signature, hashOf("y"), 1);
      await desk.connect(admin).setOrderSigner(MERCHANT, agent.address, false);
      await expect(
        desk
          .connect(customer)
          .openTicketWithReceipt(signed.receipt, signed.signature, hashOf("z"), 1),
      )
        .to.be.revertedWithCustomError(desk, "DeskNotOrderSigner")
        .withArgs(MERCHANT, agent.address);
    });

    it("reverts for a receipt altered after signing (the signature recovers to someone else)", async function () {
      const { desk, admin, customer } = await loadFixture(deployEscrowFixture);
      await desk.connect(admin).setOrderSigner(MERCHANT, admin.address, true);
      const signed = await signReceipt(
        desk,
        admin,
        await receiptFor(desk, MERCHANT, customer.address),
      );
      const tampered = { ...signed.receipt, amount: signed.receipt.amount * 10n };
      const { chainId } = await ethers.provider.getNetwork();
      const recovered = ethers.recoverAddress(
        hashOrderReceipt(tampered, await desk.getAddress(), chainId),
        signed.signature,
      );
      await expect(
        desk.connect(customer).openTicketWithReceipt(tampered, signed.signature, hashOf("x"), 1),
      )
        .to.be.revertedWithCustomError(desk, "DeskNotOrderSigner")
        .withArgs(MERCHANT, recovered);
    });

    it("refuses a second receipt of the same order with other terms, and accepts one that extends support", async function () {
      const { desk, admin, customer } = await loadFixture(deployEscrowFixture);
      await openVerifiedTicket(desk, admin, customer, MERCHANT, { orderRef: ORDER, amount: PAID });
      const other = await signReceipt(
        desk,
        admin,
        await receiptFor(desk, MERCHANT, customer.address, { orderRef: ORDER, amount: PAID + 1n }),
      );
      await expect(
        desk
          .connect(customer)
          .openTicketWithReceipt(other.receipt, other.signature, hashOf("x"), 1),
      )
        .to.be.revertedWithCustomError(desk, "DeskOrderTermsMismatch")
        .withArgs(MERCHANT, ORDER, ETH, PAID);
      const later = BigInt(await time.latest()) + 1000n * 86_400n;
      const ticketId = await openVerifiedTicket(desk, admin, customer, MERCHANT, {
        orderRef: ORDER,
        amount: PAID,
        supportUntil: later,
      });
      expect((await desk.receiptOf(ticketId))[4]).to.equal(later);
    });

    it("reverts for a zero order reference and an unknown merchant", async function () {
      const { desk, admin, customer } = await loadFixture(deployEscrowFixture);
      await desk.connect(admin).setOrderSigner(MERCHANT, admin.address, true);
      const zero = await signReceipt(desk, admin, {
        ...(await receiptFor(desk, MERCHANT, customer.address)),
      });
      const withZeroRef = { ...zero.receipt, orderRef: ethers.ZeroHash };
      await expect(
        desk.connect(customer).openTicketWithReceipt(withZeroRef, zero.signature, hashOf("x"), 1),
      )
        .to.be.revertedWithCustomError(desk, "DeskInvalidOrderRef")
        .withArgs(ethers.ZeroHash);
      const unknown = { ...zero.receipt, merchantId: 9n };
      await expect(
        desk.connect(customer).openTicketWithReceipt(unknown, zero.signature, hashOf("x"), 1),
      )
        .to.be.revertedWithCustomError(desk, "DeskUnknownMerchant")
        .withArgs(9n);
    });
  });

  describe("a merchant that requires receipts", function () {
    it("refuses openTicket, so a stranger without a receipt cannot lock its reserve", async function () {
      const { desk, escrow, admin, stranger } = await loadFixture(deployEscrowFixture);
      await desk.connect(admin).setReceiptRequired(MERCHANT, true);
      await expect(desk.connect(stranger).openTicket(MERCHANT, hashOf("o"), hashOf("c"), 1))
        .to.be.revertedWithCustomError(desk, "DeskReceiptRequired")
        .withArgs(MERCHANT);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
    });
  });

  describe("refunds of a verified order", function () {
    it("sums every ticket's refunds up to the order's amount and refuses one wei over, naming what is left", async function () {
      const { escrow, agent, customer, first, second } = await orderFixture();
      await escrow.connect(customer).requestRefund(first, ETH, parseEther("1.5"), hashOf("a"));
      await escrow.connect(agent).issueRefund(second, ETH, parseEther("0.4"), hashOf("b"));
      expect(await escrow.refundedForOrder(MERCHANT, ORDER)).to.equal(parseEther("1.9"));
      await expect(
        escrow.connect(customer).requestRefund(second, ETH, parseEther("0.1") + 1n, hashOf("c")),
      )
        .to.be.revertedWithCustomError(escrow, "EscrowOrderRefundExceeded")
        .withArgs(MERCHANT, ORDER, parseEther("0.1"), parseEther("0.1") + 1n);
      await escrow.connect(customer).requestRefund(second, ETH, parseEther("0.1"), hashOf("d"));
      expect(await escrow.refundedForOrder(MERCHANT, ORDER)).to.equal(PAID);
    });

    it("gives a cancelled, finally rejected or lost dispute's amount back to the order", async function () {
      const { escrow, agent, customer, arbiter, first } = await orderFixture();
      const amount = parseEther("2");
      await escrow.connect(customer).requestRefund(first, ETH, amount, hashOf("a"));
      await escrow.connect(customer).cancelRefund(await escrow.refundCount());
      expect(await escrow.refundedForOrder(MERCHANT, ORDER)).to.equal(0n);

      await escrow.connect(customer).requestRefund(first, ETH, amount, hashOf("b"));
      const rejected = await escrow.refundCount();
      await escrow.connect(agent).rejectRefund(rejected, hashOf("no"));
      await time.increase(8 * 86_400);
      await escrow.finalizeRejection(rejected);
      expect(await escrow.refundedForOrder(MERCHANT, ORDER)).to.equal(0n);

      await escrow.connect(customer).requestRefund(first, ETH, amount, hashOf("c"));
      const disputed = await escrow.refundCount();
      await escrow.connect(agent).rejectRefund(disputed, hashOf("no"));
      await escrow.connect(customer).disputeRefund(disputed, hashOf("yes"));
      await escrow.connect(arbiter).resolveDispute(disputed, false);
      expect(await escrow.refundedForOrder(MERCHANT, ORDER)).to.equal(0n);
      expect(await escrow.refundStatusOf(disputed)).to.equal(RefundStatus.Rejected);
    });

    it("keeps a paid refund counted", async function () {
      const { escrow, agent, customer, first } = await orderFixture();
      await escrow.connect(customer).requestRefund(first, ETH, parseEther("1"), hashOf("a"));
      await escrow.connect(agent).approveRefund(await escrow.refundCount());
      expect(await escrow.refundedForOrder(MERCHANT, ORDER)).to.equal(parseEther("1"));
      await expect(
        escrow.connect(customer).requestRefund(first, ETH, parseEther("1.5"), hashOf("b")),
      )
        .to.be.revertedWithCustomError(escrow, "EscrowOrderRefundExceeded")
        .withArgs(MERCHANT, ORDER, parseEther("1"), parseEther("1.5"));
    });

    it("reverts for a refund in another token than the order's", async function () {
      const { escrow, agent, customer, token, first } = await orderFixture();
      await expect(escrow.connect(customer).requestRefund(first, token, 1n, hashOf("a")))
        .to.be.revertedWithCustomError(escrow, "EscrowWrongOrderToken")
        .withArgs(first, ETH, await token.getAddress());
      await expect(escrow.connect(agent).issueRefund(first, token, 1n, hashOf("b")))
        .to.be.revertedWithCustomError(escrow, "EscrowWrongOrderToken")
        .withArgs(first, ETH, await token.getAddress());
    });

    it("leaves unverified tickets uncapped", async function () {
      const { escrow, customer } = await orderFixture();
      await escrow.connect(customer).requestRefund(TICKET, ETH, parseEther("5"), hashOf("a"));
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(parseEther("5"));
    });
  });

  describe("verifiedMerchantStats", function () {
    it("counts verified tickets' ratings apart, and moves them on amendment", async function () {
      const { desk, feedback, agent, customer, first } = await orderFixture();
      await desk.connect(agent).resolveTicket(first, hashOf("done"));
      await desk.connect(agent).resolveTicket(TICKET, hashOf("done"));
      await feedback.connect(customer).attest(first, 5, hashOf("great"));
      await feedback.connect(customer).attest(TICKET, 1, hashOf("self-review?"));
      const overall = await feedback.merchantStats(MERCHANT);
      const verified = await feedback.verifiedMerchantStats(MERCHANT);
      expect([overall.count, overall.sum]).to.deep.equal([2n, 6n]);
      expect([verified.count, verified.sum]).to.deep.equal([1n, 5n]);
      expect(verified.histogram.map((n: bigint) => n)).to.deep.equal([0n, 0n, 0n, 0n, 1n]);
      await feedback.connect(customer).amend((first << 8n) | 0n, 3, hashOf("it broke again"));
      const amended = await feedback.verifiedMerchantStats(MERCHANT);
      expect([amended.count, amended.sum]).to.deep.equal([1n, 3n]);
      expect(amended.histogram.map((n: bigint) => n)).to.deep.equal([0n, 0n, 1n, 0n, 0n]);
    });
  });

  describe("the package's receipt helpers", function () {
    it("verifies a signed receipt off chain and round-trips it through JSON", async function () {
      const { desk, admin, customer } = await loadFixture(deployEscrowFixture);
      const signed = await signReceipt(
        desk,
        admin,
        await receiptFor(desk, MERCHANT, customer.address),
      );
      expect(await verifyOrderReceipt(signed)).to.deep.equal({
        valid: true,
        signer: admin.address,
        contractSigner: false,
      });
      const back = orderReceiptFromJson(orderReceiptToJson(signed));
      expect(back).to.deep.equal(signed);
      expect(() => orderReceiptFromJson("{}")).to.throw("receipt is missing");
      expect(() =>
        orderReceiptFromJson(orderReceiptToJson(signed).replace(signed.receipt.customer, "0x12")),
      ).to.throw("receipt.customer is not an address");
    });
  });
});
