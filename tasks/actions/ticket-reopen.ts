import { formatTime, parseId } from "../../cli/format.js";
import { CustomerSender, type RelayerArgs } from "../lib/relaying.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs, RelayerArgs {
  ticketId: string;
  reason: string;
  commitments: string;
}

export default defineTaskAction<Args, { ticketId: bigint; txHash: string }>(
  "ticket:reopen",
  async (args, run) => {
    const ticketId = parseId(args.ticketId, "ticket");
    run.action = "reopen";
    const session = await run.open(args);
    const { client } = session;
    const sender = await CustomerSender.of(session, args.relayer);
    const reason = await run.commit(
      args.commitments,
      args.reason,
      "reopen reason",
      `ticket ${ticketId}`,
    );

    const sent = await run.send(
      sender.describe("reopening the ticket"),
      sender.submit(client.desk.reopenTicket, ticketId, reason.hash),
      { commitments: [reason] },
    );
    const [firstResponseDueAt] = await client.desk.firstResponseDeadline(ticketId);
    run.done(`ticket #${ticketId} reopened: it is Open again, with new deadlines`, [
      ["first reply due", formatTime(firstResponseDueAt)],
      ...sender.details(),
      ...run.txDetails(sent),
      ...run.commitmentDetails([["reason", reason]]),
    ]);
    return { ticketId, txHash: sent.hash };
  },
);
