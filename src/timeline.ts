import type { CareLedgerClient } from "./client.js";
import { CareLedgerError } from "./error.js";
import { TicketStatus, toTicketStatus } from "./enums.js";
import {
  argBigInt,
  argBool,
  argNumber,
  argString,
  blockTimes,
  byChainOrder,
  deskEvents,
  escrowEvents,
  feedbackEvents,
  fetchLogs,
  fromBlockOf,
  idTopic,
  mapLimit,
  topicOf,
  wholeHistory,
  type DecodedLog,
} from "./events.js";
import { fromIndexer } from "./indexer.js";
import { timelineFromJson } from "./indexer-json.js";

/** What happened to a ticket, one kind per event. */
export type TimelineKind =
  | "opened"
  | "verified"
  | "status"
  | "message"
  | "assigned"
  | "sla-settled"
  | "refund-requested"
  | "refund-issued"
  | "refund-approved"
  | "refund-rejected"
  | "refund-disputed"
  | "dispute-resolved"
  | "dispute-conceded"
  | "refund-cancelled"
  | "refund-executed"
  | "refund-paid"
  | "rejection-finalized"
  | "sla-compensation-paid"
  | "sla-compensation-owed"
  | "feedback"
  | "feedback-amended"
  | "feedback-replied";

/** One event of a ticket's history. Only the fields that the kind carries are set. */
export interface TimelineEntry {
  kind: TimelineKind;
  blockNumber: number;
  logIndex: number;
  /** The block's time (unix seconds). */
  timestamp: number;
  transactionHash: string;
  /** Who acted: the customer, an agent, a keeper, the arbiter... */
  actor?: string;
  /** `status`: the state before. */
  from?: TicketStatus;
  /** `status`: the state after (`opened`: `Open`). */
  to?: TicketStatus;
  /** The commitment the event carries: content, note, reason, comment or reply. */
  hash?: string;
  refundId?: bigint;
  feedbackId?: bigint;
  /** The ERC-20 moved, or the zero address for ETH. */
  token?: string;
  amount?: bigint;
  /** `feedback`, `feedback-amended`: the rating (1-5). */
  rating?: number;
  /** `opened`: the priority (0 low ... 3 urgent). */
  priority?: number;
  /** `opened`: the order reference commitment. */
  orderRef?: string;
  /** `opened`: the merchant. */
  merchantId?: number;
  /** `verified`: the order signer whose receipt verified the ticket. */
  signer?: string;
  /** `assigned`: the agent (zero address: unassigned). */
  agent?: string;
  /** `refund-paid`, `sla-compensation-*`: who was (or is to be) paid. */
  recipient?: string;
  /** `refund-paid`, `sla-compensation-paid`: the push was refused and kept as the recipient's credit. */
  credited?: boolean;
  /** `sla-settled`: which deadline. `sla-compensation-*`: `deadlines` mask (1 first response, 2 resolution). */
  deadline?: "first-response" | "resolution";
  deadlines?: number;
  /** `sla-settled`: when the deadline fell due. `refund-rejected`: when the dispute window ends. */
  dueAt?: number;
  /** `sla-settled`: whether the deadline was met. */
  met?: boolean;
  /** `refund-disputed`, `dispute-resolved`, `dispute-conceded`: the arbiter (of a conceded dispute: the
   * one whose case ended without a ruling). */
  arbiter?: string;
  /** `dispute-resolved`: whether the arbiter paid the customer. */
  payCustomer?: boolean;
  /** `sla-compensation-owed`, and `sla-compensation-paid` of a settled owed claim: the claim. */
  owedId?: bigint;
  /** `feedback-amended`: the record it supersedes, and its rating. */
  previousFeedbackId?: bigint;
  previousRating?: number;
}

/** The parts of an entry that come from the event itself. */
type EntryFields = Omit<
  TimelineEntry,
  "blockNumber" | "logIndex" | "timestamp" | "transactionHash"
>;

const REFUND_FOLLOW_UPS = [
  "RefundApproved",
  "RefundRejected",
  "RefundDisputed",
  "DisputeResolved",
  "DisputeConceded",
  "RefundCancelled",
  "RefundExecuted",
  "RefundPaid",
  "RejectionFinalized",
] as const;

/**
 * The full history of ticket `ticketId`, rebuilt from the events of the desk, the escrow and the
 * feedback contract, in chain order, with block times. `fromBlock` defaults to the deployment's block
 * when known, else 0 (a provider that limits log ranges needs it). With an indexer configured (`connect`)
 * and up to date, and no later `fromBlock`, the same entries come from the indexer.
 */
