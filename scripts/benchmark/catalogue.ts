/**
 * What the gas benchmark measures: every user-facing operation, in its typical case, with the target the
 * issues set for it (if any), and the contracts whose deployed size is checked against EIP-170.
 *
 * An operation's `id` is its key in `gas-snapshot.json`: keep ids stable, and add new operations rather
 * than renaming old ones, so that the snapshot's history stays readable.
 *
 * Adding an operation is one entry in `OPERATIONS` (its id, label, optional target and reference, and its
 * `needs`: what its rule cannot avoid, from which the lower bound is priced), plus the line of
 * scenario.ts that performs it with `measured(id, tx)`. A customer operation is also listed in
 * extended.ts's `CUSTOMER_OPERATIONS` (then measured relayed), a per-record one in
 * `PER_RECORD_OPERATIONS` (then measured at record #1 and #10,000).
 */

import type { CallShape, LogShape, StorageAccess } from "./evm-gas.js";

/** The EIP-170 limit on a contract's deployed bytecode (Spurious Dragon): 24 KiB. */
export const EIP170_LIMIT = 24_576;

/** The contracts whose deployed bytecode size is measured: the Ignition module's four, and the modules the
 * desk and the escrow deploy and DELEGATECALL for their cold code. */
export const CONTRACTS = [
  "SupportDesk",
  "RefundEscrow",
  "FeedbackAttestations",
  "ERC2771Forwarder",
  "SupportDeskMerchants",
  "RefundEscrowReserves",
] as const;
export type ContractName = (typeof CONTRACTS)[number];

/** The gas targets of the issues, each including the 21,000 base cost of a transaction. */
export const TARGETS = {
  openTicket: 60_000,
  openTicketWithReceipt: 80_000,
  statusChange: 35_000,
  customerMessage: 28_000,
  ethDeposit: 50_000,
  requestRefund: 90_000,
  approveRefundEth: 75_000,
  claimSlaCompensation: 70_000,
  attest: 80_000,
} as const;

export type Group = "desk" | "escrow" | "feedback";

export const GROUP_TITLES: Record<Group, string> = {
  desk: "SupportDesk",
  escrow: "RefundEscrow",
  feedback: "FeedbackAttestations",
};

/*//////////////////////////////////////////////////////////////
              WHAT EACH OPERATION CANNOT AVOID (LOWER BOUND)
//////////////////////////////////////////////////////////////*/

/** An event by contract and name: its topics and data bytes are read from the ABI. */
export type EventName =
  `${"SupportDesk" | "RefundEscrow" | "FeedbackAttestations" | "ERC2771Forwarder"}.${string}`;

/**
 * What an operation must do whatever the implementation: the slots its rule must read or write, the
 * events the design requires (every transition is an event: the timeline is rebuilt from logs), and the
 * calls it must make. scripts/benchmark/evm-gas.ts prices it, with the transaction's real calldata, into
 * the operation's lower bound. Accesses are cold (first in the transaction) unless marked warm.
 */
export interface Needs {
  storage: StorageAccess[];
  events: (EventName | LogShape)[];
  calls: CallShape[];
}

/** The needs of several parts of an operation, in order. */
export function needs(...parts: Partial<Needs>[]): Needs {
  return {
    storage: parts.flatMap((part) => part.storage ?? []),
    events: parts.flatMap((part) => part.events ?? []),
    calls: parts.flatMap((part) => part.calls ?? []),
  };
}

const read = (slot: string): StorageAccess => ({ kind: "read", slot });
const create = (slot: string): StorageAccess => ({ kind: "create", slot });
const update = (slot: string): StorageAccess => ({ kind: "update", slot });
const clear = (slot: string): StorageAccess => ({ kind: "clear", slot });
/** A slot already written in this transaction: rewriting it costs a warm access (EIP-2200). */
const rewrite = (slot: string): StorageAccess => ({ kind: "read", slot, warm: true });
const call = (target: string): CallShape => ({ target });
const warmCall = (target: string): CallShape => ({ target, warm: true });

/** ERC-20 `Transfer(address indexed, address indexed, uint256)`. */
const TRANSFER: LogShape = { name: "ERC20.Transfer", topics: 3, dataBytes: 32 };

