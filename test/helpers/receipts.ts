import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ZeroAddress, keccak256, parseEther, toUtf8Bytes } from "ethers";

import {
  signOrderReceipt,
  type OrderReceipt,
  type SignedOrderReceipt,
} from "../../src/receipts.js";
import type { SupportDesk } from "../../typechain-types/index.js";

/** What a test order costs unless a test says otherwise: enough for every refund the suites request. */
export const ORDER_AMOUNT = parseEther("1000");

/** A day of support after the latest block, unless a test says otherwise. */
const SUPPORT_PERIOD = 365n * 24n * 3600n;

/** A 32-byte commitment for a test label. */
function labelHash(label: string): string {
  return keccak256(toUtf8Bytes(`receipt:${label}`));
}

/** Options for a test receipt; everything has a default. */
export interface ReceiptOptions {
  orderRef?: string;
  token?: string;
  amount?: bigint;
  itemsHash?: string;
  purchasedAt?: bigint;
  supportUntil?: bigint;
}

/** A receipt of merchant `merchantId` for `customer`, with defaults from `options`. */
export async function receiptFor(
  desk: SupportDesk,
  merchantId: bigint,
  customer: string,
  options: ReceiptOptions = {},
): Promise<OrderReceipt> {
  const block = await desk.runner!.provider!.getBlock("latest");
  const now = BigInt(block!.timestamp);
  return {
    merchantId,
    customer,
    orderRef: options.orderRef ?? labelHash(`order of ${customer} at ${merchantId}`),
    token: options.token ?? ZeroAddress,
    amount: options.amount ?? ORDER_AMOUNT,
    itemsHash: options.itemsHash ?? labelHash("items"),
    purchasedAt: options.purchasedAt ?? now,
    supportUntil: options.supportUntil ?? now + SUPPORT_PERIOD,
  };
}

/** Signs `receipt` for `desk` with `signer` through the package's `signOrderReceipt`. */
export async function signReceipt(
  desk: SupportDesk,
  signer: HardhatEthersSigner,
  receipt: OrderReceipt,
): Promise<SignedOrderReceipt> {
  const { chainId } = await desk.runner!.provider!.getNetwork();
  return signOrderReceipt(signer, receipt, await desk.getAddress(), chainId);
}

/**
 * Opens a verified ticket for `customer` at merchant `merchantId` with a receipt signed by `signer`, which
 * becomes an order signer of the merchant if it is not one yet (so `signer` must be its admin then).
 * Returns the ticket id.
 */
export async function openVerifiedTicket(
  desk: SupportDesk,
  signer: HardhatEthersSigner,
  customer: HardhatEthersSigner,
  merchantId: bigint,
  options: ReceiptOptions & { priority?: number; contentHash?: string } = {},
): Promise<bigint> {
  if (!(await desk.isOrderSigner(merchantId, signer.address))) {
    await desk.connect(signer).setOrderSigner(merchantId, signer.address, true);
  }
  const signed = await signReceipt(
    desk,
    signer,
    await receiptFor(desk, merchantId, customer.address, options),
  );
  await desk
    .connect(customer)
    .openTicketWithReceipt(
      signed.receipt,
      signed.signature,
      options.contentHash ?? labelHash("ticket"),
      options.priority ?? 1,
    );
  return desk.ticketCount();
}
