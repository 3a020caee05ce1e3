import { eventIn } from "../../cli/events.js";
import { formatAmount, parseAddress, parseToken, tokenInfo } from "../../cli/format.js";
import { CustomerSender, type RelayerArgs } from "../lib/relaying.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs, RelayerArgs {
  token: string;
  to: string;
}

export default defineTaskAction<Args, { amount: bigint; to: string; txHash: string }>(
  "credit:withdraw",
  async (args, run) => {
    run.action = "withdraw the credit of";
    const session = await run.open(args);
    const { client, provider } = session;
    const sender = await CustomerSender.of(session, args.relayer);
    const token = await tokenInfo(provider, parseToken(args.token));
    run.token = token;

    // A credit exists because the account's address refused a payment; `--to` sends it elsewhere.
    const sent =
      args.to === ""
        ? await run.send(
            sender.describe("withdrawing the credit"),
            sender.submit(client.escrow.withdrawCredit, token.address),
          )
        : await run.send(
            sender.describe("withdrawing the credit"),
            sender.submit(
              client.escrow.withdrawCreditTo,
              token.address,
              parseAddress(args.to, "--to"),
            ),
          );
    const event = eventIn(sent.receipt, client.escrow, "CreditWithdrawn");
    const amount = BigInt(event.args.amount);
    const to = String(event.args.to);
    run.done(`withdrew a credit of ${formatAmount(amount, token)}`, [
      ["account", run.signer.address],
      ["to", to],
      ...sender.details(),
      ...run.txDetails(sent),
    ]);
    return { amount, to, txHash: sent.hash };
  },
);
