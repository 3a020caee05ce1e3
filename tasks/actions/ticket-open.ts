import { PRIORITY_NAMES, relay } from "../../src/index.js";

import { requireMerchant } from "../lib/checks.js";
import { TaskError } from "../lib/errors.js";
import { eventIn } from "../lib/events.js";
import { formatTime, parseId } from "../lib/format.js";
import { resolveSigner, type CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  merchantId: string;
  message: string;
  order: string;
  priority: string;
  relayer: string;
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
    const { client, networkName, connection } = session;
    await requireMerchant(client, merchantId, networkName);
    const relayer =
      args.relayer === "" ? undefined : await resolveSigner(connection, args.relayer, networkName);

    const message = await run.commit(args.commitments, args.message, "ticket message");
    const order = await run.commit(args.commitments, args.order, "order reference");
    const customer = run.signer;
    const sent = await run.send(
      relayer === undefined ? "opening the ticket" : "opening the ticket through the relayer",
      () =>
        relayer === undefined
          ? client.desk.openTicket(merchantId, order.hash, message.hash, priority)
          : relay(
              client,
              customer,
              client.addresses.supportDesk,
              client.desk.interface.encodeFunctionData("openTicket", [
                merchantId,
                order.hash,
                message.hash,
                priority,
              ]),
              { relayer },
            ),
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
      ...(relayer === undefined
        ? []
        : ([
            ["gas paid by", `${relayer.address} (relayer; the customer signed, gaslessly)`],
          ] as Array<[string, string]>)),
      ["first reply due", formatTime(firstResponseDueAt)],
      ...run.txDetails(sent),
      ...run.commitmentDetails([
        ["message", message],
        ["order", order],
      ]),
    ]);
    return { ticketId, txHash: sent.hash, relayed: relayer !== undefined };
  },
);
