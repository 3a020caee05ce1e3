import { eventIn } from "../../cli/events.js";
import { parseId } from "../../cli/format.js";
import { CustomerSender, type RelayerArgs } from "../lib/relaying.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs, RelayerArgs {
  refundId: string;
  reason: string;
  commitments: string;
}

export default defineTaskAction<Args, { refundId: bigint; arbiter: string; txHash: string }>(
  "refund:dispute",
  async (args, run) => {
    const refundId = parseId(args.refundId, "refund");
    run.action = "dispute";
    const session = await run.open(args);
    const { client } = session;
    const sender = await CustomerSender.of(session, args.relayer);
    const refund = await client.escrow.getRefund(refundId);
    const reason = await run.commit(
      args.commitments,
      args.reason,
      "refund dispute reason",
      `refund ${refundId} (ticket ${refund.ticketId})`,
    );

    const sent = await run.send(
      sender.describe("disputing the rejection"),
      sender.submit(client.escrow.disputeRefund, refundId, reason.hash),
      { commitments: [reason] },
    );
    const arbiter = String(eventIn(sent.receipt, client.escrow, "RefundDisputed").args.arbiter);
    run.done(`refund #${refundId} disputed`, [
      ["arbiter", `${arbiter} decides it now; the amount stays locked until then`],
      ...sender.details(),
      ...run.txDetails(sent),
      ...run.commitmentDetails([["reason", reason]]),
    ]);
    return { refundId, arbiter, txHash: sent.hash };
  },
);
