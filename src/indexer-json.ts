/**
 * The indexer's JSON (bigints as decimal strings, addresses lowercase) back into the SDK's types
 * (bigints, checksummed addresses), so an answer from the indexer is exactly what the log path returns.
 * Anything unexpected throws: the caller then falls back to logs rather than return a wrong shape.
 */
import { getAddress } from "ethers";

import { toRefundStatus, toTicketStatus } from "./enums.js";
import type { MerchantRefund } from "./refunds.js";
import type { MerchantReport } from "./report.js";
import type { TicketSummary } from "./tickets.js";
import type { TimelineEntry, TimelineKind } from "./timeline.js";

type Json = Record<string, unknown>;

function object(value: unknown, what: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${what} is not an object`);
  }
  return value as Json;
}

function array(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${what} is not an array`);
  return value;
}

function num(value: unknown, what: string): number {
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) throw new Error(`${what} is not a number`);
  return n;
}

function big(value: unknown, what: string): bigint {
  if (typeof value === "bigint") return value;
  if ((typeof value === "string" && /^-?\d+$/.test(value)) || Number.isSafeInteger(value)) {
    return BigInt(value as string | number);
  }
  throw new Error(`${what} is not an integer`);
}

function str(value: unknown, what: string): string {
  if (typeof value !== "string") throw new Error(`${what} is not a string`);
  return value;
}

const isAddress = (value: string): boolean => /^0x[0-9a-fA-F]{40}$/.test(value);

/** Checksums every address key of a per-token record and converts its values. */
function perToken<T>(value: unknown, what: string, convert: (entry: Json) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [token, entry] of Object.entries(object(value, what))) {
    out[isAddress(token) ? getAddress(token) : token] = convert(object(entry, `${what}.${token}`));
  }
  return out;
}

/** Timeline fields that the SDK types as bigint (the rest are numbers, booleans or strings). */
const BIGINT_FIELDS = new Set(["refundId", "feedbackId", "amount", "owedId", "previousFeedbackId"]);
/** Fields that are not the kind's own: where it happened, and the indexer's row keys. */
const PLACE_FIELDS = new Set([
  "id",
  "ticketId",
  "kind",
  "blockNumber",
  "logIndex",
  "timestamp",
  "transactionHash",
]);

/** One entry of `GET /tickets/:id`'s `timeline`. */
export function timelineEntryFromJson(value: unknown): TimelineEntry {
  const row = object(value, "a timeline entry");
  const entry: Record<string, unknown> = {
    kind: str(row.kind, "kind") as TimelineKind,
    blockNumber: num(row.blockNumber, "blockNumber"),
    logIndex: num(row.logIndex, "logIndex"),
    timestamp: num(row.timestamp, "timestamp"),
    transactionHash: str(row.transactionHash, "transactionHash"),
  };
  for (const [key, field] of Object.entries(row)) {
    if (PLACE_FIELDS.has(key) || field === null || field === undefined) continue;
    if (BIGINT_FIELDS.has(key)) entry[key] = big(field, key);
    else if (key === "from" || key === "to") entry[key] = toTicketStatus(num(field, key));
    else if (typeof field === "string" && isAddress(field)) entry[key] = getAddress(field);
    else entry[key] = field;
  }
  return entry as unknown as TimelineEntry;
}

/** `GET /tickets/:id`: the ticket's timeline. */
export function timelineFromJson(value: unknown): TimelineEntry[] {
  return array(object(value, "the ticket").timeline, "timeline").map(timelineEntryFromJson);
}

