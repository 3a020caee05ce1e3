/**
 * What the gas benchmark measures: every user-facing operation, in its typical case, with the target the
 * issues set for it (if any), and the contracts whose deployed size is checked against EIP-170.
 *
 * An operation's `id` is its key in `gas-snapshot.json`: keep ids stable, and add new operations rather
 * than renaming old ones, so that the snapshot's history stays readable.
 */

/** The EIP-170 limit on a contract's deployed bytecode (Spurious Dragon): 24 KiB. */
export const EIP170_LIMIT = 24_576;

/** The contracts whose deployed bytecode size is measured (the Ignition module's four). */
export const CONTRACTS = [
  "SupportDesk",
  "RefundEscrow",
  "FeedbackAttestations",
  "ERC2771Forwarder",
] as const;
export type ContractName = (typeof CONTRACTS)[number];

/** The gas targets of the issues, each including the 21,000 base cost of a transaction. */
export const TARGETS = {
  openTicket: 60_000,
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

export interface Operation {
  /** Its key in the snapshot, `<group>.<function>[.<case>]`. */
  id: string;
  group: Group;
  /** The function and the case measured, as the table shows it. */
  label: string;
  /** The issues' target (gas, 21,000 base included), if they set one. */
  target?: number;
}

/** The operations, in the order the table lists them. */
export const OPERATIONS: readonly Operation[] = [
  // Merchants (a new merchant onboarding: its admin registers, names an agent, sets its terms).
  { id: "desk.registerMerchant", group: "desk", label: "registerMerchant" },
  { id: "desk.setAgent", group: "desk", label: "setAgent (a new agent)" },
  { id: "desk.setPolicy", group: "desk", label: "setPolicy (changes the default policy)" },
  {
    id: "desk.setSlaCompensation",
    group: "desk",
    label: "setSlaCompensation (first terms, backed in ETH)",
  },
  // Tickets.
  {
    id: "desk.openTicket",
    group: "desk",
    label: "openTicket",
    target: TARGETS.openTicket,
  },
  {
    id: "desk.openTicket.relayed",
    group: "desk",
    label: "openTicket relayed through the forwarder (relayer pays)",
  },
  {
    id: "desk.postMessage.customer",
    group: "desk",
    label: "postMessage by the customer (no status change)",
    target: TARGETS.customerMessage,
  },
  { id: "desk.assignTicket", group: "desk", label: "assignTicket (first assignment)" },
  {
    id: "desk.postMessage.firstResponse",
    group: "desk",
    label: "postMessage: first staff response, on time (Open -> InProgress)",
    target: TARGETS.statusChange,
  },
  {
    id: "desk.awaitCustomer",
    group: "desk",
    label: "awaitCustomer",
    target: TARGETS.statusChange,
  },
  {
    id: "desk.postMessage.customerResumes",
    group: "desk",
    label: "postMessage: the customer's reply (AwaitingCustomer -> InProgress)",
    target: TARGETS.statusChange,
  },
  {
    id: "desk.resolveTicket.fromInProgress",
    group: "desk",
    label: "resolveTicket from InProgress, on time",
    target: TARGETS.statusChange,
  },
  {
    id: "desk.resolveTicket.fromOpen",
    group: "desk",
    label: "resolveTicket from Open, on time",
    target: TARGETS.statusChange,
  },
  {
    id: "desk.confirmResolution",
    group: "desk",
    label: "confirmResolution",
    target: TARGETS.statusChange,
  },
  {
    id: "desk.reopenTicket",
    group: "desk",
    label: "reopenTicket",
    target: TARGETS.statusChange,
  },
  {
    id: "desk.escalateTicket",
    group: "desk",
    label: "escalateTicket (first response missed)",
    target: TARGETS.statusChange,
  },
  {
    id: "desk.cancelTicket",
    group: "desk",
    label: "cancelTicket (nothing missed)",
    target: TARGETS.statusChange,
  },
  {
    id: "desk.closeTicket",
    group: "desk",
    label: "closeTicket (auto-close delay passed)",
    target: TARGETS.statusChange,
  },
  // Reserves.
  {
    id: "escrow.deposit.eth",
    group: "escrow",
    label: "deposit ETH (existing reserve)",
    target: TARGETS.ethDeposit,
  },
  { id: "escrow.deposit.erc20", group: "escrow", label: "deposit ERC-20 (existing reserve)" },
  { id: "escrow.withdrawReserve.eth", group: "escrow", label: "withdrawReserve ETH" },
  // Refunds.
  {
    id: "escrow.requestRefund.eth",
    group: "escrow",
    label: "requestRefund ETH",
    target: TARGETS.requestRefund,
  },
  {
    id: "escrow.requestRefund.erc20",
    group: "escrow",
    label: "requestRefund ERC-20 (stores the token in a 2nd slot)",
    target: TARGETS.requestRefund,
  },
  {
    id: "escrow.approveRefund.eth",
    group: "escrow",
    label: "approveRefund, ETH payout",
    target: TARGETS.approveRefundEth,
  },
  { id: "escrow.approveRefund.erc20", group: "escrow", label: "approveRefund, ERC-20 payout" },
  {
    id: "escrow.approveRefundAndResolve.eth",
    group: "escrow",
    label: "approveRefundAndResolve, ETH payout (InProgress ticket)",
  },
  { id: "escrow.issueRefund.eth", group: "escrow", label: "issueRefund, ETH payout" },
  { id: "escrow.rejectRefund", group: "escrow", label: "rejectRefund" },
  { id: "escrow.disputeRefund", group: "escrow", label: "disputeRefund" },
  {
    id: "escrow.resolveDispute.pay",
    group: "escrow",
    label: "resolveDispute for the customer, ETH payout",
  },
  {
    id: "escrow.resolveDispute.reject",
    group: "escrow",
    label: "resolveDispute for the merchant (lock released)",
  },
  {
    id: "escrow.executeRefund.eth",
    group: "escrow",
    label: "executeRefund after the deadline, ETH payout",
  },
  { id: "escrow.cancelRefund", group: "escrow", label: "cancelRefund (ETH)" },
  {
    id: "escrow.finalizeRejection",
    group: "escrow",
    label: "finalizeRejection after the dispute window",
  },
  // Deadline compensation and credits.
  {
    id: "escrow.claimSlaCompensation.eth",
    group: "escrow",
    label: "claimSlaCompensation, paid in ETH (first response missed)",
    target: TARGETS.claimSlaCompensation,
  },
  {
    id: "escrow.claimSlaCompensation.owed",
    group: "escrow",
    label: "claimSlaCompensation, recorded as owed (reserve locked)",
  },
  {
    id: "escrow.settleOwedCompensation.eth",
    group: "escrow",
    label: "settleOwedCompensation, ETH payout",
  },
  {
    id: "escrow.withdrawCredit.erc20",
    group: "escrow",
    label: "withdrawCredit (ERC-20 the token had refused; blocklist token)",
  },
  // Feedback.
  {
    id: "feedback.attest",
    group: "feedback",
    label: "attest with a comment (typical)",
    target: TARGETS.attest,
  },
  {
    id: "feedback.attest.firstOfWord",
    group: "feedback",
    label: "attest, first rating among 64 ticket ids (word created)",
    target: TARGETS.attest,
  },
  { id: "feedback.reply", group: "feedback", label: "reply" },
  { id: "feedback.amend.first", group: "feedback", label: "amend, first amendment of a ticket" },
  { id: "feedback.amend.later", group: "feedback", label: "amend, later amendment" },
];
