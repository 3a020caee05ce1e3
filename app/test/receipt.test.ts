/** Reading an order receipt file: what the customer is told before anything is signed. */
import { orderReceiptToJson, signOrderReceipt, type OrderReceipt } from "careledger";
import { Wallet, ZeroAddress, id, parseEther } from "ethers";
import { describe, expect, it } from "vitest";

import { readReceipt } from "../src/lib/receipt.ts";

const DESK = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const shop = new Wallet(id("receipt test: the shop's order signer"));
const customer = new Wallet(id("receipt test: the customer"));
const receipt: OrderReceipt = {
  merchantId: 1n,
  customer: customer.address,
  orderRef: id("ORDER-7"),
  token: ZeroAddress,
  amount: parseEther("0.3"),
  itemsHash: id("one stove"),
  purchasedAt: 1_000n,
  supportUntil: 2_000n,
};
const context = {
  account: customer.address,
  desk: DESK,
  chainId: 31337,
  now: 1_500,
  isOrderSigner: async (merchantId: bigint, signer: string) =>
    merchantId === 1n && signer === shop.address,
};

describe("order receipts", () => {
  it("reads a signed receipt issued to this account for this desk", async () => {
    const json = orderReceiptToJson(await signOrderReceipt(shop, receipt, DESK, 31337n));
    const signed = await readReceipt(json, context);
    expect(signed.receipt.amount).toBe(parseEther("0.3"));
    expect(signed.receipt.merchantId).toBe(1n);
  });

  it("says what is wrong with one it cannot use", async () => {
    const json = orderReceiptToJson(await signOrderReceipt(shop, receipt, DESK, 31337n));
    await expect(readReceipt(json, { ...context, account: shop.address })).rejects.toThrow(
      `This receipt was issued to ${customer.address}, not to the connected account.`,
    );
    await expect(readReceipt(json, { ...context, chainId: 1 })).rejects.toThrow(
      `This receipt is for another CareLedger (chain 31337, desk ${DESK}).`,
    );
    await expect(readReceipt(json, { ...context, now: 2_001 })).rejects.toThrow(
      "Support for this order ended 1970-01-01 00:33 UTC.",
    );
    const tampered = JSON.parse(json) as { receipt: { amount: string } };
    tampered.receipt.amount = parseEther("3").toString();
    await expect(readReceipt(JSON.stringify(tampered), context)).rejects.toThrow(
      "The receipt's signature does not check out: ask the shop for it again.",
    );
    await expect(readReceipt("{}", context)).rejects.toThrow(
      /^This is not an order receipt CareLedger can read/,
    );
  });
});
