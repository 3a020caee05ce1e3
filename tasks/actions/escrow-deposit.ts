import { ZeroAddress, type ContractTransactionResponse } from "ethers";

import { requireMerchant } from "../lib/checks.js";
import {
  erc20,
  formatAmount,
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
}

export default defineTaskAction<Args, { amount: bigint; reserve: bigint; txHash: string }>(
  "escrow:deposit",
  async (args, run) => {
    const merchantId = parseId(args.merchantId, "merchant");
    run.action = "deposit";
    const { client, provider, networkName, addresses } = await run.open(args);
    await requireMerchant(client, merchantId, networkName);
    const token = await tokenInfo(provider, parseToken(args.token));
    run.token = token;
    const amount = parseAmount(args.amount, token);

    const details: Array<[string, string]> = [];
    if (token.address !== ZeroAddress) {
      // The escrow pulls the tokens: allow it to first, if the allowance is short.
      const contract = erc20(token.address, run.signer);
      const allowance = (await contract.getFunction("allowance")(
        run.signer.address,
        addresses.refundEscrow,
      )) as bigint;
      if (allowance < amount) {
        const approval = await run.send(
          `allowing the escrow to take ${formatAmount(amount, token)}`,
          () =>
            contract.getFunction("approve")(
              addresses.refundEscrow,
              amount,
            ) as Promise<ContractTransactionResponse>,
        );
        details.push(["approve tx", approval.hash]);
      }
    }

    const sent = await run.send(`depositing ${formatAmount(amount, token)}`, () =>
      client.escrow.deposit(merchantId, token.address, amount, {
        value: token.address === ZeroAddress ? amount : 0n,
      }),
    );
    const reserve = await client.escrow.reserveOf(merchantId, token.address);
    run.done(`deposited ${formatAmount(amount, token)} into merchant #${merchantId}'s reserve`, [
      ["available", `${formatAmount(reserve, token)} (not locked by refunds)`],
      ...details,
      ...run.txDetails(sent),
    ]);
    return { amount, reserve, txHash: sent.hash };
  },
);
