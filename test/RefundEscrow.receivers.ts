import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { network } from "hardhat";
import { parseEther, parseUnits, ZeroAddress } from "ethers";

import {
  ETH,
  ETH_RESERVE,
  MERCHANT,
  TICKET,
  TOKEN_RESERVE,
  WalletMode,
  deployWallet,
  escrowFixture,
  gasUsedBy,
  hashOf,
  openTicketAs,
  requestRefund,
  requestRefundAs,
} from "./helpers/escrow.js";
import { signForwardRequest } from "./helpers/forwarder.js";

const connection = await network.create();
const { ethers } = connection;
const { loadFixture, time } = connection.networkHelpers;
const deployEscrowFixture = escrowFixture(connection);

const REASON = hashOf("reason");
const AMOUNT = parseEther("1");
/**
 * A payout to a receiver that burns its whole stipend costs the payer at most this much gas: the 50,000
 * stipend plus the call's own cost (about 100,000 in all), with headroom for coverage's instrumented
 * bytecode. Without the stipend the receiver would burn all the gas the payer sent (millions).
 */
const MAX_GAS_WITH_HOSTILE_RECEIVER = 175_000n;

/** A contract wallet (mode `mode`) that opened ticket 4 at merchant 1 and asked refund 1 of 1 ETH. */
async function walletFixture(mode: number) {
  const f = await loadFixture(deployEscrowFixture);
  const wallet = await deployWallet(f.deployer);
  const ticketId = await openTicketAs(f.desk, wallet, MERCHANT);
  const refundId = await requestRefundAs(f.escrow, wallet, ticketId, ETH, AMOUNT);
  await wallet.setMode(mode);
  return { ...f, wallet, ticketId, refundId };
}

