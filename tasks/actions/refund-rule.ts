import { TaskError } from "../../cli/errors.js";
import { formatAmount, parseId, tokenInfo } from "../../cli/format.js";
import { paidDetails } from "../lib/refunds.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  refundId: string;
  decision: string;
}

/** `customer` (pay the refund) or `merchant` (release the lock to the reserve). */
function parseDecision(text: string): boolean {
  const value = text.trim().toLowerCase();
  if (value === "customer") return true;
  if (value === "merchant") return false;
  throw new TaskError(
    `the ruling "${text}" is neither "customer" (pay the refund) nor "merchant" (release it to the reserve)`,
  );
}

export default defineTaskAction<Args, { refundId: bigint; payCustomer: boolean; txHash: string }>(
  "refund:rule",
  async (args, run) => {
    const refundId = parseId(args.refundId, "refund");
    const payCustomer = parseDecision(args.decision);
    run.action = "rule on";
    const { client, provider } = await run.open(args);

    const sent = await run.send(`ruling for the ${payCustomer ? "customer" : "merchant"}`, () =>
      client.escrow.resolveDispute(refundId, payCustomer),
    );
    const refund = await client.escrow.getRefund(refundId);
    const token = await tokenInfo(provider, refund.token);
    run.done(`refund #${refundId}: ruled for the ${payCustomer ? "customer" : "merchant"}`, [
      ...(payCustomer
        ? await paidDetails(client, sent.receipt)
        : ([
            [
              "released",
              `${formatAmount(refund.amount, token)} went back to the merchant's reserve`,
            ],
          ] as Array<[string, string]>)),
      ...run.txDetails(sent),
    ]);
    return { refundId, payCustomer, txHash: sent.hash };
  },
);
