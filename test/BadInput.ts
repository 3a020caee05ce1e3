import { expect } from "chai";
import {
  type BaseContract,
  type ContractTransactionResponse,
  MaxUint256,
  ZeroAddress,
  ZeroHash,
  parseEther,
} from "ethers";
import { network } from "hardhat";

import {
  FeeOnTransferToken__factory,
  TestToken__factory,
  type FeeOnTransferToken,
  type TestToken,
} from "../typechain-types/index.js";
import {
  ETH,
  ETH_RESERVE,
  MERCHANT,
  OTHER_MERCHANT,
  TICKET,
  TICKET2,
  TicketStatus,
  TOKEN_RESERVE,
  escrowFixture,
  hashOf,
  policyOf,
  requestRefund,
  type EscrowFixture,
} from "./helpers/escrow.js";

// Bad input, from ONE table: zero and maximum values, unknown ids, the wrong token, a mismatched
// msg.value, ratings 0 and 6, a priority out of range, a passed deadline... Each row expects its named
// error with its exact arguments AND an unchanged state: every view the row could touch (reserves,
// locks, credits, refunds, owed claims, tickets, policies, feedback, balances) is snapshotted before
// and compared deeply after.

const connection = await network.create();
const { ethers } = connection;
const { loadFixture, time } = connection.networkHelpers;
const deployEscrowFixture = escrowFixture(connection);

const MAX_UINT32 = 2n ** 32n - 1n;
const MAX_UINT8 = 255;
const MAX_REFUND = 2n ** 112n - 1n;
const MAX_RESERVE = 2n ** 128n - 1n;
const MAX_POLICY_TIME = 365n * 24n * 3600n;
const MAX_ALLOWANCE = 2n ** 96n - 1n;
const REASON = hashOf("bad input reason");
const ONE = parseEther("1");

/** Merchant 2 requires order receipts (set after the escrow fixture opened its ticket 3).
 * Ticket 4: the customer's, cancelled. Ticket 5: the customer's, resolved and rated 4 (feedback 5 << 8). */
const CANCELLED_TICKET = 4n;
const RATED_TICKET = 5n;
const FEEDBACK = RATED_TICKET << 8n;
/** Refund 1: the customer's 1 ETH on ticket 1, `Requested`. Refund 2: customer2's 1 ETH on ticket 2, `Rejected`. */
const REQUESTED = 1n;
const REJECTED = 2n;

interface BadInputFixture extends EscrowFixture {
  /** A token the escrow has never seen (no merchant holds any). */
  unusedToken: TestToken;
  /** A fee-on-transfer token that burns 100%: a deposit delivers nothing. */
  allFeeToken: FeeOnTransferToken;
  /** Refund 1's response deadline and refund 2's dispute deadline. */
  responseDeadline: bigint;
  disputeDeadline: bigint;
}

async function deployBadInputFixture(): Promise<BadInputFixture> {
  const f = await deployEscrowFixture();
  const { desk, escrow, admin, agent, customer, customer2, deployer, token } = f;
  const escrowAddress = await escrow.getAddress();
  const { deadline: responseDeadline } = await requestRefund(escrow, customer, TICKET, ETH, ONE);
  await requestRefund(escrow, customer2, TICKET2, ETH, ONE);
  await (await escrow.connect(agent).rejectRefund(REJECTED, REASON)).wait();
  const disputeDeadline = (await escrow.getRefund(REJECTED)).deadline;

  await (await desk.connect(customer).openTicket(MERCHANT, hashOf("o4"), hashOf("t4"), 1)).wait();
  await (await desk.connect(customer).cancelTicket(CANCELLED_TICKET)).wait();
  await (await desk.connect(customer).openTicket(MERCHANT, hashOf("o5"), hashOf("t5"), 1)).wait();
  await (await desk.connect(agent).resolveTicket(RATED_TICKET, hashOf("done"))).wait();
  await (await f.feedback.connect(customer).attest(RATED_TICKET, 4, hashOf("ok"))).wait();

  // Merchant 2 takes tickets with a verified order receipt only (after the fixture's ticket 3).
  await (await desk.connect(f.otherAdmin).setReceiptRequired(OTHER_MERCHANT, true)).wait();
  // Enough TUSD for the admin to try to overflow its reserve.
  await (await token.mint(admin.address, MAX_RESERVE)).wait();
  await (await token.connect(admin).approve(escrowAddress, MaxUint256)).wait();
  const unusedToken = await new TestToken__factory(deployer).deploy("Unused", "UNU");
  const allFeeToken = await new FeeOnTransferToken__factory(deployer).deploy(10_000n);
  await (await allFeeToken.mint(admin.address, ONE)).wait();
  await (await allFeeToken.connect(admin).approve(escrowAddress, ONE)).wait();
  return { ...f, unusedToken, allFeeToken, responseDeadline, disputeDeadline };
}

