import { formatTime, parseId } from "../lib/format.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  ticketId: string;
  reason: string;
  commitments: string;
}

export default defineTaskAction<Args, { ticketId: bigint; txHash: string }>(
  "ticket:reopen",
  async (args, run) => {
    const ticketId = parseId(args.ticketId, "ticket");
    run.action = "reopen";
    const { client } = await run.open(args);
    const reason = await run.commit(
      args.commitments,
      args.reason,
      "reopen reason",
      `ticket ${ticketId}`,
    );

    const sent = await run.send(
      "reopening the ticket",
      () => client.desk.reopenTicket(ticketId, reason.hash),
      { commitments: [reason] },
    );
    const [firstResponseDueAt] = await client.desk.firstResponseDeadline(ticketId);
    run.done(`ticket #${ticketId} reopened: it is Open again, with new deadlines`, [
      ["first reply due", formatTime(firstResponseDueAt)],
      ...run.txDetails(sent),
      ...run.commitmentDetails([["reason", reason]]),
    ]);
    return { ticketId, txHash: sent.hash };
  },
);
