import { agentAllowance } from "../../src/index.js";

import { requireMerchant } from "../lib/checks.js";
import {
  formatAmount,
  formatDurationWords,
  formatTime,
  parseAddress,
  parseAmount,
  parseDuration,
  parseId,
  parseToken,
  tokenInfo,
} from "../lib/format.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  merchantId: string;
  agent: string;
  token: string;
  limit: string;
  period: string;
  remove: boolean;
}

export default defineTaskAction<Args, { limit: bigint; period: number; txHash: string }>(
  "merchant:allowance",
  async (args, run) => {
    const merchantId = parseId(args.merchantId, "merchant");
    const agent = parseAddress(args.agent, "agent");
    run.action = args.remove ? "remove an agent's refund limit" : "limit an agent's refunds";
    const { client, provider, networkName } = await run.open(args);
    await requireMerchant(client, merchantId, networkName);
    const token = await tokenInfo(provider, parseToken(args.token));
    run.token = token;
    const period = args.remove ? 0 : parseDuration(args.period, "period");
    const limit = args.remove ? 0n : parseAmount(args.limit, token, "--limit", true);

    const sent = await run.send(args.remove ? "removing the limit" : "setting the limit", () =>
      client.escrow.setRefundAllowance(merchantId, agent, token.address, limit, period),
    );
    const now = await agentAllowance(client, merchantId, agent, token.address);
    run.done(
      args.remove
        ? `${agent} may pay out ${token.symbol} refunds at merchant #${merchantId} without a limit`
        : `${agent} may pay out at most ${formatAmount(limit, token)} of refunds per ${formatDurationWords(period)} at merchant #${merchantId}`,
      [
        ...(now.limited
          ? ([
              ["spent", `${formatAmount(now.spent, token)} in the running period`],
              [
                "period",
                now.periodEndsAt === 0
                  ? "starts with the agent's next payout"
                  : `ends ${formatTime(now.periodEndsAt)}`,
              ],
              ["above it", "the admin approves (the admin is never limited)"],
            ] as Array<[string, string]>)
          : []),
        ...run.txDetails(sent),
      ],
    );
    return { limit, period, txHash: sent.hash };
  },
);
