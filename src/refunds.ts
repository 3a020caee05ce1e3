import { getAddress } from "ethers";

import type { CareLedgerClient } from "./client.js";
import { RefundStatus, toRefundStatus } from "./enums.js";
import {
  argBigInt,
  argString,
  blockTimes,
  escrowEvents,
  fetchLogs,
  fromBlockOf,
  idTopic,
  mapLimit,
  topicOf,
} from "./events.js";
import { fromIndexer } from "./indexer.js";
import { refundsFromJson } from "./indexer-json.js";
import { openedTickets } from "./opened.js";
import { checkLimit, indexerServes } from "./tickets.js";

/** A refund of one of a merchant's tickets, as a list shows it: what, for whom, where it stands. */
export interface MerchantRefund {
  id: bigint;
  ticketId: bigint;
  merchantId: number;
  /** The ticket's customer, who is paid (checksummed). */
  customer: string;
  /** The ERC-20 paid (checksummed), or the zero address for ETH. */
  token: string;
  /** The amount locked and paid, in the token's smallest unit. */
  amount: bigint;
  status: RefundStatus;
  /**
   * While `Requested`: the last second at which the merchant may approve or reject (anyone may execute the
   * refund after it). While `Rejected`: the last second of the customer's dispute window. Null otherwise,
   * and once a rejection is final (`getRefund` reports 0 then).
   */
  deadline: number | null;
  /** Paid at once by the merchant's staff (`issueRefund`) rather than requested by the customer. */
  issued: boolean;
  /** The commitment of the reason given with the request (or with the direct issue). */
  reasonHash: string;
  /** When it was requested or issued (unix seconds: its block's time). */
  requestedAt: number;
}

/** Which of a merchant's refunds `merchantRefunds` returns, and how many. */
export interface RefundListOptions {
  /**
   * Only the refunds still open (default false: all of them). Open means not settled yet, so still
   * holding part of the merchant's reserve: `Requested` (awaiting the merchant's answer), `Disputed`
   * (before the arbiter), and `Rejected` while the rejection is not final (the customer's dispute window
   * runs, or has ended and nobody called `finalizeRejection` yet: `deadline` tells which). Defined by the
   * state, not by the clock, so the indexer and the log scan agree at any moment.
   */
  open?: boolean;
  /** At most this many refunds (default 100); the indexer serves up to 1,000. */
  limit?: number;
  /** Where the log scan starts (default: the deployment's block, else 0); see `ticketTimeline`. */
  fromBlock?: number;
}

/** Whether a refund in `status` with `deadline` (null: none) is still open; see `RefundListOptions.open`. */
export function isOpenRefund(status: RefundStatus, deadline: number | null): boolean {
  return (
    status === RefundStatus.Requested ||
    status === RefundStatus.Disputed ||
    (status === RefundStatus.Rejected && deadline !== null)
  );
}

/** Escrow reads in flight at once: the escrow has no `multicall`, so each refund is one `eth_call`. */
const READ_CONCURRENCY = 16;

/**
 * Merchant `merchantId`'s refunds (requested by its customers or issued by its staff), oldest first (by
 * refund id: the requests that have waited longest come first), optionally only the open ones. From the
 * client's indexer when it is configured and up to date, else from the escrow's `RefundRequested` and
 * `RefundIssued` logs of the merchant's tickets (the desk's `TicketOpened` logs) and the escrow's
 * `getRefund` view for where each stands now.
 *
 * @throws RangeError if `limit` is not a positive integer.
 */
export async function merchantRefunds(
  client: CareLedgerClient,
  merchantId: bigint | number,
  options: RefundListOptions = {},
): Promise<MerchantRefund[]> {
  const limit = checkLimit(options.limit ?? 100);
  const id = Number(merchantId);
  const open = options.open === true;
  if (indexerServes(client, options, limit)) {
    const answer = await fromIndexer(
      client,
      `/merchants/${id}/refunds?${open ? "open=1&" : ""}limit=${limit}`,
      refundsFromJson,
    );
    if (answer !== undefined) return answer;
  }

  const fromBlock = fromBlockOf(client, options.fromBlock);
  // Refund events carry no merchant id: the merchant's ticket ids select its refunds.
  const [opened, logs] = await Promise.all([
    openedTickets(client, [null, idTopic(id)], fromBlock),
    fetchLogs(
      client,
      escrowEvents,
      client.addresses.refundEscrow,
      [[topicOf(escrowEvents, "RefundRequested"), topicOf(escrowEvents, "RefundIssued")]],
      fromBlock,
    ),
  ]);
  const tickets = new Set(opened.map((ticket) => ticket.ticketId));
  const started = logs
    .filter((log) => tickets.has(argBigInt(log, "ticketId")))
    .map((log) => ({
      id: argBigInt(log, "refundId"),
      ticketId: argBigInt(log, "ticketId"),
      issued: log.name === "RefundIssued",
      reasonHash: argString(log, "reasonHash"),
      blockNumber: log.log.blockNumber,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  // Without the open filter only the first `limit` are read; with it, each refund's state decides.
  const candidates = open ? started : started.slice(0, limit);
  const views = await mapLimit(candidates, READ_CONCURRENCY, (refund) =>
    client.escrow.getRefund(refund.id),
  );
  const timeOf = blockTimes(client);
  const kept = candidates
    .map((refund, i) => {
      const view = views[i]!;
      const status = toRefundStatus(view.status);
      const deadline = view.deadline === 0n ? null : Number(view.deadline);
      return { refund, view, status, deadline };
    })
    .filter(({ status, deadline }) => !open || isOpenRefund(status, deadline))
    .slice(0, limit);
  return mapLimit(kept, READ_CONCURRENCY, async ({ refund, view, status, deadline }) => ({
    id: refund.id,
    ticketId: refund.ticketId,
    merchantId: Number(view.merchantId),
    customer: getAddress(view.customer),
    token: getAddress(view.token),
    amount: view.amount,
    status,
    deadline,
    issued: refund.issued,
    reasonHash: refund.reasonHash,
    requestedAt: await timeOf(refund.blockNumber),
  }));
}
