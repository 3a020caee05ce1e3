import { TaskError } from "../../cli/errors.js";
import { formatDuration, formatTime, parseDuration } from "../../cli/format.js";
import { requireDevChain } from "../lib/devchain.js";
import { taskConnection } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args {
  duration: string;
}

export default defineTaskAction<Args, { seconds: number; timestamp: number; block: number }>(
  "time:advance",
  async (args, run) => {
    const seconds = parseDuration(args.duration, "duration");
    if (seconds <= 0)
      throw new TaskError(`the duration must be more than 0 (got "${args.duration}")`);
    const connection = await taskConnection(run.hre);
    const { provider, networkName } = connection;
    await requireDevChain(provider, networkName);

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