describe("RefundEscrow receivers", function () {
  describe("payouts to contract wallets", function () {
    it("pays a wallet that does work on receipt, within the stipend", async function () {
      const { escrow, agent, wallet, refundId } = await walletFixture(WalletMode.Accept);
      const tx = await escrow.connect(agent).approveRefund(refundId);
      await expect(tx).to.emit(wallet, "Received").withArgs(AMOUNT);
      await expect(tx)
        .to.emit(escrow, "RefundPaid")
        .withArgs(refundId, await wallet.getAddress(), ETH, AMOUNT, false);
      await expect(tx).to.changeEtherBalances(ethers, [escrow, wallet], [-AMOUNT, AMOUNT]);
      expect(await escrow.creditOf(wallet, ETH)).to.equal(0n);
    });

    it("credits a wallet that reverts, which withdraws to another address", async function () {
      const { escrow, agent, customer2, wallet, refundId } = await walletFixture(WalletMode.Revert);
      const walletAddress = await wallet.getAddress();
      const tx = await escrow.connect(agent).approveRefund(refundId);
      await expect(tx)
        .to.emit(escrow, "RefundPaid")
        .withArgs(refundId, walletAddress, ETH, AMOUNT, true);
      await expect(tx).to.changeEtherBalances(ethers, [escrow, wallet], [0n, 0n]);
      expect(await escrow.creditOf(wallet, ETH)).to.equal(AMOUNT);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(0n);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(ETH_RESERVE - AMOUNT);

      const escrowAddress = await escrow.getAddress();
      await expect(
        wallet.execute(
          escrowAddress,
          0n,
          escrow.interface.encodeFunctionData("withdrawCredit", [ETH]),
        ),
      )
        .to.be.revertedWithCustomError(escrow, "EscrowTransferFailed")
        .withArgs(walletAddress, ETH, AMOUNT);

      const withdrawTo = wallet.execute(
        escrowAddress,
        0n,
        escrow.interface.encodeFunctionData("withdrawCreditTo", [ETH, customer2.address]),
      );
      await expect(withdrawTo)
        .to.emit(escrow, "CreditWithdrawn")
        .withArgs(walletAddress, ETH, AMOUNT, customer2.address);
      await expect(withdrawTo).to.changeEtherBalances(
        ethers,
        [escrow, customer2],
        [-AMOUNT, AMOUNT],
      );
      expect(await escrow.creditOf(wallet, ETH)).to.equal(0n);
    });

    it("credits a wallet that burns all gas, at a bounded cost to the payer", async function () {
      const { escrow, agent, wallet, refundId } = await walletFixture(WalletMode.BurnGas);
      const tx = await escrow.connect(agent).approveRefund(refundId);
      await expect(tx)
        .to.emit(escrow, "RefundPaid")
        .withArgs(refundId, await wallet.getAddress(), ETH, AMOUNT, true);
      expect(await gasUsedBy(tx)).to.be.lessThan(MAX_GAS_WITH_HOSTILE_RECEIVER);
      expect(await escrow.creditOf(wallet, ETH)).to.equal(AMOUNT);
    });

    it("credits a wallet that reverts with a returndata bomb, without copying it", async function () {
      const { escrow, agent, wallet, refundId } = await walletFixture(WalletMode.ReturnBomb);
      const tx = await escrow.connect(agent).approveRefund(refundId);
      await expect(tx)
        .to.emit(escrow, "RefundPaid")
        .withArgs(refundId, await wallet.getAddress(), ETH, AMOUNT, true);
      expect(await gasUsedBy(tx)).to.be.lessThan(MAX_GAS_WITH_HOSTILE_RECEIVER);
    });

    it("credits every payout path, and credits add up", async function () {
      const { escrow, desk, agent, arbiter, stranger, wallet, ticketId, refundId } =
        await walletFixture(WalletMode.Revert);
      await escrow.connect(agent).approveRefund(refundId); // 1 ETH
      await escrow.connect(agent).issueRefund(ticketId, ETH, 2n, REASON); // issue
      const executed = await requestRefundAs(escrow, wallet, ticketId, ETH, 3n);
      const disputed = await requestRefundAs(escrow, wallet, ticketId, ETH, 4n);
      await escrow.connect(agent).rejectRefund(disputed, REASON);
      await wallet.execute(
        await escrow.getAddress(),
        0n,
        escrow.interface.encodeFunctionData("disputeRefund", [disputed, REASON]),
      );
      await expect(escrow.connect(arbiter).resolveDispute(disputed, true))
        .to.emit(escrow, "RefundPaid")
        .withArgs(disputed, await wallet.getAddress(), ETH, 4n, true);
      await time.increaseTo((await escrow.getRefund(executed)).deadline + 1n);
      await expect(escrow.connect(stranger).executeRefund(executed))
        .to.emit(escrow, "RefundPaid")
        .withArgs(executed, await wallet.getAddress(), ETH, 3n, true);
      await expect(escrow.connect(agent).issueRefundAndResolve(ticketId, ETH, 5n, REASON))
        .to.emit(escrow, "RefundPaid")
        .withArgs(5n, await wallet.getAddress(), ETH, 5n, true);
      expect(await desk.statusOf(ticketId)).to.equal(4n);
      expect(await escrow.creditOf(wallet, ETH)).to.equal(AMOUNT + 2n + 3n + 4n + 5n);
      expect(await ethers.provider.getBalance(escrow)).to.equal(
        (await escrow.reserveOf(MERCHANT, ETH)) +
          (await escrow.reserveOf(2n, ETH)) +
          (await escrow.creditOf(wallet, ETH)),
      );
    });

    it("does not let one refusing receiver block anyone else's payout", async function () {
      const { escrow, agent, customer, wallet, refundId } = await walletFixture(WalletMode.Revert);
      const other = await requestRefund(escrow, customer, TICKET, ETH, AMOUNT);
      await escrow.connect(agent).approveRefund(refundId);
      await expect(escrow.connect(agent).approveRefund(other.refundId)).to.changeEtherBalance(
        ethers,
        customer,
        AMOUNT,
      );
      expect(await escrow.creditOf(wallet, ETH)).to.equal(AMOUNT);
    });

    it("credits an ERC-20 payout to a blocklisted customer, who withdraws elsewhere or once unblocked", async function () {
      const { escrow, token, agent, customer, customer2 } = await loadFixture(deployEscrowFixture);
      const tokenAddress = await token.getAddress();
      const amount = parseUnits("30", 18);
      const first = await requestRefund(escrow, customer, TICKET, tokenAddress, amount);
      const second = await requestRefund(escrow, customer, TICKET, tokenAddress, amount);
      await token.setBlocked(customer.address, true);
      const tx = await escrow.connect(agent).approveRefund(first.refundId);
      await expect(tx)
        .to.emit(escrow, "RefundPaid")
        .withArgs(first.refundId, customer.address, tokenAddress, amount, true);
      await expect(tx).to.changeTokenBalances(ethers, token, [escrow, customer], [0n, 0n]);
      expect(await escrow.creditOf(customer, token)).to.equal(amount);

      await expect(escrow.connect(customer).withdrawCredit(token))
        .to.be.revertedWithCustomError(token, "TestTokenBlocked")
        .withArgs(customer.address);
      await expect(
        escrow.connect(customer).withdrawCreditTo(token, customer2.address),
      ).to.changeTokenBalances(ethers, token, [escrow, customer2], [-amount, amount]);

      await escrow.connect(agent).approveRefund(second.refundId);
      await token.setBlocked(customer.address, false);
      const withdraw = escrow.connect(customer).withdrawCredit(token);
      await expect(withdraw)
        .to.emit(escrow, "CreditWithdrawn")
        .withArgs(customer.address, tokenAddress, amount, customer.address);
      await expect(withdraw).to.changeTokenBalances(
        ethers,
        token,
        [escrow, customer],
        [-amount, amount],
      );
      expect(await token.balanceOf(escrow)).to.equal(TOKEN_RESERVE - 2n * amount);
    });

    it("withdrawCredit reverts without a credit", async function () {
      const { escrow, customer, token } = await loadFixture(deployEscrowFixture);
      await expect(escrow.connect(customer).withdrawCredit(ETH))
        .to.be.revertedWithCustomError(escrow, "EscrowNoCredit")
        .withArgs(customer.address, ETH);
      await expect(escrow.connect(customer).withdrawCreditTo(token, customer.address))
        .to.be.revertedWithCustomError(escrow, "EscrowNoCredit")
        .withArgs(customer.address, await token.getAddress());
    });

    it("withdrawCreditTo reverts on the zero address", async function () {
      const { escrow, customer } = await loadFixture(deployEscrowFixture);
      await expect(escrow.connect(customer).withdrawCreditTo(ETH, ZeroAddress))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidRecipient")
        .withArgs(ZeroAddress);
    });
  });

  describe("reentrancy", function () {
    const ticketForCalls = 4n;
    const reentryCalls: [string, unknown[]][] = [
      ["deposit", [MERCHANT, ETH, 1n]],
      ["withdrawReserve", [MERCHANT, ETH, 1n, "WALLET"]],
      ["requestRefund", [ticketForCalls, ETH, 1n, REASON]],
      ["issueRefund", [ticketForCalls, ETH, 1n, REASON]],
      ["issueRefundAndResolve", [ticketForCalls, ETH, 1n, REASON]],
      ["approveRefund", [1n]],
      ["approveRefundAndResolve", [1n, REASON]],
      ["rejectRefund", [1n, REASON]],
      ["finalizeRejection", [1n]],
      ["executeRefund", [1n]],
      ["disputeRefund", [1n, REASON]],
      ["resolveDispute", [1n, true]],
      ["cancelRefund", [1n]],
      ["withdrawCredit", [ETH]],
      ["withdrawCreditTo", [ETH, "WALLET"]],
      ["claimSlaCompensation", [ticketForCalls]],
      ["settleOwedCompensation", [1n]],
    ];

    for (const [name, args] of reentryCalls) {
      it(`blocks re-entry into ${name} from a refund payout`, async function () {
        const { escrow, agent, wallet, refundId } = await walletFixture(WalletMode.Reenter);
        const walletAddress = await wallet.getAddress();
        const data = escrow.interface.encodeFunctionData(
          name as "deposit",
          args.map((arg) => (arg === "WALLET" ? walletAddress : arg)) as never,
        );
        await wallet.setReentry(await escrow.getAddress(), data);
        const tx = await escrow.connect(agent).approveRefund(refundId);
        await expect(tx)
          .to.emit(wallet, "ReentryAttempted")
          .withArgs(false, escrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []));
        await expect(tx)
          .to.emit(escrow, "RefundPaid")
          .withArgs(refundId, walletAddress, ETH, AMOUNT, false);
        await expect(tx).to.changeEtherBalances(ethers, [escrow, wallet], [-AMOUNT, AMOUNT]);
      });
    }

    for (const [name, args] of [
      ["approveRefund", [1n]],
      ["resolveDispute", [1n, false]],
    ] as const) {
      it(`blocks re-entry into ${name} from the payout of a conceded dispute`, async function () {
        const { escrow, admin, agent, arbiter, wallet, refundId } = await walletFixture(
          WalletMode.Reenter,
        );
        const escrowAddress = await escrow.getAddress();
        await escrow.connect(agent).rejectRefund(refundId, REASON);
        await wallet.execute(
          escrowAddress,
          0n,
          escrow.interface.encodeFunctionData("disputeRefund", [refundId, REASON]),
        );
        await wallet.setReentry(
          escrowAddress,
          escrow.interface.encodeFunctionData(name as "approveRefund", args as never),
        );
        const tx = await escrow.connect(admin).approveRefund(refundId);
        await expect(tx)
          .to.emit(escrow, "DisputeConceded")
          .withArgs(refundId, arbiter.address, admin.address);
        await expect(tx)
          .to.emit(wallet, "ReentryAttempted")
          .withArgs(false, escrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []));
        await expect(tx)
          .to.emit(escrow, "RefundPaid")
          .withArgs(refundId, await wallet.getAddress(), ETH, AMOUNT, false);
        await expect(tx).to.changeEtherBalances(ethers, [escrow, wallet], [-AMOUNT, AMOUNT]);
      });
    }

    it("lets the wallet's re-entry through where nothing needs guarding (the harness works)", async function () {
      const { escrow, agent, wallet, refundId } = await walletFixture(WalletMode.Reenter);
      await wallet.setReentry(
        await escrow.getAddress(),
        escrow.interface.encodeFunctionData("refundStatusOf", [refundId]),
      );
      await expect(escrow.connect(agent).approveRefund(refundId))
        .to.emit(wallet, "ReentryAttempted")
        .withArgs(true, ethers.AbiCoder.defaultAbiCoder().encode(["uint8"], [2n]));
    });

    it("blocks re-entry while a credit is withdrawn with all gas", async function () {
      const { escrow, agent, wallet, refundId } = await walletFixture(WalletMode.Revert);
      await escrow.connect(agent).approveRefund(refundId);
      const escrowAddress = await escrow.getAddress();
      const withdraw = escrow.interface.encodeFunctionData("withdrawCredit", [ETH]);
      await wallet.setReentry(escrowAddress, withdraw);
      await wallet.setMode(WalletMode.Reenter);
      const tx = await wallet.execute(escrowAddress, 0n, withdraw);
      await expect(tx)
        .to.emit(wallet, "ReentryAttempted")
        .withArgs(false, escrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []));
      await expect(tx).to.changeEtherBalances(ethers, [escrow, wallet], [-AMOUNT, AMOUNT]);
      expect(await escrow.creditOf(wallet, ETH)).to.equal(0n);
    });

    it("blocks re-entry from the receiver of a reserve withdrawal", async function () {
      const { escrow, admin, deployer } = await loadFixture(deployEscrowFixture);
      const wallet = await deployWallet(deployer);
      await wallet.setMode(WalletMode.Reenter);
      await wallet.setReentry(
        await escrow.getAddress(),
        escrow.interface.encodeFunctionData("withdrawReserve", [MERCHANT, ETH, 1n, admin.address]),
      );
      const tx = await escrow.connect(admin).withdrawReserve(MERCHANT, ETH, AMOUNT, wallet);
      await expect(tx)
        .to.emit(wallet, "ReentryAttempted")
        .withArgs(false, escrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []));
      await expect(tx).to.changeEtherBalances(ethers, [escrow, wallet], [-AMOUNT, AMOUNT]);
    });
  });

  describe("gasless requests (ERC-2771)", function () {
    it("lets a customer request a refund through the forwarder, the relayer paying the gas", async function () {
      const { escrow, forwarder, customer, relayer } = await loadFixture(deployEscrowFixture);
      const data = escrow.interface.encodeFunctionData("requestRefund", [
        TICKET,
        ETH,
        AMOUNT,
        REASON,
      ]);
      const request = await signForwardRequest(forwarder, customer, escrow, data);
      const customerBefore = await ethers.provider.getBalance(customer);
      const relayerBefore = await ethers.provider.getBalance(relayer);
      const tx = await forwarder.connect(relayer).execute(request);
      await expect(tx)
        .to.emit(escrow, "RefundRequested")
        .withArgs(1n, TICKET, customer.address, ETH, AMOUNT, REASON);
      await expect(tx)
        .to.emit(forwarder, "ExecutedForwardRequest")
        .withArgs(customer.address, 0n, true);
      expect(await ethers.provider.getBalance(customer)).to.equal(customerBefore);
      expect(await ethers.provider.getBalance(relayer)).to.be.lessThan(relayerBefore);
      expect(await escrow.lockedOf(MERCHANT, ETH)).to.equal(AMOUNT);
      expect((await escrow.getRefund(1n)).customer).to.equal(customer.address);
    });

    it("lets a customer cancel gaslessly, and the signer (not the relayer) is the actor", async function () {
      const { escrow, forwarder, customer, relayer } = await loadFixture(deployEscrowFixture);
      const { refundId } = await requestRefund(escrow, customer, TICKET, ETH, AMOUNT);
      const cancel = escrow.interface.encodeFunctionData("cancelRefund", [refundId]);
      const request = await signForwardRequest(forwarder, customer, escrow, cancel);
      await expect(forwarder.connect(relayer).execute(request))
        .to.emit(escrow, "RefundCancelled")
        .withArgs(refundId);
      await expect(escrow.connect(relayer).cancelRefund(refundId))
        .to.be.revertedWithCustomError(escrow, "EscrowNotCustomer")
        .withArgs(TICKET, relayer.address);
    });

    it("refuses a request whose signer is not the customer it names", async function () {
      const { escrow, forwarder, customer, stranger, relayer } =
        await loadFixture(deployEscrowFixture);
      const data = escrow.interface.encodeFunctionData("requestRefund", [
        TICKET,
        ETH,
        AMOUNT,
        REASON,
      ]);
      const signedByStranger = await signForwardRequest(forwarder, stranger, escrow, data);
      const forged = { ...signedByStranger, from: customer.address };
      await expect(forwarder.connect(relayer).execute(forged))
        .to.be.revertedWithCustomError(forwarder, "ERC2771ForwarderInvalidSigner")
        .withArgs(anyValue, customer.address); // recovered from a message nobody signed
      // Signed honestly by the stranger, the escrow sees the stranger (not the relayer) and refuses;
      // the forwarder reports the failed call.
      const honest = await signForwardRequest(forwarder, stranger, escrow, data);
      await expect(forwarder.connect(relayer).execute(honest)).to.be.revertedWithCustomError(
        forwarder,
        "FailedCall",
      );
      expect(await escrow.refundCount()).to.equal(0n);
    });
  });
});
