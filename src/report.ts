import { ZeroAddress } from "ethers";

import type { CareLedgerClient } from "./client.js";
import { TICKET_STATUS_NAMES, TicketStatus, toTicketStatus } from "./enums.js";
import { CareLedgerError } from "./error.js";
import {
  argBigInt,
  argNumber,
  argString,
  deskEvents,
  escrowEvents,
  fetchLogs,
  fromBlockOf,
  idTopic,
  topicOf,
  type DecodedLog,
  wholeHistory,
} from "./events.js";
import { fromIndexer } from "./indexer.js";
import { reportFromJson } from "./indexer-json.js";
import { readDeskViews } from "./multiread.js";
import { openedTickets } from "./opened.js";
import {
  IFeedbackAttestations__factory,
  IRefundEscrow__factory,
  ISupportDesk__factory,
} from "./bindings.js";

/** Amounts of one token in a merchant's refunds. */
export interface RefundTokenReport {
  /** Sum of the amounts customers requested. */
  requested: bigint;
  /** Sum of the amounts paid (requested, issued, executed or awarded by the arbiter). */
  paid: bigint;
  /** Locked now by open refunds (`lockedOf`). */
  locked: bigint;
  /** Available now in the reserve (`reserveOf`). */
  available: bigint;
}

/** Deadline compensation in one token. */
export interface CompensationTokenReport {
  /** Paid to customers (directly, or by settling owed claims). */
  paid: bigint;
  /** Owed and not yet covered by deposits (`owedOf`). */
  owedUncovered: bigint;
  /** Covered by deposits but not settled yet (`owedOf`). */
  coveredUnpaid: bigint;
}

/** A merchant's service record, rebuilt from events and the contracts' views. */
export interface MerchantReport {
  merchantId: number;
  admin: string;
  /** How many of the merchant's tickets are in each state now. */
  ticketsByStatus: Record<keyof typeof TicketStatus, number>;
  /** Deadlines met and missed (`slaStatsOf`), and the hit rate (`slaHitRateBps`, 10,000 = all met). */
  sla: {
    firstResponseMet: bigint;
    firstResponseMissed: bigint;
    resolutionMet: bigint;
    resolutionMissed: bigint;
    hitRateBps: number;
  };
  /** Compensation per token, and whether the merchant's promise is backed now. */
  compensation: { perToken: Record<string, CompensationTokenReport>; backed: boolean };
  /**
   * Refunds by what happened to them (each event counted once: a refund that was rejected, disputed and
   * then paid counts in `rejected`, `disputed` and `paid`). `issued` counts refunds staff paid directly.
   */
  refunds: {
    requested: number;
    issued: number;
    paid: number;
    rejected: number;
    disputed: number;
    cancelled: number;
    perToken: Record<string, RefundTokenReport>;
  };
  /** Current ratings (`merchantStats`): histogram[0] counts 1-star ratings. */
  ratings: {
    count: number;
    sum: number;
    average: number | null;
    histogram: [number, number, number, number, number];
  };
}

/**
 * Merchant `merchantId`'s report: tickets by state, deadlines met and missed, refunds and amounts per
 * token, compensation, ratings. Reads the desk's and the escrow's events from `fromBlock` (default: the
 * deployment's block when known, else 0) and the contracts' views now. With an indexer configured
 * (`connect`) and up to date, and no later `fromBlock`, the same report comes from the indexer.
 */
