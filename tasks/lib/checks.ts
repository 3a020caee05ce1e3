/**
 * Look-ups that fail with a sentence when what a person named does not exist on the network.
 */
import { ZeroAddress } from "ethers";

import { TicketStatus, type CareLedgerClient } from "../../src/index.js";

import { TaskError } from "../../cli/errors.js";
import { existingIds } from "../../cli/format.js";

/** The merchant's admin; `TaskError` if merchant `merchantId` does not exist. */
export async function requireMerchant(
  client: CareLedgerClient,
  merchantId: bigint,
  networkName: string,
): Promise<string> {
  const admin = await client.desk.merchantAdmin(merchantId);
  if (admin !== ZeroAddress) return admin;
  const count = await client.desk.merchantCount();
  throw new TaskError(
    `merchant #${merchantId} does not exist on network "${networkName}"` +
      existingIds(count, "merchants", "no merchant is registered yet"),
  );
}

/** The ticket's status; `TaskError` if ticket `ticketId` does not exist. */
export async function requireTicket(
  client: CareLedgerClient,
  ticketId: bigint,
  networkName: string,
): Promise<TicketStatus> {
  const status = Number(await client.desk.statusOf(ticketId)) as TicketStatus;
  if (status !== TicketStatus.None) return status;
  const count = await client.desk.ticketCount();
  throw new TaskError(
    `ticket #${ticketId} does not exist on network "${networkName}"` +
      existingIds(count, "tickets", "no ticket was opened yet"),
  );
}
