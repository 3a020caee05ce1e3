/**
 * Whether a network is a local development chain, whose clock a task may move: chain id 31337 AND a
 * node that answers a development method (Hardhat's `hardhat_metadata` or anvil's `anvil_nodeInfo`).
 * Both, because a fork or a misconfigured node may report 31337, and only a development node can
 * move its clock at all.
 */
import type { EthereumProvider } from "hardhat/types/providers";

import { TaskError } from "../../cli/errors.js";

/** The chain id of local development chains (Hardhat's node and in-process chain, anvil). */
export const DEV_CHAIN_ID = 31_337n;

const DEV_METHODS = ["hardhat_metadata", "anvil_nodeInfo"] as const;

/** Whether the node answers one of the development methods. */
async function answersDevMethods(provider: Pick<EthereumProvider, "request">): Promise<boolean> {
  for (const method of DEV_METHODS) {
    try {
      await provider.request({ method, params: [] });
      return true;
    } catch {
      // Not this kind of node: try the next one.
    }
  }
  return false;
}

/** The chain id; `TaskError` with a sentence when `networkName` is not a local development chain. */
export async function requireDevChain(
  provider: Pick<EthereumProvider, "request">,
  networkName: string,
): Promise<bigint> {
  const chainId = BigInt(String(await provider.request({ method: "eth_chainId", params: [] })));
  if (chainId !== DEV_CHAIN_ID || !(await answersDevMethods(provider))) {
    throw new TaskError(
      `network "${networkName}" (chain ${chainId}) is not a local development chain, and a real ` +
        "chain's clock cannot be moved: time:advance works only on Hardhat's node (`npm run node`, " +
        "then `--network localhost`) or an anvil node, with chain id 31337",
    );
  }
  return chainId;
}
