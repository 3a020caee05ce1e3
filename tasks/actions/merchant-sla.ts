import { requireMerchant } from "../lib/checks.js";
import { formatAmount, parseAmount, parseId, parseToken, tokenInfo } from "../../cli/format.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  merchantId: string;
  token: string;
  firstResponse: string;
  resolution: string;
  autoPay: boolean;
}

export default defineTaskAction<
  Args,
  { firstResponseAmount: bigint; resolutionAmount: bigint; txHash: string }
>("merchant:sla", async (args, run) => {
  const merchantId = parseId(args.merchantId, "merchant");
  run.action = "set deadline compensation";
  const { client, provider, networkName } = await run.open(args);
  await requireMerchant(client, merchantId, networkName);
  const token = await tokenInfo(provider, parseToken(args.token));
  run.token = token;
  const firstResponseAmount = parseAmount(args.firstResponse, token, "--first-response", true);
  const resolutionAmount = parseAmount(args.resolution, token, "--resolution", true);

  const sent = await run.send("setting deadline compensation", () =>
    client.desk.setSlaCompensation(merchantId, {
      token: token.address,
      firstResponseAmount,
      resolutionAmount,
      autoPay: args.autoPay,
    }),
  );
  const none = firstResponseAmount === 0n && resolutionAmount === 0n;
  run.done(
    none
      ? `merchant #${merchantId} no longer compensates missed deadlines`
      : `merchant #${merchantId} now compensates missed deadlines from its ${token.symbol} reserve`,
    [
      ["first response", formatAmount(firstResponseAmount, token)],
      ["resolution", formatAmount(resolutionAmount, token)],
      [
        "paid",
        args.autoPay
          ? "automatically, in the transaction that records the miss"
          : "when anyone claims it (`sla:claim <ticket>`)",
      ],
      ...run.txDetails(sent),
    ],
  );
  return { firstResponseAmount, resolutionAmount, txHash: sent.hash };
});
