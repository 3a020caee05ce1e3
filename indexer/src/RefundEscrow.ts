/**
 * RefundEscrow: reserves per token, refunds and SLA compensation. The reserve rows follow the escrow's
 * own bookkeeping event by event (available / locked / owed), so the consistency test can hold them
 * against `reserveOf`, `lockedOf` and `owedOf`.
 */
import { ponder } from "ponder:registry";
import { compensation, merchant, refund, refundAllowance, reserve, ticket } from "ponder:schema";

import { addTimeline, lower, notify, type Context } from "./record.ts";

/** `RefundStatus` values (contracts/interfaces/IRefundEscrow.sol). */
export const RefundStatus = {
  None: 0,
  Requested: 1,
  Paid: 2,
  Rejected: 3,
  Disputed: 4,
  Cancelled: 5,
} as const;

type ReserveRow = typeof reserve.$inferSelect;
type ReserveChange = (row: ReserveRow) => Partial<ReserveRow>;

/** Applies `change` to merchant `merchantId`'s reserve of `token`, creating the row at zero. */
async function moveReserve(
  context: Context,
  merchantId: number,
  token: string,
  change: ReserveChange,
): Promise<void> {
  const key = { merchantId, token: lower(token) as `0x${string}` };
  const existing = await context.db.find(reserve, key);
  const row: ReserveRow = existing ?? {
    ...key,
    available: 0n,
    locked: 0n,
    deposited: 0n,
    withdrawn: 0n,
    refunded: 0n,
    requested: 0n,
    compensationPaid: 0n,
    owedTotal: 0n,
    owedCovered: 0n,
    owedSettled: 0n,
  };
  const next = { ...row, ...change(row) };
  if (existing === null) await context.db.insert(reserve).values(next);
  else await context.db.update(reserve, key).set(change(row));
}

/** A merchant counter of refund events (`refundsRequested` ... `refundsCancelled`), for the report. */
type RefundCounter =
  | "refundsRequested"
  | "refundsIssued"
  | "refundsPaid"
  | "refundsRejected"
  | "refundsDisputed"
  | "refundsCancelled";

/** Counts one more `counter` event for merchant `merchantId`. */
async function countRefund(
  context: Context,
  merchantId: number,
  counter: RefundCounter,
): Promise<void> {
  await context.db.update(merchant, { id: merchantId }).set((m) => ({ [counter]: m[counter] + 1 }));
}

async function loadRefund(context: Context, refundId: bigint) {
  const row = await context.db.find(refund, { id: refundId });
  if (row === null) throw new Error(`event for unknown refund ${refundId}`);
  return row;
}

/** Returns a locked refund's amount to the available reserve (cancelled, rejection final, ruled for the merchant). */
async function releaseLock(context: Context, row: typeof refund.$inferSelect): Promise<void> {
  await moveReserve(context, row.merchantId, row.token, (r) => ({
    locked: r.locked - row.amount,
    available: r.available + row.amount,
  }));
}

ponder.on("RefundEscrow:ReserveDeposited", async ({ event, context }) => {
  const { merchantId, token, amount } = event.args;
  // The whole amount lands in `available`; the `OwedCompensationCovered` that may follow moves the part
  // that covered owed compensation out again, exactly as the escrow books it.
  await moveReserve(context, merchantId, token, (r) => ({
    available: r.available + amount,
    deposited: r.deposited + amount,
  }));
});

ponder.on("RefundEscrow:ReserveWithdrawn", async ({ event, context }) => {
  const { merchantId, token, amount } = event.args;
  await moveReserve(context, merchantId, token, (r) => ({
    available: r.available - amount,
    withdrawn: r.withdrawn + amount,
  }));
});

ponder.on("RefundEscrow:OwedCompensationCovered", async ({ event, context }) => {
  const { merchantId, token, amount } = event.args;
  await moveReserve(context, merchantId, token, (r) => ({
    available: r.available - amount,
    owedCovered: r.owedCovered + amount,
  }));
});

