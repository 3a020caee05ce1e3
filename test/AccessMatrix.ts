import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import {
  type BaseContract,
  type ContractTransactionResponse,
  type Interface,
  parseEther,
} from "ethers";
import { network } from "hardhat";

import {
  DISPUTE_WINDOW,
  ETH,
  MERCHANT,
  OTHER_MERCHANT,
  TICKET,
  escrowFixture,
  hashOf,
  policyOf,
  requestRefund,
  type EscrowFixture,
} from "./helpers/escrow.js";

// Who may call what: every state-changing function of RefundEscrow and FeedbackAttestations x every
// role, from ONE table (`ROWS`). Each row names the state the call needs, the roles that may make it,
// the event that proves an allowed call did its job, and the exact error everyone else gets. The
// cells are generated from the rows; a completeness test fails when a contract gains a state-changing
// function without a row, so adding one (say `setRefundAllowance`) is adding one row.
// The desk has its own state x action x caller matrix in test/SupportDesk.ts.

const connection = await network.create();
const { ethers } = connection;
const { loadFixture, time } = connection.networkHelpers;
const deployEscrowFixture = escrowFixture(connection);

/*//////////////////////////////////////////////////////////////
                              ROLES
//////////////////////////////////////////////////////////////*/

const ROLES = [
  "customer",
  "otherCustomer",
  "admin",
  "agent",
  "otherAdmin",
  "otherAgent",
  "arbiter",
  "otherArbiter",
  "stranger",
  "relayer",
] as const;
type Role = (typeof ROLES)[number];

/** Role groups for the rows (merchant 1 is the one whose ticket, refund and feedback are at stake). */
const ANYONE: readonly Role[] = ROLES;
const NOBODY: readonly Role[] = [];
const CUSTOMER: readonly Role[] = ["customer"];
const ADMIN: readonly Role[] = ["admin"];
const STAFF: readonly Role[] = ["admin", "agent"];
const ARBITER: readonly Role[] = ["arbiter"];

/*//////////////////////////////////////////////////////////////
                        STATES (FIXTURES)
//////////////////////////////////////////////////////////////*/

const REFUND = parseEther("1");
const DEPOSIT = parseEther("2");
const WITHDRAWAL = parseEther("3");
const CREDIT = 500n * 10n ** 18n;
const REASON = hashOf("matrix reason");
const COMMENT = hashOf("matrix comment");
const REPLY = hashOf("matrix reply");
/** Ticket 1's first feedback record (`ticketId << 8 | revision 0`). */
const FEEDBACK = TICKET << 8n;

interface MatrixFixture extends EscrowFixture {
  /** Merchant 2's agent. */
  otherAgent: HardhatEthersSigner;
  /** Merchant 2's arbiter (merchant 1 keeps the deployment's default arbiter, `arbiter`). */
  otherArbiter: HardhatEthersSigner;
}

/** The escrow fixture (tickets 1-3 open, reserves funded) plus merchant 2's agent and own arbiter. */
async function baseFixture(): Promise<MatrixFixture> {
  const f = await deployEscrowFixture();
  const signers = await ethers.getSigners();
  const otherAgent = signers[10];
  const otherArbiter = signers[11];
  if (otherAgent === undefined || otherArbiter === undefined) throw new Error("12 accounts needed");
  await (await f.desk.connect(f.otherAdmin).setAgent(OTHER_MERCHANT, otherAgent, true)).wait();
  const policy = await policyOf(f.desk, OTHER_MERCHANT);
  await (
    await f.desk
      .connect(f.otherAdmin)
      .setPolicy(OTHER_MERCHANT, { ...policy, arbiter: otherArbiter.address })
  ).wait();
  return { ...f, otherAgent, otherArbiter };
}

/** Refund 1: the customer asked `REFUND` ETH on ticket 1. */
async function requestedFixture(): Promise<MatrixFixture> {
  const f = await baseFixture();
  await requestRefund(f.escrow, f.customer, TICKET, ETH, REFUND);
  return f;
}

/** Refund 1 still `Requested` one second before the next block passes its response deadline. */
async function requestedLateFixture(): Promise<MatrixFixture> {
  const f = await requestedFixture();
  await time.increaseTo((await f.escrow.getRefund(1n)).deadline);
  return f;
}

