/**
 * CareLedger's indexed state. Every table is written only by the handlers in src/ (one file per
 * contract) and follows the canonical chain: Ponder rolls rows back on a reorg, the outbox included.
 *
 * Amounts are `bigint` (numeric(78)); addresses and hashes are lowercase `hex`; times are unix seconds.
 */
import { index, onchainTable, primaryKey, relations } from "ponder";

/** A merchant: its admin, policy, compensation terms and the aggregates the report needs in O(1). */
export const merchant = onchainTable("merchant", (t) => ({
  id: t.integer().primaryKey(),
  admin: t.hex().notNull(),
  /** The admin named by `transferMerchantAdmin` who has not accepted yet (null: none). */
  pendingAdmin: t.hex(),
  profileHash: t.hex().notNull(),
  registeredAt: t.bigint().notNull(),
  // The current policy (`policyOf`): what applies to what starts next.
  firstResponseTime: t.integer().notNull(),
  resolutionTime: t.integer().notNull(),
  reopenWindow: t.integer().notNull(),
  autoCloseDelay: t.integer().notNull(),
  refundResponseTime: t.integer().notNull(),
  disputeWindow: t.integer().notNull(),
  arbiter: t.hex().notNull(),
  // The SLA compensation offer (`slaCompensationOf`).
  compensationToken: t.hex(),
  compensationFirstResponse: t.bigint().notNull(),
  compensationResolution: t.bigint().notNull(),
  compensationAutoPay: t.boolean().notNull(),
  // SLA outcomes as the desk settles them (`slaStatsOf`); the hit rate is derived from them.
  firstResponseMet: t.integer().notNull(),
  firstResponseMissed: t.integer().notNull(),
  resolutionMet: t.integer().notNull(),
  resolutionMissed: t.integer().notNull(),
  // Current feedback (`merchantStats`): amendments move a rating, never add one.
  feedbackCount: t.integer().notNull(),
  feedbackSum: t.integer().notNull(),
  rating1: t.integer().notNull(),
  rating2: t.integer().notNull(),
  rating3: t.integer().notNull(),
  rating4: t.integer().notNull(),
  rating5: t.integer().notNull(),
  // The same of verified tickets only (`verifiedMerchantStats`): the verified-purchase rating.
  verifiedFeedbackCount: t.integer().notNull(),
  verifiedFeedbackSum: t.integer().notNull(),
  verifiedRating1: t.integer().notNull(),
  verifiedRating2: t.integer().notNull(),
  verifiedRating3: t.integer().notNull(),
  verifiedRating4: t.integer().notNull(),
  verifiedRating5: t.integer().notNull(),
  ticketCount: t.integer().notNull(),
  // Tickets by status now (`statusOf`): +1 to Open on `TicketOpened`, then -1/+1 on every
  // `TicketStatusChanged`, so the report reads eight numbers instead of counting the ticket table.
  ticketsOpen: t.integer().notNull(),
  ticketsInProgress: t.integer().notNull(),
  ticketsAwaitingCustomer: t.integer().notNull(),
  ticketsResolved: t.integer().notNull(),
  ticketsClosed: t.integer().notNull(),
  ticketsEscalated: t.integer().notNull(),
  ticketsCancelled: t.integer().notNull(),
  // Refunds by what happened to them, one count per escrow event as the SDK's report counts them: a
  // refund rejected, disputed and then paid counts in `refundsRejected`, `refundsDisputed` and `refundsPaid`.
  refundsRequested: t.integer().notNull(),
  refundsIssued: t.integer().notNull(),
  refundsPaid: t.integer().notNull(),
  refundsRejected: t.integer().notNull(),
  refundsDisputed: t.integer().notNull(),
  refundsCancelled: t.integer().notNull(),
  /** Whether new tickets need an order receipt (`receiptRequired`, `ReceiptRequirementSet`). */
  receiptRequired: t.boolean().notNull(),
  /** The terms version in force now (`termsVersionOf`, `TermsVersionStarted`). */
  termsVersion: t.integer().notNull(),
}));

/** Support agents (the admin may do all an agent may, without a row here). */
export const agent = onchainTable(
  "agent",
  (t) => ({
    merchantId: t.integer().notNull(),
    account: t.hex().notNull(),
    enabled: t.boolean().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.merchantId, table.account] }) }),
);

/** Accounts whose EIP-712 order receipts a merchant accepts (verified purchases), from `OrderSignerSet`. */
export const orderSigner = onchainTable(
  "order_signer",
  (t) => ({
    merchantId: t.integer().notNull(),
    signer: t.hex().notNull(),
    allowed: t.boolean().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.merchantId, table.signer] }) }),
);

