import { parseId } from "../../cli/format.js";
import { CustomerSender, type RelayerArgs } from "../lib/relaying.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs, RelayerArgs {
  ticketId: string;
}

export default defineTaskAction<Args, { ticketId: bigint; txHash: string }>(
  "ticket:close",
  async (args, run) => {
    const ticketId = parseId(args.ticketId, "ticket");
    run.action = "close";
    const session = await run.open(args);
    const { client } = session;
    const sender = await CustomerSender.of(session, args.relayer);

    const sent = await run.send(
      sender.describe("closing the ticket"),
      sender.submit(client.desk.closeTicket, ticketId),
    );
    run.done(`ticket #${ticketId} is Closed: resolved, and not reopened in time`, [
      ...sender.details(),
      ...run.txDetails(sent),
    ]);
    return { ticketId, txHash: sent.hash };
  },
);