/** Refund 1 rejected by the agent (inside its dispute window). */
async function rejectedFixture(): Promise<MatrixFixture> {
  const f = await requestedFixture();
  await (await f.escrow.connect(f.agent).rejectRefund(1n, REASON)).wait();
  return f;
}

/** Refund 1 rejected, its dispute window over at the next block. */
async function rejectedExpiredFixture(): Promise<MatrixFixture> {
  const f = await rejectedFixture();
  await time.increaseTo((await f.escrow.getRefund(1n)).deadline);
  return f;
}

/** Refund 1 rejected and disputed before merchant 1's arbiter. */
async function disputedFixture(): Promise<MatrixFixture> {
  const f = await rejectedFixture();
  await (await f.escrow.connect(f.customer).disputeRefund(1n, REASON)).wait();
  return f;
}

/** The customer holds a credit of `CREDIT` TUSD (a payout the token refused while it was blocked). */
async function creditedFixture(): Promise<MatrixFixture> {
  const f = await baseFixture();
  await (await f.token.setBlocked(f.customer.address, true)).wait();
  await (
    await f.escrow.connect(f.admin).issueRefund(TICKET, await f.token.getAddress(), CREDIT, REASON)
  ).wait();
  await (await f.token.setBlocked(f.customer.address, false)).wait();
  return f;
}

/** What a limited agent may pay per day in ETH: less than one `REFUND`. */
const AGENT_LIMIT = REFUND - 1n;
const DAY_SECONDS = 86_400n;

/** Merchant 1's admin limited `agent` to `AGENT_LIMIT` ETH a day. */
async function limitedFixture(): Promise<MatrixFixture> {
  const f = await baseFixture();
  await (
    await f.escrow
      .connect(f.admin)
      .setRefundAllowance(MERCHANT, f.agent.address, ETH, AGENT_LIMIT, DAY_SECONDS)
  ).wait();
  return f;
}

/** Refund 1 requested, and `agent` limited to `AGENT_LIMIT` ETH a day. */
async function limitedRequestedFixture(): Promise<MatrixFixture> {
  const f = await limitedFixture();
  await requestRefund(f.escrow, f.customer, TICKET, ETH, REFUND);
  return f;
}

/** Ticket 1 resolved by the agent: its customer may rate it. */
async function resolvedFixture(): Promise<MatrixFixture> {
  const f = await baseFixture();
  await (await f.desk.connect(f.agent).resolveTicket(TICKET, hashOf("resolved"))).wait();
  return f;
}

/** Ticket 1 resolved and rated 5 by its customer (feedback `FEEDBACK`). */
async function attestedFixture(): Promise<MatrixFixture> {
  const f = await resolvedFixture();
  await (await f.feedback.connect(f.customer).attest(TICKET, 5, COMMENT)).wait();
  return f;
}

/*//////////////////////////////////////////////////////////////
                      THE TABLE (one row per function)
//////////////////////////////////////////////////////////////*/

/** An expected event or error: where it is declared, its name, its exact arguments. */
interface Expectation {
  contract: BaseContract;
  name: string;
  args: unknown[];
}

/** What a cell's call knows: the fixture, the caller, and the pinned timestamp of its block. */
interface CellContext {
  f: MatrixFixture;
  caller: HardhatEthersSigner;
  role: Role;
  t: number;
}

interface Row {
  contract: "RefundEscrow" | "FeedbackAttestations";
  /** The function's name in the contract's ABI. */
  fn: string;
  /** What sets this row apart from another row of the same function (its state), if any. */
  variant?: string;
  /** The state the call is made in (a `loadFixture`-able function). */
  state: () => Promise<MatrixFixture>;
  /** The roles that may make the call; everyone else is refused with `refused`. */
  may: readonly Role[];
  send(c: CellContext): Promise<ContractTransactionResponse>;
  /** The event an allowed call emits (null when nobody may call). */
  emits: ((c: CellContext) => Promise<Expectation>) | null;
  /** The error a refused call reverts with. */
  refused(c: CellContext): Promise<Expectation>;
}