/**
 * A limited agent's refund allowance in one token (`RefundAllowanceSet`) and what it spent
 * (`RefundAllowanceSpent`). `period` 0 means the agent is not limited.
 */
export const refundAllowance = onchainTable(
  "refund_allowance",
  (t) => ({
    merchantId: t.integer().notNull(),
    agent: t.hex().notNull(),
    token: t.hex().notNull(),
    /** What the agent may pay per `period` seconds. */
    periodLimit: t.bigint().notNull(),
    period: t.integer().notNull(),
    /** The admin who set it last. */
    setBy: t.hex().notNull(),
    /** What remained of the running period after the agent's last payment (null: none since set). */
    left: t.bigint(),
    /** Everything the agent paid under an allowance in this token, and the last refund it paid. */
    spent: t.bigint().notNull(),
    lastRefundId: t.bigint(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.merchantId, table.agent, table.token] }) }),
);

/** A ticket as `getTicket` shows it, plus what the timeline adds (cycle, message count, last change). */
export const ticket = onchainTable(
  "ticket",
  (t) => ({
    id: t.bigint().primaryKey(),
    merchantId: t.integer().notNull(),
    customer: t.hex().notNull(),
    orderRef: t.hex().notNull(),
    contentHash: t.hex().notNull(),
    /** 0 low, 1 normal, 2 high, 3 urgent. */
    priority: t.integer().notNull(),
    /** `Status` as its number (1 Open ... 7 Cancelled). */
    status: t.integer().notNull(),
    assignee: t.hex(),
    openedAt: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
    /** 1 for the first service cycle; each reopen starts the next. */
    cycle: t.integer().notNull(),
    messageCount: t.integer().notNull(),
    firstResponded: t.boolean().notNull(),
    firstResponseDueAt: t.bigint().notNull(),
    resolutionDueAt: t.bigint().notNull(),
    resolvedAt: t.bigint().notNull(),
    /** The deadline the merchant must meet next (null once resolved, closed or cancelled). */
    nextDeadline: t.bigint(),
    /** Whether an EIP-712 receipt verified the order (`TicketVerified`), and what it says. */
    verified: t.boolean().notNull(),
    receiptSigner: t.hex(),
    receiptToken: t.hex(),
    receiptAmount: t.bigint(),
  }),
  (table) => ({
    queueIdx: index().on(table.merchantId, table.nextDeadline),
    customerIdx: index().on(table.customer, table.id),
  }),
);

/** One entry of a ticket's history: the same kinds and fields as the SDK's `ticketTimeline`. */
export const timelineEntry = onchainTable(
  "timeline_entry",
  (t) => ({
    /** Ponder's event id: unique and in chain order. */
    id: t.text().primaryKey(),
    ticketId: t.bigint().notNull(),
    kind: t.text().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    /** The kind's own fields (src/timeline.ts `TimelineEntry`), bigints as decimal strings. */
    details: t.json().$type<Record<string, string | number | boolean>>().notNull(),
  }),
  (table) => ({ ticketIdx: index().on(table.ticketId, table.blockNumber, table.logIndex) }),
);

/** A refund and where it stands (`getRefund`), with who was paid. */
export const refund = onchainTable(
  "refund",
  (t) => ({
    id: t.bigint().primaryKey(),
    ticketId: t.bigint().notNull(),
    merchantId: t.integer().notNull(),
    customer: t.hex().notNull(),
    token: t.hex().notNull(),
    amount: t.bigint().notNull(),
    /** `RefundStatus` as its number (1 Requested ... 5 Cancelled). */
    status: t.integer().notNull(),
    /** Requested: the response deadline; Rejected: the end of the dispute window; else 0. */
    deadline: t.bigint().notNull(),
    /** Issued by staff and paid at once (never locked). */
    issued: t.boolean().notNull(),
    /** Whether staff ever rejected it, and whether the customer ever disputed it (for the report). */
    rejected: t.boolean().notNull(),
    disputed: t.boolean().notNull(),
    /** Whether the amount is held in the merchant's locked reserve right now. */
    locked: t.boolean().notNull(),
    reasonHash: t.hex().notNull(),
    arbiter: t.hex(),
    paidTo: t.hex(),
    credited: t.boolean(),
    requestedAt: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    ticketIdx: index().on(table.ticketId),
    // A merchant's refunds in id order (`/merchants/:id/refunds`), and only its open ones (`?open=1`).
    merchantIdx: index().on(table.merchantId, table.id),
    merchantOpenIdx: index().on(table.merchantId, table.locked, table.id),
  }),
);

