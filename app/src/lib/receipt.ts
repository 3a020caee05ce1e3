/**
 * Order receipts the merchant's shop gives at checkout (a JSON file): read with the package's
 * `orderReceiptFromJson`, and checked before anything is signed against what the desk will check too:
 * this account, this desk and chain, the support period, a signature that recovers.
 */
import { orderReceiptFromJson, verifyOrderReceipt, type SignedOrderReceipt } from "careledger";
import type { Provider } from "ethers";

import { formatTime } from "./format.ts";

export interface ReceiptContext {
  account: string;
  desk: string;
  chainId: number;
  /** Unix seconds. */
  now: number;
  provider?: Provider;
  /** Whether `signer` signs receipts for merchant `merchantId` (the desk's `isOrderSigner`). */
  isOrderSigner(merchantId: bigint, signer: string): Promise<boolean>;
}

/** The receipt in `json`, or an Error whose message says what is wrong with it, in the customer's words. */
export async function readReceipt(
  json: string,
  context: ReceiptContext,
): Promise<SignedOrderReceipt> {
  let signed: SignedOrderReceipt;
  try {
    signed = orderReceiptFromJson(json);
  } catch (error) {
    throw new Error(
      `This is not an order receipt CareLedger can read (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  const { receipt } = signed;
  if (receipt.customer.toLowerCase() !== context.account.toLowerCase()) {
    throw new Error(
      `This receipt was issued to ${receipt.customer}, not to the connected account.`,
    );
  }
  if (
    signed.desk.toLowerCase() !== context.desk.toLowerCase() ||
    Number(signed.chainId) !== context.chainId
  ) {
    throw new Error(
      `This receipt is for another CareLedger (chain ${signed.chainId}, desk ${signed.desk}).`,
    );
  }
  if (BigInt(context.now) > receipt.supportUntil) {
    throw new Error(`Support for this order ended ${formatTime(Number(receipt.supportUntil))}.`);
  }
  const verification = await verifyOrderReceipt(signed, context.provider);
  // A signature always recovers to someone: what matters is that it is one of the merchant's signers.
  if (
    !verification.valid ||
    !(await context.isOrderSigner(receipt.merchantId, verification.signer))
  ) {
    throw new Error("The receipt's signature does not check out: ask the shop for it again.");
  }
  return signed;
}
