import { PRIORITY_NAMES } from "../../src/index.js";

import { requireMerchant } from "../lib/checks.js";
import { TaskError } from "../../cli/errors.js";
import { eventIn } from "../../cli/events.js";
import { formatTime, parseId } from "../../cli/format.js";
import { CustomerSender, type RelayerArgs } from "../lib/relaying.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs, RelayerArgs {
  merchantId: string;
  message: string;
  order: string;
  priority: string;
  commitments: string;
}

function parsePriority(text: string): number {
  const value = text.trim().toLowerCase();
  const byName = (PRIORITY_NAMES as readonly string[]).indexOf(value);
  if (byName >= 0) return byName;
  if (/^[0-3]$/.test(value)) return Number(value);
  throw new TaskError(`--priority "${text}" is not one of ${PRIORITY_NAMES.join(", ")}`);
}

export default defineTaskAction<Args, { ticketId: bigint; txHash: string; relayed: boolean }>(
  "ticket:open",
  async (args, run) => {
    const merchantId = parseId(args.merchantId, "merchant");
    const priority = parsePriority(args.priority);
    run.action = "open a ticket";
    const session = await run.open(args);
    const { client, networkName } = session;
    await requireMerchant(client, merchantId, networkName);
    const sender = await CustomerSender.of(session, args.relayer);

    const message = await run.commit(args.commitments, args.message, "ticket message");
    const order = await run.commit(args.commitments, args.order, "order reference");
    const customer = run.signer;
    const sent = await run.send(
      sender.describe("opening the ticket"),
      sender.submit(client.desk.openTicket, merchantId, order.hash, message.hash, priority),
      {
        commitments: [message, order],
        subject: (receipt) =>
          `ticket ${String(eventIn(receipt, client.desk, "TicketOpened").args.ticketId)}`,
      },
    );
    const ticketId = BigInt(eventIn(sent.receipt, client.desk, "TicketOpened").args.ticketId);
    const [firstResponseDueAt] = await client.desk.firstResponseDeadline(ticketId);
    run.done(`ticket #${ticketId} opened at merchant #${merchantId}`, [
      ["customer", customer.address],
      ["priority", PRIORITY_NAMES[priority] ?? String(priority)],
      ...sender.details(),
      ["first reply due", formatTime(firstResponseDueAt)],
      ...run.txDetails(sent),
      ...run.commitmentDetails([
        ["message", message],
        ["order", order],
      ]),
    ]);
    return { ticketId, txHash: sent.hash, relayed: sender.relayer !== undefined };
  },
);
