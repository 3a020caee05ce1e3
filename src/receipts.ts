import {
  AbiCoder,
  Contract,
  type Provider,
  type Signer,
  type TypedDataDomain,
  type TypedDataField,
  TypedDataEncoder,
  concat,
  getAddress,
  isHexString,
  recoverAddress,
} from "ethers";

import { CareLedgerError } from "./error.js";

/**
 * A merchant's receipt for one order (`ISupportDesk.OrderReceipt`), signed off chain by one of its order
 * signers at checkout; the customer opens verified tickets with it (`openTicketWithReceipt`). Nothing goes
 * on chain at purchase time. `orderRef` and `itemsHash` are commitments (see `makeCommitment`): the order
 * and what was sold stay private, while `token` and `amount` become public once a ticket uses the receipt.
 */
export interface OrderReceipt {
  merchantId: bigint;
  /** The only account that may open tickets with this receipt. */
  customer: string;
  /** Commitment of the merchant's order record; never zero. */
  orderRef: string;
  /** What the customer paid in: an ERC-20, or the zero address for ETH. */
  token: string;
  /** What the customer paid (the cap on the order's refunds), in the token's smallest unit. */
  amount: bigint;
  /** Commitment of what was sold (serial numbers, batch ids). */
  itemsHash: string;
  /** When the order was placed (unix seconds). */
  purchasedAt: bigint;
  /** The last second at which a ticket may be opened with the receipt (unix seconds). */
  supportUntil: bigint;
}

/** A receipt with its signature, as a merchant's shop hands it to the customer (a file or a link). */
export interface SignedOrderReceipt {
  receipt: OrderReceipt;
  /** The signature `openTicketWithReceipt` takes: 65 bytes for an EOA, or the ERC-1271 signer's address
   * followed by its signature. */
  signature: string;
  /** The desk (EIP-712 verifying contract) and chain the receipt was signed for. */
  desk: string;
  chainId: bigint;
}

/** The EIP-712 types of `OrderReceipt`, for ethers (`signTypedData`) and viem (`as const`). */
export const ORDER_RECEIPT_TYPES = {
  OrderReceipt: [
    { name: "merchantId", type: "uint32" },
    { name: "customer", type: "address" },
    { name: "orderRef", type: "bytes32" },
    { name: "token", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "itemsHash", type: "bytes32" },
    { name: "purchasedAt", type: "uint64" },
    { name: "supportUntil", type: "uint64" },
  ],
} as const;

/** `ORDER_RECEIPT_TYPES` in the mutable shape ethers' typed-data functions take. */
const ETHERS_ORDER_RECEIPT_TYPES: Record<string, TypedDataField[]> = {
  OrderReceipt: [...ORDER_RECEIPT_TYPES.OrderReceipt],
};

/**
 * The EIP-712 domain receipts are signed in: name `CareLedger`, version `1`, the chain, and the support desk
 * as verifying contract (so a receipt is valid on one desk of one chain only).
 */
export function orderReceiptDomain(desk: string, chainId: bigint): TypedDataDomain {
  return { name: "CareLedger", version: "1", chainId, verifyingContract: getAddress(desk) };
}

/** The EIP-712 digest of `receipt` for `desk` on `chainId`: what a signer signs. */
export function hashOrderReceipt(receipt: OrderReceipt, desk: string, chainId: bigint): string {
  return TypedDataEncoder.hash(
    orderReceiptDomain(desk, chainId),
    ETHERS_ORDER_RECEIPT_TYPES,
    receipt,
  );
}

/** How a contract (ERC-1271) signer's signature is sent: its address, then the signature it accepts. */
export function contractSignature(signer: string, signature: string): string {
  return concat([getAddress(signer), signature]);
}

/**
 * Signs an order receipt for a merchant's back end, with any ethers signer (a key, a KMS or hardware
 * signer). The signer must be one of the merchant's order signers (`setOrderSigner`) for tickets to open.
 *
 * @param signer The order signer (an EOA).
 * @param receipt The receipt to sign.
 * @param desk The support desk's address; `chainId` its chain.
 * @returns The receipt, its 65-byte signature, the desk and chain: the JSON the customer keeps.
 */
export async function signOrderReceipt(
  signer: Signer,
  receipt: OrderReceipt,
  desk: string,
  chainId: bigint,
): Promise<SignedOrderReceipt> {
  checkReceipt(receipt);
  const signature = await signer.signTypedData(
    orderReceiptDomain(desk, chainId),
    ETHERS_ORDER_RECEIPT_TYPES,
    { ...receipt },
  );
  return { receipt, signature, desk: getAddress(desk), chainId };
}

/** The result of an off-chain receipt check. */
export interface ReceiptVerification {
  /** Whether the signature is valid for `signer`. */
  valid: boolean;
  /** The EOA the signature recovers to, or the ERC-1271 contract it names. */
  signer: string;
  /** Whether it is an ERC-1271 (contract) signature. */
  contractSigner: boolean;
}

const ERC1271_MAGIC = "0x1626ba7e";
const ERC1271_ABI = [
  "function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4 magicValue)",
];

/**
 * Verifies a signed receipt off chain as the desk does (it does not check that the signer is one of the
 * merchant's order signers, nor `supportUntil`: `isOrderSigner` and the clock answer those). A 65-byte
 * signature is recovered (high-s signatures are refused, as on chain); anything else is read as an ERC-1271
 * signer's address followed by its signature and checked through `provider` (a Safe, a smart account).
 */
