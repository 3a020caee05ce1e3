/**
 * What went wrong, as one sentence a person can act on: the contracts' errors (decoded by the package's
 * `decodeRevert`), a refused signature, the relayer's refusals, a wallet on the wrong chain. Never hex.
 */
import { decodeRevert, type DecodedRevert } from "careledger";

import { formatEth, formatTime, shortAddress, statusLabel } from "./format.ts";

/** The outcome of a failed action: a calm note (the person said no) or an error. */
export interface Failure {
  kind: "rejected" | "error";
  message: string;
}

const REFUND_STATUS = ["none", "requested", "paid", "rejected", "disputed", "cancelled"] as const;

const str = (value: unknown): string => String(value);
const num = (value: unknown): number => Number(value);
const who = (value: unknown): string => shortAddress(str(value));

/** Sentences for the errors people meet; any other CareLedger error falls back to its name and values. */
const SENTENCES: Record<string, (args: Record<string, unknown>) => string> = {
  DeskUnknownMerchant: (a) => `There is no merchant number ${str(a.merchantId)}.`,
  DeskUnknownTicket: (a) => `There is no ticket #${str(a.ticketId)}.`,
  DeskNotCustomer: (a) =>
    `Only the customer who opened ticket #${str(a.ticketId)} can do that; ${who(a.caller)} did not open it.`,
  DeskNotParticipant: (a) =>
    `${who(a.caller)} is neither the customer nor staff of ticket #${str(a.ticketId)}.`,
  DeskNotMerchantAdmin: (a) =>
    `Only merchant ${str(a.merchantId)}'s admin can do that; ${who(a.caller)} is not.`,
  DeskNotMerchantStaff: (a) =>
    `Only merchant ${str(a.merchantId)}'s support staff can do that; ${who(a.caller)} is not an agent.`,
  DeskNotAnAgent: (a) => `${who(a.agent)} is not an agent of merchant ${str(a.merchantId)}.`,
  DeskInvalidTransition: (a) =>
    `Ticket #${str(a.ticketId)} is ${statusLabel(num(a.status)).toLowerCase()}: that step is not possible now.`,
  DeskTicketAlreadyWorked: (a) =>
    `Ticket #${str(a.ticketId)} is already being worked on: it can no longer be cancelled.`,
  DeskInvalidPriority: (a) => `Priority ${str(a.priority)} does not exist (0 low to 3 urgent).`,
  DeskNoDeadlineMissed: (a) =>
    `Ticket #${str(a.ticketId)} has missed no deadline yet (due ${formatTime(num(a.dueAt))}).`,
  DeskReopenWindowClosed: (a) =>
    `Ticket #${str(a.ticketId)} can no longer be reopened: the window closed ${formatTime(num(a.closedAt))}.`,
  DeskAutoCloseNotDue: (a) =>
    `Ticket #${str(a.ticketId)} cannot be closed before ${formatTime(num(a.closableAt))}.`,
  DeskNothingToCompensate: (a) =>
    `Ticket #${str(a.ticketId)} has no missed deadline left to compensate.`,
  DeskSlaCompensationUnbacked: (a) =>
    `The reserve holds ${formatEth(BigInt(str(a.available)))} but the compensation promise needs ${formatEth(BigInt(str(a.required)))}: deposit first.`,
  DeskReceiptRequired: (a) =>
    `Merchant ${str(a.merchantId)} opens tickets only with an order receipt: add the receipt file from the shop.`,
  DeskReceiptNotForCaller: (a) =>
    `This order receipt was issued to ${who(a.customer)}, not to ${who(a.caller)}.`,
  DeskReceiptExpired: (a) => `Support for this order ended ${formatTime(num(a.supportUntil))}.`,
  DeskNotOrderSigner: (a) =>
    `The receipt was not signed by one of merchant ${str(a.merchantId)}'s receipt signers: ask the shop for it again.`,
  DeskInvalidReceiptSignature: () =>
    "The receipt's signature does not check out: ask the shop for it again.",
  EscrowAllowanceExceeded: (a) =>
    `${who(a.agent)} may refund only ${formatEth(BigInt(str(a.left)))} more in this period, less than the ${formatEth(BigInt(str(a.requested)))} asked: the admin can raise the allowance.`,
  EscrowOrderRefundExceeded: (a) =>
    `This order can be refunded only ${formatEth(BigInt(str(a.left)))} more, less than the ${formatEth(BigInt(str(a.requested)))} asked.`,
  InsufficientReserve: (a) =>
    `The merchant's reserve holds only ${formatEth(BigInt(str(a.available)))}, less than the ${formatEth(BigInt(str(a.requested)))} asked.`,
  EscrowZeroAmount: () => "The amount must be greater than 0.",
  EscrowNotCustomer: (a) =>
    `Only the customer who opened ticket #${str(a.ticketId)} can do that; ${who(a.caller)} did not open it.`,
  EscrowNotMerchantAdmin: (a) =>
    `Only merchant ${str(a.merchantId)}'s admin can do that; ${who(a.caller)} is not.`,
  EscrowNotMerchantStaff: (a) =>
    `Only merchant ${str(a.merchantId)}'s support staff can do that; ${who(a.caller)} is not an agent.`,
  EscrowTicketNotRefundable: (a) =>
    `Ticket #${str(a.ticketId)} is ${statusLabel(num(a.status)).toLowerCase()}: it cannot be refunded.`,
  EscrowInvalidRefundStatus: (a) =>
    `Refund #${str(a.refundId)} is ${REFUND_STATUS[num(a.status)] ?? "in another state"}: that step is not possible now.`,
  EscrowResponseDeadlinePassed: (a) =>
    `The merchant's time to answer refund #${str(a.refundId)} ended ${formatTime(num(a.deadline))}.`,
  EscrowResponseDeadlineNotReached: (a) =>
    `The merchant may still answer refund #${str(a.refundId)} until ${formatTime(num(a.deadline))}.`,
  EscrowDisputeWindowClosed: (a) =>
    `The time to dispute refund #${str(a.refundId)} ended ${formatTime(num(a.deadline))}.`,
  EscrowDisputeWindowOpen: (a) =>
    `Refund #${str(a.refundId)} can still be disputed until ${formatTime(num(a.deadline))}.`,
  EscrowNoArbiter: (a) =>
    `Merchant ${str(a.merchantId)} has no arbiter: a dispute is not possible.`,
  EscrowNoCredit: () => "There is no credit to withdraw.",
  EscrowNoSlaCompensation: (a) =>
    `Merchant ${str(a.merchantId)} promises no compensation for ticket #${str(a.ticketId)}.`,
  EscrowWithdrawUnbacksSla: (a) =>
    `Withdrawing that much would leave the compensation promise unbacked (it needs ${formatEth(BigInt(str(a.required)))}).`,
  FeedbackInvalidRating: (a) => `A rating is 1 to 5 stars, not ${str(a.rating)}.`,
  FeedbackNotCustomer: (a) =>
    `Only the customer of ticket #${str(a.ticketId)} can rate it; ${who(a.caller)} is not.`,
  FeedbackTicketNotResolved: (a) =>
    `Ticket #${str(a.ticketId)} is ${statusLabel(num(a.status)).toLowerCase()}: rate it once it is resolved.`,
  FeedbackAlreadyGiven: (a) =>
    `Ticket #${str(a.ticketId)} is already rated (feedback #${str(a.feedbackId)}): amend that rating instead.`,
  FeedbackSuperseded: (a) =>
    `Feedback #${str(a.feedbackId)} was amended by #${str(a.supersededBy)}: amend the latest one.`,
  FeedbackTooManyAmendments: (a) =>
    `Ticket #${str(a.ticketId)}'s rating was amended the most times allowed (${str(a.max)}).`,
  ERC2771ForwarderExpiredRequest: () => "The signed request expired before it was sent: try again.",
  ERC2771ForwarderInvalidSigner: () => "The signature does not match the account: try again.",
};