ponder.on("RefundEscrow:RefundRequested", async ({ event, context }) => {
  const { refundId, ticketId, customer, token, amount, reasonHash } = event.args;
  const t = await context.db.find(ticket, { id: ticketId });
  if (t === null) throw new Error(`refund ${refundId} for unknown ticket ${ticketId}`);
  // The response deadline is fixed now: the merchant's current refund response time from now
  // (`requestRefund` takes it from the desk's `refundContext`, which reads the current policy, the one
  // this table holds as of this event).
  const m = await context.db.find(merchant, { id: t.merchantId });
  if (m === null) throw new Error(`refund ${refundId} for unknown merchant ${t.merchantId}`);
  const deadline = event.block.timestamp + BigInt(m.refundResponseTime);
  await context.db.insert(refund).values({
    id: refundId,
    ticketId,
    merchantId: t.merchantId,
    customer: lower(customer),
    token: lower(token),
    amount,
    status: RefundStatus.Requested,
    deadline,
    issued: false,
    rejected: false,
    disputed: false,
    locked: true,
    reasonHash,
    requestedAt: event.block.timestamp,
    updatedAt: event.block.timestamp,
  });
  await moveReserve(context, t.merchantId, token, (r) => ({
    available: r.available - amount,
    locked: r.locked + amount,
    requested: r.requested + amount,
  }));
  await countRefund(context, t.merchantId, "refundsRequested");
  await addTimeline(context, event, ticketId, "refund-requested", {
    refundId,
    actor: customer,
    token,
    amount,
    hash: reasonHash,
  });
  await notify(context, event, "refund.requested", t.merchantId, ticketId, {
    refundId,
    customer,
    token,
    amount,
    reasonHash,
    deadline: Number(deadline),
  });
});

ponder.on("RefundEscrow:RefundIssued", async ({ event, context }) => {
  const { refundId, ticketId, actor, reasonHash } = event.args;
  const t = await context.db.find(ticket, { id: ticketId });
  if (t === null) throw new Error(`refund ${refundId} for unknown ticket ${ticketId}`);
  // Token and amount arrive with the `RefundPaid` of the same transaction.
  await context.db.insert(refund).values({
    id: refundId,
    ticketId,
    merchantId: t.merchantId,
    customer: t.customer,
    token: "0x0000000000000000000000000000000000000000",
    amount: 0n,
    status: RefundStatus.Paid,
    deadline: 0n,
    issued: true,
    rejected: false,
    disputed: false,
    locked: false,
    reasonHash,
    requestedAt: event.block.timestamp,
    updatedAt: event.block.timestamp,
  });
  await countRefund(context, t.merchantId, "refundsIssued");
  await addTimeline(context, event, ticketId, "refund-issued", {
    refundId,
    actor,
    hash: reasonHash,
  });
});

ponder.on("RefundEscrow:RefundPaid", async ({ event, context }) => {
  const { refundId, to, token, amount, credited } = event.args;
  const row = await loadRefund(context, refundId);
  // A requested refund is paid out of `locked`; an issued one straight out of `available`.
  await moveReserve(context, row.merchantId, token, (r) =>
    row.locked
      ? { locked: r.locked - amount, refunded: r.refunded + amount }
      : { available: r.available - amount, refunded: r.refunded + amount },
  );
  await context.db.update(refund, { id: refundId }).set({
    status: RefundStatus.Paid,
    token: lower(token),
    amount,
    deadline: 0n,
    locked: false,
    paidTo: lower(to),
    credited,
    updatedAt: event.block.timestamp,
  });
  await countRefund(context, row.merchantId, "refundsPaid");
  await addTimeline(context, event, row.ticketId, "refund-paid", {
    refundId,
    recipient: to,
    token,
    amount,
    credited,
  });
  await notify(context, event, "refund.paid", row.merchantId, row.ticketId, {
    refundId,
    to,
    token,
    amount,
    credited,
    issued: row.issued,
  });
});

ponder.on("RefundEscrow:RefundApproved", async ({ event, context }) => {
  const row = await loadRefund(context, event.args.refundId);
  await addTimeline(context, event, row.ticketId, "refund-approved", {
    refundId: row.id,
    actor: event.args.actor,
  });
});

