import { requireMerchant } from "../lib/checks.js";
import {
  formatAmount,
  parseAddress,
  parseAmount,
  parseId,
  parseToken,
  tokenInfo,
} from "../../cli/format.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  merchantId: string;
  amount: string;
  token: string;
  to: string;
}

export default defineTaskAction<
  Args,
  { amount: bigint; to: string; reserve: bigint; txHash: string }
>("escrow:withdraw", async (args, run) => {
  const merchantId = parseId(args.merchantId, "merchant");
  run.action = "withdraw from the reserve";
  const { client, provider, networkName } = await run.open(args);
  await requireMerchant(client, merchantId, networkName);
  const token = await tokenInfo(provider, parseToken(args.token));
  run.token = token;
  const amount = parseAmount(args.amount, token);
  const to = args.to === "" ? run.signer.address : parseAddress(args.to, "--to");

  const sent = await run.send(`withdrawing ${formatAmount(amount, token)}`, () =>
    client.escrow.withdrawReserve(merchantId, token.address, amount, to),
  );
  const reserve = await client.escrow.reserveOf(merchantId, token.address);
  run.done(`withdrew ${formatAmount(amount, token)} from merchant #${merchantId}'s reserve`, [
    ["to", to],
    ["available", formatAmount(reserve, token)],
    ...run.txDetails(sent),
  ]);
  return { amount, to, reserve, txHash: sent.hash };
});