const escrowOf = (c: CellContext) => c.f.escrow.connect(c.caller);
const feedbackOf = (c: CellContext) => c.f.feedback.connect(c.caller);
const tusd = (c: CellContext) => c.f.token.getAddress();

const notCustomer = async (c: CellContext): Promise<Expectation> => ({
  contract: c.f.escrow,
  name: "EscrowNotCustomer",
  args: [TICKET, c.caller.address],
});
const notStaff = async (c: CellContext): Promise<Expectation> => ({
  contract: c.f.escrow,
  name: "EscrowNotMerchantStaff",
  args: [MERCHANT, c.caller.address],
});
/** The limited agent is refused by its allowance; the other non-staff roles as not staff. */
const overAllowance = async (c: CellContext): Promise<Expectation> =>
  c.role === "agent"
    ? {
        contract: c.f.escrow,
        name: "EscrowAllowanceExceeded",
        args: [MERCHANT, c.caller.address, ETH, AGENT_LIMIT, REFUND],
      }
    : notStaff(c);
const noCredit = async (c: CellContext): Promise<Expectation> => ({
  contract: c.f.escrow,
  name: "EscrowNoCredit",
  args: [c.caller.address, await tusd(c)],
});

const ROWS: readonly Row[] = [
  // RefundEscrow: reserves
  {
    contract: "RefundEscrow",
    fn: "deposit",
    state: baseFixture,
    may: ANYONE,
    send: (c) => escrowOf(c).deposit(MERCHANT, ETH, DEPOSIT, { value: DEPOSIT }),
    emits: async (c) => ({
      contract: c.f.escrow,
      name: "ReserveDeposited",
      args: [MERCHANT, ETH, c.caller.address, DEPOSIT],
    }),
    refused: async () => {
      throw new Error("anyone may fund a reserve");
    },
  },
  {
    contract: "RefundEscrow",
    fn: "withdrawReserve",
    state: baseFixture,
    may: ADMIN,
    send: (c) => escrowOf(c).withdrawReserve(MERCHANT, ETH, WITHDRAWAL, c.caller.address),
    emits: async (c) => ({
      contract: c.f.escrow,
      name: "ReserveWithdrawn",
      args: [MERCHANT, ETH, c.caller.address, WITHDRAWAL],
    }),
    refused: async (c) => ({
      contract: c.f.escrow,
      name: "EscrowNotMerchantAdmin",
      args: [MERCHANT, c.caller.address],
    }),
  },
  {
    contract: "RefundEscrow",
    fn: "setRefundAllowance",
    state: baseFixture,
    may: ADMIN,
    send: (c) =>
      escrowOf(c).setRefundAllowance(MERCHANT, c.f.agent.address, ETH, AGENT_LIMIT, DAY_SECONDS),
    emits: async (c) => ({
      contract: c.f.escrow,
      name: "RefundAllowanceSet",
      args: [MERCHANT, c.f.agent.address, ETH, AGENT_LIMIT, DAY_SECONDS, c.caller.address],
    }),
    refused: async (c) => ({
      contract: c.f.escrow,
      name: "EscrowNotMerchantAdmin",
      args: [MERCHANT, c.caller.address],
    }),
  },
  // RefundEscrow: refunds
  {
    contract: "RefundEscrow",
    fn: "requestRefund",
    state: baseFixture,
    may: CUSTOMER,
    send: (c) => escrowOf(c).requestRefund(TICKET, ETH, REFUND, REASON),
    emits: async (c) => ({
      contract: c.f.escrow,
      name: "RefundRequested",
      args: [1n, TICKET, c.caller.address, ETH, REFUND, REASON],
    }),
    refused: notCustomer,
  },
  {
    contract: "RefundEscrow",
    fn: "issueRefund",
    state: baseFixture,
    may: STAFF,
    send: (c) => escrowOf(c).issueRefund(TICKET, ETH, REFUND, REASON),
    emits: async (c) => ({
      contract: c.f.escrow,
      name: "RefundIssued",
      args: [1n, TICKET, c.caller.address, REASON],
    }),
    refused: notStaff,
  },
  {
    contract: "RefundEscrow",
    fn: "issueRefundAndResolve",
    state: baseFixture,
    may: STAFF,
    send: (c) => escrowOf(c).issueRefundAndResolve(TICKET, ETH, REFUND, REASON),
    emits: async (c) => ({
      contract: c.f.escrow,
      name: "RefundIssued",
      args: [1n, TICKET, c.caller.address, REASON],
    }),
    refused: notStaff,
  },
  {
    contract: "RefundEscrow",
    fn: "approveRefund",
    state: requestedFixture,
    may: STAFF,
    send: (c) => escrowOf(c).approveRefund(1n),
    emits: async (c) => ({
      contract: c.f.escrow,
      name: "RefundApproved",
      args: [1n, c.caller.address],
    }),
    refused: notStaff,
  },
  {
    contract: "RefundEscrow",
    fn: "approveRefundAndResolve",
    state: requestedFixture,
    may: STAFF,
    send: (c) => escrowOf(c).approveRefundAndResolve(1n, REASON),
    emits: async (c) => ({
      contract: c.f.escrow,
      name: "RefundApproved",
      args: [1n, c.caller.address],
    }),
    refused: notStaff,
  },
  {
    contract: "RefundEscrow",
    fn: "issueRefund",
    variant: "above a limited agent's allowance",
    state: limitedFixture,
    may: ADMIN,
    send: (c) => escrowOf(c).issueRefund(TICKET, ETH, REFUND, REASON),
    emits: async (c) => ({
      contract: c.f.escrow,
      name: "RefundIssued",
      args: [1n, TICKET, c.caller.address, REASON],
    }),
    refused: overAllowance,
  },
  {
    contract: "RefundEscrow",
    fn: "approveRefund",
    variant: "above a limited agent's allowance",
    state: limitedRequestedFixture,
    may: ADMIN,
    send: (c) => escrowOf(c).approveRefund(1n),
    emits: async (c) => ({
      contract: c.f.escrow,
      name: "RefundApproved",
      args: [1n, c.caller.address],
    }),
    refused: overAllowance,
  },
  {
    contract: "RefundEscrow",
    fn: "rejectRefund",
    state: requestedFixture,
    may: STAFF,
    send: (c) => escrowOf(c).rejectRefund(1n, REASON),
    emits: async (c) => ({
      contract: c.f.escrow,
      name: "RefundRejected",
      args: [1n, c.caller.address, REASON, BigInt(c.t) + DISPUTE_WINDOW],
    }),
    refused: notStaff,
  },
  {
    contract: "RefundEscrow",
    fn: "finalizeRejection",
    state: rejectedExpiredFixture,
    may: ANYONE,
    send: (c) => escrowOf(c).finalizeRejection(1n),
    emits: async (c) => ({
      contract: c.f.escrow,
      name: "RejectionFinalized",
      args: [1n, c.caller.address],
    }),
    refused: async () => {
      throw new Error("anyone may finalize an expired rejection");
    },
  },
  {
    contract: "RefundEscrow",
    fn: "executeRefund",
    state: requestedLateFixture,
    may: ANYONE,
    send: (c) => escrowOf(c).executeRefund(1n),
    emits: async (c) => ({
      contract: c.f.escrow,
      name: "RefundExecuted",
      args: [1n, c.caller.address],
    }),
    refused: async () => {
      throw new Error("anyone may execute a refund past its deadline");
    },
  },
  {
    contract: "RefundEscrow",
    fn: "disputeRefund",
    state: rejectedFixture,
    may: CUSTOMER,
    send: (c) => escrowOf(c).disputeRefund(1n, REASON),
    emits: async (c) => ({
      contract: c.f.escrow,
      name: "RefundDisputed",
      args: [1n, c.f.arbiter.address, REASON],
    }),
    refused: notCustomer,
  },
  {
    contract: "RefundEscrow",
    fn: "resolveDispute",
    state: disputedFixture,
    may: ARBITER,
    send: (c) => escrowOf(c).resolveDispute(1n, true),
    emits: async (c) => ({
      contract: c.f.escrow,
      name: "DisputeResolved",
      args: [1n, c.caller.address, true],
    }),
    refused: async (c) => ({
      contract: c.f.escrow,
      name: "EscrowNotArbiter",
      args: [MERCHANT, c.caller.address, c.f.arbiter.address],
    }),
  },
  {
    contract: "RefundEscrow",
    fn: "cancelRefund",
    state: requestedFixture,
    may: CUSTOMER,
    send: (c) => escrowOf(c).cancelRefund(1n),
    emits: async (c) => ({ contract: c.f.escrow, name: "RefundCancelled", args: [1n] }),
    refused: notCustomer,
  },
  {
    contract: "RefundEscrow",
    fn: "withdrawCredit",
    state: creditedFixture,
    may: CUSTOMER,
    send: async (c) => escrowOf(c).withdrawCredit(await tusd(c)),
    emits: async (c) => ({
      contract: c.f.escrow,
      name: "CreditWithdrawn",
      args: [c.caller.address, await tusd(c), CREDIT, c.caller.address],
    }),
    refused: noCredit,
  },
  {
    contract: "RefundEscrow",
    fn: "withdrawCreditTo",
    state: creditedFixture,
    may: CUSTOMER,
    send: async (c) => escrowOf(c).withdrawCreditTo(await tusd(c), c.f.customer2.address),
    emits: async (c) => ({
      contract: c.f.escrow,
      name: "CreditWithdrawn",
      args: [c.caller.address, await tusd(c), CREDIT, c.f.customer2.address],
    }),
    refused: noCredit,
  },
  // RefundEscrow: deadline compensation. Claims are permissionless (the customer is paid whoever
  // calls), so the row shows that no role gets past the missing miss; the paying cells belong to the
  // compensation suites (the compensation rules are changing with issue 12).
  {
    contract: "RefundEscrow",
    fn: "claimSlaCompensation",
    state: baseFixture,
    may: NOBODY,
    send: (c) => escrowOf(c).claimSlaCompensation(TICKET),
    emits: null,
    refused: async (c) => ({ contract: c.f.desk, name: "DeskNothingToCompensate", args: [TICKET] }),
  },
  {
    contract: "RefundEscrow",
    fn: "settleOwedCompensation",
    state: baseFixture,
    may: NOBODY,
    send: (c) => escrowOf(c).settleOwedCompensation(1n),
    emits: null,
    refused: async (c) => ({ contract: c.f.escrow, name: "EscrowUnknownOwedClaim", args: [1n] }),
  },
  {
    contract: "RefundEscrow",
    fn: "paySlaCompensation",
    state: baseFixture,
    // The desk hook: only the desk contract itself, which is no role (tested in the desk's suites).
    may: NOBODY,
    send: (c) =>
      escrowOf(c).paySlaCompensation(TICKET, MERCHANT, c.f.customer.address, 3, {
        token: ETH,
        firstResponseAmount: REFUND,
        resolutionAmount: REFUND,
        autoPay: true,
      }),
    emits: null,
    refused: async (c) => ({
      contract: c.f.escrow,
      name: "EscrowNotDesk",
      args: [c.caller.address],
    }),
  },
  // FeedbackAttestations
  {
    contract: "FeedbackAttestations",
    fn: "attest",
    state: resolvedFixture,
    may: CUSTOMER,
    send: (c) => feedbackOf(c).attest(TICKET, 5, COMMENT),
    emits: async (c) => ({
      contract: c.f.feedback,
      name: "FeedbackAttested",
      args: [FEEDBACK, TICKET, MERCHANT, c.caller.address, 5n, COMMENT],
    }),
    refused: async (c) => ({
      contract: c.f.feedback,
      name: "FeedbackNotCustomer",
      args: [TICKET, c.caller.address],
    }),
  },
  {
    contract: "FeedbackAttestations",
    fn: "reply",
    state: attestedFixture,
    may: STAFF,
    send: (c) => feedbackOf(c).reply(FEEDBACK, REPLY),
    emits: async (c) => ({
      contract: c.f.feedback,
      name: "FeedbackReplied",
      args: [FEEDBACK, TICKET, c.caller.address, REPLY],
    }),
    refused: async (c) => ({
      contract: c.f.feedback,
      name: "FeedbackNotMerchantStaff",
      args: [MERCHANT, c.caller.address],
    }),
  },
  {
    contract: "FeedbackAttestations",
    fn: "amend",
    state: attestedFixture,
    may: CUSTOMER,
    send: (c) => feedbackOf(c).amend(FEEDBACK, 4, COMMENT),
    emits: async (c) => ({
      contract: c.f.feedback,
      name: "FeedbackAmended",
      args: [FEEDBACK, FEEDBACK + 1n, TICKET, 5n, 4n],
    }),
    refused: async (c) => ({
      contract: c.f.feedback,
      name: "FeedbackNotCustomer",
      args: [TICKET, c.caller.address],
    }),
  },
];

