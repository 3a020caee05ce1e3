import type { EthereumProvider } from "hardhat/types/providers";

import { TaskError } from "../../cli/errors.js";
import { formatDuration, formatTime, parseDuration } from "../../cli/format.js";
import { taskConnection } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args {
  duration: string;
}

/** The chain id of local development chains (Hardhat's node and in-process chain, anvil). */
const DEV_CHAIN_ID = 31_337n;

/** Whether the node answers a development method: Hardhat's `hardhat_metadata` or anvil's `anvil_nodeInfo`. */
async function answersDevMethods(provider: EthereumProvider): Promise<boolean> {
  for (const method of ["hardhat_metadata", "anvil_nodeInfo"]) {
    try {
      await provider.request({ method, params: [] });
      return true;
    } catch {
      // Not this kind of node: try the next one.
    }
  }
  return false;
}

export default defineTaskAction<Args, { seconds: number; timestamp: number; block: number }>(
  "time:advance",
  async (args, run) => {
    const seconds = parseDuration(args.duration, "duration");
    if (seconds <= 0)
      throw new TaskError(`the duration must be more than 0 (got "${args.duration}")`);
    const connection = await taskConnection(run.hre);
    const { provider, networkName } = connection;
    const chainId = BigInt(String(await provider.request({ method: "eth_chainId", params: [] })));

    // Both checks: a public chain never has id 31337, but a fork or a misconfigured node might,
    // and only a development node can move its clock at all.
    if (chainId !== DEV_CHAIN_ID || !(await answersDevMethods(provider))) {
      throw new TaskError(
        `network "${networkName}" (chain ${chainId}) is not a local development chain, and a real ` +
          "chain's clock cannot be moved: time:advance works on the node of `npm run node` " +
          "(`--network localhost`) or an anvil node, where waiting for deadlines would take too long",
      );
    }

    run.out.status(`moving the clock forward by ${formatDuration(seconds)}…`);
    try {
      await provider.request({ method: "evm_increaseTime", params: [seconds] });
      await provider.request({ method: "evm_mine", params: [] });
    } finally {
      run.out.endStatus();
    }
    const block = (await connection.ethers.provider.getBlock("latest")) ?? undefined;
    if (block === undefined) throw new Error("the node returned no latest block");
    run.done(`the clock of network "${networkName}" moved forward by ${formatDuration(seconds)}`, [
      ["now", formatTime(block.timestamp)],
      ["block", String(block.number)],
    ]);
    return { seconds, timestamp: block.timestamp, block: block.number };
  },
);
