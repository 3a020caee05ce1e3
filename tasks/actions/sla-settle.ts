import { eventIn } from "../../cli/events.js";
import { formatAmount, parseId, tokenInfo } from "../../cli/format.js";
import { CustomerSender, type RelayerArgs } from "../lib/relaying.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs, RelayerArgs {
  owedId: string;
}

export default defineTaskAction<Args, { owedId: bigint; amount: bigint; txHash: string }>(
  "sla:settle",
  async (args, run) => {
    const owedId = parseId(args.owedId, "owed claim");
    run.action = "settle";
    const session = await run.open(args);
    const { client, provider } = session;
    const sender = await CustomerSender.of(session, args.relayer);

    const sent = await run.send(
      sender.describe("settling the owed compensation"),
      sender.submit(client.escrow.settleOwedCompensation, owedId),
    );
    const event = eventIn(sent.receipt, client.escrow, "OwedCompensationPaid");
    const token = await tokenInfo(provider, String(event.args.token));
    const amount = BigInt(event.args.amount);
    run.done(`owed claim #${owedId} settled`, [
      [
        "paid",
        `${formatAmount(amount, token)} to the customer ${String(event.args.customer)}` +
          (event.args.credited ? " (kept as its credit: its address refused the payment)" : ""),
      ],
      ...sender.details(),
      ...run.txDetails(sent),
    ]);
    return { owedId, amount, txHash: sent.hash };
  },
);
