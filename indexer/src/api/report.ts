/**
 * A merchant's report from the indexed tables: the shape of the SDK's `merchantReport` (src/report.ts
 * of the package), amounts as bigints. Aggregates come from counters kept by the handlers and a few
 * grouped queries, so the cost does not grow with the merchant's history.
 */
import type { db as apiDb } from "ponder:api";
import { merchant, refund, reserve, ticket } from "ponder:schema";
import { and, count, eq, sql } from "ponder";

const STATUS_NAMES = [
  "None",
  "Open",
  "InProgress",
  "AwaitingCustomer",
  "Resolved",
  "Closed",
  "Escalated",
  "Cancelled",
] as const;
const BPS = 10_000n;

export async function buildReport(db: typeof apiDb, merchantId: number) {
  const [m] = await db.select().from(merchant).where(eq(merchant.id, merchantId));
  if (m === undefined) return null;
  const [byStatus, refundCounts, reserves] = await Promise.all([
    db
      .select({ status: ticket.status, n: count() })
      .from(ticket)
      .where(eq(ticket.merchantId, merchantId))
      .groupBy(ticket.status),
    db
      .select({
        requested: sql<number>`count(*) filter (where not ${refund.issued})`.mapWith(Number),
        issued: sql<number>`count(*) filter (where ${refund.issued})`.mapWith(Number),
        paid: sql<number>`count(*) filter (where ${refund.status} = 2)`.mapWith(Number),
        rejected: sql<number>`count(*) filter (where ${refund.rejected})`.mapWith(Number),
        disputed: sql<number>`count(*) filter (where ${refund.disputed})`.mapWith(Number),
        cancelled: sql<number>`count(*) filter (where ${refund.status} = 5)`.mapWith(Number),
      })
      .from(refund)
      .where(eq(refund.merchantId, merchantId)),
    db
      .select()
      .from(reserve)
      .where(and(eq(reserve.merchantId, merchantId))),
  ]);

  const ticketsByStatus = Object.fromEntries(STATUS_NAMES.map((name) => [name, 0])) as Record<
    (typeof STATUS_NAMES)[number],
    number
  >;
  for (const { status, n } of byStatus) {
    const name = STATUS_NAMES[status];
    if (name !== undefined) ticketsByStatus[name] = n;
  }

  const met = BigInt(m.firstResponseMet + m.resolutionMet);
  const counted = met + BigInt(m.firstResponseMissed + m.resolutionMissed);
  const hitRateBps = counted === 0n ? Number(BPS) : Number((met * BPS) / counted);

  const perToken: Record<
    string,
    { requested: bigint; paid: bigint; locked: bigint; available: bigint }
  > = {};
  const compensation: Record<
    string,
    { paid: bigint; owedUncovered: bigint; coveredUnpaid: bigint }
  > = {};
  for (const r of reserves) {
    perToken[r.token] = {
      requested: r.requested,
      paid: r.refunded,
      locked: r.locked,
      available: r.available,
    };
    if (r.compensationPaid !== 0n || r.owedTotal !== 0n) {
      compensation[r.token] = {
        paid: r.compensationPaid,
        owedUncovered: r.owedTotal - r.owedCovered,
        coveredUnpaid: r.owedCovered - r.owedSettled,
      };
    }
  }
  // `slaCompensationBacked`: the offer is covered by the available reserve and nothing owed is uncovered.
  const offerToken = m.compensationToken ?? "0x0000000000000000000000000000000000000000";
  const offerReserve = reserves.find((r) => r.token === offerToken);
  const required = m.compensationFirstResponse + m.compensationResolution;
  const backed =
    (offerReserve?.available ?? 0n) >= required &&
    (offerReserve === undefined || offerReserve.owedTotal === offerReserve.owedCovered);

  const counts = refundCounts[0] ?? {
    requested: 0,
    issued: 0,
    paid: 0,
    rejected: 0,
    disputed: 0,
    cancelled: 0,
  };
  return {
    merchantId,
    admin: m.admin,
    ticketsByStatus,
    sla: {
      firstResponseMet: BigInt(m.firstResponseMet),
      firstResponseMissed: BigInt(m.firstResponseMissed),
      resolutionMet: BigInt(m.resolutionMet),
      resolutionMissed: BigInt(m.resolutionMissed),
      hitRateBps,
    },
    compensation: { perToken: compensation, backed },
    refunds: { ...counts, perToken },
    ratings: {
      count: m.feedbackCount,
      sum: m.feedbackSum,
      average: m.feedbackCount === 0 ? null : m.feedbackSum / m.feedbackCount,
      histogram: [m.rating1, m.rating2, m.rating3, m.rating4, m.rating5],
    },
  };
}
