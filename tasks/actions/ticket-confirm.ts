import { parseId } from "../../cli/format.js";
import { CustomerSender, type RelayerArgs } from "../lib/relaying.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs, RelayerArgs {
  ticketId: string;
}

export default defineTaskAction<Args, { ticketId: bigint; txHash: string }>(
  "ticket:confirm",
  async (args, run) => {
    const ticketId = parseId(args.ticketId, "ticket");
    run.action = "confirm the resolution of";
    const session = await run.open(args);
    const { client } = session;
    const sender = await CustomerSender.of(session, args.relayer);

    const sent = await run.send(
      sender.describe("confirming the resolution"),
      sender.submit(client.desk.confirmResolution, ticketId),
    );
    run.done(`ticket #${ticketId} is Closed: resolution confirmed`, [
      ["next", `rate it with \`feedback:give ${ticketId} <1-5> "<comment>"\``],
      ...sender.details(),
      ...run.txDetails(sent),
    ]);
    return { ticketId, txHash: sent.hash };
  },
);
