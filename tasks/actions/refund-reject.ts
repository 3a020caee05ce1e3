import { eventIn } from "../../cli/events.js";
import { formatTime, parseId } from "../../cli/format.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  refundId: string;
  reason: string;
  commitments: string;
}

export default defineTaskAction<
  Args,
  { refundId: bigint; disputeDeadline: bigint; txHash: string }
>("refund:reject", async (args, run) => {
  const refundId = parseId(args.refundId, "refund");
  run.action = "reject";
  const { client } = await run.open(args);
  const refund = await client.escrow.getRefund(refundId);
  const reason = await run.commit(
    args.commitments,
    args.reason,
    "refund rejection reason",
    `refund ${refundId} (ticket ${refund.ticketId})`,
  );

  const sent = await run.send(
    "rejecting the refund",
    () => client.escrow.rejectRefund(refundId, reason.hash),
    { commitments: [reason] },
  );
  const disputeDeadline = BigInt(
    eventIn(sent.receipt, client.escrow, "RefundRejected").args.disputeDeadline,
  );
  run.done(`refund #${refundId} rejected`, [
    [
      "next",
      `the customer may dispute it until ${formatTime(disputeDeadline)}; the amount stays locked until then`,
    ],
    ...run.txDetails(sent),
    ...run.commitmentDetails([["reason", reason]]),
  ]);
  return { refundId, disputeDeadline, txHash: sent.hash };
});