/** The signer of each role. */
function signerOf(f: MatrixFixture, role: Role): HardhatEthersSigner {
  switch (role) {
    case "customer":
      return f.customer;
    case "otherCustomer":
      return f.customer2;
    case "admin":
      return f.admin;
    case "agent":
      return f.agent;
    case "otherAdmin":
      return f.otherAdmin;
    case "otherAgent":
      return f.otherAgent;
    case "arbiter":
      return f.arbiter;
    case "otherArbiter":
      return f.otherArbiter;
    case "stranger":
      return f.stranger;
    case "relayer":
      return f.relayer;
  }
}

/** The names of a contract's state-changing functions (neither `view` nor `pure`), from its ABI. */
function stateChanging(contractInterface: Interface): string[] {
  const names: string[] = [];
  contractInterface.forEachFunction((fragment) => {
    if (!fragment.constant) names.push(fragment.name);
  });
  return names.sort();
}

const CELLS = ROWS.length * ROLES.length;
const FUNCTIONS = new Set(ROWS.map((r) => `${r.contract}.${r.fn}`)).size;

/*//////////////////////////////////////////////////////////////
                              TESTS
//////////////////////////////////////////////////////////////*/

describe("Access matrix", function () {
  describe("the table", function () {
    it(`has a row for every state-changing function and ${CELLS} cells (${ROWS.length} rows x ${ROLES.length} roles)`, async function () {
      const f = await loadFixture(baseFixture);
      for (const [name, contract] of [
        ["RefundEscrow", f.escrow],
        ["FeedbackAttestations", f.feedback],
      ] as const) {
        const rows = [...new Set(ROWS.filter((r) => r.contract === name).map((r) => r.fn))].sort();
        expect(rows, `${name}: rows vs ABI`).to.deep.equal(stateChanging(contract.interface));
      }
      // Every role is a distinct address, so a cell cannot pass by standing in for another role.
      const addresses = new Set(ROLES.map((role) => signerOf(f, role).address));
      expect(addresses.size).to.equal(ROLES.length);
      const allowed = ROWS.reduce((n, r) => n + r.may.length, 0);
      console.log(
        `      access matrix: ${CELLS} cells (${ROWS.length} rows, ${FUNCTIONS} functions, x ${ROLES.length} roles), ` +
          `${allowed} allowed, ${CELLS - allowed} refused`,
      );
    });
  });

  for (const contractName of ["RefundEscrow", "FeedbackAttestations"] as const) {
    describe(contractName, function () {
      for (const row of ROWS.filter((r) => r.contract === contractName)) {
        describe(row.variant === undefined ? row.fn : `${row.fn} (${row.variant})`, function () {
          for (const role of ROLES) {
            const allowed = row.may.includes(role);
            it(allowed ? `lets the ${role} call it` : `refuses the ${role}`, async function () {
              const f = await loadFixture(row.state);
              const caller = signerOf(f, role);
              const t = (await time.latest()) + 1;
              await time.setNextBlockTimestamp(t);
              const c: CellContext = { f, caller, role, t };
              if (allowed) {
                if (row.emits === null) throw new Error(`${row.fn}: allowed without an event`);
                const event = await row.emits(c);
                await expect(row.send(c))
                  .to.emit(event.contract, event.name)
                  .withArgs(...event.args);
              } else {
                const error = await row.refused(c);
                await expect(row.send(c))
                  .to.be.revertedWithCustomError(error.contract, error.name)
                  .withArgs(...error.args);
              }
            });
          }
        });
      }
    });
  }
});
