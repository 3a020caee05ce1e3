/**
 * The indexer's HTTP API (Ponder serves it, with /health, /ready and /status of its own):
 * - GraphQL at `/graphql` (and `/`), SQL over HTTP at `/sql/*` for `@ponder/client`;
 * - the REST routes the app needs most (below), answered from indexed tables with one or two queries;
 * - `/outbox`, which the webhook worker (src/webhooks/) reads.
 *
 * Amounts and ids are JSON strings (decimal); addresses are lowercase.
 */
import { db } from "ponder:api";
import schema, {
  feedback,
  merchant,
  outbox,
  refund,
  reserve,
  ticket,
  timelineEntry,
} from "ponder:schema";
import { Hono, type Context as HonoContext } from "hono";
import { and, asc, client, eq, graphql, inArray, gt, or, replaceBigInts, sql, count } from "ponder";

import { buildReport } from "./report.ts";

const app = new Hono();

app.use("/sql/*", client({ db, schema }));
app.use("/", graphql({ db, schema }));
app.use("/graphql", graphql({ db, schema }));

/** Open states: the merchant still owes the customer something. */
const OPEN_STATES = [1, 2, 3, 6];

const json = (c: HonoContext, body: unknown, status: 200 | 400 | 404 = 200) =>
  c.json(replaceBigInts(body, (v) => v.toString()) as object, status);

function positiveInt(value: string | undefined, fallback: number, max: number): number | null {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 && n <= max ? n : null;
}

function idParam(value: string): bigint | null {
  return /^\d{1,78}$/.test(value) ? BigInt(value) : null;
}

/** A merchant's open tickets, the nearest deadline first (tickets waiting on the customer last). */
app.get("/merchants/:id/queue", async (c) => {
  const merchantId = positiveInt(c.req.param("id"), 0, 2 ** 32 - 1);
  const limit = positiveInt(c.req.query("limit"), 50, 1000);
  if (merchantId === null || limit === null)
    return json(c, { error: "merchant id and limit must be positive integers" }, 400);
  const rows = await db
    .select()
    .from(ticket)
    .where(and(eq(ticket.merchantId, merchantId), inArray(ticket.status, OPEN_STATES)))
    .orderBy(sql`${ticket.nextDeadline} asc nulls last`, asc(ticket.id))
    .limit(limit);
  return json(c, { merchantId, tickets: rows });
});

/**
 * A merchant's refunds (requested or issued), oldest first; with `open=1` only those not settled yet,
 * which still lock part of its reserve: Requested, Disputed, and Rejected until the rejection is final.
 * The SDK's `merchantRefunds` (src/refunds.ts) reads it.
 */
app.get("/merchants/:id/refunds", async (c) => {
  const merchantId = positiveInt(c.req.param("id"), 0, 2 ** 32 - 1);
  const limit = positiveInt(c.req.query("limit"), 100, 1000);
  const open = c.req.query("open");
  if (merchantId === null || limit === null || (open !== undefined && !/^[01]$/.test(open)))
    return json(c, { error: "merchant id and limit must be positive integers, open 0 or 1" }, 400);
  // `locked` is exactly "not settled yet": the handlers clear it when a refund is paid, cancelled or its
  // rejection becomes final (src/RefundEscrow.ts).
  const rows = await db
    .select()
    .from(refund)
    .where(
      open === "1"
        ? and(eq(refund.merchantId, merchantId), eq(refund.locked, true))
        : eq(refund.merchantId, merchantId),
    )
    .orderBy(asc(refund.id))
    .limit(limit);
  return json(c, { merchantId, open: open === "1", refunds: rows });
});

/** A customer's tickets, newest first. */
app.get("/customers/:address/tickets", async (c) => {
  const address = c.req.param("address").toLowerCase();
  if (!/^0x[0-9a-f]{40}$/.test(address)) return json(c, { error: "not an address" }, 400);
  const limit = positiveInt(c.req.query("limit"), 100, 1000);
  if (limit === null) return json(c, { error: "limit must be 1..1000" }, 400);
  const rows = await db
    .select()
    .from(ticket)
    .where(eq(ticket.customer, address as `0x${string}`))
    .orderBy(sql`${ticket.id} desc`)
    .limit(limit);
  return json(c, { customer: address, tickets: rows });
});

