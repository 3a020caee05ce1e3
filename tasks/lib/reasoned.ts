/**
 * The action of a customer's ticket transition that carries a reason (`ticket:escalate`,
 * `ticket:reopen`): the reason committed (salted, saved before it is sent), the call sent by the
 * customer or relayed, and the ticket's new state printed with the transaction and the commitment.
 */
import { parseId } from "../../cli/format.js";
import type { CareLedgerClient } from "../../src/index.js";

import { CustomerSender, type RelayerArgs, type SendableMethod } from "./relaying.js";
import type { CommonArgs } from "./session.js";
import { defineTaskAction } from "./task.js";

interface Args extends CommonArgs, RelayerArgs {
  ticketId: string;
  reason: string;
  commitments: string;
}

export interface ReasonedTicketTransition {
  /** The task's id (`ticket:reopen`). */
  id: string;
  /** The verb of the failure sentence ("reopen"). */
  action: string;
  /** What the commitment is, in the commitments file ("reopen reason"). */
  reasonKind: string;
  /** The progress line ("reopening the ticket"). */
  progress: string;
  /** The desk's method, called with the ticket id and the reason's hash. */
  method: (client: CareLedgerClient) => SendableMethod<[bigint, string]>;
  /** The headline and the detail lines after the transition (before the transaction's). */
  outcome: (
    client: CareLedgerClient,
    ticketId: bigint,
  ) => Promise<[headline: string, details: Array<[string, string]>]>;
}

export function reasonedTicketAction(transition: ReasonedTicketTransition) {
  return defineTaskAction<Args, { ticketId: bigint; txHash: string }>(
    transition.id,
    async (args, run) => {
      const ticketId = parseId(args.ticketId, "ticket");
      run.action = transition.action;
      const session = await run.open(args);
      const { client } = session;
      const sender = await CustomerSender.of(session, args.relayer);
      const reason = await run.commit(
        args.commitments,
        args.reason,
        transition.reasonKind,
        `ticket ${ticketId}`,
      );

      const sent = await run.send(
        sender.describe(transition.progress),
        sender.submit(transition.method(client), ticketId, reason.hash),
        { commitments: [reason] },
      );
      const [headline, details] = await transition.outcome(client, ticketId);
      run.done(headline, [
        ...details,
        ...sender.details(),
        ...run.txDetails(sent),
        ...run.commitmentDetails([["reason", reason]]),
      ]);
      return { ticketId, txHash: sent.hash };
    },
  );
}
