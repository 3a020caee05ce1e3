import { parseId } from "../../cli/format.js";
import { paidDetails } from "../lib/refunds.js";
import { CustomerSender, type RelayerArgs } from "../lib/relaying.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs, RelayerArgs {
  refundId: string;
}

export default defineTaskAction<Args, { refundId: bigint; txHash: string }>(
  "refund:execute",
  async (args, run) => {
    const refundId = parseId(args.refundId, "refund");
    run.action = "execute";
    const session = await run.open(args);
    const { client } = session;
    const sender = await CustomerSender.of(session, args.relayer);

    const sent = await run.send(
      sender.describe("executing the refund"),
      sender.submit(client.escrow.executeRefund, refundId),
    );
    run.done(`refund #${refundId} executed: the merchant did not answer in time`, [
      ...(await paidDetails(client, sent.receipt)),
      ...sender.details(),
      ...run.txDetails(sent),
    ]);
    return { refundId, txHash: sent.hash };
  },
);
