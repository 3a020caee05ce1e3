import { parseAddress, parseId } from "../../cli/format.js";
import { requireTicket } from "../lib/checks.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  ticketId: string;
  agent: string;
}

export default defineTaskAction<Args, { ticketId: bigint; agent: string; txHash: string }>(
  "ticket:assign",
  async (args, run) => {
    const ticketId = parseId(args.ticketId, "ticket");
    run.action = "assign";
    const { client, networkName } = await run.open(args);
    await requireTicket(client, ticketId, networkName);
    // Without an agent, whoever signs takes the ticket.
    const agent = args.agent === "" ? run.signer.address : parseAddress(args.agent, "agent");

    const sent = await run.send("assigning the ticket", () =>
      client.desk.assignTicket(ticketId, agent),
    );
    run.done(`ticket #${ticketId} is assigned to ${agent}`, [
      ["next", "the agent answers (`ticket:message`) and resolves it (`ticket:resolve`)"],
      ...run.txDetails(sent),
    ]);
    return { ticketId, agent, txHash: sent.hash };
  },
);
