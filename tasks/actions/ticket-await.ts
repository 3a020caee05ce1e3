import { parseId } from "../../cli/format.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  ticketId: string;
  note: string;
  commitments: string;
}

export default defineTaskAction<Args, { ticketId: bigint; txHash: string }>(
  "ticket:await",
  async (args, run) => {
    const ticketId = parseId(args.ticketId, "ticket");
    run.action = "wait for the customer on";
    const { client } = await run.open(args);
    const note = await run.commit(
      args.commitments,
      args.note,
      "awaiting-customer note",
      `ticket ${ticketId}`,
    );

    const sent = await run.send(
      "asking the customer",
      () => client.desk.awaitCustomer(ticketId, note.hash),
      { commitments: [note] },
    );
    run.done(`ticket #${ticketId} is AwaitingCustomer`, [
      ["next", "the customer's next message (`ticket:message`) moves it back to InProgress"],
      ...run.txDetails(sent),
      ...run.commitmentDetails([["note", note]]),
    ]);
    return { ticketId, txHash: sent.hash };
  },
);
