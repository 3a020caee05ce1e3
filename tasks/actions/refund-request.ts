import { requireTicket } from "../lib/checks.js";
import { eventIn } from "../../cli/events.js";
import {
  formatAmount,
  formatTime,
  parseAmount,
  parseId,
  parseToken,
  tokenInfo,
} from "../../cli/format.js";
import { CustomerSender, type RelayerArgs } from "../lib/relaying.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs, RelayerArgs {
  ticketId: string;
  amount: string;
  reason: string;
  token: string;
  commitments: string;
}

export default defineTaskAction<Args, { refundId: bigint; deadline: bigint; txHash: string }>(
  "refund:request",
  async (args, run) => {
    const ticketId = parseId(args.ticketId, "ticket");
    run.action = "ask for a refund on";
    const session = await run.open(args);
    const { client, provider, networkName } = session;
    const sender = await CustomerSender.of(session, args.relayer);
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

    const sent = await run.send(
      sender.describe(`asking for ${formatAmount(amount, token)}`),
      sender.submit(client.escrow.requestRefund, ticketId, token.address, amount, reason.hash),
      { commitments: [reason], subject: () => `ticket ${ticketId}` },
    );
    const refundId = BigInt(eventIn(sent.receipt, client.escrow, "RefundRequested").args.refundId);
    const deadline = (await client.escrow.getRefund(refundId)).deadline;
    run.done(
      `refund #${refundId} requested: ${formatAmount(amount, token)} on ticket #${ticketId}`,
      [
        ["locked", "the amount is locked in the merchant's reserve now"],
        [
          "next",
          `the merchant approves or rejects it by ${formatTime(deadline)}; after that anyone can execute it (\`refund:execute ${refundId}\`)`,
        ],
        ...sender.details(),
        ...run.txDetails(sent),
        ...run.commitmentDetails([["reason", reason]]),
      ],
    );
    return { refundId, deadline: BigInt(deadline), txHash: sent.hash };
  },
);
