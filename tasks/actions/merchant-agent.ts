import { parseAddress, parseId } from "../../cli/format.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  merchantId: string;
  agent: string;
  remove: boolean;
}

export default defineTaskAction<Args, { agent: string; enabled: boolean; txHash: string }>(
  "merchant:agent",
  async (args, run) => {
    const merchantId = parseId(args.merchantId, "merchant");
    const agent = parseAddress(args.agent, "agent");
    const enabled = !args.remove;
    run.action = enabled ? "add agents" : "remove agents";
    const { client } = await run.open(args);

    const sent = await run.send(`${enabled ? "adding" : "removing"} the agent`, () =>
      client.desk.setAgent(merchantId, agent, enabled),
    );
    run.done(
      enabled
        ? `${agent} is now an agent of merchant #${merchantId}`
        : `${agent} is no longer an agent of merchant #${merchantId}`,
      run.txDetails(sent),
    );
    return { agent, enabled, txHash: sent.hash };
  },
);
