/**
 * SupportDesk: merchants, agents, policies, tickets, messages and deadlines. One handler per event;
 * a new desk event is one more `ponder.on` here.
 */
import { ponder, type Context } from "ponder:registry";
import { agent, merchant, orderSigner, ticket } from "ponder:schema";
import { and, eq, inArray } from "ponder";
import type { Address } from "viem";

import { addTimeline, lower, notify } from "./record.ts";

/** `Status` values (contracts/interfaces/ISupportDesk.sol). */
export const Status = {
  None: 0,
  Open: 1,
  InProgress: 2,
  AwaitingCustomer: 3,
  Resolved: 4,
  Closed: 5,
  Escalated: 6,
  Cancelled: 7,
} as const;

/** States in which the desk's clocks run (`_isActive`). */
const ACTIVE_STATES = [Status.Open, Status.InProgress, Status.AwaitingCustomer, Status.Escalated];

/** The merchant column counting tickets in each status (`None` never occurs in a transition). */
const STATUS_COUNTERS = {
  [Status.Open]: "ticketsOpen",
  [Status.InProgress]: "ticketsInProgress",
  [Status.AwaitingCustomer]: "ticketsAwaitingCustomer",
  [Status.Resolved]: "ticketsResolved",
  [Status.Closed]: "ticketsClosed",
  [Status.Escalated]: "ticketsEscalated",
  [Status.Cancelled]: "ticketsCancelled",
} as const;

/** The counter of `status`; a status the desk does not have is a bug in the ABI or here, not data. */
function statusCounter(status: number) {
  const column = STATUS_COUNTERS[status as keyof typeof STATUS_COUNTERS];
  if (column === undefined)
    throw new Error(`TicketStatusChanged to or from unknown status ${status}`);
  return column;
}

/** The deadline that `SlaDeadlineSettled` reports (1 first response, 2 resolution). */
const DEADLINE_NAMES = { 1: "first-response", 2: "resolution" } as const;

/**
 * Refreshes ticket `ticketId`'s deadlines from `getTicket` as of the event's block (Ponder reads at the
 * block being indexed). The due times depend on the policy and on how the desk runs its clock (paused
 * while awaiting the customer), so the contract's own view is the single source of them; status,
 * assignee and counters come from the events.
 */
async function refreshDeadlines(
  context:
    | Context<"SupportDesk:TicketOpened">
    | Context<"SupportDesk:TicketStatusChanged">
    | Context<"SupportDesk:PolicySet">,
  ticketId: bigint,
  timestamp: bigint,
): Promise<void> {
  const view = await context.client.readContract({
    abi: context.contracts.SupportDesk.abi,
    address: context.contracts.SupportDesk.address as Address,
    functionName: "getTicket",
    args: [ticketId],
  });
  // The merchant's next obligation: the first response until it happens, then the resolution. A paused
  // resolution clock (AwaitingCustomer) has no deadline to sort by: the customer owes the next move.
  const firstResponseDueAt = BigInt(view.firstResponseDueAt);
  const resolutionDueAt = BigInt(view.resolutionDueAt);
  const paused = view.status === Status.AwaitingCustomer;
  const nextDeadline = paused
    ? null
    : firstResponseDueAt !== 0n && (resolutionDueAt === 0n || firstResponseDueAt < resolutionDueAt)
      ? firstResponseDueAt
      : resolutionDueAt !== 0n
        ? resolutionDueAt
        : null;
  await context.db.update(ticket, { id: ticketId }).set({
    firstResponded: view.firstResponded,
    firstResponseDueAt,
    resolutionDueAt,
    resolvedAt: BigInt(view.resolvedAt),
    nextDeadline,
    updatedAt: timestamp,
  });
}

/** The merchant's next deadline from the two due times (0: none), as `refreshDeadlines` derives it. */
function nextOf(
  status: number,
  firstResponseDueAt: bigint,
  resolutionDueAt: bigint,
): bigint | null {
  if (status === Status.AwaitingCustomer) return null;
  if (firstResponseDueAt !== 0n && (resolutionDueAt === 0n || firstResponseDueAt < resolutionDueAt))
    return firstResponseDueAt;
  return resolutionDueAt !== 0n ? resolutionDueAt : null;
}

