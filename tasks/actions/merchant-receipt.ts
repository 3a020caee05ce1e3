import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

import { orderReceiptToJson, signOrderReceipt } from "../../src/index.js";

import { requireMerchant } from "../lib/checks.js";
import { TaskError } from "../lib/errors.js";
import {
  formatAmount,
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
  customer: string;
  order: string;
  items: string;
  amount: string;
  token: string;
  support: string;
  out: string;
  commitments: string;
}

/**
 * What a shop's checkout does for each order, from the command line: signs an order receipt with the
 * signing account (one of the merchant's order signers) and writes it to a JSON file for the customer.
 * Nothing goes on chain. The order and items texts become salted commitments; the file carries their
 * texts and salts too, so the customer can later prove which item a complaint was about.
 */
export default defineTaskAction<
  Args,
  { file: string; orderRef: string; signer: string; supportUntil: bigint }
>("merchant:receipt", async (args, run) => {
  const merchantId = parseId(args.merchantId, "merchant");
  const customer = parseAddress(args.customer, "customer");
  if (args.order.trim() === "")
    throw new TaskError("--order is required: the order's reference text");
  run.action = "sign an order receipt";
  const { client, provider, networkName, chainId } = await run.open(args);
  await requireMerchant(client, merchantId, networkName);
  const token = await tokenInfo(provider, parseToken(args.token));
  run.token = token;
  const amount = parseAmount(args.amount, token, "--amount", true);
  const support = parseDuration(args.support, "support");
  const signer = run.signer;
  if (!(await client.desk.isOrderSigner(merchantId, signer.address))) {
    throw new TaskError(
      `${signer.address} is not an order signer of merchant #${merchantId}: its admin names one with \`merchant:signer ${merchantId} ${signer.address}\``,
    );
  }

  const order = await run.commit(args.commitments, args.order, "order reference");
  const items = await run.commit(args.commitments, args.items, "order items");
  const block = await provider.getBlock("latest");
  const now = BigInt(block?.timestamp ?? Math.floor(Date.now() / 1000));
  const signed = await signOrderReceipt(
    signer,
    {
      merchantId,
      customer,
      orderRef: order.hash,
      token: token.address,
      amount,
      itemsHash: items.hash,
      purchasedAt: now,
      supportUntil: now + BigInt(support),
    },
    client.addresses.supportDesk,
    chainId,
  );
  const file = path.resolve(
    run.hre.config.paths.root,
    args.out === "" ? `receipts/receipt-${merchantId}-${order.hash.slice(2, 10)}.json` : args.out,
  );
  const openings = {
    order: { text: args.order, salt: order.saved?.salt },
    items: { text: args.items, salt: items.saved?.salt },
  };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(
    file,
    `${JSON.stringify({ ...JSON.parse(orderReceiptToJson(signed)), openings }, null, 2)}\n`,
  );
  run.done(
    `receipt for ${customer} signed: ${formatAmount(amount, token)} at merchant #${merchantId}`,
    [
      ["file", `${path.relative(process.cwd(), file) || file} (give it to the customer)`],
      ["signer", signer.address],
      ["support until", formatTime(signed.receipt.supportUntil)],
      [
        "open with",
        `npx hardhat ticket:open ${merchantId} "…" --receipt ${path.relative(process.cwd(), file) || file}`,
      ],
      ...run.commitmentDetails([
        ["order", order],
        ["items", items],
      ]),
    ],
  );
  return {
    file,
    orderRef: order.hash,
    signer: signer.address,
    supportUntil: signed.receipt.supportUntil,
  };
});
