import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import {
  type BaseContract,
  type TypedDataDomain,
  ZeroAddress,
  concat,
  dataLength,
  dataSlice,
  getAddress,
  parseEther,
  verifyTypedData,
} from "ethers";
import { network } from "hardhat";

import { ERC2771Forwarder__factory, type ERC2771Forwarder } from "../typechain-types/index.js";
import {
  ETH,
  MERCHANT,
  RefundStatus,
  TICKET,
  TicketStatus,
  escrowFixture,
  hashOf,
  type EscrowFixture,
} from "./helpers/escrow.js";
import {
  FORWARD_REQUEST_TYPES,
  type ForwardRequestData,
  forwarderDomainFor,
  signForwardRequest,
} from "./helpers/forwarder.js";

// Attacks on the gasless path: the contracts trust one OpenZeppelin ERC2771Forwarder and read the
// signer from the last 20 bytes of calldata only when the forwarder calls. Every attack below must
// fail with the forwarder's exact error (or the target's refusal) and change nothing: the views a
// successful request would move are snapshotted before and compared deeply after.

const connection = await network.create();
const { ethers } = connection;
const { loadFixture, time } = connection.networkHelpers;
const deployEscrowFixture = escrowFixture(connection);

/** The ticket the customer may still cancel (opened by the fixture below, never worked). */
const OPEN_TICKET = 4n;
const REFUND = parseEther("1");
const RATING = 5n;

interface AttackFixture extends EscrowFixture {
  /** A second forwarder with the same name and version, which no CareLedger contract trusts. */
  otherForwarder: ERC2771Forwarder;
}

/**
 * The escrow fixture, plus: ticket 1 (the customer's, merchant 1) resolved by the agent, so it can be
 * rated and refunded; ticket 4 opened by the customer and never worked, so it can be cancelled; and a
 * second forwarder deployment.
 */
async function deployAttackFixture(): Promise<AttackFixture> {
  const f = await deployEscrowFixture();
  await (await f.desk.connect(f.agent).resolveTicket(TICKET, hashOf("resolved"))).wait();
  await (
    await f.desk.connect(f.customer).openTicket(MERCHANT, hashOf("order 4"), hashOf("ticket 4"), 1)
  ).wait();
  if ((await f.desk.ticketCount()) !== OPEN_TICKET) throw new Error("ticket 4 expected");
  const otherForwarder = await new ERC2771Forwarder__factory(f.deployer).deploy("CareLedger");
  return { ...f, otherForwarder };
}

/** A call the customer would relay, on each of the three contracts, with the state it changes. */
interface Target {
  name: string;
  address(f: AttackFixture): Promise<string>;
  data(f: AttackFixture): string;
  /** Asserts the effect of one successful execution (so "nothing changed" is not vacuous). */
  effect(f: AttackFixture): Promise<void>;
  /** The error the call gives when `sender` (not the customer) is its caller. */
  refusedFor(
    f: AttackFixture,
    sender: string,
  ): { contract: BaseContract; name: string; args: unknown[] };
}

const TARGETS: readonly Target[] = [
  {
    name: "RefundEscrow.requestRefund",
    address: (f) => f.escrow.getAddress(),
    data: (f) =>
      f.escrow.interface.encodeFunctionData("requestRefund", [
        TICKET,
        ETH,
        REFUND,
        hashOf("relayed refund"),
      ]),
    effect: async (f) => {
      expect(await f.escrow.refundStatusOf(1n)).to.equal(RefundStatus.Requested);
      expect(await f.escrow.lockedOf(MERCHANT, ETH)).to.equal(REFUND);
      expect((await f.escrow.getRefund(1n)).customer).to.equal(f.customer.address);
    },
    refusedFor: (f, sender) => ({
      contract: f.escrow,
      name: "EscrowNotCustomer",
      args: [TICKET, sender],
    }),
  },
  {
    name: "SupportDesk.cancelTicket",
    address: (f) => f.desk.getAddress(),
    data: (f) => f.desk.interface.encodeFunctionData("cancelTicket", [OPEN_TICKET]),
    effect: async (f) => {
      expect(await f.desk.statusOf(OPEN_TICKET)).to.equal(TicketStatus.Cancelled);
    },
    refusedFor: (f, sender) => ({
      contract: f.desk,
      name: "DeskNotCustomer",
      args: [OPEN_TICKET, sender],
    }),
  },
  {
    name: "FeedbackAttestations.attest",
    address: (f) => f.feedback.getAddress(),
    data: (f) =>
      f.feedback.interface.encodeFunctionData("attest", [TICKET, RATING, hashOf("relayed rating")]),
    effect: async (f) => {
      expect(await f.feedback.feedbackOfTicket(TICKET)).to.equal(TICKET << 8n);
      expect((await f.feedback.getFeedback(TICKET << 8n)).customer).to.equal(f.customer.address);
    },
    refusedFor: (f, sender) => ({
      contract: f.feedback,
      name: "FeedbackNotCustomer",
      args: [TICKET, sender],
    }),
  },
];

