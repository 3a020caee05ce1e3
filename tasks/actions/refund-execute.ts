import { parseId } from "../lib/format.js";
import { paidDetails } from "../lib/refunds.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  refundId: string;
}

export default defineTaskAction<Args, { refundId: bigint; txHash: string }>(
  "refund:execute",
  async (args, run) => {
    const refundId = parseId(args.refundId, "refund");
    run.action = "execute";
    const { client } = await run.open(args);

    const sent = await run.send("executing the refund", () =>
      client.escrow.executeRefund(refundId),
    );
    run.done(`refund #${refundId} executed: the merchant did not answer in time`, [
      ...(await paidDetails(client, sent.receipt)),
      ...run.txDetails(sent),
    ]);
    return { refundId, txHash: sent.hash };
  },
);