ponder.on("RefundEscrow:RefundExecuted", async ({ event, context }) => {
  const row = await loadRefund(context, event.args.refundId);
  await addTimeline(context, event, row.ticketId, "refund-executed", {
    refundId: row.id,
    actor: event.args.actor,
  });
});

ponder.on("RefundEscrow:RefundRejected", async ({ event, context }) => {
  const { refundId, actor, reasonHash, disputeDeadline } = event.args;
  const row = await loadRefund(context, refundId);
  // Still locked: the customer may dispute until `disputeDeadline`.
  await context.db.update(refund, { id: refundId }).set({
    status: RefundStatus.Rejected,
    rejected: true,
    deadline: BigInt(disputeDeadline),
    updatedAt: event.block.timestamp,
  });
  await countRefund(context, row.merchantId, "refundsRejected");
  await addTimeline(context, event, row.ticketId, "refund-rejected", {
    refundId,
    actor,
    hash: reasonHash,
    dueAt: Number(disputeDeadline),
  });
  await notify(context, event, "refund.rejected", row.merchantId, row.ticketId, {
    refundId,
    actor,
    reasonHash,
    disputeDeadline: Number(disputeDeadline),
  });
});

ponder.on("RefundEscrow:RejectionFinalized", async ({ event, context }) => {
  const row = await loadRefund(context, event.args.refundId);
  await releaseLock(context, row);
  await context.db
    .update(refund, { id: row.id })
    .set({ deadline: 0n, locked: false, updatedAt: event.block.timestamp });
  await addTimeline(context, event, row.ticketId, "rejection-finalized", {
    refundId: row.id,
    actor: event.args.actor,
  });
  await notify(context, event, "refund.resolved", row.merchantId, row.ticketId, {
    refundId: row.id,
    outcome: "rejection-final",
  });
});

ponder.on("RefundEscrow:RefundDisputed", async ({ event, context }) => {
  const { refundId, arbiter, reasonHash } = event.args;
  const row = await loadRefund(context, refundId);
  await context.db.update(refund, { id: refundId }).set({
    status: RefundStatus.Disputed,
    disputed: true,
    deadline: 0n,
    arbiter: lower(arbiter),
    updatedAt: event.block.timestamp,
  });
  await countRefund(context, row.merchantId, "refundsDisputed");
  await addTimeline(context, event, row.ticketId, "refund-disputed", {
    refundId,
    arbiter,
    hash: reasonHash,
    actor: row.customer,
  });
  await notify(context, event, "refund.disputed", row.merchantId, row.ticketId, {
    refundId,
    arbiter,
    reasonHash,
  });
});

ponder.on("RefundEscrow:DisputeResolved", async ({ event, context }) => {
  const { refundId, arbiter, payCustomer } = event.args;
  const row = await loadRefund(context, refundId);
  if (!payCustomer) {
    // Ruled for the merchant: the lock goes back to the reserve and the rejection is final.
    await releaseLock(context, row);
    await context.db.update(refund, { id: refundId }).set({
      status: RefundStatus.Rejected,
      deadline: 0n,
      locked: false,
      updatedAt: event.block.timestamp,
    });
  }
  await addTimeline(context, event, row.ticketId, "dispute-resolved", {
    refundId,
    actor: arbiter,
    arbiter,
    payCustomer,
  });
  await notify(context, event, "refund.resolved", row.merchantId, row.ticketId, {
    refundId,
    arbiter,
    outcome: payCustomer ? "paid" : "rejected",
  });
});

ponder.on("RefundEscrow:DisputeConceded", async ({ event, context }) => {
  const { refundId, arbiter, actor } = event.args;
  const row = await loadRefund(context, refundId);
  await addTimeline(context, event, row.ticketId, "dispute-conceded", { refundId, actor, arbiter });
  await notify(context, event, "refund.resolved", row.merchantId, row.ticketId, {
    refundId,
    arbiter,
    outcome: "conceded",
  });
});

