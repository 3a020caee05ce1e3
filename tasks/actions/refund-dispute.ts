import { eventIn } from "../lib/events.js";
import { parseId } from "../lib/format.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  refundId: string;
  reason: string;
  commitments: string;
}

export default defineTaskAction<Args, { refundId: bigint; arbiter: string; txHash: string }>(
  "refund:dispute",
  async (args, run) => {
    const refundId = parseId(args.refundId, "refund");
    run.action = "dispute";
    const { client } = await run.open(args);
    const refund = await client.escrow.getRefund(refundId);
    const reason = await run.commit(
      args.commitments,
      args.reason,
      "refund dispute reason",
      `refund ${refundId} (ticket ${refund.ticketId})`,
    );

    const sent = await run.send(
      "disputing the rejection",
      () => client.escrow.disputeRefund(refundId, reason.hash),
      { commitments: [reason] },
    );
    const arbiter = String(eventIn(sent.receipt, client.escrow, "RefundDisputed").args.arbiter);
    run.done(`refund #${refundId} disputed`, [
      ["arbiter", `${arbiter} decides it now; the amount stays locked until then`],
      ...run.txDetails(sent),
      ...run.commitmentDetails([["reason", reason]]),
    ]);
    return { refundId, arbiter, txHash: sent.hash };
  },
);