/** The sentence of a decoded CareLedger error. */
export function revertSentence(decoded: DecodedRevert): string {
  const sentence = SENTENCES[decoded.name];
  if (sentence !== undefined) return sentence(decoded.args);
  const values = Object.entries(decoded.args)
    .map(([name, value]) => `${name} ${String(value)}`)
    .join(", ");
  return `${decoded.contract} refused: ${decoded.name}${values === "" ? "" : ` (${values})`}.`;
}

/** Whether the person declined in the wallet (EIP-1193 4001, ethers ACTION_REJECTED). */
export function isUserRejection(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === "object" && current !== null; depth++) {
    const record = current as Record<string, unknown>;
    if (record.code === 4001 || record.code === "ACTION_REJECTED") return true;
    current = record.error ?? record.info ?? record.cause;
  }
  return false;
}

/** Any failure as what the app shows. */
export function describeFailure(error: unknown): Failure {
  if (isUserRejection(error)) {
    return { kind: "rejected", message: "You declined in your wallet: nothing was sent." };
  }
  const decoded = decodeRevert(error);
  if (decoded !== undefined) return { kind: "error", message: revertSentence(decoded) };
  const message = error instanceof Error ? error.message : String(error);
  if (/insufficient funds/i.test(message)) {
    return {
      kind: "error",
      message: "Your account has not enough ETH to pay for this transaction.",
    };
  }
  if (/failed to fetch|network error|ECONNREFUSED/i.test(message)) {
    return {
      kind: "error",
      message: "The network could not be reached: check your connection and try again.",
    };
  }
  // The relayer's refusals and the package's CareLedgerError are already sentences.
  const firstLine = message.split("\n")[0] ?? message;
  return { kind: "error", message: firstLine.replace(/\s*\(action=.*$/, "") };
}