/**
 * The deadlines after a transition whose effect on the desk's clock is fixed, without a `getTicket` read
 * (one `eth_call` per event was what bounded indexing speed): the desk's rules for these transitions
 * (contracts/SupportDesk.sol) are
 * - `Open -> InProgress` only by a staff message, which gives the first response: the first-response
 *   deadline is gone, the resolution clock keeps running from the cycle's start;
 * - `* -> Resolved` only through `_resolve`: responded, the clock stops at the resolution time, no deadline;
 * - `Resolved -> Closed`: nothing moves but the status.
 * Other transitions (awaiting the customer and back, reopen, escalation, cancel) read `getTicket`.
 */
function settledByTransition(
  row: { firstResponded: boolean; resolutionDueAt: bigint; resolvedAt: bigint },
  from: number,
  to: number,
  timestamp: bigint,
) {
  if (from === Status.Open && to === Status.InProgress) {
    return {
      firstResponded: true,
      firstResponseDueAt: 0n,
      resolutionDueAt: row.resolutionDueAt,
      resolvedAt: 0n,
      nextDeadline: nextOf(to, 0n, row.resolutionDueAt),
    };
  }
  if (to === Status.Resolved) {
    return {
      firstResponded: true,
      firstResponseDueAt: 0n,
      resolutionDueAt: 0n,
      resolvedAt: timestamp,
      nextDeadline: null,
    };
  }
  if (from === Status.Resolved && to === Status.Closed) {
    return {
      firstResponded: row.firstResponded,
      firstResponseDueAt: 0n,
      resolutionDueAt: 0n,
      resolvedAt: row.resolvedAt,
      nextDeadline: null,
    };
  }
  return undefined;
}

ponder.on("SupportDesk:MerchantRegistered", async ({ event, context }) => {
  const { merchantId, admin, profileHash } = event.args;
  // The defaults a new merchant gets are the desk's, read once here rather than copied into the indexer.
  const [policy, compensation, termsVersion, receiptRequired] = await Promise.all([
    context.client.readContract({
      abi: context.contracts.SupportDesk.abi,
      address: context.contracts.SupportDesk.address as Address,
      functionName: "policyOf",
      args: [merchantId],
    }),
    context.client.readContract({
      abi: context.contracts.SupportDesk.abi,
      address: context.contracts.SupportDesk.address as Address,
      functionName: "slaCompensationOf",
      args: [merchantId],
    }),
    context.client.readContract({
      abi: context.contracts.SupportDesk.abi,
      address: context.contracts.SupportDesk.address as Address,
      functionName: "termsVersionOf",
      args: [merchantId],
    }),
    context.client.readContract({
      abi: context.contracts.SupportDesk.abi,
      address: context.contracts.SupportDesk.address as Address,
      functionName: "receiptRequired",
      args: [merchantId],
    }),
  ]);
  await context.db.insert(merchant).values({
    id: merchantId,
    admin: lower(admin),
    profileHash,
    registeredAt: event.block.timestamp,
    firstResponseTime: policy.firstResponseTime,
    resolutionTime: policy.resolutionTime,
    reopenWindow: policy.reopenWindow,
    autoCloseDelay: policy.autoCloseDelay,
    refundResponseTime: policy.refundResponseTime,
    disputeWindow: policy.disputeWindow,
    arbiter: lower(policy.arbiter),
    compensationToken: lower(compensation.token),
    compensationFirstResponse: compensation.firstResponseAmount,
    compensationResolution: compensation.resolutionAmount,
    compensationAutoPay: compensation.autoPay,
    firstResponseMet: 0,
    firstResponseMissed: 0,
    resolutionMet: 0,
    resolutionMissed: 0,
    feedbackCount: 0,
    feedbackSum: 0,
    rating1: 0,
    rating2: 0,
    rating3: 0,
    rating4: 0,
    rating5: 0,
    verifiedFeedbackCount: 0,
    verifiedFeedbackSum: 0,
    verifiedRating1: 0,
    verifiedRating2: 0,
    verifiedRating3: 0,
    verifiedRating4: 0,
    verifiedRating5: 0,
    ticketCount: 0,
    ticketsOpen: 0,
    ticketsInProgress: 0,
    ticketsAwaitingCustomer: 0,
    ticketsResolved: 0,
    ticketsClosed: 0,
    ticketsEscalated: 0,
    ticketsCancelled: 0,
    refundsRequested: 0,
    refundsIssued: 0,
    refundsPaid: 0,
    refundsRejected: 0,
    refundsDisputed: 0,
    refundsCancelled: 0,
    receiptRequired,
    termsVersion,
  });
});

ponder.on("SupportDesk:TermsVersionStarted", async ({ event, context }) => {
  await context.db
    .update(merchant, { id: event.args.merchantId })
    .set({ termsVersion: event.args.version });
});

