import { formatAmount, parseId, tokenInfo } from "../../cli/format.js";
import { CustomerSender, type RelayerArgs } from "../lib/relaying.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs, RelayerArgs {
  refundId: string;
}

export default defineTaskAction<Args, { refundId: bigint; txHash: string }>(
  "refund:cancel",
  async (args, run) => {
    const refundId = parseId(args.refundId, "refund");
    run.action = "cancel";
    const session = await run.open(args);
    const { client, provider } = session;
    const sender = await CustomerSender.of(session, args.relayer);

    const sent = await run.send(
      sender.describe("cancelling the refund request"),
      sender.submit(client.escrow.cancelRefund, refundId),
    );
    const refund = await client.escrow.getRefund(refundId);
    const token = await tokenInfo(provider, refund.token);
    run.done(`refund #${refundId} is Cancelled`, [
      ["released", `${formatAmount(refund.amount, token)} went back to the merchant's reserve`],
      ...sender.details(),
      ...run.txDetails(sent),
    ]);
    return { refundId, txHash: sent.hash };
  },
);
