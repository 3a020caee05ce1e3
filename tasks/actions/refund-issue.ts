import { eventIn } from "../../cli/events.js";
import { formatAmount, parseAmount, parseId, parseToken, tokenInfo } from "../../cli/format.js";
import { requireTicket } from "../lib/checks.js";
import { paidDetails } from "../lib/refunds.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  ticketId: string;
  amount: string;
  reason: string;
  token: string;
  resolve: boolean;
  commitments: string;
}

export default defineTaskAction<Args, { refundId: bigint; txHash: string }>(
  "refund:issue",
  async (args, run) => {
    const ticketId = parseId(args.ticketId, "ticket");
    run.action = "issue refunds";
    const { client, provider, networkName } = await run.open(args);
    await requireTicket(client, ticketId, networkName);
    const token = await tokenInfo(provider, parseToken(args.token));
    run.token = token;
    const amount = parseAmount(args.amount, token);
    const reason = await run.commit(
      args.commitments,
      args.reason,
      "refund reason",
      `ticket ${ticketId}`,
    );

    const what = `refunding ${formatAmount(amount, token)}`;
    const sent = args.resolve
      ? await run.send(
          `${what} and resolving the ticket`,
          () => client.escrow.issueRefundAndResolve(ticketId, token.address, amount, reason.hash),
          { commitments: [reason], subject: () => `ticket ${ticketId}` },
        )
      : await run.send(
          what,
          () => client.escrow.issueRefund(ticketId, token.address, amount, reason.hash),
          { commitments: [reason], subject: () => `ticket ${ticketId}` },
        );
    const refundId = BigInt(eventIn(sent.receipt, client.escrow, "RefundIssued").args.refundId);
    run.done(
      `refund #${refundId} issued on ticket #${ticketId}${args.resolve ? ", and the ticket resolved" : ""}`,
      [
        ...(await paidDetails(client, sent.receipt)),
        ...run.txDetails(sent),
        ...run.commitmentDetails([["reason", reason]]),
      ],
    );
    return { refundId, txHash: sent.hash };
  },
);
