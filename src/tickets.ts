import { getAddress, zeroPadValue, ZeroAddress } from "ethers";

import type { CareLedgerClient } from "./client.js";
import { TicketStatus, toTicketStatus } from "./enums.js";
import { blockTimes, idTopic, mapLimit, wholeHistory } from "./events.js";
import { fromIndexer } from "./indexer.js";
import { ticketsFromJson } from "./indexer-json.js";
import { readDeskViews } from "./multiread.js";
import { openedTickets, type OpenedTicket } from "./opened.js";

/** A ticket as a queue or a list shows it: who, what, where it stands and what is due next. */
export interface TicketSummary {
  id: bigint;
  merchantId: number;
  /** The customer who opened it (checksummed). */
  customer: string;
  status: TicketStatus;
  /** 0 low ... 3 urgent. */
  priority: number;
  /** The order reference commitment the ticket was opened with. */
  orderRef: string;
  /** The commitment of the ticket's first message. */
  contentHash: string;
  /** The agent it is assigned to; null when unassigned. */
  assignee: string | null;
  /** When it was opened (unix seconds: its block's time). */
  openedAt: number;
  /**
   * The deadline the merchant must meet next (unix seconds): the first response until it is given, then
   * the resolution. Null when no deadline runs: awaiting the customer, resolved, closed or cancelled.
   */
  nextDeadline: number | null;
}

/** How many tickets a queue or a list returns at most; the indexer serves up to `MAX_LIMIT`. */
export interface TicketListOptions {
  /** At most this many tickets (default: 50 for a queue, 100 for a customer's tickets). */
  limit?: number;
  /** Where the log scan starts (default: the deployment's block, else 0); see `ticketTimeline`. */
  fromBlock?: number;
}

/** The largest `limit` the indexer's routes accept; a larger one is answered from logs. */
export const MAX_LIMIT = 1_000;

/** States in which the desk's clocks run: the merchant still owes the customer something. */
const QUEUE_STATES = new Set([
  TicketStatus.Open,
  TicketStatus.InProgress,
  TicketStatus.AwaitingCustomer,
  TicketStatus.Escalated,
]);

/** Whether the indexer may answer: the whole history (it holds no other), a limit it serves. */
export function indexerServes(
  client: CareLedgerClient,
  options: { fromBlock?: number },
  limit: number,
): boolean {
  return limit <= MAX_LIMIT && wholeHistory(client, options.fromBlock);
}

/** `limit` if it is a positive integer; a `RangeError` otherwise (every list function checks it alike). */
export function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }
  return limit;
}

/**
 * Merchant `merchantId`'s queue: its tickets in Open, InProgress, AwaitingCustomer or Escalated, the
 * nearest deadline first (a missed one is the nearest), tickets without a running deadline (awaiting the
 * customer) last, ties by ticket id. From the client's indexer when it is configured and up to date,
 * else from the desk's `TicketOpened` logs and its `getTicket` view.
 */
export async function merchantQueue(
  client: CareLedgerClient,
  merchantId: bigint | number,
  options: TicketListOptions = {},
): Promise<TicketSummary[]> {
  const limit = checkLimit(options.limit ?? 50);
  const id = Number(merchantId);
  if (indexerServes(client, options, limit)) {
    const answer = await fromIndexer(
      client,
      `/merchants/${id}/queue?limit=${limit}`,
      ticketsFromJson,
    );
    if (answer !== undefined) return answer;
  }
  const opened = await openedTickets(client, [null, idTopic(id)], options.fromBlock);
  const tickets = await summaries(client, opened, (status) => QUEUE_STATES.has(status));
  return tickets.sort(byNextDeadline).slice(0, limit);
}

/**
 * The tickets `customer` opened, newest first. From the client's indexer when it is configured and up to
 * date, else from the desk's `TicketOpened` logs and its `getTicket` view.
 */