/** Reusable parts. */
export const PART = {
  /** A staff action: the caller's role at the merchant. */
  staff: { storage: [read("desk: caller's role at the merchant")] },
  /** A customer action on the desk: the ticket says who its customer is and its status. */
  ticket: { storage: [read("desk: ticket (customer, merchant, status)")] },
  /** A transition: the ticket's status (packed with its clock and flags) changes, and is logged. */
  transition: {
    storage: [update("desk: ticket (status, clock, flags)")],
    events: ["SupportDesk.TicketStatusChanged"],
  },
  /** A deadline counted in the merchant's public record (met or missed). */
  deadlineCounted: {
    storage: [update("desk: merchant's deadline counters (and policy times)")],
    events: ["SupportDesk.SlaDeadlineSettled"],
  },
  /** The escrow or the feedback contract asks the desk. */
  askDesk: { calls: [call("desk (ticket, roles)")] },
  /** An ETH payout to the customer, an account without code. */
  payEth: { calls: [{ target: "customer (ETH payout)", value: "eoa" }] },
  /** An ERC-20 payout to a customer who holds the token already. */
  payErc20: {
    storage: [update("token: escrow's balance"), update("token: customer's balance")],
    events: [TRANSFER],
    calls: [call("ERC-20 token (transfer)")],
  },
  /** A refund's status (packed with its amount and deadline) changes. */
  refundStatus: { storage: [update("escrow: refund (status, deadline, amount)")] },
  /** A merchant's reserve in a token moves between available and locked, or out. */
  reserve: { storage: [update("escrow: merchant's reserve (available | locked)")] },
  /** A released lock first covers the compensation the merchant owes in that token. */
  owedBook: { storage: [read("escrow: merchant's owed compensation book")] },
  /** What ERC-2771 relaying adds: the forwarder checks the signature and the nonce, then calls. */
  relay: {
    storage: [update("forwarder: signer's nonce")],
    events: ["ERC2771Forwarder.ExecutedForwardRequest"],
    calls: [
      { target: "ecrecover precompile (3,000 to run)", warm: true, precompileGas: 3_000 },
      call("the target contract"),
    ],
  },
} satisfies Record<string, Partial<Needs>>;

/*//////////////////////////////////////////////////////////////
                         REFERENCE CONTRACTS
//////////////////////////////////////////////////////////////*/

/** The reference contracts a user would pick instead, measured in the same run. */
export const REFERENCES = {
  "eas.attest":
    "EAS 1.9.0 attest: schema (uint256 ticketId, uint8 rating, bytes32 commentHash), refUID",
  "eas.attest.resolver":
    "EAS 1.9.0 attest through a resolver: only the ticket's customer, once (TicketFeedbackResolver)",
  "oz4.escrow.deposit": "OpenZeppelin 4.9 Escrow.deposit (existing payee)",
  "oz4.escrow.withdraw": "OpenZeppelin 4.9 Escrow.withdraw",
  "oz4.refundEscrow.deposit": "OpenZeppelin 4.9 RefundEscrow.deposit (existing refundee)",
  "oz4.refundEscrow.enableRefunds": "OpenZeppelin 4.9 RefundEscrow.enableRefunds (once per escrow)",
  "oz4.refundEscrow.withdraw": "OpenZeppelin 4.9 RefundEscrow.withdraw (a refund, refunds enabled)",
  "oz4.refundEscrow.refund":
    "OpenZeppelin 4.9 RefundEscrow refund: enableRefunds + withdraw (one refundee)",
} as const;
export type ReferenceId = keyof typeof REFERENCES;

export interface Operation {
  /** Its key in the snapshot, `<group>.<function>[.<case>]`. */
  id: string;
  group: Group;
  /** The function and the case measured, as the table shows it. */
  label: string;
  /** The issues' target (gas, 21,000 base included), if they set one. */
  target?: number;
  /** What it cannot avoid: its lower bound. */
  needs: Needs;
  /** The reference a user would pick instead, if there is one. */
  reference?: ReferenceId;
  /**
   * Required when the operation costs more than 1.3x its bound (the run warns otherwise): which check or
   * record costs the rest, and why it is worth it. Shown in the README's Gas section.
   */
  overBound?: string;
}