ponder.on("SupportDesk:ReceiptRequirementSet", async ({ event, context }) => {
  await context.db
    .update(merchant, { id: event.args.merchantId })
    .set({ receiptRequired: event.args.required });
});

ponder.on("SupportDesk:OrderSignerSet", async ({ event, context }) => {
  const { merchantId, signer, allowed } = event.args;
  await context.db
    .insert(orderSigner)
    .values({ merchantId, signer: lower(signer), allowed, updatedAt: event.block.timestamp })
    .onConflictDoUpdate({ allowed, updatedAt: event.block.timestamp });
});

/**
 * Emitted right after `TicketOpened` in the same transaction: the ticket row exists. The timeline entry
 * has the fields of the SDK's "verified" kind (src/timeline.ts).
 */
ponder.on("SupportDesk:TicketVerified", async ({ event, context }) => {
  const { ticketId, orderRef, signer, token, amount } = event.args;
  await context.db.update(ticket, { id: ticketId }).set({
    verified: true,
    orderRef,
    receiptSigner: lower(signer),
    receiptToken: lower(token),
    receiptAmount: amount,
  });
  await addTimeline(context, event, ticketId, "verified", { orderRef, signer, token, amount });
});

ponder.on("SupportDesk:AgentSet", async ({ event, context }) => {
  const { merchantId, agent: account, enabled } = event.args;
  await context.db
    .insert(agent)
    .values({ merchantId, account: lower(account), enabled, updatedAt: event.block.timestamp })
    .onConflictDoUpdate({ enabled, updatedAt: event.block.timestamp });
});

ponder.on("SupportDesk:MerchantAdminTransferStarted", async ({ event, context }) => {
  await context.db
    .update(merchant, { id: event.args.merchantId })
    .set({ pendingAdmin: lower(event.args.pendingAdmin) });
});

ponder.on("SupportDesk:MerchantAdminTransferred", async ({ event, context }) => {
  await context.db
    .update(merchant, { id: event.args.merchantId })
    .set({ admin: lower(event.args.newAdmin), pendingAdmin: null });
});

ponder.on("SupportDesk:PolicySet", async ({ event, context }) => {
  const { policy, merchantId } = event.args;
  // The desk derives running deadlines from the current policy: refresh the merchant's open tickets.
  // (Policy changes are rare next to ticket events; once terms are fixed per cycle this finds no change.)
  const open = await context.db.sql
    .select({ id: ticket.id })
    .from(ticket)
    .where(and(eq(ticket.merchantId, merchantId), inArray(ticket.status, ACTIVE_STATES)));
  for (const { id } of open) await refreshDeadlines(context, id, event.block.timestamp);
  await context.db.update(merchant, { id: event.args.merchantId }).set({
    firstResponseTime: policy.firstResponseTime,
    resolutionTime: policy.resolutionTime,
    reopenWindow: policy.reopenWindow,
    autoCloseDelay: policy.autoCloseDelay,
    refundResponseTime: policy.refundResponseTime,
    disputeWindow: policy.disputeWindow,
    arbiter: lower(policy.arbiter),
  });
});

ponder.on("SupportDesk:SlaCompensationSet", async ({ event, context }) => {
  const { compensation } = event.args;
  await context.db.update(merchant, { id: event.args.merchantId }).set({
    compensationToken: lower(compensation.token),
    compensationFirstResponse: compensation.firstResponseAmount,
    compensationResolution: compensation.resolutionAmount,
    compensationAutoPay: compensation.autoPay,
  });
});

ponder.on("SupportDesk:TicketOpened", async ({ event, context }) => {
  const { ticketId, merchantId, customer, orderRef, contentHash, priority } = event.args;
  // A new ticket's cycle starts now under the merchant's current terms (`_newTicket`), which are the
  // policy this table holds as of this event: its deadlines need no `getTicket` read.
  const m = await context.db
    .update(merchant, { id: merchantId })
    .set((row) => ({ ticketCount: row.ticketCount + 1, ticketsOpen: row.ticketsOpen + 1 }));
  const openedAt = event.block.timestamp;
  const firstResponseDueAt = openedAt + BigInt(m.firstResponseTime);
  const resolutionDueAt = openedAt + BigInt(m.resolutionTime);
  await context.db.insert(ticket).values({
    id: ticketId,
    merchantId,
    customer: lower(customer),
    orderRef,
    contentHash,
    priority,
    status: Status.Open,
    openedAt,
    updatedAt: openedAt,
    cycle: 1,
    messageCount: 0,
    firstResponded: false,
    firstResponseDueAt,
    resolutionDueAt,
    resolvedAt: 0n,
    nextDeadline: nextOf(Status.Open, firstResponseDueAt, resolutionDueAt),
    verified: false,
  });
  await addTimeline(context, event, ticketId, "opened", {
    actor: customer,
    to: Status.Open,
    hash: contentHash,
    orderRef,
    priority,
    merchantId,
  });
  await notify(context, event, "ticket.opened", merchantId, ticketId, {
    customer,
    orderRef,
    contentHash,
    priority,
    status: Status.Open,
  });
});

