import type { CareLedgerClient } from "./client.js";

/** What an agent may still pay out of a merchant's reserve in one token (`RefundEscrow.refundAllowanceOf`). */
export interface AgentAllowance {
  /** False when no limit is set for the agent and token (it is then not limited), and for the admin. */
  limited: boolean;
  /** The limit per period, in the token's smallest unit (0 when not limited). */
  limit: bigint;
  /** The period's length in seconds (0 when not limited). */
  period: number;
  /** What the agent paid in the running period. */
  spent: bigint;
  /** What it may still pay in the running period; `undefined` when it is not limited. */
  left: bigint | undefined;
  /** When the running period ends (unix seconds), or 0 when none is running: the next payout starts one. */
  periodEndsAt: number;
}

/**
 * What `agent` may still pay of `token` (the zero address for ETH) at merchant `merchantId`: its limit,
 * what it spent in the running period and what is left. The merchant's admin is never limited, whatever
 * allowance is recorded for it.
 */
export async function agentAllowance(
  client: CareLedgerClient,
  merchantId: bigint | number,
  agent: string,
  token: string,
): Promise<AgentAllowance> {
  const [view, admin] = await Promise.all([
    client.escrow.refundAllowanceOf(merchantId, agent, token),
    client.desk.merchantAdmin(merchantId),
  ]);
  const limited = view.limited && admin.toLowerCase() !== agent.toLowerCase();
  return {
    limited,
    limit: limited ? view.limit : 0n,
    period: limited ? Number(view.period) : 0,
    spent: limited ? view.spent : 0n,
    left: limited ? view.limit - view.spent : undefined,
    periodEndsAt: limited ? Number(view.periodEndsAt) : 0,
  };
}

/**
 * Limits what `agent` may pay of `token` at merchant `merchantId` to `limit` per `periodSeconds` (the
 * client must be connected as the merchant's admin); `periodSeconds` 0 removes the limit.
 */
export async function setAgentAllowance(
  client: CareLedgerClient,
  merchantId: bigint | number,
  agent: string,
  token: string,
  limit: bigint,
  periodSeconds: number,
) {
  return client.escrow.setRefundAllowance(merchantId, agent, token, limit, periodSeconds);
}