ponder.on("RefundEscrow:RefundCancelled", async ({ event, context }) => {
  const row = await loadRefund(context, event.args.refundId);
  await releaseLock(context, row);
  await context.db.update(refund, { id: row.id }).set({
    status: RefundStatus.Cancelled,
    deadline: 0n,
    locked: false,
    updatedAt: event.block.timestamp,
  });
  await countRefund(context, row.merchantId, "refundsCancelled");
  await addTimeline(context, event, row.ticketId, "refund-cancelled", {
    refundId: row.id,
    actor: row.customer,
  });
  await notify(context, event, "refund.resolved", row.merchantId, row.ticketId, {
    refundId: row.id,
    outcome: "cancelled",
  });
});

ponder.on("RefundEscrow:SlaCompensationPaid", async ({ event, context }) => {
  const { ticketId, merchantId, customer, deadlines, token, amount, credited } = event.args;
  await moveReserve(context, merchantId, token, (r) => ({
    available: r.available - amount,
    compensationPaid: r.compensationPaid + amount,
  }));
  await context.db.insert(compensation).values({
    id: event.id,
    ticketId,
    merchantId,
    customer: lower(customer),
    deadlines,
    token: lower(token),
    amount,
    kind: "paid",
    paid: true,
    credited,
    createdAt: event.block.timestamp,
  });
  await addTimeline(context, event, ticketId, "sla-compensation-paid", {
    recipient: customer,
    deadlines,
    token,
    amount,
    credited,
  });
  await notify(context, event, "compensation.paid", merchantId, ticketId, {
    customer,
    deadlines,
    token,
    amount,
    credited,
  });
});

ponder.on("RefundEscrow:SlaCompensationOwed", async ({ event, context }) => {
  const { owedId, ticketId, customer, merchantId, deadlines, token, amount } = event.args;
  await moveReserve(context, merchantId, token, (r) => ({ owedTotal: r.owedTotal + amount }));
  await context.db.insert(compensation).values({
    id: `owed:${owedId}`,
    ticketId,
    merchantId,
    customer: lower(customer),
    deadlines,
    token: lower(token),
    amount,
    kind: "owed",
    owedId,
    paid: false,
    createdAt: event.block.timestamp,
  });
  await addTimeline(context, event, ticketId, "sla-compensation-owed", {
    owedId,
    recipient: customer,
    deadlines,
    token,
    amount,
  });
});

ponder.on("RefundEscrow:OwedCompensationPaid", async ({ event, context }) => {
  const { owedId, customer, token, amount, credited } = event.args;
  const claim = await context.db.find(compensation, { id: `owed:${owedId}` });
  if (claim === null) throw new Error(`OwedCompensationPaid for unknown claim ${owedId}`);
  await context.db.update(compensation, { id: claim.id }).set({ paid: true, credited });
  await moveReserve(context, claim.merchantId, token, (r) => ({
    owedSettled: r.owedSettled + amount,
    compensationPaid: r.compensationPaid + amount,
  }));
  await addTimeline(context, event, claim.ticketId, "sla-compensation-paid", {
    owedId,
    recipient: customer,
    token,
    amount,
    credited,
  });
  await notify(context, event, "compensation.paid", claim.merchantId, claim.ticketId, {
    owedId,
    customer,
    token,
    amount,
    credited,
  });
});

ponder.on("RefundEscrow:RefundAllowanceSet", async ({ event, context }) => {
  const { merchantId, agent, token, limit, period, actor } = event.args;
  const values = {
    periodLimit: limit,
    period,
    setBy: lower(actor),
    updatedAt: event.block.timestamp,
  };
  await context.db
    .insert(refundAllowance)
    .values({ merchantId, agent: lower(agent), token: lower(token), spent: 0n, ...values })
    .onConflictDoUpdate(values);
});

/** Only limited agents spend an allowance, so the row exists (its `RefundAllowanceSet` came first). */
ponder.on("RefundEscrow:RefundAllowanceSpent", async ({ event, context }) => {
  const { merchantId, agent, refundId, token, amount, left } = event.args;
  const key = { merchantId, agent: lower(agent), token: lower(token) };
  const row = await context.db.find(refundAllowance, key);
  if (row === null)
    throw new Error(`allowance spent by ${agent} at merchant ${merchantId} that was never set`);
  await context.db.update(refundAllowance, key).set({
    left,
    spent: row.spent + amount,
    lastRefundId: refundId,
    updatedAt: event.block.timestamp,
  });
});