/** A merchant's reserve in one token (`reserveOf`, `lockedOf`) and what went through it. */
export const reserve = onchainTable(
  "reserve",
  (t) => ({
    merchantId: t.integer().notNull(),
    token: t.hex().notNull(),
    available: t.bigint().notNull(),
    locked: t.bigint().notNull(),
    deposited: t.bigint().notNull(),
    withdrawn: t.bigint().notNull(),
    /** Sum of the amounts customers requested, and of the refunds paid (requested or issued). */
    requested: t.bigint().notNull(),
    refunded: t.bigint().notNull(),
    /** SLA compensation paid to customers, at once or by settling an owed claim. */
    compensationPaid: t.bigint().notNull(),
    /** The owed-compensation book (`owedOf`: uncovered = total - covered, coveredUnpaid = covered - settled). */
    owedTotal: t.bigint().notNull(),
    owedCovered: t.bigint().notNull(),
    owedSettled: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.merchantId, table.token] }) }),
);

/** SLA compensation: paid at once (`SlaCompensationPaid`) or owed (`SlaCompensationOwed`) and settled later. */
export const compensation = onchainTable(
  "compensation",
  (t) => ({
    id: t.text().primaryKey(),
    ticketId: t.bigint().notNull(),
    merchantId: t.integer().notNull(),
    customer: t.hex().notNull(),
    /** 1 first response, 2 resolution, 3 both. */
    deadlines: t.integer().notNull(),
    token: t.hex().notNull(),
    amount: t.bigint().notNull(),
    /** "paid" or "owed". */
    kind: t.text().notNull(),
    /** `owed`: the escrow's claim id. */
    owedId: t.bigint(),
    /** `paid`: always; `owed`: once `OwedCompensationPaid` settled it. */
    paid: t.boolean().notNull(),
    credited: t.boolean(),
    createdAt: t.bigint().notNull(),
  }),
  (table) => ({ ticketIdx: index().on(table.ticketId), merchantIdx: index().on(table.merchantId) }),
);

/** A feedback record (`getFeedback`); an amendment is a new record superseding the old. */
export const feedback = onchainTable(
  "feedback",
  (t) => ({
    id: t.bigint().primaryKey(),
    ticketId: t.bigint().notNull(),
    merchantId: t.integer().notNull(),
    customer: t.hex().notNull(),
    rating: t.integer().notNull(),
    commentHash: t.hex().notNull(),
    replyHash: t.hex(),
    supersedes: t.bigint().notNull(),
    supersededBy: t.bigint().notNull(),
    createdAt: t.bigint().notNull(),
  }),
  (table) => ({ ticketIdx: index().on(table.ticketId), merchantIdx: index().on(table.merchantId) }),
);

/**
 * The webhook outbox: one row per notifiable event, written by the handlers in the same transaction as
 * the state it reports, so a reorg that removes the event removes its row. The delivery worker
 * (src/webhooks/) reads it once the block has enough confirmations.
 */
export const outbox = onchainTable(
  "outbox",
  (t) => ({
    /** Stable across re-indexing: `<chainId>:<transaction hash>:<log index>`. */
    id: t.text().primaryKey(),
    type: t.text().notNull(),
    merchantId: t.integer().notNull(),
    ticketId: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    blockHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
    /** The JSON body delivered (bigints as decimal strings). */
    payload: t.json().$type<Record<string, unknown>>().notNull(),
  }),
  (table) => ({ orderIdx: index().on(table.blockNumber, table.logIndex) }),
);

export const ticketRelations = relations(ticket, ({ many, one }) => ({
  merchant: one(merchant, { fields: [ticket.merchantId], references: [merchant.id] }),
  timeline: many(timelineEntry),
  refunds: many(refund),
  feedback: many(feedback),
}));
export const timelineRelations = relations(timelineEntry, ({ one }) => ({
  ticket: one(ticket, { fields: [timelineEntry.ticketId], references: [ticket.id] }),
}));
export const refundRelations = relations(refund, ({ one }) => ({
  ticket: one(ticket, { fields: [refund.ticketId], references: [ticket.id] }),
}));
export const feedbackRelations = relations(feedback, ({ one }) => ({
  ticket: one(ticket, { fields: [feedback.ticketId], references: [ticket.id] }),
}));
export const merchantRelations = relations(merchant, ({ many }) => ({
  tickets: many(ticket),
  agents: many(agent),
  reserves: many(reserve),
}));
export const agentRelations = relations(agent, ({ one }) => ({
  merchant: one(merchant, { fields: [agent.merchantId], references: [merchant.id] }),
}));
export const reserveRelations = relations(reserve, ({ one }) => ({
  merchant: one(merchant, { fields: [reserve.merchantId], references: [merchant.id] }),
}));
