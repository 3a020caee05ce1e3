import { dataSlice, getAddress, toBigInt, toNumber, type Log } from "ethers";

import type { CareLedgerClient } from "./client.js";
import { deskEvents, fromBlockOf, readLogs, topicOf } from "./events.js";

/** A `TicketOpened` event and where it happened. */
export interface OpenedTicket {
  ticketId: bigint;
  merchantId: number;
  customer: string;
  orderRef: string;
  contentHash: string;
  priority: number;
  blockNumber: number;
}

/**
 * The desk's `TicketOpened` logs matching `topics` (after the event's own: ticket id, merchant id,
 * customer), decoded by position: the event's layout is fixed (three indexed arguments, three words of
 * data), and a generic ABI decoder costs about a millisecond per log, which a history of thousands of
 * tickets notices.
 */
export async function openedTickets(
  client: CareLedgerClient,
  topics: (string | null)[],
  fromBlock: number | undefined,
): Promise<OpenedTicket[]> {
  const logs = await readLogs(
    client,
    client.addresses.supportDesk,
    [topicOf(deskEvents, "TicketOpened"), ...topics],
    fromBlockOf(client, fromBlock),
  );
  return logs.map(decodeOpened);
}

function decodeOpened(log: Log): OpenedTicket {
  const [, ticketId, merchantId, customer] = log.topics;
  if (ticketId === undefined || merchantId === undefined || customer === undefined) {
    throw new Error(`log ${log.transactionHash}:${log.index} is not a TicketOpened event`);
  }
  return {
    ticketId: toBigInt(ticketId),
    merchantId: toNumber(merchantId),
    customer: getAddress(dataSlice(customer, 12)),
    orderRef: dataSlice(log.data, 0, 32),
    contentHash: dataSlice(log.data, 32, 64),
    priority: toNumber(dataSlice(log.data, 64, 96)),
    blockNumber: log.blockNumber,
  };
}
