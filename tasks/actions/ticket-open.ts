import { readFile } from "node:fs/promises";
import path from "node:path";

import {
  PRIORITY_NAMES,
  orderReceiptFromJson,
  relay,
  type SignedOrderReceipt,
} from "../../src/index.js";

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
  receipt: string;
  commitments: string;
}

/** Reads a receipt file (what `merchant:receipt` or a shop wrote); a sentence says what is wrong. */
async function readReceipt(file: string, root: string): Promise<SignedOrderReceipt> {
  const where = path.resolve(root, file);
  let text: string;
  try {
    text = await readFile(where, "utf8");
  } catch {
    throw new TaskError(`--receipt ${file}: no such file (${where})`);
  }
  try {
    return orderReceiptFromJson(text);
  } catch (error) {
    throw new TaskError(
      `--receipt ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
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
    if (args.receipt !== "" && args.order !== "") {
      throw new TaskError("give --order or --receipt, not both: a receipt names its order");
    }
    const priority = parsePriority(args.priority);
    run.action = "open a ticket";
    const session = await run.open(args);
    const { client, networkName, connection } = session;
    await requireMerchant(client, merchantId, networkName);
    const relayer =
      args.relayer === "" ? undefined : await resolveSigner(connection, args.relayer, networkName);

    const receipt =
      args.receipt === "" ? undefined : await readReceipt(args.receipt, run.hre.config.paths.root);
    if (receipt !== undefined && receipt.receipt.merchantId !== merchantId) {
      throw new TaskError(
        `--receipt is for merchant #${receipt.receipt.merchantId}, not #${merchantId}: open the ticket there`,
      );
    }
    const message = await run.commit(args.commitments, args.message, "ticket message");
    // With a receipt, the order is the receipt's (a commitment the shop made); otherwise the text given.
    const order =
      receipt === undefined
        ? await run.commit(args.commitments, args.order, "order reference")
        : { hash: receipt.receipt.orderRef, saved: undefined };
    const customer = run.signer;
    const data =
      receipt === undefined
        ? client.desk.interface.encodeFunctionData("openTicket", [
            merchantId,
            order.hash,
            message.hash,
            priority,
          ])
        : client.desk.interface.encodeFunctionData("openTicketWithReceipt", [
            receipt.receipt,
            receipt.signature,
            message.hash,
            priority,
          ]);
    const sent = await run.send(
      relayer === undefined ? "opening the ticket" : "opening the ticket through the relayer",
      () =>
        relayer === undefined
          ? receipt === undefined
            ? client.desk.openTicket(merchantId, order.hash, message.hash, priority)
            : client.desk.openTicketWithReceipt(
                receipt.receipt,
                receipt.signature,
                message.hash,
                priority,
              )
          : relay(client, customer, client.addresses.supportDesk, data, { relayer }),
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
      ...(receipt === undefined
        ? []
        : ([
            [
              "verified",
              `order ${receipt.receipt.orderRef} (refunds capped at its receipt's amount, ${receipt.receipt.amount} smallest units)`,
            ],
          ] as Array<[string, string]>)),
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
