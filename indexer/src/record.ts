/**
 * What every handler does besides updating its own table: append the event to its ticket's timeline and,
 * for the events merchants subscribe to, write the webhook outbox row in the same indexing transaction.
 */
import type { Context as AnyContext } from "ponder:registry";
import { outbox, timelineEntry } from "ponder:schema";
import type { Hex } from "viem";

/** The webhook event types (docs: indexer/README.md "Webhooks"). */
export const WEBHOOK_EVENTS = [
  "ticket.opened",
  "ticket.status_changed",
  "ticket.message_posted",
  "ticket.deadline_missed",
  "refund.requested",
  "refund.paid",
  "refund.rejected",
  "refund.disputed",
  "refund.resolved",
  "compensation.paid",
  "feedback.given",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** A field of a timeline entry or webhook payload; bigints travel as decimal strings. */
export type Field = string | number | boolean | bigint | null | undefined;

/** Lowercase hex, so addresses compare as strings in SQL. */
export const lower = <T extends string>(value: T): Lowercase<T> =>
  value.toLowerCase() as Lowercase<T>;

/** Drops undefined fields and turns bigints into decimal strings (JSON has no bigint). */
export function toJson(fields: Record<string, Field>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (typeof value === "bigint") out[key] = value.toString();
    else if (typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value))
      out[key] = lower(value);
    else out[key] = value;
  }
  return out;
}

/** What the helpers need of any handler's context. */
export type Context = { db: AnyContext["db"]; chain: { id: number } };

/** The minimal event shape the helpers need (every Ponder log event has it). */
type AnyLogEvent = {
  id: string;
  block: { number: bigint; hash: Hex; timestamp: bigint };
  log: { logIndex: number };
  transaction: { hash: Hex };
};

/** Appends `kind` to ticket `ticketId`'s timeline with the kind's own fields. */
export async function addTimeline(
  context: Context,
  event: AnyLogEvent,
  ticketId: bigint,
  kind: string,
  details: Record<string, Field>,
): Promise<void> {
  await context.db.insert(timelineEntry).values({
    id: event.id,
    ticketId,
    kind,
    blockNumber: event.block.number,
    logIndex: event.log.logIndex,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    details: toJson(details),
  });
}

/**
 * Queues webhook `type` for merchant `merchantId`. The id is `<chain id>:<tx hash>:<log index>`: the same
 * event always gets the same id, however often it is indexed or delivered, so receivers deduplicate on it.
 */
export async function notify(
  context: Context,
  event: AnyLogEvent,
  type: WebhookEventType,
  merchantId: number,
  ticketId: bigint,
  data: Record<string, Field>,
): Promise<void> {
  const id = `${context.chain.id}:${event.transaction.hash}:${event.log.logIndex}`;
  await context.db.insert(outbox).values({
    id,
    type,
    merchantId,
    ticketId,
    blockNumber: event.block.number,
    blockHash: event.block.hash,
    logIndex: event.log.logIndex,
    timestamp: event.block.timestamp,
    payload: {
      id,
      type,
      chainId: context.chain.id,
      merchantId,
      ticketId: ticketId.toString(),
      blockNumber: event.block.number.toString(),
      transactionHash: event.transaction.hash,
      logIndex: event.log.logIndex,
      timestamp: Number(event.block.timestamp),
      data: toJson(data),
    },
  });
}