/** The operations, in the order the table lists them. */
export const OPERATIONS: readonly Operation[] = [
  // Merchants (a new merchant onboarding: its admin registers, names an agent, sets its terms).
  {
    id: "desk.registerMerchant",
    group: "desk",
    label: "registerMerchant",
    needs: needs({
      storage: [update("desk: merchant count"), create("desk: merchant's admin")],
      events: ["SupportDesk.MerchantRegistered"],
    }),
    overBound:
      "It writes the default policy into the merchant's three slots (two more new slots than the " +
      "admin alone, 44,200 gas) and the admin's role (a new slot, 22,100), and logs `PolicySet`: every " +
      "later staff check then reads one role slot, and settling a deadline reads the policy times in " +
      "the slot it writes the counters to. Paid once per merchant." +
      " It also runs in the desk's merchant module: one DELEGATECALL to a cold address (2,600 gas and the call " +
      "data copied), so that the desk's hot paths fit EIP-170 at 10,000 runs.",
  },
  {
    id: "desk.setAgent",
    group: "desk",
    label: "setAgent (a new agent)",
    needs: needs(PART.staff, {
      storage: [create("desk: the agent's role")],
      events: ["SupportDesk.AgentSet"],
    }),
  },
  {
    id: "desk.setPolicy",
    group: "desk",
    label: "setPolicy (changes the default policy)",
    needs: needs(PART.staff, {
      storage: [
        update("desk: policy, slot 1 of 2 (352 bits)"),
        update("desk: policy, slot 2 of 2"),
      ],
      events: ["SupportDesk.PolicySet"],
    }),
    overBound:
      "The policy is spread over three slots, not two: the deadline times sit beside the merchant's " +
      "hit-rate counters, so that each response and resolution reads one slot. A rare admin action " +
      "pays one more slot write (5,000), the merchant-id check (2,100) and the validation of each of " +
      "its six times for that. And it archives the terms version it ends (four slots, `TermsVersionStarted`) " +
      "so that running cycles, resolved tickets and requested refunds keep their terms: fixed terms are " +
      "paid for by the rare admin change, never by a ticket." +
      " It also runs in the desk's merchant module: one DELEGATECALL to a cold address (2,600 gas and the call " +
      "data copied), so that the desk's hot paths fit EIP-170 at 10,000 runs.",
  },
  {
    id: "desk.setSlaCompensation",
    group: "desk",
    label: "setSlaCompensation (first terms, backed in ETH)",
    needs: needs(PART.staff, {
      storage: [
        read("escrow: merchant's reserve (is the promise backed?)"),
        create("desk: compensation, slot 1 of 2 (token, amounts: 360 bits)"),
        create("desk: compensation, slot 2 of 2"),
      ],
      events: ["SupportDesk.SlaCompensationSet"],
      calls: [call("escrow (reserve)")],
    }),
    overBound:
      "It archives the terms version it ends (the policy's two slots are new for a merchant's first change) " +
      "and logs `TermsVersionStarted`, so that cycles already running keep the compensation they started " +
      "under: a merchant cannot set compensation to zero before a claim. Paid once per change, never by a " +
      "ticket." +
      " It also runs in the desk's merchant module: one DELEGATECALL to a cold address (2,600 gas and the call " +
      "data copied), so that the desk's hot paths fit EIP-170 at 10,000 runs.",
  },
  // Tickets.
  {
    id: "desk.openTicket",
    group: "desk",
    label: "openTicket",
    target: TARGETS.openTicket,
    needs: needs({
      storage: [
        update("desk: ticket counter (the merchant count, checked, in the same slot)"),
        read("desk: merchant's terms version and receipt requirement"),
        create("desk: ticket (customer, merchant, status, clock, terms version)"),
      ],
      events: ["SupportDesk.TicketOpened"],
    }),
  },
  {
    id: "desk.openTicketWithReceipt",
    group: "desk",
    label: "openTicketWithReceipt (an order's first verified ticket, EOA signer)",
    target: TARGETS.openTicketWithReceipt,
    needs: needs({
      storage: [
        update("desk: ticket counter (the merchant count, checked, in the same slot)"),
        read("desk: merchant's terms version"),
        read("desk: the signer is accepted"),
        create("desk: order (token, support period)"),
        create("desk: order (amount)"),
        create("desk: ticket (customer, merchant, status, clock, terms version, verified)"),
        create("desk: ticket's order reference"),
      ],
      events: ["SupportDesk.TicketOpened", "SupportDesk.TicketVerified"],
    }),
    overBound:
      "Recovering the signer costs the ecrecover precompile (3,000 gas) and hashing the EIP-712 receipt, " +
      "which the bound does not count; the order's first ticket creates the order record (token, support " +
      "period and amount: two slots) so that every later receipt of the order must agree and refunds can be " +
      "capped, plus the ticket's link to its order. Four new slots are 88,400 gas of the EVM's alone, which " +
      "puts this above the 80,000 target on any design that records the order.",
  },
  {
    id: "desk.openTicket.relayed",
    group: "desk",
    label: "openTicket relayed through the forwarder (relayer pays)",
    needs: needs(PART.relay, {
      storage: [
        update("desk: ticket counter (the merchant count, checked, in the same slot)"),
        create("desk: ticket (customer, merchant, status, clock)"),
      ],
      events: ["SupportDesk.TicketOpened"],
    }),
  },
  {
    id: "desk.postMessage.customer",
    group: "desk",
    label: "postMessage by the customer (no status change)",
    target: TARGETS.customerMessage,
    needs: needs(PART.ticket, { events: ["SupportDesk.MessagePosted"] }),
  },
  {
    id: "desk.assignTicket",
    group: "desk",
    label: "assignTicket (first assignment)",
    needs: needs(PART.ticket, PART.staff, {
      storage: [read("desk: the assignee's role"), create("desk: ticket's assignee")],
      events: ["SupportDesk.TicketAssigned"],
    }),
  },
  {
    id: "desk.postMessage.firstResponse",
    group: "desk",
    label: "postMessage: first staff response, on time (Open -> InProgress)",
    target: TARGETS.statusChange,
    needs: needs(PART.staff, PART.transition, PART.deadlineCounted, {
      events: ["SupportDesk.MessagePosted"],
    }),
  },
  {
    id: "desk.awaitCustomer",
    group: "desk",
    label: "awaitCustomer",
    target: TARGETS.statusChange,
    needs: needs(PART.staff, PART.transition),
  },
  {
    id: "desk.postMessage.customerResumes",
    group: "desk",
    label: "postMessage: the customer's reply (AwaitingCustomer -> InProgress)",
    target: TARGETS.statusChange,
    needs: needs(PART.transition, { events: ["SupportDesk.MessagePosted"] }),
  },
  {
    id: "desk.resolveTicket.fromInProgress",
    group: "desk",
    label: "resolveTicket from InProgress, on time",
    target: TARGETS.statusChange,
    needs: needs(PART.staff, PART.transition, PART.deadlineCounted),
  },
  {
    id: "desk.resolveTicket.fromOpen",
    group: "desk",
    label: "resolveTicket from Open, on time",
    target: TARGETS.statusChange,
    needs: needs(PART.staff, PART.transition, PART.deadlineCounted, {
      events: ["SupportDesk.SlaDeadlineSettled"],
    }),
  },
  {
    id: "desk.confirmResolution",
    group: "desk",
    label: "confirmResolution",
    target: TARGETS.statusChange,
    needs: needs(PART.transition),
  },
  {
    id: "desk.reopenTicket",
    group: "desk",
    label: "reopenTicket",
    target: TARGETS.statusChange,
    needs: needs(PART.transition, { storage: [read("desk: merchant's reopen window")] }),
  },
  {
    id: "desk.escalateTicket",
    group: "desk",
    label: "escalateTicket (first response missed)",
    target: TARGETS.statusChange,
    needs: needs(PART.transition, PART.deadlineCounted),
    overBound:
      "A recorded miss may be compensated at once: it reads the escrow's address and the merchant's " +
      "two compensation slots (6,300) to see whether `autoPay` is on, so the customer is paid in the " +
      "same transaction when it is.",
  },
  {
    id: "desk.cancelTicket",
    group: "desk",
    label: "cancelTicket (nothing missed)",
    target: TARGETS.statusChange,
    needs: needs(PART.transition),
  },
  {
    id: "desk.closeTicket",
    group: "desk",
    label: "closeTicket (auto-close delay passed)",
    target: TARGETS.statusChange,
    needs: needs(PART.transition, { storage: [read("desk: merchant's auto-close delay")] }),
  },
  // Reserves.
  {
    id: "escrow.deposit.eth",
    group: "escrow",
    label: "deposit ETH (existing reserve)",
    target: TARGETS.ethDeposit,
    reference: "oz4.escrow.deposit",
    needs: needs(PART.reserve, {
      storage: [read("desk: merchant count (is the merchant known?)")],
      events: ["RefundEscrow.ReserveDeposited"],
      calls: [call("desk (merchant count)")],
    }),
  },
  {
    id: "escrow.deposit.erc20",
    group: "escrow",
    label: "deposit ERC-20 (existing reserve)",
    needs: needs(PART.reserve, {
      storage: [
        read("desk: merchant count (is the merchant known?)"),
        update("token: merchant's balance"),
        update("token: merchant's allowance to the escrow"),
        update("token: escrow's balance"),
      ],
      events: [TRANSFER, "RefundEscrow.ReserveDeposited"],
      calls: [
        call("desk (merchant count)"),
        call("ERC-20 token (transferFrom)"),
        // Fee-on-transfer tokens are credited by what arrives: the balance before and after.
        warmCall("ERC-20 token (balanceOf, before)"),
        warmCall("ERC-20 token (balanceOf, after)"),
      ],
    }),
  },
  {
    id: "escrow.withdrawReserve.eth",
    group: "escrow",
    label: "withdrawReserve ETH",
    reference: "oz4.escrow.withdraw",
    needs: needs(PART.staff, PART.reserve, PART.owedBook, {
      events: ["RefundEscrow.ReserveWithdrawn"],
      calls: [
        call("desk (admin role)"),
        { target: "the admin, the sender (ETH payout)", warm: true, value: "eoa" },
      ],
    }),
  },
  // Refunds.
  {
    id: "escrow.requestRefund.eth",
    group: "escrow",
    label: "requestRefund ETH",
    target: TARGETS.requestRefund,
    needs: needs(PART.askDesk, PART.ticket, PART.reserve, {
      storage: [
        read("desk: merchant's refund response time"),
        update("escrow: refund counter"),
        create("escrow: refund (ticket, merchant, status, deadline, amount)"),
      ],
      events: ["RefundEscrow.RefundRequested"],
    }),
  },
  {
    id: "escrow.requestRefund.erc20",
    group: "escrow",
    label: "requestRefund ERC-20 (stores the token in a 2nd slot)",
    target: TARGETS.requestRefund,
    needs: needs(PART.askDesk, PART.ticket, PART.reserve, {
      storage: [
        read("desk: merchant's refund response time"),
        update("escrow: refund counter"),
        create("escrow: refund (ticket, merchant, status, deadline, amount)"),
        create("escrow: refund's token (416 bits in all: a 2nd slot)"),
      ],
      events: ["RefundEscrow.RefundRequested"],
    }),
  },
  {
    id: "escrow.approveRefund.eth",
    group: "escrow",
    label: "approveRefund, ETH payout",
    target: TARGETS.approveRefundEth,
    reference: "oz4.refundEscrow.withdraw",
    needs: needs(
      PART.askDesk,
      PART.staff,
      PART.ticket,
      PART.refundStatus,
      PART.reserve,
      PART.payEth,
      {
        events: ["RefundEscrow.RefundApproved", "RefundEscrow.RefundPaid"],
      },
    ),
  },
  {
    id: "escrow.approveRefund.erc20",
    group: "escrow",
    label: "approveRefund, ERC-20 payout",
    needs: needs(
      PART.askDesk,
      PART.staff,
      PART.ticket,
      PART.refundStatus,
      PART.reserve,
      PART.payErc20,
      {
        storage: [read("escrow: refund's token")],
        events: ["RefundEscrow.RefundApproved", "RefundEscrow.RefundPaid"],
      },
    ),
  },
  {
    id: "escrow.approveRefundAndResolve.eth",
    group: "escrow",
    label: "approveRefundAndResolve, ETH payout (InProgress ticket)",
    needs: needs(
      PART.askDesk,
      PART.staff,
      PART.refundStatus,
      PART.reserve,
      PART.transition,
      PART.deadlineCounted,
      PART.payEth,
      { events: ["RefundEscrow.RefundApproved", "RefundEscrow.RefundPaid"] },
    ),
  },
  {
    id: "escrow.issueRefund.eth",
    group: "escrow",
    label: "issueRefund, ETH payout",
    reference: "oz4.refundEscrow.refund",
    needs: needs(PART.askDesk, PART.staff, PART.ticket, PART.reserve, PART.payEth, {
      storage: [
        update("escrow: refund counter"),
        create("escrow: refund (ticket, merchant, status, amount)"),
      ],
      events: ["RefundEscrow.RefundIssued", "RefundEscrow.RefundPaid"],
    }),
  },
  {
    id: "escrow.rejectRefund",
    group: "escrow",
    label: "rejectRefund",
    needs: needs(PART.askDesk, PART.staff, PART.refundStatus, {
      storage: [read("desk: merchant's dispute window")],
      events: ["RefundEscrow.RefundRejected"],
    }),
    overBound:
      "To date the dispute window the escrow calls `desk.policyOf`, which checks the merchant id and " +
      "returns the whole policy (three merchant slots and the merchant count: three cold reads more " +
      "than the one field it needs), after a separate `isAgent` call for the role.",
  },
  {
    id: "escrow.disputeRefund",
    group: "escrow",
    label: "disputeRefund",
    needs: needs(PART.askDesk, PART.ticket, PART.refundStatus, {
      storage: [
        read("desk: merchant's arbiter"),
        create("escrow: the dispute's arbiter (fixed when the dispute starts)"),
      ],
      events: ["RefundEscrow.RefundDisputed"],
    }),
  },
  {
    id: "escrow.resolveDispute.pay",
    group: "escrow",
    label: "resolveDispute for the customer, ETH payout",
    needs: needs(PART.refundStatus, PART.reserve, PART.askDesk, PART.ticket, PART.payEth, {
      storage: [read("escrow: the dispute's arbiter")],
      events: ["RefundEscrow.DisputeResolved", "RefundEscrow.RefundPaid"],
    }),
  },
  {
    id: "escrow.resolveDispute.reject",
    group: "escrow",
    label: "resolveDispute for the merchant (lock released)",
    needs: needs(PART.refundStatus, PART.reserve, PART.owedBook, {
      storage: [read("escrow: the dispute's arbiter")],
      events: ["RefundEscrow.DisputeResolved"],
    }),
    overBound:
      "Releasing the lock asks the desk whether the refund's ticket is verified (a call and the ticket's " +
      "slot, about 5,000 gas), to give the amount back to its order's refund cap.",
  },
  {
    id: "escrow.executeRefund.eth",
    group: "escrow",
    label: "executeRefund after the deadline, ETH payout",
    needs: needs(PART.refundStatus, PART.reserve, PART.askDesk, PART.ticket, PART.payEth, {
      events: ["RefundEscrow.RefundExecuted", "RefundEscrow.RefundPaid"],
    }),
  },
  {
    id: "escrow.cancelRefund",
    group: "escrow",
    label: "cancelRefund (ETH)",
    needs: needs(PART.askDesk, PART.ticket, PART.refundStatus, PART.reserve, PART.owedBook, {
      events: ["RefundEscrow.RefundCancelled"],
    }),
  },
  {
    id: "escrow.finalizeRejection",
    group: "escrow",
    label: "finalizeRejection after the dispute window",
    needs: needs(PART.refundStatus, PART.reserve, PART.owedBook, {
      events: ["RefundEscrow.RejectionFinalized"],
    }),
    overBound:
      "Releasing the lock asks the desk whether the refund's ticket is verified (a call and the ticket's " +
      "slot, about 5,000 gas), to give the amount back to its order's refund cap.",
  },
  // Deadline compensation and credits.
  {
    id: "escrow.claimSlaCompensation.eth",
    group: "escrow",
    label: "claimSlaCompensation, paid in ETH (first response missed)",
    target: TARGETS.claimSlaCompensation,
    needs: needs(PART.askDesk, PART.transition, PART.deadlineCounted, PART.reserve, PART.payEth, {
      storage: [read("desk: merchant's compensation (token, amount)")],
      events: ["RefundEscrow.SlaCompensationPaid"],
    }),
  },
  {
    id: "escrow.claimSlaCompensation.owed",
    group: "escrow",
    label: "claimSlaCompensation, recorded as owed (reserve locked)",
    needs: needs(PART.askDesk, PART.transition, PART.deadlineCounted, {
      storage: [
        read("desk: merchant's compensation (token, amount)"),
        read("escrow: merchant's reserve (nothing available)"),
        update("escrow: merchant's owed compensation book"),
        update("escrow: owed claim counter"),
        create("escrow: owed claim, slot 1 of 2 (customer, ticket)"),
        create("escrow: owed claim, slot 2 of 2 (token, amount)"),
      ],
      events: ["RefundEscrow.SlaCompensationOwed"],
    }),
  },
  {
    id: "escrow.settleOwedCompensation.eth",
    group: "escrow",
    label: "settleOwedCompensation, ETH payout",
    needs: needs(PART.payEth, {
      storage: [
        update("escrow: owed claim (paid), slot 1 of 2"),
        read("escrow: owed claim, slot 2 of 2"),
        update("escrow: merchant's owed compensation book (covered, settled)"),
      ],
      events: ["RefundEscrow.OwedCompensationPaid"],
    }),
  },
  {
    id: "escrow.withdrawCredit.erc20",
    group: "escrow",
    label: "withdrawCredit (ERC-20 the token had refused; blocklist token)",
    needs: needs(PART.payErc20, {
      storage: [clear("escrow: the customer's credit")],
      events: ["RefundEscrow.CreditWithdrawn"],
    }),
  },
  // Feedback.
  {
    id: "feedback.attest",
    group: "feedback",
    label: "attest with a comment (typical)",
    target: TARGETS.attest,
    reference: "eas.attest.resolver",
    needs: needs(PART.askDesk, PART.ticket, {
      storage: [
        update("feedback: the ticket's rating entry (in a shared word)"),
        create("feedback: the comment commitment"),
        update("feedback: merchant's rating histogram"),
      ],
      events: ["FeedbackAttestations.FeedbackAttested"],
    }),
  },
  {
    id: "feedback.attest.firstOfWord",
    group: "feedback",
    label: "attest, first rating among 64 ticket ids (word created)",
    target: TARGETS.attest,
    needs: needs(PART.askDesk, PART.ticket, {
      storage: [
        create("feedback: rating word of 64 tickets"),
        create("feedback: the comment commitment"),
        update("feedback: merchant's rating histogram"),
      ],
      events: ["FeedbackAttestations.FeedbackAttested"],
    }),
  },
  {
    id: "feedback.reply",
    group: "feedback",
    label: "reply",
    needs: needs(PART.askDesk, PART.ticket, PART.staff, {
      storage: [read("feedback: the ticket's rating entry"), create("feedback: the reply")],
      events: ["FeedbackAttestations.FeedbackReplied"],
    }),
  },
  {
    id: "feedback.amend.first",
    group: "feedback",
    label: "amend, first amendment of a ticket",
    needs: needs(PART.askDesk, PART.ticket, {
      storage: [
        update("feedback: the ticket's rating entry (amended flag)"),
        create("feedback: the ticket's amendment history"),
        update("feedback: merchant's rating histogram"),
        create("feedback: the new comment commitment"),
      ],
      events: ["FeedbackAttestations.FeedbackAttested", "FeedbackAttestations.FeedbackAmended"],
    }),
  },
  {
    id: "feedback.amend.later",
    group: "feedback",
    label: "amend, later amendment",
    needs: needs(PART.askDesk, PART.ticket, {
      storage: [
        read("feedback: the ticket's rating entry"),
        update("feedback: the ticket's amendment history"),
        update("feedback: merchant's rating histogram"),
        create("feedback: the new comment commitment"),
      ],
      events: ["FeedbackAttestations.FeedbackAttested", "FeedbackAttestations.FeedbackAmended"],
    }),
  },
];