export async function verifyOrderReceipt(
  signed: SignedOrderReceipt,
  provider?: Provider,
): Promise<ReceiptVerification> {
  const digest = hashOrderReceipt(signed.receipt, signed.desk, signed.chainId);
  const bytes = (signed.signature.length - 2) / 2;
  if (bytes === 65) {
    try {
      const recovered = recoverAddress(digest, signed.signature);
      return { valid: true, signer: recovered, contractSigner: false };
    } catch {
      // Not a valid ECDSA signature (high s, bad v): try the ERC-1271 reading below.
    }
  }
  if (bytes <= 20)
    throw new CareLedgerError("the receipt's signature is too short to name a signer");
  const signer = getAddress(`0x${signed.signature.slice(2, 42)}`);
  if (provider === undefined) {
    throw new CareLedgerError("checking a contract (ERC-1271) signer needs a provider");
  }
  const wallet = new Contract(signer, ERC1271_ABI, provider);
  let valid = false;
  try {
    const magic = (await wallet
      .getFunction("isValidSignature")
      .staticCall(digest, `0x${signed.signature.slice(42)}`)) as string;
    valid = magic.toLowerCase() === ERC1271_MAGIC;
  } catch {
    valid = false;
  }
  return { valid, signer, contractSigner: true };
}

/** A receipt as JSON (bigints as decimal strings), for a file or a link the shop gives the customer. */
export function orderReceiptToJson(signed: SignedOrderReceipt): string {
  return JSON.stringify(
    {
      receipt: {
        ...signed.receipt,
        merchantId: signed.receipt.merchantId.toString(),
        amount: signed.receipt.amount.toString(),
        purchasedAt: signed.receipt.purchasedAt.toString(),
        supportUntil: signed.receipt.supportUntil.toString(),
      },
      signature: signed.signature,
      desk: signed.desk,
      chainId: signed.chainId.toString(),
    },
    null,
    2,
  );
}

/** Parses `orderReceiptToJson`'s output; throws a `CareLedgerError` naming the field that is wrong. */
export function orderReceiptFromJson(json: string): SignedOrderReceipt {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new CareLedgerError("the receipt is not valid JSON");
  }
  const object = asRecord(raw, "the receipt file");
  const receipt = asRecord(object["receipt"], "receipt");
  const signed: SignedOrderReceipt = {
    receipt: {
      merchantId: asBigInt(receipt["merchantId"], "receipt.merchantId"),
      customer: asAddress(receipt["customer"], "receipt.customer"),
      orderRef: asBytes32(receipt["orderRef"], "receipt.orderRef"),
      token: asAddress(receipt["token"], "receipt.token"),
      amount: asBigInt(receipt["amount"], "receipt.amount"),
      itemsHash: asBytes32(receipt["itemsHash"], "receipt.itemsHash"),
      purchasedAt: asBigInt(receipt["purchasedAt"], "receipt.purchasedAt"),
      supportUntil: asBigInt(receipt["supportUntil"], "receipt.supportUntil"),
    },
    signature: asHex(object["signature"], "signature"),
    desk: asAddress(object["desk"], "desk"),
    chainId: asBigInt(object["chainId"], "chainId"),
  };
  checkReceipt(signed.receipt);
  return signed;
}

/** The ABI encoding of a receipt tuple, for callers that build calldata by hand. */
export function encodeOrderReceipt(receipt: OrderReceipt): string {
  return AbiCoder.defaultAbiCoder().encode(
    ["tuple(uint32,address,bytes32,address,uint256,bytes32,uint64,uint64)"],
    [
      [
        receipt.merchantId,
        receipt.customer,
        receipt.orderRef,
        receipt.token,
        receipt.amount,
        receipt.itemsHash,
        receipt.purchasedAt,
        receipt.supportUntil,
      ],
    ],
  );
}

function checkReceipt(receipt: OrderReceipt): void {
  if (receipt.merchantId <= 0n || receipt.merchantId > 0xffffffffn) {
    throw new CareLedgerError(`merchant id ${receipt.merchantId} is not a uint32 above 0`);
  }
  if (/^0x0{64}$/i.test(receipt.orderRef)) throw new CareLedgerError("orderRef may not be zero");
  if (receipt.amount < 0n) throw new CareLedgerError("amount may not be negative");
  if (receipt.supportUntil < receipt.purchasedAt) {
    throw new CareLedgerError("supportUntil is before purchasedAt");
  }
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null) throw new CareLedgerError(`${what} is missing`);
  return value as Record<string, unknown>;
}

function asBigInt(value: unknown, what: string): bigint {
  if (typeof value !== "string" && typeof value !== "number") {
    throw new CareLedgerError(`${what} is not a number`);
  }
  try {
    return BigInt(value);
  } catch {
    throw new CareLedgerError(`${what} is not a whole number`);
  }
}

function asAddress(value: unknown, what: string): string {
  try {
    return getAddress(String(value));
  } catch {
    throw new CareLedgerError(`${what} is not an address`);
  }
}

function asBytes32(value: unknown, what: string): string {
  if (!isHexString(value, 32)) throw new CareLedgerError(`${what} is not 32 bytes of hex`);
  return value;
}

function asHex(value: unknown, what: string): string {
  if (!isHexString(value)) throw new CareLedgerError(`${what} is not hex`);
  return value;
}
