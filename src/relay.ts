import type { ContractTransactionResponse, Signer, TypedDataDomain } from "ethers";

import type { CareLedgerClient } from "./client.js";
import { providerOf } from "./client.js";

/**
 * A signed ERC-2771 forward request: the struct `ERC2771Forwarder.execute` takes, signature included.
 * The nonce is not part of it: the forwarder reads the signer's current one.
 */
export interface ForwardRequestData {
  from: string;
  to: string;
  value: bigint;
  gas: bigint;
  /** Unix time (seconds) after which the forwarder refuses the request. */
  deadline: number;
  data: string;
  signature: string;
}

/** How to sign a forward request. */
export interface ForwardRequestOptions {
  /** Unix time (seconds) until which the request is valid; default: the latest block's time + 1 hour. */
  deadline?: number;
  /** Gas for the inner call; default: an estimate of the call made directly by the signer. */
  gas?: bigint;
  /** Wei sent along with the inner call (the relayer pays it); default 0. */
  value?: bigint;
}

/** How to relay a forward request. */
export interface RelayOptions extends ForwardRequestOptions {
  /** Who submits the request and pays its gas. */
  relayer: Signer;
}

/** The EIP-712 type of OpenZeppelin's `ERC2771Forwarder` (the nonce is signed, not sent). */
export const FORWARD_REQUEST_TYPES = {
  ForwardRequest: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "gas", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint48" },
    { name: "data", type: "bytes" },
  ],
} as const;

/** The default validity of a request: one hour. */
const DEFAULT_VALIDITY = 3600;

/** The forwarder's EIP-712 domain, read from the contract (EIP-5267), so it always matches. */
export async function forwarderDomain(client: CareLedgerClient): Promise<TypedDataDomain> {
  const domain = await client.forwarder.eip712Domain();
  return {
    name: domain.name,
    version: domain.version,
    chainId: domain.chainId,
    verifyingContract: domain.verifyingContract,
  };
}

/**
 * Builds and signs (EIP-712) a forward request for `signer` to call `target` with `data` through
 * CareLedger's forwarder. Without `gas`, the call is estimated as if the signer made it directly, which
 * also surfaces its revert (decode it with `decodeRevert`) before anything is signed.
 */
export async function signForwardRequest(
  client: CareLedgerClient,
  signer: Signer,
  target: string,
  data: string,
  options: ForwardRequestOptions = {},
): Promise<ForwardRequestData> {
  const provider = providerOf(client);
  const from = await signer.getAddress();
  const value = options.value ?? 0n;
  const [nonce, domain, deadline, gas] = await Promise.all([
    client.forwarder.nonces(from),
    forwarderDomain(client),
    options.deadline ?? latestTimestamp(client).then((now) => now + DEFAULT_VALIDITY),
    options.gas ?? provider.estimateGas({ from, to: target, data, value }),
  ]);
  const message = { from, to: target, value, gas, nonce, deadline, data };
  const signature = await signer.signTypedData(
    domain,
    { ForwardRequest: [...FORWARD_REQUEST_TYPES.ForwardRequest] },
    message,
  );
  return { from, to: target, value, gas, deadline, data, signature };
}

/**
 * Signs a forward request with `signer` and has `options.relayer` submit it (and pay its gas), so the
 * signer's call is gasless; the contracts see the signer as the caller (`_msgSender()`).
 *
 * ```ts
 * const data = client.desk.interface.encodeFunctionData("openTicket", [merchantId, orderRef, content, 1]);
 * const tx = await relay(client, customer, client.addresses.supportDesk, data, { relayer });
 * ```
 */
export async function relay(
  client: CareLedgerClient,
  signer: Signer,
  target: string,
  data: string,
  options: RelayOptions,
): Promise<ContractTransactionResponse> {
  const { relayer, ...signing } = options;
  const request = await signForwardRequest(client, signer, target, data, signing);
  return client.forwarder.connect(relayer).execute(request, { value: request.value });
}

async function latestTimestamp(client: CareLedgerClient): Promise<number> {
  const block = await providerOf(client).getBlock("latest");
  return block === null ? Math.floor(Date.now() / 1000) : block.timestamp;
}