export async function customerTickets(
  client: CareLedgerClient,
  customer: string,
  options: TicketListOptions = {},
): Promise<TicketSummary[]> {
  const limit = checkLimit(options.limit ?? 100);
  const address = getAddress(customer);
  if (indexerServes(client, options, limit)) {
    const answer = await fromIndexer(
      client,
      `/customers/${address.toLowerCase()}/tickets?limit=${limit}`,
      ticketsFromJson,
    );
    if (answer !== undefined) return answer;
  }
  const opened = await openedTickets(
    client,
    [null, null, zeroPadValue(address, 32)],
    options.fromBlock,
  );
  // Newest first, and only `limit` of them read.
  const newest = opened
    .sort((a, b) => (a.ticketId < b.ticketId ? 1 : a.ticketId > b.ticketId ? -1 : 0))
    .slice(0, limit);
  return summaries(client, newest);
}

/**
 * The tickets `opened` announced, with their state now from `getTicket`. With `keep`, only those whose
 * status (read first through the cheaper `statusOf`) it keeps: a queue reads the full view only of the
 * tickets still open.
 */
async function summaries(
  client: CareLedgerClient,
  opened: readonly OpenedTicket[],
  keep?: (status: TicketStatus) => boolean,
): Promise<TicketSummary[]> {
  let kept = opened;
  if (keep !== undefined) {
    const statuses = await readDeskViews(
      client,
      "statusOf",
      opened.map((t) => t.ticketId),
    );
    kept = opened.filter((_, i) => keep(toTicketStatus(statuses[i]![0] as bigint)));
  }
  const views = await readTickets(
    client,
    kept.map((t) => t.ticketId),
  );
  const timeOf = blockTimes(client);
  return mapLimit(kept, 16, async (t, i) => {
    const view = views[i]!;
    const status = toTicketStatus(view.status);
    return {
      id: t.ticketId,
      merchantId: t.merchantId,
      customer: t.customer,
      status,
      priority: t.priority,
      orderRef: t.orderRef,
      contentHash: t.contentHash,
      assignee: view.assignee === ZeroAddress ? null : view.assignee,
      openedAt: await timeOf(t.blockNumber),
      nextDeadline: nextDeadlineOf(status, view.firstResponseDueAt, view.resolutionDueAt),
    };
  });
}

/** What the queue needs of `getTicket`. */
interface TicketRead {
  status: bigint;
  assignee: string;
  firstResponseDueAt: bigint;
  resolutionDueAt: bigint;
}

/** `getTicket` of every id, batched through the desk's `multicall`. */
async function readTickets(
  client: CareLedgerClient,
  ids: readonly bigint[],
): Promise<TicketRead[]> {
  const results = await readDeskViews(client, "getTicket", ids);
  return results.map((result) => {
    const view = result[0] as TicketRead;
    return {
      status: BigInt(view.status),
      assignee: view.assignee,
      firstResponseDueAt: BigInt(view.firstResponseDueAt),
      resolutionDueAt: BigInt(view.resolutionDueAt),
    };
  });
}

/**
 * The merchant's next obligation: the first response until it is given (the desk then reports its due
 * time as 0), else the resolution; none while the clock waits on the customer. The indexer books the
 * same rule (indexer/src/SupportDesk.ts).
 */
function nextDeadlineOf(
  status: TicketStatus,
  firstResponseDueAt: bigint,
  resolutionDueAt: bigint,
): number | null {
  if (status === TicketStatus.AwaitingCustomer) return null;
  if (firstResponseDueAt !== 0n && (resolutionDueAt === 0n || firstResponseDueAt < resolutionDueAt))
    return Number(firstResponseDueAt);
  return resolutionDueAt !== 0n ? Number(resolutionDueAt) : null;
}

function byNextDeadline(a: TicketSummary, b: TicketSummary): number {
  const da = a.nextDeadline ?? Number.POSITIVE_INFINITY;
  const db = b.nextDeadline ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da < db ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