/*//////////////////////////////////////////////////////////////
                        THE STATE SNAPSHOT
//////////////////////////////////////////////////////////////*/

/** Every view a row could move, as plain values (structs as arrays), for a deep comparison. */
async function snapshot(f: BadInputFixture) {
  const { desk, escrow, feedback } = f;
  const tokens = [
    ETH,
    await f.token.getAddress(),
    await f.feeToken.getAddress(),
    await f.unusedToken.getAddress(),
    await f.allFeeToken.getAddress(),
  ];
  const people = [f.customer, f.customer2, f.admin, f.otherAdmin, f.stranger].map((s) => s.address);
  const merchants = [MERCHANT, OTHER_MERCHANT];
  const refundCount = await escrow.refundCount();
  const ticketCount = await desk.ticketCount();
  const merchantCount = await desk.merchantCount();
  const escrowAddress = await escrow.getAddress();
  const range = (n: bigint) => Array.from({ length: Number(n) }, (_, i) => BigInt(i + 1));
  return {
    refundCount,
    owedClaimCount: await escrow.owedClaimCount(),
    refunds: await Promise.all(
      range(refundCount).map(async (id) => [...(await escrow.getRefund(id))]),
    ),
    books: await Promise.all(
      merchants.flatMap((m) =>
        tokens.map(async (t) => [
          await escrow.reserveOf(m, t),
          await escrow.lockedOf(m, t),
          [...(await escrow.owedOf(m, t))],
        ]),
      ),
    ),
    allowances: await Promise.all(
      tokens.map(async (t) => [...(await escrow.refundAllowanceOf(MERCHANT, f.agent.address, t))]),
    ),
    credits: await Promise.all(people.flatMap((p) => tokens.map((t) => escrow.creditOf(p, t)))),
    escrowHoldings: [
      await ethers.provider.getBalance(escrowAddress),
      await f.token.balanceOf(escrowAddress),
      await f.feeToken.balanceOf(escrowAddress),
      await f.allFeeToken.balanceOf(escrowAddress),
    ],
    adminTokens: [
      await f.token.balanceOf(f.admin.address),
      await f.allFeeToken.balanceOf(f.admin.address),
    ],
    merchantCount,
    ticketCount,
    tickets: await Promise.all(
      range(ticketCount).map(async (id) => [...(await desk.getTicket(id))]),
    ),
    merchantsState: await Promise.all(
      range(BigInt(merchantCount)).map(async (m) => [
        await desk.merchantAdmin(m),
        await desk.termsVersionOf(m),
        await desk.receiptRequired(m),
        await desk.isOrderSigner(m, ZeroAddress),
        [...(await desk.policyOf(m))],
        await desk.isAgent(m, f.agent.address),
        await desk.isAgent(m, f.stranger.address),
        [...(await feedback.merchantStats(m))].map((v) => (Array.isArray(v) ? [...v] : v)),
        [...(await feedback.verifiedMerchantStats(m))].map((v) => (Array.isArray(v) ? [...v] : v)),
      ]),
    ),
    feedbackOfTickets: await Promise.all(
      range(ticketCount).map((id) => feedback.feedbackOfTicket(id)),
    ),
    ratedFeedback: [...(await feedback.getFeedback(FEEDBACK))],
  };
}