export async function ticketTimeline(
  client: CareLedgerClient,
  ticketId: bigint | number,
  options: { fromBlock?: number } = {},
): Promise<TimelineEntry[]> {
  if (wholeHistory(client, options.fromBlock)) {
    const answer = await fromIndexer(client, `/tickets/${BigInt(ticketId)}`, timelineFromJson);
    if (answer !== undefined) return answer;
  }
  const fromBlock = fromBlockOf(client, options.fromBlock);
  const ticket = idTopic(ticketId);
  const { supportDesk, refundEscrow, feedbackAttestations } = client.addresses;
  const escrowTopic = (name: string): string => topicOf(escrowEvents, name);
  const feedbackTopic = (name: string): string => topicOf(feedbackEvents, name);

  const [desk, refundsAndOwed, compensations, feedback, amendments] = await Promise.all([
    // Every desk event of a ticket has the ticket id as its first indexed argument.
    fetchLogs(
      client,
      deskEvents,
      supportDesk,
      [
        [
          "TicketOpened",
          "TicketVerified",
          "TicketStatusChanged",
          "MessagePosted",
          "TicketAssigned",
          "SlaDeadlineSettled",
        ].map((name) => topicOf(deskEvents, name)),
        ticket,
      ],
      fromBlock,
    ),
    fetchLogs(
      client,
      escrowEvents,
      refundEscrow,
      [["RefundRequested", "RefundIssued", "SlaCompensationOwed"].map(escrowTopic), null, ticket],
      fromBlock,
    ),
    fetchLogs(
      client,
      escrowEvents,
      refundEscrow,
      [escrowTopic("SlaCompensationPaid"), ticket],
      fromBlock,
    ),
    fetchLogs(
      client,
      feedbackEvents,
      feedbackAttestations,
      [["FeedbackAttested", "FeedbackReplied"].map(feedbackTopic), null, ticket],
      fromBlock,
    ),
    fetchLogs(
      client,
      feedbackEvents,
      feedbackAttestations,
      [feedbackTopic("FeedbackAmended"), null, null, ticket],
      fromBlock,
    ),
  ]);

  // Refund and owed-claim events are indexed by their own ids: fetch them by the ids found above.
  const refundIds = new Set<bigint>();
  const owedIds = new Set<bigint>();
  const refundCustomers = new Map<bigint, string>();
  for (const log of refundsAndOwed) {
    if (log.name === "SlaCompensationOwed") {
      owedIds.add(argBigInt(log, "owedId"));
    } else {
      const refundId = argBigInt(log, "refundId");
      refundIds.add(refundId);
      if (log.name === "RefundRequested") refundCustomers.set(refundId, argString(log, "customer"));
    }
  }
  const [followUps, owedPaid] = await Promise.all([
    refundIds.size === 0
      ? []
      : fetchLogs(
          client,
          escrowEvents,
          refundEscrow,
          [REFUND_FOLLOW_UPS.map(escrowTopic), [...refundIds].map(idTopic)],
          fromBlock,
        ),
    owedIds.size === 0
      ? []
      : fetchLogs(
          client,
          escrowEvents,
          refundEscrow,
          [escrowTopic("OwedCompensationPaid"), [...owedIds].map(idTopic)],
          fromBlock,
        ),
  ]);

  const logs = [
    ...desk,
    ...refundsAndOwed,
    ...compensations,
    ...feedback,
    ...amendments,
    ...followUps,
    ...owedPaid,
  ];
  logs.sort(byChainOrder);
  const timeOf = blockTimes(client);
  // The block times: each block fetched once (cached), a few at a time.
  return mapLimit(logs, 16, async (log): Promise<TimelineEntry> => ({
    ...entryOf(log, refundCustomers),
    blockNumber: log.log.blockNumber,
    logIndex: log.log.index,
    timestamp: await timeOf(log.log.blockNumber),
    transactionHash: log.log.transactionHash,
  }));
}

