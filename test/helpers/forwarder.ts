import type { Addressable, Signer, TypedDataField } from "ethers";

import {
  FORWARD_REQUEST_TYPES as SDK_FORWARD_REQUEST_TYPES,
  signForwardRequestFor,
  type ForwardRequestData,
  type ForwardRequestOptions,
} from "../../src/index.js";
import type { ERC2771Forwarder } from "../../typechain-types/index.js";

// The tests sign forward requests with the package's own code (src/relay.ts), so what they exercise is
// what integrators ship; this file only adapts it to the tests' habits.
export { forwarderDomainFor, type ForwardRequestData } from "../../src/index.js";

/**
 * The forwarder's EIP-712 request type, mutable, as ethers' `verifyTypedData` / `signTypedData` take it
 * (the package exports it `as const`). For tests that recover or forge signatures by hand.
 */
export const FORWARD_REQUEST_TYPES: Record<string, TypedDataField[]> = {
  ForwardRequest: [...SDK_FORWARD_REQUEST_TYPES.ForwardRequest],
};

/**
 * Gas the forwarder must give the call unless a test says otherwise. Fixed rather than estimated (the
 * package's default) so that requests whose inner call reverts can still be signed and relayed.
 */
export const DEFAULT_GAS = 1_000_000n;

/**
 * Signs, as `signer`, a request for `forwarder` to call `target` with `data` (`signForwardRequestFor`
 * of the package, with gas `DEFAULT_GAS` by default), ready for
 * `forwarder.execute(request, { value: request.value })` by any relayer. The EIP-712 domain and the
 * nonce are read from the forwarder; the deadline defaults to the latest block + 1 hour.
 */
export async function signForwardRequest(
  forwarder: ERC2771Forwarder,
  signer: Signer,
  target: string | Addressable,
  data: string,
  options: ForwardRequestOptions = {},
): Promise<ForwardRequestData> {
  const to = typeof target === "string" ? target : await target.getAddress();
  return signForwardRequestFor(forwarder, signer, to, data, {
    ...options,
    gas: options.gas ?? DEFAULT_GAS,
  });
}