/** One ticket with its timeline (chain order), refunds and feedback. */
app.get("/tickets/:id", async (c) => {
  const id = idParam(c.req.param("id"));
  if (id === null) return json(c, { error: "not a ticket id" }, 400);
  const [row] = await db.select().from(ticket).where(eq(ticket.id, id));
  if (row === undefined) return json(c, { error: `ticket ${id} is not indexed` }, 404);
  const [timeline, refunds, ratings] = await Promise.all([
    db
      .select()
      .from(timelineEntry)
      .where(eq(timelineEntry.ticketId, id))
      .orderBy(asc(timelineEntry.blockNumber), asc(timelineEntry.logIndex)),
    db.select().from(refund).where(eq(refund.ticketId, id)).orderBy(asc(refund.id)),
    db.select().from(feedback).where(eq(feedback.ticketId, id)).orderBy(asc(feedback.id)),
  ]);
  return json(c, {
    ticket: row,
    // The SDK's `TimelineEntry` shape: block number and time as numbers (they fit), then the kind's fields.
    timeline: timeline.map(({ details, blockNumber, timestamp, ...entry }) => ({
      ...entry,
      blockNumber: Number(blockNumber),
      timestamp: Number(timestamp),
      ...details,
    })),
    refunds,
    feedback: ratings,
  });
});

/** A merchant's report, the same shape as the SDK's `merchantReport` (src/report.ts). */
app.get("/merchants/:id/report", async (c) => {
  const merchantId = positiveInt(c.req.param("id"), 0, 2 ** 32 - 1);
  if (merchantId === null) return json(c, { error: "not a merchant id" }, 400);
  const report = await buildReport(db, merchantId);
  if (report === null) return json(c, { error: `merchant ${merchantId} is not indexed` }, 404);
  return json(c, report);
});

/**
 * Outbox rows after position `after` (`<block>:<logIndex>`, default the start), in chain order, up to
 * `toBlock`. For the webhook worker; it checks confirmations and block hashes itself.
 */
app.get("/outbox", async (c) => {
  const after = c.req.query("after") ?? "0:-1";
  const match = /^(\d+):(-1|\d+)$/.exec(after);
  const limit = positiveInt(c.req.query("limit"), 500, 5000);
  const toBlockParam = c.req.query("toBlock");
  if (
    match === null ||
    limit === null ||
    (toBlockParam !== undefined && !/^\d+$/.test(toBlockParam))
  ) {
    return json(
      c,
      { error: "after must be <block>:<logIndex>, limit 1..5000, toBlock a block number" },
      400,
    );
  }
  const block = BigInt(match[1]!);
  const logIndex = Number(match[2]);
  const position = or(
    gt(outbox.blockNumber, block),
    and(eq(outbox.blockNumber, block), gt(outbox.logIndex, logIndex)),
  );
  const rows = await db
    .select()
    .from(outbox)
    .where(
      toBlockParam === undefined
        ? position
        : and(position, sql`${outbox.blockNumber} <= ${BigInt(toBlockParam)}`),
    )
    .orderBy(asc(outbox.blockNumber), asc(outbox.logIndex))
    .limit(limit);
  return json(c, { events: rows });
});

/** Row counts, for operators and the benchmark. */
app.get("/stats", async (c) => {
  const [[tickets], [entries], [merchants], [refunds], [reserves]] = await Promise.all([
    db.select({ n: count() }).from(ticket),
    db.select({ n: count() }).from(timelineEntry),
    db.select({ n: count() }).from(merchant),
    db.select({ n: count() }).from(refund),
    db.select({ n: count() }).from(reserve),
  ]);
  return json(c, {
    tickets: tickets?.n ?? 0,
    timelineEntries: entries?.n ?? 0,
    merchants: merchants?.n ?? 0,
    refunds: refunds?.n ?? 0,
    reserves: reserves?.n ?? 0,
  });
});

export default app;
