import { formatAmount, parseId, tokenInfo } from "../../cli/format.js";
import { CustomerSender, type RelayerArgs } from "../lib/relaying.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs, RelayerArgs {
  refundId: string;
}

export default defineTaskAction<Args, { refundId: bigint; txHash: string }>(
  "refund:finalize",
  async (args, run) => {
    const refundId = parseId(args.refundId, "refund");
    run.action = "finalize";
    const session = await run.open(args);
    const { client, provider } = session;
    const sender = await CustomerSender.of(session, args.relayer);

    const sent = await run.send(
      sender.describe("finalizing the rejection"),
      sender.submit(client.escrow.finalizeRejection, refundId),
    );
    const refund = await client.escrow.getRefund(refundId);
    const token = await tokenInfo(provider, refund.token);
    run.done(`the rejection of refund #${refundId} is final`, [
      [
        "released",
        `${formatAmount(refund.amount, token)} went back to the merchant's reserve; it can no longer be disputed`,
      ],
      ...sender.details(),
      ...run.txDetails(sent),
    ]);
    return { refundId, txHash: sent.hash };
  },
);
