import { CareLedgerError } from "./error.js";

/** A ticket's state, as `SupportDesk.Status` (same order, same numbers). */
export enum TicketStatus {
  None,
  Open,
  InProgress,
  AwaitingCustomer,
  Resolved,
  Closed,
  Escalated,
  Cancelled,
}

/** A refund's state, as `RefundEscrow.RefundStatus` (same order, same numbers). */
export enum RefundStatus {
  None,
  Requested,
  Paid,
  Rejected,
  Disputed,
  Cancelled,
}

/** Ticket priorities by their on-chain number: `PRIORITY_NAMES[2] === "high"`. */
export const PRIORITY_NAMES = ["low", "normal", "high", "urgent"] as const;

/** A priority's name. */
export type PriorityName = (typeof PRIORITY_NAMES)[number];

/** The names of the ticket states, in enum order (`"None"`, `"Open"`, ...). */
export const TICKET_STATUS_NAMES = [
  "None",
  "Open",
  "InProgress",
  "AwaitingCustomer",
  "Resolved",
  "Closed",
  "Escalated",
  "Cancelled",
] as const satisfies readonly (keyof typeof TicketStatus)[];

/** Converts an on-chain status number (a `bigint` from ethers) into a `TicketStatus`. */
export function toTicketStatus(value: bigint | number): TicketStatus {
  const index = Number(value);
  if (!Number.isInteger(index) || index < 0 || index >= TICKET_STATUS_NAMES.length) {
    throw new CareLedgerError(`${String(value)} is not a ticket status`);
  }
  return index as TicketStatus;
}

/** Converts an on-chain refund status number (a `bigint` from ethers) into a `RefundStatus`. */
export function toRefundStatus(value: bigint | number): RefundStatus {
  const index = Number(value);
  if (!Number.isInteger(index) || index < RefundStatus.None || index > RefundStatus.Cancelled) {
    throw new CareLedgerError(`${String(value)} is not a refund status`);
  }
  return index as RefundStatus;
}