/** Every view a relayed call of the customer could move, as one plain, deeply comparable object. */
async function snapshot(f: AttackFixture) {
  const [count, sum, histogram] = await f.feedback.merchantStats(MERCHANT);
  return {
    nonceOfCustomer: await f.forwarder.nonces(f.customer.address),
    nonceOfStranger: await f.forwarder.nonces(f.stranger.address),
    otherForwarderNonce: await f.otherForwarder.nonces(f.customer.address),
    ticketCount: await f.desk.ticketCount(),
    ticket1: await f.desk.statusOf(TICKET),
    ticket4: await f.desk.statusOf(OPEN_TICKET),
    refundCount: await f.escrow.refundCount(),
    reserve: await f.escrow.reserveOf(MERCHANT, ETH),
    locked: await f.escrow.lockedOf(MERCHANT, ETH),
    escrowBalance: await ethers.provider.getBalance(await f.escrow.getAddress()),
    feedbackOfTicket1: await f.feedback.feedbackOfTicket(TICKET),
    stats: [count, sum, [...histogram]],
  };
}

/** A funded signer for the trusted forwarder's own address (as if it called the target itself). */
async function impersonateForwarder(f: AttackFixture): Promise<HardhatEthersSigner> {
  const address = await f.forwarder.getAddress();
  await connection.networkHelpers.impersonateAccount(address);
  await connection.networkHelpers.setBalance(address, 10n ** 18n);
  return ethers.getSigner(address);
}

/** The EIP-712 signer that `request` recovers to under `domain` at `nonce` (what the forwarder sees). */
function recoveredSigner(
  domain: TypedDataDomain,
  request: ForwardRequestData,
  nonce: bigint,
): string {
  return verifyTypedData(domain, FORWARD_REQUEST_TYPES, { ...request, nonce }, request.signature);
}

/** Signs `data` to `to` as `signer` under an arbitrary domain (another chain id, another forwarder). */
async function signUnder(
  domain: TypedDataDomain,
  signer: HardhatEthersSigner,
  to: string,
  data: string,
  nonce: bigint,
  deadline: number,
  from: string = signer.address,
): Promise<ForwardRequestData> {
  const request = { from, to, value: 0n, gas: 1_000_000n, deadline, data };
  const signature = await signer.signTypedData(domain, FORWARD_REQUEST_TYPES, {
    ...request,
    nonce,
  });
  return { ...request, signature };
}

/*//////////////////////////////////////////////////////////////
                              TESTS
//////////////////////////////////////////////////////////////*/

