/**
 * What the refund tasks print about a refund's payment.
 */
import type { TransactionReceipt } from "ethers";

import type { CareLedgerClient } from "../../src/index.js";

import { eventsIn } from "../../cli/events.js";
import { formatAmount, tokenInfo, type TokenInfo } from "../../cli/format.js";

/** The `RefundPaid` of `receipt` as a detail line: whom, how much, and whether it became a credit. */
export async function paidDetails(
  client: CareLedgerClient,
  receipt: TransactionReceipt,
): Promise<Array<[string, string]>> {
  const provider = client.escrow.runner?.provider;
  const lines: Array<[string, string]> = [];
  for (const event of eventsIn(receipt, client.escrow, "RefundPaid")) {
    const info: TokenInfo =
      provider == null
        ? { address: String(event.args.token), symbol: "units", decimals: 0 }
        : await tokenInfo(provider, String(event.args.token));
    const amount = formatAmount(BigInt(event.args.amount), info);
    lines.push([
      "paid",
      event.args.credited
        ? `${amount} kept as a credit of ${String(event.args.to)} (its address refused the payment; it withdraws it later)`
        : `${amount} to ${String(event.args.to)}`,
    ]);
  }
  return lines;
}
