/** The chain reads the views need, through the package's typed contracts (events and views). */
import {
  customerTickets as listCustomerTickets,
  RefundStatus,
  TicketStatus,
  toTicketStatus,
  type CareLedgerClient,
  type MerchantRefund,
  type TicketSummary,
} from "careledger";

import { ACTIVE_STATUSES, formatTime } from "./format.ts";

/** A ticket as the views show it. */
export interface TicketRow {
  id: bigint;
  customer: string;
  merchantId: number;
  status: TicketStatus;
  priority: number;
  assignee: string;
  firstResponseDueAt: number;
  resolutionDueAt: number;
  firstResponded: boolean;
  firstResponseMissed: boolean;
  resolutionMissed: boolean;
  openedAt: number;
}

export interface RefundRow {
  id: bigint;
  ticketId: bigint;
  customer: string;
  token: string;
  amount: bigint;
  status: RefundStatus;
  /** Until when the merchant may answer (Requested), or the customer dispute (Rejected). */
  deadline: number;
}

async function ticketRow(
  client: CareLedgerClient,
  id: bigint,
  openedAt: number,
): Promise<TicketRow> {
  const view = await client.desk.getTicket(id);
  return {
    id,
    customer: view.customer,
    merchantId: Number(view.merchantId),
    status: toTicketStatus(view.status),
    priority: Number(view.priority),
    assignee: view.assignee,
    firstResponseDueAt: Number(view.firstResponseDueAt),
    resolutionDueAt: Number(view.resolutionDueAt),
    firstResponded: view.firstResponded,
    firstResponseMissed: view.firstResponseMissed,
    resolutionMissed: view.resolutionMissed,
    openedAt,
  };
}

const fromBlock = (client: CareLedgerClient): number => client.addresses.deploymentBlock ?? 0;

/**
 * The tickets `customer` opened, newest first: which ones from the package's `customerTickets` (the
 * indexer when configured and up to date, else the logs), their live state from `getTicket`.
 */
export async function customerTickets(
  client: CareLedgerClient,
  customer: string,
): Promise<TicketRow[]> {
  const tickets = await listCustomerTickets(client, customer, { limit: 1000 });
  return Promise.all(tickets.map((ticket) => ticketRow(client, ticket.id, ticket.openedAt)));
}

/** The deadline a ticket's team must meet next: first response, else resolution; 0 when none runs. */
export function nextDeadline(ticket: TicketRow): number {
  if (!ACTIVE_STATUSES.has(ticket.status)) return 0;
  if (!ticket.firstResponded) return ticket.firstResponseDueAt;
  return ticket.status === TicketStatus.AwaitingCustomer ? 0 : ticket.resolutionDueAt;
}

/**
 * Whether a queued ticket (the package's `merchantQueue`) is in breach at `now`: the deadline it runs
 * against has passed, or the customer escalated it, which the desk allows only once a deadline was
 * missed. A deadline missed earlier in the cycle and met late (a late first response) no longer marks
 * it: the queue shows what is overdue now.
 */
export function isBreached(
  ticket: Pick<TicketSummary, "status" | "nextDeadline">,
  now: number,
): boolean {
  return (
    ticket.status === TicketStatus.Escalated ||
    (ticket.nextDeadline !== null && ticket.nextDeadline < now)
  );
}

/**
 * What an open refund (the package's `merchantRefunds` with `open`) waits for, in words for the console.
 * Past its deadline a refund is still open until someone acts, and the words say who may.
 */
export function openRefundState(
  refund: Pick<MerchantRefund, "status" | "deadline">,
  now: number,
): string {
  const { status, deadline } = refund;
  const passed = deadline !== null && deadline < now;
  switch (status) {
    case RefundStatus.Requested:
      return passed
        ? `answer was due ${formatTime(deadline)}: anyone may now execute it`
        : `answer due ${deadline === null ? "—" : formatTime(deadline)}`;
    case RefundStatus.Rejected:
      return passed
        ? `rejected; the dispute window closed ${formatTime(deadline)}: anyone may finalize it`
        : `rejected; the customer may dispute until ${deadline === null ? "—" : formatTime(deadline)}`;
    case RefundStatus.Disputed:
      return "disputed: the arbiter decides";
    default:
      return RefundStatus[status];
  }
}

/** The refunds of ticket `ticketId` (or of all tickets in `ticketIds`), oldest first. */
export async function refundsOf(
  client: CareLedgerClient,
  ticketIds: readonly bigint[],
): Promise<RefundRow[]> {
  if (ticketIds.length === 0) return [];
  const wanted = new Set(ticketIds);
  const logs = await client.escrow.queryFilter(
    client.escrow.filters.RefundRequested(),
    fromBlock(client),
  );
  const ids = logs.filter((log) => wanted.has(log.args.ticketId)).map((log) => log.args.refundId);
  return Promise.all(
    ids.map(async (id) => {
      const refund = await client.escrow.getRefund(id);
      return {
        id,
        ticketId: refund.ticketId,
        customer: refund.customer,
        token: refund.token,
        amount: refund.amount,
        status: Number(refund.status) as RefundStatus,
        deadline: Number(refund.deadline),
      };
    }),
  );
}