ponder.on("SupportDesk:TicketStatusChanged", async ({ event, context }) => {
  const { ticketId, from, to, actor, noteHash } = event.args;
  const row = await context.db.find(ticket, { id: ticketId });
  if (row === null) throw new Error(`TicketStatusChanged for unknown ticket ${ticketId}`);
  // A reopen (Resolved -> Open) starts a new service cycle with fresh deadlines.
  const reopened = from === Status.Resolved && to === Status.Open;
  const settled = settledByTransition(row, from, to, event.block.timestamp);
  await context.db.update(ticket, { id: ticketId }).set({
    status: to,
    cycle: reopened ? row.cycle + 1 : row.cycle,
    ...(settled === undefined ? {} : { ...settled, updatedAt: event.block.timestamp }),
  });
  if (settled === undefined) await refreshDeadlines(context, ticketId, event.block.timestamp);
  const [leaving, entering] = [statusCounter(from), statusCounter(to)];
  await context.db
    .update(merchant, { id: row.merchantId })
    .set((m) => ({ [leaving]: m[leaving] - 1, [entering]: m[entering] + 1 }));
  await addTimeline(context, event, ticketId, "status", { actor, from, to, hash: noteHash });
  await notify(context, event, "ticket.status_changed", row.merchantId, ticketId, {
    from,
    to,
    actor,
    noteHash,
    cycle: reopened ? row.cycle + 1 : row.cycle,
  });
});

ponder.on("SupportDesk:MessagePosted", async ({ event, context }) => {
  const { ticketId, author, contentHash } = event.args;
  const row = await context.db.update(ticket, { id: ticketId }).set((current) => {
    // A staff message is the first response if none was given; on an Open ticket the status change
    // before it (same transaction) has booked that already, on an Escalated one nothing else does.
    const firstResponse = !current.firstResponded && lower(author) !== current.customer;
    return {
      messageCount: current.messageCount + 1,
      updatedAt: event.block.timestamp,
      ...(firstResponse
        ? {
            firstResponded: true,
            firstResponseDueAt: 0n,
            nextDeadline: nextOf(current.status, 0n, current.resolutionDueAt),
          }
        : {}),
    };
  });
  await addTimeline(context, event, ticketId, "message", { actor: author, hash: contentHash });
  await notify(context, event, "ticket.message_posted", row.merchantId, ticketId, {
    author,
    contentHash,
  });
});

ponder.on("SupportDesk:TicketAssigned", async ({ event, context }) => {
  const { ticketId, agent: assignee, actor } = event.args;
  const zero = /^0x0{40}$/.test(assignee);
  await context.db
    .update(ticket, { id: ticketId })
    .set({ assignee: zero ? null : lower(assignee), updatedAt: event.block.timestamp });
  await addTimeline(context, event, ticketId, "assigned", { actor, agent: assignee });
});

ponder.on("SupportDesk:SlaDeadlineSettled", async ({ event, context }) => {
  const { ticketId, merchantId, deadline, dueAt, met } = event.args;
  await context.db
    .update(merchant, { id: merchantId })
    .set((row) =>
      deadline === 1
        ? met
          ? { firstResponseMet: row.firstResponseMet + 1 }
          : { firstResponseMissed: row.firstResponseMissed + 1 }
        : met
          ? { resolutionMet: row.resolutionMet + 1 }
          : { resolutionMissed: row.resolutionMissed + 1 },
    );
  const name = DEADLINE_NAMES[deadline as 1 | 2] ?? "resolution";
  await addTimeline(context, event, ticketId, "sla-settled", {
    deadline: name,
    dueAt: Number(dueAt),
    met,
  });
  if (!met) {
    await notify(context, event, "ticket.deadline_missed", merchantId, ticketId, {
      deadline: name,
      dueAt: Number(dueAt),
    });
  }
});