/*//////////////////////////////////////////////////////////////
                             THE TABLE
//////////////////////////////////////////////////////////////*/

interface BadInput {
  contract: "RefundEscrow" | "FeedbackAttestations" | "SupportDesk";
  fn: string;
  /** What is wrong with the input, for the test title. */
  what: string;
  /** Moves time before the snapshot (a deadline that must have passed). */
  prepare?: (f: BadInputFixture) => Promise<void>;
  send(f: BadInputFixture): Promise<ContractTransactionResponse>;
  /** The named error and its exact arguments. */
  error(f: BadInputFixture): Promise<{ contract: BaseContract; name: string; args: unknown[] }>;
}

const escrowError =
  (name: string, ...args: unknown[]) =>
  async (f: BadInputFixture) => ({
    contract: f.escrow as BaseContract,
    name,
    args,
  });
const deskError =
  (name: string, ...args: unknown[]) =>
  async (f: BadInputFixture) => ({
    contract: f.desk as BaseContract,
    name,
    args,
  });
const feedbackError =
  (name: string, ...args: unknown[]) =>
  async (f: BadInputFixture) => ({
    contract: f.feedback as BaseContract,
    name,
    args,
  });

const BAD_INPUTS: readonly BadInput[] = [
  /* ---------------------------- RefundEscrow.deposit ---------------------------- */
  {
    contract: "RefundEscrow",
    fn: "deposit",
    what: "a zero amount",
    send: (f) => f.escrow.connect(f.admin).deposit(MERCHANT, ETH, 0n),
    error: escrowError("EscrowZeroAmount", ETH),
  },
  ...[0n, 3n, MAX_UINT32].map((merchantId): BadInput => ({
    contract: "RefundEscrow",
    fn: "deposit",
    what: `unknown merchant ${merchantId}`,
    send: (f) => f.escrow.connect(f.admin).deposit(merchantId, ETH, ONE, { value: ONE }),
    error: escrowError("EscrowUnknownMerchant", merchantId),
  })),
  {
    contract: "RefundEscrow",
    fn: "deposit",
    what: "a msg.value below the ETH amount",
    send: (f) => f.escrow.connect(f.admin).deposit(MERCHANT, ETH, ONE, { value: ONE - 1n }),
    error: escrowError("EscrowWrongValue", ONE - 1n, ONE),
  },
  {
    contract: "RefundEscrow",
    fn: "deposit",
    what: "a msg.value above the ETH amount",
    send: (f) => f.escrow.connect(f.admin).deposit(MERCHANT, ETH, ONE, { value: ONE + 1n }),
    error: escrowError("EscrowWrongValue", ONE + 1n, ONE),
  },
  {
    contract: "RefundEscrow",
    fn: "deposit",
    what: "ETH sent along with an ERC-20 deposit",
    send: async (f) =>
      f.escrow.connect(f.admin).deposit(MERCHANT, await f.token.getAddress(), ONE, { value: 1n }),
    error: escrowError("EscrowWrongValue", 1n, ONE),
  },
  {
    contract: "RefundEscrow",
    fn: "deposit",
    what: "a token address that is not a contract",
    send: (f) => f.escrow.connect(f.admin).deposit(MERCHANT, f.stranger.address, ONE),
    error: async (f) => ({
      contract: f.escrow,
      name: "EscrowTokenNotContract",
      args: [f.stranger.address],
    }),
  },
  {
    contract: "RefundEscrow",
    fn: "deposit",
    what: "a token that delivers nothing (100% fee)",
    send: async (f) =>
      f.escrow.connect(f.admin).deposit(MERCHANT, await f.allFeeToken.getAddress(), ONE),
    error: async (f) => ({
      contract: f.escrow,
      name: "EscrowNothingReceived",
      args: [await f.allFeeToken.getAddress()],
    }),
  },
  {
    contract: "RefundEscrow",
    fn: "deposit",
    what: "an amount that overflows the reserve's 128 bits",
    send: async (f) =>
      f.escrow.connect(f.admin).deposit(MERCHANT, await f.token.getAddress(), MAX_RESERVE),
    // The room left: 2^128 - 1 less the fixture's reserve (nothing of it is locked).
    error: escrowError("EscrowAmountTooLarge", MAX_RESERVE, MAX_RESERVE - TOKEN_RESERVE),
  },
  /* ------------------------- RefundEscrow.withdrawReserve ----------------------- */
  {
    contract: "RefundEscrow",
    fn: "withdrawReserve",
    what: "a zero amount",
    send: (f) => f.escrow.connect(f.admin).withdrawReserve(MERCHANT, ETH, 0n, f.admin.address),
    error: escrowError("EscrowZeroAmount", ETH),
  },
  {
    contract: "RefundEscrow",
    fn: "withdrawReserve",
    what: "the zero address as recipient",
    send: (f) => f.escrow.connect(f.admin).withdrawReserve(MERCHANT, ETH, ONE, ZeroAddress),
    error: escrowError("EscrowInvalidRecipient", ZeroAddress),
  },
  {
    contract: "RefundEscrow",
    fn: "withdrawReserve",
    what: "the maximum amount (more than available)",
    send: (f) =>
      f.escrow.connect(f.admin).withdrawReserve(MERCHANT, ETH, MaxUint256, f.admin.address),
    // Two refunds of 1 ETH each are locked.
    error: escrowError("InsufficientReserve", ETH_RESERVE - 2n * ONE, MaxUint256),
  },
  {
    contract: "RefundEscrow",
    fn: "withdrawReserve",
    what: "a token the merchant never deposited",
    send: async (f) =>
      f.escrow
        .connect(f.admin)
        .withdrawReserve(MERCHANT, await f.unusedToken.getAddress(), ONE, f.admin.address),
    error: escrowError("InsufficientReserve", 0n, ONE),
  },
  {
    contract: "RefundEscrow",
    fn: "withdrawReserve",
    what: "unknown merchant 0",
    send: (f) => f.escrow.connect(f.admin).withdrawReserve(0n, ETH, ONE, f.admin.address),
    error: escrowError("EscrowUnknownMerchant", 0n),
  },
  /* ------------------------ RefundEscrow.setRefundAllowance --------------------- */
  {
    contract: "RefundEscrow",
    fn: "setRefundAllowance",
    what: "a period one second over 365 days",
    send: (f) =>
      f.escrow
        .connect(f.admin)
        .setRefundAllowance(MERCHANT, f.agent.address, ETH, ONE, MAX_POLICY_TIME + 1n),
    error: escrowError("EscrowInvalidAllowancePeriod", MAX_POLICY_TIME + 1n),
  },
  {
    contract: "RefundEscrow",
    fn: "setRefundAllowance",
    what: "a limit over 96 bits",
    send: (f) =>
      f.escrow
        .connect(f.admin)
        .setRefundAllowance(MERCHANT, f.agent.address, ETH, MAX_ALLOWANCE + 1n, 3600n),
    error: escrowError("EscrowAmountTooLarge", MAX_ALLOWANCE + 1n, MAX_ALLOWANCE),
  },
  {
    contract: "RefundEscrow",
    fn: "setRefundAllowance",
    what: "unknown merchant 0",
    send: (f) => f.escrow.connect(f.admin).setRefundAllowance(0n, f.agent.address, ETH, ONE, 3600n),
    error: escrowError("EscrowUnknownMerchant", 0n),
  },
  /* -------------------------- RefundEscrow.requestRefund ------------------------ */
  {
    contract: "RefundEscrow",
    fn: "requestRefund",
    what: "a zero amount",
    send: (f) => f.escrow.connect(f.customer).requestRefund(TICKET, ETH, 0n, REASON),
    error: escrowError("EscrowZeroAmount", ETH),
  },
  ...[MAX_REFUND + 1n, MaxUint256].map((amount): BadInput => ({
    contract: "RefundEscrow",
    fn: "requestRefund",
    what:
      amount === MaxUint256 ? "the maximum uint256 amount" : "2^112 (one above a refund's bits)",
    send: (f) => f.escrow.connect(f.customer).requestRefund(TICKET, ETH, amount, REASON),
    error: escrowError("EscrowAmountTooLarge", amount, MAX_REFUND),
  })),
  {
    contract: "RefundEscrow",
    fn: "requestRefund",
    what: "one wei more than the available reserve",
    send: (f) =>
      f.escrow.connect(f.customer).requestRefund(TICKET, ETH, ETH_RESERVE - 2n * ONE + 1n, REASON),
    error: escrowError("InsufficientReserve", ETH_RESERVE - 2n * ONE, ETH_RESERVE - 2n * ONE + 1n),
  },
  {
    contract: "RefundEscrow",
    fn: "requestRefund",
    what: "a token the merchant holds none of",
    send: async (f) =>
      f.escrow
        .connect(f.customer)
        .requestRefund(TICKET, await f.unusedToken.getAddress(), ONE, REASON),
    error: escrowError("InsufficientReserve", 0n, ONE),
  },
  ...[0n, 999n, MaxUint256].map((ticketId): BadInput => ({
    contract: "RefundEscrow",
    fn: "requestRefund",
    what: `unknown ticket ${ticketId === MaxUint256 ? "2^256 - 1" : ticketId}`,
    send: (f) => f.escrow.connect(f.customer).requestRefund(ticketId, ETH, ONE, REASON),
    error: deskError("DeskUnknownTicket", ticketId),
  })),
  {
    contract: "RefundEscrow",
    fn: "requestRefund",
    what: "a cancelled ticket",
    send: (f) => f.escrow.connect(f.customer).requestRefund(CANCELLED_TICKET, ETH, ONE, REASON),
    error: escrowError("EscrowTicketNotRefundable", CANCELLED_TICKET, TicketStatus.Cancelled),
  },
  /* --------------------------- RefundEscrow.issueRefund ------------------------- */
  {
    contract: "RefundEscrow",
    fn: "issueRefund",
    what: "a zero amount",
    send: (f) => f.escrow.connect(f.admin).issueRefund(TICKET, ETH, 0n, REASON),
    error: escrowError("EscrowZeroAmount", ETH),
  },
  {
    contract: "RefundEscrow",
    fn: "issueRefund",
    what: "the maximum uint256 amount",
    send: (f) => f.escrow.connect(f.admin).issueRefund(TICKET, ETH, MaxUint256, REASON),
    error: escrowError("EscrowAmountTooLarge", MaxUint256, MAX_REFUND),
  },
  {
    contract: "RefundEscrow",
    fn: "issueRefund",
    what: "unknown ticket 999",
    send: (f) => f.escrow.connect(f.admin).issueRefund(999n, ETH, ONE, REASON),
    error: deskError("DeskUnknownTicket", 999n),
  },
  {
    contract: "RefundEscrow",
    fn: "issueRefund",
    what: "a cancelled ticket",
    send: (f) => f.escrow.connect(f.admin).issueRefund(CANCELLED_TICKET, ETH, ONE, REASON),
    error: escrowError("EscrowTicketNotRefundable", CANCELLED_TICKET, TicketStatus.Cancelled),
  },
  /* -------------------- RefundEscrow: refund ids and deadlines ------------------ */
  ...[0n, 3n, MaxUint256].map((refundId): BadInput => ({
    contract: "RefundEscrow",
    fn: "approveRefund",
    what: `unknown refund ${refundId === MaxUint256 ? "2^256 - 1" : refundId}`,
    send: (f) => f.escrow.connect(f.admin).approveRefund(refundId),
    error: escrowError("EscrowUnknownRefund", refundId),
  })),
  {
    contract: "RefundEscrow",
    fn: "approveRefund",
    what: "a response deadline that has passed",
    prepare: async (f) => {
      await time.increaseTo(f.responseDeadline);
    },
    send: (f) => f.escrow.connect(f.admin).approveRefund(REQUESTED),
    error: async (f) => ({
      contract: f.escrow,
      name: "EscrowResponseDeadlinePassed",
      args: [REQUESTED, f.responseDeadline],
    }),
  },
  {
    contract: "RefundEscrow",
    fn: "rejectRefund",
    what: "a response deadline that has passed",
    prepare: async (f) => {
      await time.increaseTo(f.responseDeadline);
    },
    send: (f) => f.escrow.connect(f.agent).rejectRefund(REQUESTED, REASON),
    error: async (f) => ({
      contract: f.escrow,
      name: "EscrowResponseDeadlinePassed",
      args: [REQUESTED, f.responseDeadline],
    }),
  },
  {
    contract: "RefundEscrow",
    fn: "executeRefund",
    what: "a response deadline not reached yet",
    send: (f) => f.escrow.connect(f.stranger).executeRefund(REQUESTED),
    error: async (f) => ({
      contract: f.escrow,
      name: "EscrowResponseDeadlineNotReached",
      args: [REQUESTED, f.responseDeadline],
    }),
  },
  {
    contract: "RefundEscrow",
    fn: "disputeRefund",
    what: "a dispute window that has closed",
    prepare: async (f) => {
      await time.increaseTo(f.disputeDeadline);
    },
    send: (f) => f.escrow.connect(f.customer2).disputeRefund(REJECTED, REASON),
    error: async (f) => ({
      contract: f.escrow,
      name: "EscrowDisputeWindowClosed",
      args: [REJECTED, f.disputeDeadline],
    }),
  },
  {
    contract: "RefundEscrow",
    fn: "finalizeRejection",
    what: "a dispute window still open",
    send: (f) => f.escrow.connect(f.stranger).finalizeRejection(REJECTED),
    error: async (f) => ({
      contract: f.escrow,
      name: "EscrowDisputeWindowOpen",
      args: [REJECTED, f.disputeDeadline],
    }),
  },
  {
    contract: "RefundEscrow",
    fn: "resolveDispute",
    what: "a refund that is not disputed",
    send: (f) => f.escrow.connect(f.arbiter).resolveDispute(REQUESTED, true),
    error: escrowError("EscrowInvalidRefundStatus", REQUESTED, 1n),
  },
  {
    contract: "RefundEscrow",
    fn: "cancelRefund",
    what: "unknown refund 0",
    send: (f) => f.escrow.connect(f.customer).cancelRefund(0n),
    error: escrowError("EscrowUnknownRefund", 0n),
  },
  /* ------------------------------ RefundEscrow: credits ------------------------- */
  {
    contract: "RefundEscrow",
    fn: "withdrawCredit",
    what: "no credit",
    send: (f) => f.escrow.connect(f.customer).withdrawCredit(ETH),
    error: async (f) => ({
      contract: f.escrow,
      name: "EscrowNoCredit",
      args: [f.customer.address, ETH],
    }),
  },
  {
    contract: "RefundEscrow",
    fn: "withdrawCreditTo",
    what: "the zero address as recipient",
    send: (f) => f.escrow.connect(f.customer).withdrawCreditTo(ETH, ZeroAddress),
    error: escrowError("EscrowInvalidRecipient", ZeroAddress),
  },
  /* ---------------------------- RefundEscrow: owed claims ----------------------- */
  ...[0n, MaxUint256].map((owedId): BadInput => ({
    contract: "RefundEscrow",
    fn: "settleOwedCompensation",
    what: `unknown owed claim ${owedId === MaxUint256 ? "2^256 - 1" : owedId}`,
    send: (f) => f.escrow.connect(f.stranger).settleOwedCompensation(owedId),
    error: escrowError("EscrowUnknownOwedClaim", owedId),
  })),
  /* ----------------------------- FeedbackAttestations --------------------------- */
  ...[0, 6, MAX_UINT8].map((rating): BadInput => ({
    contract: "FeedbackAttestations",
    fn: "attest",
    what: `rating ${rating}`,
    send: (f) => f.feedback.connect(f.customer).attest(RATED_TICKET, rating, ZeroHash),
    error: feedbackError("FeedbackInvalidRating", BigInt(rating)),
  })),
  {
    contract: "FeedbackAttestations",
    fn: "attest",
    what: "unknown ticket 999",
    send: (f) => f.feedback.connect(f.customer).attest(999n, 5, ZeroHash),
    error: deskError("DeskUnknownTicket", 999n),
  },
  {
    contract: "FeedbackAttestations",
    fn: "attest",
    what: "a ticket that is not resolved",
    send: (f) => f.feedback.connect(f.customer).attest(TICKET, 5, ZeroHash),
    error: feedbackError("FeedbackTicketNotResolved", TICKET, TicketStatus.Open),
  },
  ...[0, 6].map((rating): BadInput => ({
    contract: "FeedbackAttestations",
    fn: "amend",
    what: `rating ${rating}`,
    send: (f) => f.feedback.connect(f.customer).amend(FEEDBACK, rating, ZeroHash),
    error: feedbackError("FeedbackInvalidRating", BigInt(rating)),
  })),
  ...[FEEDBACK + 1n, 0n, MaxUint256].map((feedbackId): BadInput => ({
    contract: "FeedbackAttestations",
    fn: "amend",
    what: `unknown feedback ${feedbackId === MaxUint256 ? "2^256 - 1" : feedbackId}`,
    send: (f) => f.feedback.connect(f.customer).amend(feedbackId, 5, ZeroHash),
    error: feedbackError("FeedbackUnknown", feedbackId),
  })),
  {
    contract: "FeedbackAttestations",
    fn: "reply",
    what: "a zero reply hash",
    send: (f) => f.feedback.connect(f.agent).reply(FEEDBACK, ZeroHash),
    error: feedbackError("FeedbackEmptyReply", FEEDBACK),
  },
  {
    contract: "FeedbackAttestations",
    fn: "reply",
    what: "unknown feedback 0",
    send: (f) => f.feedback.connect(f.agent).reply(0n, hashOf("reply")),
    error: feedbackError("FeedbackUnknown", 0n),
  },
  /* ---------------------------------- SupportDesk ------------------------------- */
  ...[4, MAX_UINT8].map((priority): BadInput => ({
    contract: "SupportDesk",
    fn: "openTicket",
    what: `priority ${priority}`,
    send: (f) =>
      f.desk.connect(f.customer).openTicket(MERCHANT, hashOf("o"), hashOf("c"), priority),
    error: deskError("DeskInvalidPriority", BigInt(priority)),
  })),
  ...[0n, 3n, MAX_UINT32].map((merchantId): BadInput => ({
    contract: "SupportDesk",
    fn: "openTicket",
    what: `unknown merchant ${merchantId}`,
    send: (f) => f.desk.connect(f.customer).openTicket(merchantId, hashOf("o"), hashOf("c"), 1),
    error: deskError("DeskUnknownMerchant", merchantId),
  })),
  ...(
    [
      ["firstResponseTime", 0, 0n],
      ["resolutionTime", 1, MAX_POLICY_TIME + 1n],
      ["refundResponseTime", 4, MAX_UINT32],
      ["disputeWindow", 5, 0n],
    ] as const
  ).map(([field, index, value]): BadInput => ({
    contract: "SupportDesk",
    fn: "setPolicy",
    what: `${field} ${value}`,
    send: async (f) =>
      f.desk
        .connect(f.admin)
        .setPolicy(MERCHANT, { ...(await policyOf(f.desk, MERCHANT)), [field]: value }),
    error: deskError("DeskInvalidPolicyTime", BigInt(index), value),
  })),
  {
    contract: "SupportDesk",
    fn: "setPolicy",
    what: "an auto-close delay shorter than the reopen window",
    send: async (f) =>
      f.desk.connect(f.admin).setPolicy(MERCHANT, {
        ...(await policyOf(f.desk, MERCHANT)),
        reopenWindow: 3600n,
        autoCloseDelay: 3599n,
      }),
    error: deskError("DeskAutoCloseBeforeReopenWindow", 3599n, 3600n),
  },
  {
    contract: "SupportDesk",
    fn: "openTicket",
    what: "no order receipt at a merchant that requires one",
    send: (f) => f.desk.connect(f.customer).openTicket(OTHER_MERCHANT, hashOf("o"), hashOf("c"), 1),
    error: deskError("DeskReceiptRequired", OTHER_MERCHANT),
  },
  {
    contract: "SupportDesk",
    fn: "setOrderSigner",
    what: "the zero address as order signer",
    send: (f) => f.desk.connect(f.admin).setOrderSigner(MERCHANT, ZeroAddress, true),
    error: deskError("DeskInvalidOrderSigner", ZeroAddress),
  },
  {
    contract: "SupportDesk",
    fn: "registerMerchant",
    what: "the zero address as admin",
    send: (f) => f.desk.connect(f.stranger).registerMerchant(ZeroAddress, hashOf("p")),
    error: deskError("DeskInvalidAdmin", ZeroAddress),
  },
  {
    contract: "SupportDesk",
    fn: "setAgent",
    what: "the zero address as agent",
    send: (f) => f.desk.connect(f.admin).setAgent(MERCHANT, ZeroAddress, true),
    error: deskError("DeskInvalidAgent", ZeroAddress),
  },
  {
    contract: "SupportDesk",
    fn: "postMessage",
    what: "unknown ticket 0",
    send: (f) => f.desk.connect(f.customer).postMessage(0n, hashOf("hello")),
    error: deskError("DeskUnknownTicket", 0n),
  },
];