/** `GET /merchants/:id/report`. */
export function reportFromJson(value: unknown): MerchantReport {
  const r = object(value, "the report");
  const sla = object(r.sla, "sla");
  const compensation = object(r.compensation, "compensation");
  const refunds = object(r.refunds, "refunds");
  const ratings = object(r.ratings, "ratings");
  const count = (key: string): number => num(refunds[key], `refunds.${key}`);
  const histogram = array(ratings.histogram, "histogram").map((n) => num(n, "histogram"));
  if (histogram.length !== 5) throw new Error("the histogram has not 5 entries");
  const byStatus = object(r.ticketsByStatus, "ticketsByStatus");
  return {
    merchantId: num(r.merchantId, "merchantId"),
    admin: getAddress(str(r.admin, "admin")),
    ticketsByStatus: Object.fromEntries(
      Object.entries(byStatus).map(([name, n]) => [name, num(n, name)]),
    ) as MerchantReport["ticketsByStatus"],
    sla: {
      firstResponseMet: big(sla.firstResponseMet, "firstResponseMet"),
      firstResponseMissed: big(sla.firstResponseMissed, "firstResponseMissed"),
      resolutionMet: big(sla.resolutionMet, "resolutionMet"),
      resolutionMissed: big(sla.resolutionMissed, "resolutionMissed"),
      hitRateBps: num(sla.hitRateBps, "hitRateBps"),
    },
    compensation: {
      perToken: perToken(compensation.perToken, "compensation", (e) => ({
        paid: big(e.paid, "paid"),
        owedUncovered: big(e.owedUncovered, "owedUncovered"),
        coveredUnpaid: big(e.coveredUnpaid, "coveredUnpaid"),
      })),
      backed: compensation.backed === true,
    },
    refunds: {
      requested: count("requested"),
      issued: count("issued"),
      paid: count("paid"),
      rejected: count("rejected"),
      disputed: count("disputed"),
      cancelled: count("cancelled"),
      perToken: perToken(refunds.perToken, "refunds", (e) => ({
        requested: big(e.requested, "requested"),
        paid: big(e.paid, "paid"),
        locked: big(e.locked, "locked"),
        available: big(e.available, "available"),
      })),
    },
    ratings: {
      count: num(ratings.count, "ratings.count"),
      sum: num(ratings.sum, "ratings.sum"),
      average: ratings.average === null ? null : num(ratings.average, "ratings.average"),
      histogram: histogram as MerchantReport["ratings"]["histogram"],
    },
  };
}

/** One row of the indexer's `ticket` table, as the queue and a customer's tickets send it. */
export function ticketSummaryFromJson(value: unknown): TicketSummary {
  const t = object(value, "a ticket");
  const assignee =
    t.assignee === null || t.assignee === undefined ? null : str(t.assignee, "assignee");
  return {
    id: big(t.id, "id"),
    merchantId: num(t.merchantId, "merchantId"),
    customer: getAddress(str(t.customer, "customer")),
    status: toTicketStatus(num(t.status, "status")),
    priority: num(t.priority, "priority"),
    orderRef: str(t.orderRef, "orderRef"),
    contentHash: str(t.contentHash, "contentHash"),
    assignee: assignee === null ? null : getAddress(assignee),
    openedAt: num(t.openedAt, "openedAt"),
    nextDeadline:
      t.nextDeadline === null || t.nextDeadline === undefined
        ? null
        : num(t.nextDeadline, "nextDeadline"),
  };
}

/** `GET /merchants/:id/queue` and `GET /customers/:address/tickets`: their `tickets`. */
export function ticketsFromJson(value: unknown): TicketSummary[] {
  return array(object(value, "the answer").tickets, "tickets").map(ticketSummaryFromJson);
}

function bool(value: unknown, what: string): boolean {
  if (typeof value !== "boolean") throw new Error(`${what} is not a boolean`);
  return value;
}

/** One row of the indexer's `refund` table, as `GET /merchants/:id/refunds` sends it. */
export function merchantRefundFromJson(value: unknown): MerchantRefund {
  const r = object(value, "a refund");
  // The table books "no deadline" as 0, as `getRefund` does; the SDK says null.
  const deadline = num(r.deadline, "deadline");
  return {
    id: big(r.id, "id"),
    ticketId: big(r.ticketId, "ticketId"),
    merchantId: num(r.merchantId, "merchantId"),
    customer: getAddress(str(r.customer, "customer")),
    token: getAddress(str(r.token, "token")),
    amount: big(r.amount, "amount"),
    status: toRefundStatus(num(r.status, "status")),
    deadline: deadline === 0 ? null : deadline,
    issued: bool(r.issued, "issued"),
    reasonHash: str(r.reasonHash, "reasonHash"),
    requestedAt: num(r.requestedAt, "requestedAt"),
  };
}

/** `GET /merchants/:id/refunds`: its `refunds`. */
export function refundsFromJson(value: unknown): MerchantRefund[] {
  return array(object(value, "the answer").refunds, "refunds").map(merchantRefundFromJson);
}