describe("ERC2771Forwarder", function () {
  describe("attacks on relayed calls", function () {
    for (const target of TARGETS) {
      describe(`against ${target.name}`, function () {
        it("executes the honest request once (the baseline the attacks are measured against)", async function () {
          const f = await loadFixture(deployAttackFixture);
          const to = await target.address(f);
          const request = await signForwardRequest(f.forwarder, f.customer, to, target.data(f));
          await expect(f.forwarder.connect(f.relayer).execute(request))
            .to.emit(f.forwarder, "ExecutedForwardRequest")
            .withArgs(f.customer.address, 0n, true);
          await target.effect(f);
          expect(await f.forwarder.nonces(f.customer.address)).to.equal(1n);
        });

        it("refuses a replay of an executed request (same nonce) with ERC2771ForwarderInvalidSigner", async function () {
          const f = await loadFixture(deployAttackFixture);
          const to = await target.address(f);
          const request = await signForwardRequest(f.forwarder, f.customer, to, target.data(f));
          await (await f.forwarder.connect(f.relayer).execute(request)).wait();
          await target.effect(f);
          const before = await snapshot(f);
          // The signature was over nonce 0; the forwarder now hashes nonce 1, so it recovers someone else.
          const domain = await forwarderDomainFor(f.forwarder);
          const recovered = recoveredSigner(domain, request, 1n);
          expect(recovered).to.not.equal(f.customer.address);
          expect(await f.forwarder.verify(request)).to.equal(false);
          await expect(f.forwarder.connect(f.relayer).execute(request))
            .to.be.revertedWithCustomError(f.forwarder, "ERC2771ForwarderInvalidSigner")
            .withArgs(recovered, f.customer.address);
          expect(await snapshot(f)).to.deep.equal(before);
        });

        it("refuses a second request signed for a nonce already used (nonce reuse)", async function () {
          const f = await loadFixture(deployAttackFixture);
          const to = await target.address(f);
          // Both are signed at nonce 0, before either is executed; the harmless one goes first.
          const first = await signForwardRequest(
            f.forwarder,
            f.customer,
            await f.desk.getAddress(),
            f.desk.interface.encodeFunctionData("postMessage", [
              OPEN_TICKET,
              hashOf("more details"),
            ]),
          );
          const second = await signForwardRequest(f.forwarder, f.customer, to, target.data(f));
          await (await f.forwarder.connect(f.relayer).execute(first)).wait();
          const before = await snapshot(f);
          const recovered = recoveredSigner(await forwarderDomainFor(f.forwarder), second, 1n);
          await expect(f.forwarder.connect(f.relayer).execute(second))
            .to.be.revertedWithCustomError(f.forwarder, "ERC2771ForwarderInvalidSigner")
            .withArgs(recovered, f.customer.address);
          expect(await snapshot(f)).to.deep.equal(before);
        });

        it("refuses a request after its deadline with ERC2771ForwarderExpiredRequest", async function () {
          const f = await loadFixture(deployAttackFixture);
          const to = await target.address(f);
          const deadline = (await time.latest()) + 60;
          const request = await signForwardRequest(f.forwarder, f.customer, to, target.data(f), {
            deadline,
          });
          const before = await snapshot(f);
          await time.setNextBlockTimestamp(deadline + 1);
          await expect(f.forwarder.connect(f.relayer).execute(request))
            .to.be.revertedWithCustomError(f.forwarder, "ERC2771ForwarderExpiredRequest")
            .withArgs(deadline);
          expect(await snapshot(f)).to.deep.equal(before);
        });

        it("refuses a request signed for another chain id with ERC2771ForwarderInvalidSigner", async function () {
          const f = await loadFixture(deployAttackFixture);
          const to = await target.address(f);
          const domain = await forwarderDomainFor(f.forwarder);
          expect(domain.chainId).to.equal(31337n);
          const request = await signUnder(
            { ...domain, chainId: 1n },
            f.customer,
            to,
            target.data(f),
            0n,
            (await time.latest()) + 3600,
          );
          const recovered = recoveredSigner(domain, request, 0n);
          expect(recovered).to.not.equal(f.customer.address);
          const before = await snapshot(f);
          await expect(f.forwarder.connect(f.relayer).execute(request))
            .to.be.revertedWithCustomError(f.forwarder, "ERC2771ForwarderInvalidSigner")
            .withArgs(recovered, f.customer.address);
          expect(await snapshot(f)).to.deep.equal(before);
        });

        it("refuses a request signed for another forwarder, here and there (ERC2771UntrustfulTarget)", async function () {
          const f = await loadFixture(deployAttackFixture);
          const to = await target.address(f);
          // Same name and version: only the verifying contract differs.
          const request = await signForwardRequest(
            f.otherForwarder,
            f.customer,
            to,
            target.data(f),
          );
          const domain = await forwarderDomainFor(f.forwarder);
          const recovered = recoveredSigner(domain, request, 0n);
          expect(recovered).to.not.equal(f.customer.address);
          const before = await snapshot(f);
          await expect(f.forwarder.connect(f.relayer).execute(request))
            .to.be.revertedWithCustomError(f.forwarder, "ERC2771ForwarderInvalidSigner")
            .withArgs(recovered, f.customer.address);
          // Where the signature is valid, the target does not trust that forwarder.
          expect(await f.otherForwarder.verify(request)).to.equal(false);
          await expect(f.otherForwarder.connect(f.relayer).execute(request))
            .to.be.revertedWithCustomError(f.otherForwarder, "ERC2771UntrustfulTarget")
            .withArgs(to, await f.otherForwarder.getAddress());
          expect(await snapshot(f)).to.deep.equal(before);
        });

        it("refuses a request whose `from` is forged with ERC2771ForwarderInvalidSigner", async function () {
          const f = await loadFixture(deployAttackFixture);
          const to = await target.address(f);
          // The stranger signs a request that claims to come from the customer, at the customer's nonce.
          const forged = await signUnder(
            await forwarderDomainFor(f.forwarder),
            f.stranger,
            to,
            target.data(f),
            await f.forwarder.nonces(f.customer.address),
            (await time.latest()) + 3600,
            f.customer.address,
          );
          const before = await snapshot(f);
          await expect(f.forwarder.connect(f.relayer).execute(forged))
            .to.be.revertedWithCustomError(f.forwarder, "ERC2771ForwarderInvalidSigner")
            .withArgs(f.stranger.address, f.customer.address);
          expect(await snapshot(f)).to.deep.equal(before);
        });

        it("refuses a relayer's msg.value that differs from the signed value (ERC2771ForwarderMismatchedValue)", async function () {
          const f = await loadFixture(deployAttackFixture);
          const to = await target.address(f);
          const request = await signForwardRequest(f.forwarder, f.customer, to, target.data(f));
          const before = await snapshot(f);
          await expect(f.forwarder.connect(f.relayer).execute(request, { value: 1n }))
            .to.be.revertedWithCustomError(f.forwarder, "ERC2771ForwarderMismatchedValue")
            .withArgs(0n, 1n);
          expect(await snapshot(f)).to.deep.equal(before);
        });

        it("refuses calldata shorter than 20 bytes sent by the trusted forwarder itself", async function () {
          const f = await loadFixture(deployAttackFixture);
          const to = await target.address(f);
          const asForwarder = await impersonateForwarder(f);
          const before = await snapshot(f);
          const full = target.data(f);
          // Empty, the bare selector, and 19 bytes: too short to carry a sender, so ERC2771Context takes
          // the forwarder itself as the sender, and none of these decode as a call anyway.
          for (const length of [0, 4, 19]) {
            const data = length === 0 ? "0x" : dataSlice(full, 0, length);
            await expect(
              asForwarder.sendTransaction({ to, data }),
              `${length} bytes`,
            ).to.be.revertedWithoutReason(ethers);
          }
          expect(await snapshot(f)).to.deep.equal(before);

          // The control: the same path with the customer appended is the customer's call, so the
          // refusals above are the length's doing, not a dead path.
          await (
            await asForwarder.sendTransaction({ to, data: concat([full, f.customer.address]) })
          ).wait();
          await target.effect(f);
          await connection.networkHelpers.stopImpersonatingAccount(await f.forwarder.getAddress());
        });

        it("reads a call with no sender appended as a call from its own last 20 bytes: nobody's", async function () {
          const f = await loadFixture(deployAttackFixture);
          const to = await target.address(f);
          const asForwarder = await impersonateForwarder(f);
          const before = await snapshot(f);
          const full = target.data(f);
          // ERC-2771 takes the last 20 bytes of whatever the trusted forwarder sends as the signer.
          const phantom = getAddress(dataSlice(full, dataLength(full) - 20));
          expect(phantom).to.not.equal(f.customer.address);
          const error = target.refusedFor(f, phantom);
          await expect(asForwarder.sendTransaction({ to, data: full }))
            .to.be.revertedWithCustomError(error.contract, error.name)
            .withArgs(...error.args);
          await connection.networkHelpers.stopImpersonatingAccount(await f.forwarder.getAddress());
          expect(await snapshot(f)).to.deep.equal(before);
        });
      });
    }

    describe("executeBatch", function () {
      it("reverts a whole batch that replays a request (no refund receiver), undoing the first one too", async function () {
        const f = await loadFixture(deployAttackFixture);
        const target = TARGETS[0];
        if (target === undefined) throw new Error("a target expected");
        const request = await signForwardRequest(
          f.forwarder,
          f.customer,
          await target.address(f),
          target.data(f),
        );
        const before = await snapshot(f);
        const recovered = recoveredSigner(await forwarderDomainFor(f.forwarder), request, 1n);
        await expect(f.forwarder.connect(f.relayer).executeBatch([request, request], ZeroAddress))
          .to.be.revertedWithCustomError(f.forwarder, "ERC2771ForwarderInvalidSigner")
          .withArgs(recovered, f.customer.address);
        expect(await snapshot(f)).to.deep.equal(before);
      });

      it("skips a replay inside a batch with a refund receiver: the request runs exactly once", async function () {
        const f = await loadFixture(deployAttackFixture);
        const target = TARGETS[0];
        if (target === undefined) throw new Error("a target expected");
        const request = await signForwardRequest(
          f.forwarder,
          f.customer,
          await target.address(f),
          target.data(f),
        );
        const tx = f.forwarder
          .connect(f.relayer)
          .executeBatch([request, request], f.relayer.address);
        await expect(tx)
          .to.emit(f.forwarder, "ExecutedForwardRequest")
          .withArgs(f.customer.address, 0n, true);
        const receipt = await (await tx).wait();
        const executed = (receipt?.logs ?? []).filter(
          (log) => f.forwarder.interface.parseLog(log)?.name === "ExecutedForwardRequest",
        );
        expect(executed.length).to.equal(1);
        await target.effect(f);
        expect(await f.escrow.refundCount()).to.equal(1n);
        expect(await f.forwarder.nonces(f.customer.address)).to.equal(1n);
      });
    });
  });
});
