import { parseId } from "../../cli/format.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  ticketId: string;
  resolution: string;
  commitments: string;
}

export default defineTaskAction<Args, { ticketId: bigint; txHash: string }>(
  "ticket:resolve",
  async (args, run) => {
    const ticketId = parseId(args.ticketId, "ticket");
    run.action = "resolve";
    const { client } = await run.open(args);
    const resolution = await run.commit(
      args.commitments,
      args.resolution,
      "resolution note",
      `ticket ${ticketId}`,
    );

    const sent = await run.send(
      "resolving the ticket",
      () => client.desk.resolveTicket(ticketId, resolution.hash),
      { commitments: [resolution] },
    );
    run.done(`ticket #${ticketId} is Resolved`, [
      ["next", "the customer confirms it, or reopens it within the merchant's reopen window"],
      ...run.txDetails(sent),
      ...run.commitmentDetails([["resolution", resolution]]),
    ]);
    return { ticketId, txHash: sent.hash };
  },
);
