import { parseId } from "../../cli/format.js";
import { paidDetails } from "../lib/refunds.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  refundId: string;
  resolve: string;
  commitments: string;
}

export default defineTaskAction<Args, { refundId: bigint; txHash: string }>(
  "refund:approve",
  async (args, run) => {
    const refundId = parseId(args.refundId, "refund");
    run.action = "approve";
    const { client } = await run.open(args);
    const refund = await client.escrow.getRefund(refundId);
    const subject = `ticket ${refund.ticketId}`;

    const resolution =
      args.resolve === ""
        ? undefined
        : await run.commit(args.commitments, args.resolve, "resolution note", subject);
    const sent =
      resolution === undefined
        ? await run.send("approving the refund", () => client.escrow.approveRefund(refundId))
        : await run.send(
            "approving the refund and resolving the ticket",
            () => client.escrow.approveRefundAndResolve(refundId, resolution.hash),
            { commitments: [resolution] },
          );
    run.done(
      `refund #${refundId} approved${resolution === undefined ? "" : ` and ticket #${refund.ticketId} resolved`}`,
      [
        ...(await paidDetails(client, sent.receipt)),
        ...run.txDetails(sent),
        ...(resolution === undefined ? [] : run.commitmentDetails([["resolution", resolution]])),
      ],
    );
    return { refundId, txHash: sent.hash };
  },
);
