import { hexlify } from "ethers";
import type { Addressable, BigNumberish, BytesLike, Signer, TypedDataField } from "ethers";

import type { ERC2771Forwarder } from "../../typechain-types/index.js";

/** The request `ERC2771Forwarder.execute` takes: what was signed, plus the signature. */
export interface ForwardRequestData {
  from: string;
  to: string;
  value: bigint;
  gas: bigint;
  deadline: bigint;
  data: string;
  signature: string;
}

/** What a signed forward request may set beyond the call itself. */
export interface ForwardRequestOptions {
  /** Wei sent along with the call (the relayer pays it with `execute{value}`). Default 0. */
  value?: BigNumberish;
  /** Gas the forwarder must give the call. Default 1,000,000. */
  gas?: BigNumberish;
  /** Last second (unix time) at which the request may be executed. Default: latest block + 1 hour. */
  deadline?: BigNumberish;
  /** The signer's forwarder nonce. Default: read from the forwarder. */
  nonce?: BigNumberish;
}

/** EIP-712 type of OpenZeppelin's `ERC2771Forwarder` request (the nonce is signed but not sent). */
export const FORWARD_REQUEST_TYPES: Record<string, TypedDataField[]> = {
  ForwardRequest: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "gas", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint48" },
    { name: "data", type: "bytes" },
  ],
};

const DEFAULT_GAS = 1_000_000n;
const DEFAULT_VALIDITY_SECONDS = 3600n;

/**
 * Signs, as `signer`, a request for `forwarder` to call `target` with `data`, and returns it ready for
 * `forwarder.execute(request, { value: request.value })` by any relayer. The EIP-712 domain is read from
 * the forwarder itself (`eip712Domain()`: name "CareLedger", version "1", chain id, address), so the
 * helper works for any deployment and any of the three contracts.
 */
export async function signForwardRequest(
  forwarder: ERC2771Forwarder,
  signer: Signer,
  target: string | Addressable,
  data: BytesLike,
  options: ForwardRequestOptions = {},
): Promise<ForwardRequestData> {
  const from = await signer.getAddress();
  const to = typeof target === "string" ? target : await target.getAddress();
  const domain = await forwarder.eip712Domain();
  const nonce = options.nonce ?? (await forwarder.nonces(from));
  let deadline: bigint;
  if (options.deadline === undefined) {
    const latest = await signer.provider?.getBlock("latest");
    if (latest === null || latest === undefined) throw new Error("the signer needs a provider");
    deadline = BigInt(latest.timestamp) + DEFAULT_VALIDITY_SECONDS;
  } else {
    deadline = BigInt(options.deadline);
  }
  const message = {
    from,
    to,
    value: BigInt(options.value ?? 0n),
    gas: BigInt(options.gas ?? DEFAULT_GAS),
    nonce: BigInt(nonce),
    deadline,
    data: hexlify(data),
  };
  const signature = await signer.signTypedData(
    {
      name: domain.name,
      version: domain.version,
      chainId: domain.chainId,
      verifyingContract: domain.verifyingContract,
    },
    FORWARD_REQUEST_TYPES,
    message,
  );
  return {
    from: message.from,
    to: message.to,
    value: message.value,
    gas: message.gas,
    deadline: message.deadline,
    data: message.data,
    signature,
  };
}
