import { parseId } from "../lib/format.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  ticketId: string;
}

export default defineTaskAction<Args, { ticketId: bigint; txHash: string }>(
  "ticket:confirm",
  async (args, run) => {
    const ticketId = parseId(args.ticketId, "ticket");
    run.action = "confirm the resolution of";
    const { client } = await run.open(args);

    const sent = await run.send("confirming the resolution", () =>
      client.desk.confirmResolution(ticketId),
    );
    run.done(`ticket #${ticketId} is Closed: resolution confirmed`, [
      ["next", `rate it with \`feedback:give ${ticketId} <1-5> "<comment>"\``],
      ...run.txDetails(sent),
    ]);
    return { ticketId, txHash: sent.hash };
  },
);
