import { parseId } from "../../cli/format.js";
import { CustomerSender, type RelayerArgs } from "../lib/relaying.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs, RelayerArgs {
  ticketId: string;
}

export default defineTaskAction<Args, { ticketId: bigint; txHash: string }>(
  "ticket:cancel",
  async (args, run) => {
    const ticketId = parseId(args.ticketId, "ticket");
    run.action = "cancel";
    const session = await run.open(args);
    const { client } = session;
    const sender = await CustomerSender.of(session, args.relayer);

    const sent = await run.send(
      sender.describe("cancelling the ticket"),
      sender.submit(client.desk.cancelTicket, ticketId),
    );
    run.done(`ticket #${ticketId} is Cancelled`, [...sender.details(), ...run.txDetails(sent)]);
    return { ticketId, txHash: sent.hash };
  },
);