function entryOf(log: DecodedLog, refundCustomers: ReadonlyMap<bigint, string>): EntryFields {
  const refundId = (): bigint => argBigInt(log, "refundId");
  switch (log.name) {
    case "TicketOpened":
      return {
        kind: "opened",
        actor: argString(log, "customer"),
        to: TicketStatus.Open,
        hash: argString(log, "contentHash"),
        orderRef: argString(log, "orderRef"),
        priority: argNumber(log, "priority"),
        merchantId: argNumber(log, "merchantId"),
      };
    case "TicketVerified":
      return {
        kind: "verified",
        orderRef: argString(log, "orderRef"),
        signer: argString(log, "signer"),
        token: argString(log, "token"),
        amount: argBigInt(log, "amount"),
      };
    case "TicketStatusChanged":
      return {
        kind: "status",
        actor: argString(log, "actor"),
        from: toTicketStatus(argBigInt(log, "from")),
        to: toTicketStatus(argBigInt(log, "to")),
        hash: argString(log, "noteHash"),
      };
    case "MessagePosted":
      return {
        kind: "message",
        actor: argString(log, "author"),
        hash: argString(log, "contentHash"),
      };
    case "TicketAssigned":
      return { kind: "assigned", actor: argString(log, "actor"), agent: argString(log, "agent") };
    case "SlaDeadlineSettled":
      return {
        kind: "sla-settled",
        deadline: argNumber(log, "deadline") === 1 ? "first-response" : "resolution",
        dueAt: argNumber(log, "dueAt"),
        met: argBool(log, "met"),
      };
    case "RefundRequested":
      return {
        kind: "refund-requested",
        refundId: refundId(),
        actor: argString(log, "customer"),
        token: argString(log, "token"),
        amount: argBigInt(log, "amount"),
        hash: argString(log, "reasonHash"),
      };
    case "RefundIssued":
      return {
        kind: "refund-issued",
        refundId: refundId(),
        actor: argString(log, "actor"),
        hash: argString(log, "reasonHash"),
      };
    case "RefundApproved":
      return { kind: "refund-approved", refundId: refundId(), actor: argString(log, "actor") };
    case "RefundRejected":
      return {
        kind: "refund-rejected",
        refundId: refundId(),
        actor: argString(log, "actor"),
        hash: argString(log, "reasonHash"),
        dueAt: argNumber(log, "disputeDeadline"),
      };
    case "RefundDisputed":
      return withActor(
        {
          kind: "refund-disputed",
          refundId: refundId(),
          arbiter: argString(log, "arbiter"),
          hash: argString(log, "reasonHash"),
        },
        refundCustomers.get(refundId()),
      );
    case "DisputeResolved":
      return {
        kind: "dispute-resolved",
        refundId: refundId(),
        actor: argString(log, "arbiter"),
        arbiter: argString(log, "arbiter"),
        payCustomer: argBool(log, "payCustomer"),
      };
    case "DisputeConceded":
      return {
        kind: "dispute-conceded",
        refundId: refundId(),
        actor: argString(log, "actor"),
        arbiter: argString(log, "arbiter"),
      };
    case "RefundCancelled":
      return withActor(
        { kind: "refund-cancelled", refundId: refundId() },
        refundCustomers.get(refundId()),
      );
    case "RefundExecuted":
      return { kind: "refund-executed", refundId: refundId(), actor: argString(log, "actor") };
    case "RefundPaid":
      return {
        kind: "refund-paid",
        refundId: refundId(),
        recipient: argString(log, "to"),
        token: argString(log, "token"),
        amount: argBigInt(log, "amount"),
        credited: argBool(log, "credited"),
      };
    case "RejectionFinalized":
      return { kind: "rejection-finalized", refundId: refundId(), actor: argString(log, "actor") };
    case "SlaCompensationPaid":
      return {
        kind: "sla-compensation-paid",
        recipient: argString(log, "customer"),
        deadlines: argNumber(log, "deadlines"),
        token: argString(log, "token"),
        amount: argBigInt(log, "amount"),
        credited: argBool(log, "credited"),
      };
    case "SlaCompensationOwed":
      return {
        kind: "sla-compensation-owed",
        owedId: argBigInt(log, "owedId"),
        recipient: argString(log, "customer"),
        deadlines: argNumber(log, "deadlines"),
        token: argString(log, "token"),
        amount: argBigInt(log, "amount"),
      };
    case "OwedCompensationPaid":
      return {
        kind: "sla-compensation-paid",
        owedId: argBigInt(log, "owedId"),
        recipient: argString(log, "customer"),
        token: argString(log, "token"),
        amount: argBigInt(log, "amount"),
        credited: argBool(log, "credited"),
      };
    case "FeedbackAttested":
      return {
        kind: "feedback",
        feedbackId: argBigInt(log, "feedbackId"),
        actor: argString(log, "customer"),
        rating: argNumber(log, "rating"),
        hash: argString(log, "commentHash"),
      };
    case "FeedbackAmended":
      return {
        kind: "feedback-amended",
        feedbackId: argBigInt(log, "newFeedbackId"),
        previousFeedbackId: argBigInt(log, "previousFeedbackId"),
        rating: argNumber(log, "rating"),
        previousRating: argNumber(log, "previousRating"),
      };
    case "FeedbackReplied":
      return {
        kind: "feedback-replied",
        feedbackId: argBigInt(log, "feedbackId"),
        actor: argString(log, "replier"),
        hash: argString(log, "replyHash"),
      };
    default:
      throw new CareLedgerError(`unexpected event ${log.name} in a ticket's history`);
  }
}

function withActor(entry: EntryFields, actor: string | undefined): EntryFields {
  return actor === undefined ? entry : { ...entry, actor };
}
