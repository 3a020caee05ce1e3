import { parseId } from "../../cli/format.js";
import { CustomerSender, type RelayerArgs } from "../lib/relaying.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs, RelayerArgs {
  ticketId: string;
  reason: string;
  commitments: string;
}

export default defineTaskAction<Args, { ticketId: bigint; txHash: string }>(
  "ticket:escalate",
  async (args, run) => {
    const ticketId = parseId(args.ticketId, "ticket");
    run.action = "escalate";
    const session = await run.open(args);
    const { client } = session;
    const sender = await CustomerSender.of(session, args.relayer);
    const reason = await run.commit(
      args.commitments,
      args.reason,
      "escalation reason",
      `ticket ${ticketId}`,
    );

    const sent = await run.send(
      sender.describe("escalating the ticket"),
      sender.submit(client.desk.escalateTicket, ticketId, reason.hash),
      { commitments: [reason] },
    );
    run.done(`ticket #${ticketId} is Escalated: a deadline was missed`, [
      [
        "next",
        `the merchant's staff resolve it; any compensation for the missed deadline: \`sla:claim ${ticketId}\``,
      ],
      ...sender.details(),
      ...run.txDetails(sent),
      ...run.commitmentDetails([["reason", reason]]),
    ]);
    return { ticketId, txHash: sent.hash };
  },
);
