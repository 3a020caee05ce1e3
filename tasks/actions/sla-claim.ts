import { eventsIn } from "../../cli/events.js";
import { formatAmount, parseId, tokenInfo } from "../../cli/format.js";
import { CustomerSender, type RelayerArgs } from "../lib/relaying.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs, RelayerArgs {
  ticketId: string;
}

export default defineTaskAction<
  Args,
  { ticketId: bigint; paid: bigint; owed: bigint; txHash: string }
>("sla:claim", async (args, run) => {
  const ticketId = parseId(args.ticketId, "ticket");
  run.action = "claim compensation for";
  const session = await run.open(args);
  const { client, provider } = session;
  const sender = await CustomerSender.of(session, args.relayer);

  const sent = await run.send(
    sender.describe("claiming deadline compensation"),
    sender.submit(client.escrow.claimSlaCompensation, ticketId),
  );
  let paid = 0n;
  let owed = 0n;
  const details: Array<[string, string]> = [];
  for (const event of eventsIn(sent.receipt, client.escrow, "SlaCompensationPaid")) {
    const token = await tokenInfo(provider, String(event.args.token));
    paid += BigInt(event.args.amount);
    details.push([
      "paid",
      `${formatAmount(BigInt(event.args.amount), token)} to the customer ${String(event.args.customer)}` +
        (event.args.credited ? " (kept as its credit: its address refused the payment)" : ""),
    ]);
  }
  for (const event of eventsIn(sent.receipt, client.escrow, "SlaCompensationOwed")) {
    const token = await tokenInfo(provider, String(event.args.token));
    owed += BigInt(event.args.amount);
    details.push([
      "owed",
      `${formatAmount(BigInt(event.args.amount), token)} (claim #${String(event.args.owedId)}): the reserve is short; it is paid first from the merchant's next deposit`,
    ]);
  }
  run.done(`deadline compensation claimed for ticket #${ticketId}`, [
    ...details,
    ...sender.details(),
    ...run.txDetails(sent),
  ]);
  return { ticketId, paid, owed, txHash: sent.hash };
});