/*//////////////////////////////////////////////////////////////
                              TESTS
//////////////////////////////////////////////////////////////*/

describe("Bad input", function () {
  it(`has ${BAD_INPUTS.length} rows, each a distinct input`, function () {
    const titles = BAD_INPUTS.map((b) => `${b.contract}.${b.fn}: ${b.what}`);
    expect(new Set(titles).size).to.equal(BAD_INPUTS.length);
    console.log(`      bad input: ${BAD_INPUTS.length} rows`);
  });

  for (const contractName of ["RefundEscrow", "FeedbackAttestations", "SupportDesk"] as const) {
    describe(contractName, function () {
      const rows = BAD_INPUTS.filter((b) => b.contract === contractName);
      for (const fn of [...new Set(rows.map((b) => b.fn))]) {
        describe(fn, function () {
          for (const row of rows.filter((b) => b.fn === fn)) {
            it(`refuses ${row.what} and changes nothing`, async function () {
              const f = await loadFixture(deployBadInputFixture);
              if (row.prepare !== undefined) await row.prepare(f);
              const before = await snapshot(f);
              const error = await row.error(f);
              await expect(row.send(f))
                .to.be.revertedWithCustomError(error.contract, error.name)
                .withArgs(...error.args);
              expect(await snapshot(f)).to.deep.equal(before);
            });
          }
        });
      }
    });
  }
});
