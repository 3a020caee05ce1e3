import type {
  ContractTransactionResponse,
  Provider,
  Signer,
  TransactionResponse,
  TypedDataDomain,
} from "ethers";

import type { ERC2771Forwarder } from "./bindings.js";
import type { CareLedgerClient } from "./client.js";
import { CareLedgerError } from "./error.js";

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

/**
 * How to relay a forward request through a relayer service (the repository's `relayer/`): it checks the
 * request, simulates it and submits it, paying the gas. `POST <relayerUrl>/relay` with the signed request.
 */
export interface RelayUrlOptions extends ForwardRequestOptions {
  /** The relayer service's base URL, for example `http://127.0.0.1:8787`. */
  relayerUrl: string;
  /** The `fetch` to use; default: the global one. */
  fetch?: typeof globalThis.fetch;
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

/**
 * The EIP-712 domain of `forwarder`, read from the contract (EIP-5267), so it always matches.
 *
 * @param forwarder The `ERC2771Forwarder`, connected to a runner that has a provider.
 * @returns Its domain: name, version, chain id and address.
 */
export async function forwarderDomainFor(forwarder: ERC2771Forwarder): Promise<TypedDataDomain> {
  const domain = await forwarder.eip712Domain();
  return {
    name: domain.name,
    version: domain.version,
    chainId: domain.chainId,
    verifyingContract: domain.verifyingContract,
  };
}

/**
 * The EIP-712 domain of CareLedger's forwarder (name "CareLedger", version "1"), read from the
 * contract (EIP-5267), so it always matches.
 *
 * @param client A client from `connect`.
 * @returns The domain of `client.forwarder`.
 */
export async function forwarderDomain(client: CareLedgerClient): Promise<TypedDataDomain> {
  return forwarderDomainFor(client.forwarder);
}

/**
 * Builds and signs (EIP-712) a forward request for `signer` to call `target` with `data` through
 * `forwarder`, any `ERC2771Forwarder` (the lower level of `signForwardRequest`, for code that holds the
 * forwarder contract rather than a client). The domain and the signer's nonce are read from the
 * forwarder. Without `gas`, the call is estimated as if the signer made it directly, which also surfaces
 * its revert (decode it with `decodeRevert`) before anything is signed.
 *
 * @param forwarder The forwarder that will execute the request, connected to a runner with a provider
 * (else the signer's provider is used).
 * @param signer Who signs the request: the contracts see it as the caller (`_msgSender()`).
 * @param target The address of the contract to call.
 * @param data The calldata (hex).
 * @param options Deadline, gas and value; see `ForwardRequestOptions` for the defaults.
 * @returns The signed request, ready for `forwarder.execute(request, { value: request.value })`.
 * @throws CareLedgerError when neither the forwarder's runner nor the signer has a provider.
 */
export async function signForwardRequestFor(
  forwarder: ERC2771Forwarder,
  signer: Signer,
  target: string,
  data: string,
  options: ForwardRequestOptions = {},
): Promise<ForwardRequestData> {
  const provider = forwarder.runner?.provider ?? signer.provider;
  if (provider === null) {
    throw new CareLedgerError(
      "neither the forwarder's runner nor the signer has a provider: connect one of them to a provider",
    );
  }
  const from = await signer.getAddress();
  const value = options.value ?? 0n;
  const [nonce, domain, deadline, gas] = await Promise.all([
    forwarder.nonces(from),
    forwarderDomainFor(forwarder),
    options.deadline ?? latestTimestamp(provider).then((now) => now + DEFAULT_VALIDITY),
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
 * Builds and signs (EIP-712) a forward request for `signer` to call `target` with `data` through
 * CareLedger's forwarder (`signForwardRequestFor` on `client.forwarder`). Without `gas`, the call is
 * estimated as if the signer made it directly, which also surfaces its revert (decode it with
 * `decodeRevert`) before anything is signed.
 *
 * @param client A client from `connect`.
 * @param signer Who signs the request: the contracts see it as the caller (`_msgSender()`).
 * @param target The address of the contract to call (one of `client.addresses`).
 * @param data The calldata (hex).
 * @param options Deadline, gas and value; see `ForwardRequestOptions` for the defaults.
 * @returns The signed request, ready for `client.forwarder.execute(request, { value: request.value })`.
 */
export async function signForwardRequest(
  client: CareLedgerClient,
  signer: Signer,
  target: string,
  data: string,
  options: ForwardRequestOptions = {},
): Promise<ForwardRequestData> {
  return signForwardRequestFor(client.forwarder, signer, target, data, options);
}

/**
 * Signs a forward request with `signer` and has `options.relayer` submit it (and pay its gas), so the
 * signer's call is gasless; the contracts see the signer as the caller (`_msgSender()`).
 *
 * With `options.relayerUrl` instead, a relayer service submits it: the result is the transaction as the
 * signer's provider sees it (`wait()` for the receipt). A refusal of the service throws a
 * `CareLedgerError` with its sentence; when the call would revert, the error's `data` holds the revert
 * data, so `decodeRevert` reads it.
 *
 * ```ts
 * const data = client.desk.interface.encodeFunctionData("openTicket", [merchantId, orderRef, content, 1]);
 * const tx = await relay(client, customer, client.addresses.supportDesk, data, { relayer });
 * const viaService = await relay(client, customer, target, data, { relayerUrl: "http://127.0.0.1:8787" });
 * ```
 */
export async function relay(
  client: CareLedgerClient,
  signer: Signer,
  target: string,
  data: string,
  options: RelayOptions,
): Promise<ContractTransactionResponse>;
export async function relay(
  client: CareLedgerClient,
  signer: Signer,
  target: string,
  data: string,
  options: RelayUrlOptions,
): Promise<TransactionResponse>;
export async function relay(
  client: CareLedgerClient,
  signer: Signer,
  target: string,
  data: string,
  options: RelayOptions | RelayUrlOptions,
): Promise<ContractTransactionResponse | TransactionResponse> {
  if ("relayerUrl" in options) {
    const { relayerUrl, fetch: fetchFn = globalThis.fetch, ...signing } = options;
    const request = await signForwardRequest(client, signer, target, data, signing);
    const hash = await postToRelayer(fetchFn, relayerUrl, request);
    const provider = client.forwarder.runner?.provider ?? signer.provider;
    if (provider === null || provider === undefined) {
      throw new CareLedgerError(
        "the relayer sent the request, but no provider is there to follow it",
      );
    }
    // The relayer answered after sending: the node it sent to may still be indexing it.
    for (let attempt = 0; attempt < 50; attempt++) {
      const transaction = await provider.getTransaction(hash);
      if (transaction !== null) return transaction;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new CareLedgerError(
      `the relayer sent transaction ${hash}, but the provider does not know it`,
    );
  }
  const { relayer, ...signing } = options;
  const request = await signForwardRequest(client, signer, target, data, signing);
  return client.forwarder.connect(relayer).execute(request, { value: request.value });
}

/** The relayer service's refusal: its sentence, its code and, when the call reverts, the revert data. */
interface RelayerAnswer {
  hash?: string;
  error?: { code?: string; message?: string; revert?: { data?: string } };
}

/**
 * Posts a signed request to a relayer service (`POST <url>/relay`, integers as decimal strings) and
 * returns the hash of the transaction it sent.
 */
async function postToRelayer(
  fetchFn: typeof globalThis.fetch,
  relayerUrl: string,
  request: ForwardRequestData,
): Promise<string> {
  const response = await fetchFn(
    new URL("relay", relayerUrl.endsWith("/") ? relayerUrl : `${relayerUrl}/`),
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        ...request,
        value: request.value.toString(),
        gas: request.gas.toString(),
      }),
    },
  );
  const answer = (await response.json()) as RelayerAnswer;
  if (response.ok && typeof answer.hash === "string") return answer.hash;
  const error = new CareLedgerError(
    answer.error?.message ?? `the relayer answered ${response.status} without a reason`,
  );
  // `decodeRevert` finds revert data under `data`.
  Object.assign(error, { code: answer.error?.code, data: answer.error?.revert?.data });
  throw error;
}

async function latestTimestamp(provider: Provider): Promise<number> {
  const block = await provider.getBlock("latest");
  return block === null ? Math.floor(Date.now() / 1000) : block.timestamp;
}
