import { TicketStatus } from "../../src/index.js";

import { requireTicket } from "../lib/checks.js";
import { parseId } from "../../cli/format.js";
import { CustomerSender, type RelayerArgs } from "../lib/relaying.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs, RelayerArgs {
  ticketId: string;
  message: string;
  commitments: string;
}

export default defineTaskAction<Args, { ticketId: bigint; status: TicketStatus; txHash: string }>(
  "ticket:message",
  async (args, run) => {
    const ticketId = parseId(args.ticketId, "ticket");
    run.action = "post on";
    const session = await run.open(args);
    const { client, networkName } = session;
    const sender = await CustomerSender.of(session, args.relayer);
    const before = await requireTicket(client, ticketId, networkName);
    const message = await run.commit(
      args.commitments,
      args.message,
      "ticket message",
      `ticket ${ticketId}`,
    );

    const sent = await run.send(
      sender.describe("posting the message"),
      sender.submit(client.desk.postMessage, ticketId, message.hash),
      { commitments: [message] },
    );
    const status = Number(await client.desk.statusOf(ticketId)) as TicketStatus;
    run.done(`message posted on ticket #${ticketId}`, [
      [
        "status",
        status === before
          ? TicketStatus[status]
          : `${TicketStatus[before]} → ${TicketStatus[status]}`,
      ],
      ...sender.details(),
      ...run.txDetails(sent),
      ...run.commitmentDetails([["message", message]]),
    ]);
    return { ticketId, status, txHash: sent.hash };
  },
);