export async function merchantReport(
  client: CareLedgerClient,
  merchantId: bigint | number,
  options: { fromBlock?: number } = {},
): Promise<MerchantReport> {
  if (wholeHistory(client, options.fromBlock)) {
    const answer = await fromIndexer(
      client,
      `/merchants/${Number(merchantId)}/report`,
      reportFromJson,
    );
    if (answer !== undefined) return answer;
  }
  const id = Number(merchantId);
  const fromBlock = fromBlockOf(client, options.fromBlock);
  // Read through the interfaces: they are what every deployment implements.
  const runner = client.desk.runner;
  const desk = ISupportDesk__factory.connect(client.addresses.supportDesk, runner);
  const escrow = IRefundEscrow__factory.connect(client.addresses.refundEscrow, runner);
  const feedback = IFeedbackAttestations__factory.connect(
    client.addresses.feedbackAttestations,
    runner,
  );

  const admin = await desk.merchantAdmin(id);
  if (admin === ZeroAddress) throw new CareLedgerError(`merchant ${id} does not exist`);

  const { refundEscrow, supportDesk } = client.addresses;
  const [opened, escrowLogs, deposits, stats, hitRate, terms, backing, ratings] = await Promise.all(
    [
      openedTickets(client, [null, idTopic(id)], fromBlock),
      // Refund events carry no merchant id: read them all and keep the merchant's tickets' ones.
      fetchLogs(client, escrowEvents, refundEscrow, [], fromBlock),
      fetchLogs(
        client,
        escrowEvents,
        refundEscrow,
        [topicOf(escrowEvents, "ReserveDeposited"), idTopic(id)],
        fromBlock,
      ),
      desk.slaStatsOf(id),
      desk.slaHitRateBps(id),
      desk.slaCompensationOf(id),
      escrow.slaCompensationBacked(id),
      feedback.merchantStats(id),
    ],
  );

  // Tickets by state: the ticket ids come from events, their states from `statusOf`.
  const ticketIds = opened.map((ticket) => ticket.ticketId);
  const statuses = (await readDeskViews(client, "statusOf", ticketIds)).map(
    (result) => result[0] as bigint,
  );
  const ticketsByStatus = Object.fromEntries(
    TICKET_STATUS_NAMES.map((name) => [name, 0]),
  ) as Record<keyof typeof TicketStatus, number>;
  for (const status of statuses) ticketsByStatus[TICKET_STATUS_NAMES[toTicketStatus(status)]] += 1;

  // Refunds of the merchant's tickets: the ids first (requests and direct issues), then what followed.
  const tickets = new Set(ticketIds);
  const merchantRefunds = new Set<bigint>();
  const owedClaims = new Set<bigint>();
  for (const log of escrowLogs) {
    if (log.name === "RefundRequested" || log.name === "RefundIssued") {
      if (tickets.has(argBigInt(log, "ticketId"))) merchantRefunds.add(argBigInt(log, "refundId"));
    } else if (log.name === "SlaCompensationOwed" && argNumber(log, "merchantId") === id) {
      owedClaims.add(argBigInt(log, "owedId"));
    }
  }
  const refunds: MerchantReport["refunds"] = {
    requested: 0,
    issued: 0,
    paid: 0,
    rejected: 0,
    disputed: 0,
    cancelled: 0,
    perToken: {},
  };
  const compensation: Record<string, CompensationTokenReport> = {};
  const refundTokens = new Set<string>(deposits.map((log) => argString(log, "token")));
  const compensationTokens = new Set<string>();
  if (terms.firstResponseAmount > 0n || terms.resolutionAmount > 0n)
    compensationTokens.add(terms.token);
  const refundEntry = (token: string): RefundTokenReport =>
    (refunds.perToken[token] ??= { requested: 0n, paid: 0n, locked: 0n, available: 0n });
  const compensationEntry = (token: string): CompensationTokenReport =>
    (compensation[token] ??= { paid: 0n, owedUncovered: 0n, coveredUnpaid: 0n });
  const ours = (log: DecodedLog): boolean => merchantRefunds.has(argBigInt(log, "refundId"));

  for (const log of escrowLogs) {
    switch (log.name) {
      case "RefundRequested": {
        if (!ours(log)) break;
        const token = argString(log, "token");
        refundTokens.add(token);
        refunds.requested += 1;
        refundEntry(token).requested += argBigInt(log, "amount");
        break;
      }
      case "RefundIssued":
        if (ours(log)) refunds.issued += 1;
        break;
      case "RefundPaid": {
        if (!ours(log)) break;
        const token = argString(log, "token");
        refundTokens.add(token);
        refunds.paid += 1;
        refundEntry(token).paid += argBigInt(log, "amount");
        break;
      }
      case "RefundRejected":
        if (ours(log)) refunds.rejected += 1;
        break;
      case "RefundDisputed":
        if (ours(log)) refunds.disputed += 1;
        break;
      case "RefundCancelled":
        if (ours(log)) refunds.cancelled += 1;
        break;
      case "SlaCompensationPaid":
        if (argNumber(log, "merchantId") !== id) break;
        compensationTokens.add(argString(log, "token"));
        compensationEntry(argString(log, "token")).paid += argBigInt(log, "amount");
        break;
      case "SlaCompensationOwed":
        if (owedClaims.has(argBigInt(log, "owedId")))
          compensationTokens.add(argString(log, "token"));
        break;
      case "OwedCompensationPaid":
        if (owedClaims.has(argBigInt(log, "owedId"))) {
          compensationEntry(argString(log, "token")).paid += argBigInt(log, "amount");
        }
        break;
      default:
        break;
    }
  }

  // What the escrow holds now, per token.
  await Promise.all([
    ...[...refundTokens].map(async (token) => {
      const [locked, available] = await Promise.all([
        escrow.lockedOf(id, token),
        escrow.reserveOf(id, token),
      ]);
      Object.assign(refundEntry(token), { locked, available });
    }),
    ...[...compensationTokens].map(async (token) => {
      const [uncovered, coveredUnpaid] = await escrow.owedOf(id, token);
      Object.assign(compensationEntry(token), { owedUncovered: uncovered, coveredUnpaid });
    }),
  ]);

  const [count, sum, histogram] = ratings;
  const ratingCount = Number(count);
  const ratingSum = Number(sum);
  return {
    merchantId: id,
    admin,
    ticketsByStatus,
    sla: {
      firstResponseMet: stats.firstResponseMet,
      firstResponseMissed: stats.firstResponseMissed,
      resolutionMet: stats.resolutionMet,
      resolutionMissed: stats.resolutionMissed,
      hitRateBps: Number(hitRate),
    },
    compensation: { perToken: compensation, backed: backing.backed },
    refunds,
    ratings: {
      count: ratingCount,
      sum: ratingSum,
      average: ratingCount === 0 ? null : ratingSum / ratingCount,
      histogram: [0, 1, 2, 3, 4].map((star) =>
        Number(histogram[star] ?? 0n),
      ) as MerchantReport["ratings"]["histogram"],
    },
  };
}
