import { parseAddress, parseId } from "../../cli/format.js";
import { requireMerchant } from "../lib/checks.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  merchantId: string;
  newAdmin: string;
}

export default defineTaskAction<Args, { merchantId: bigint; pendingAdmin: string; txHash: string }>(
  "merchant:transfer",
  async (args, run) => {
    const merchantId = parseId(args.merchantId, "merchant");
    const pendingAdmin = parseAddress(args.newAdmin, "new admin");
    run.action = "hand over the admin role of this merchant";
    const { client, networkName } = await run.open(args);
    await requireMerchant(client, merchantId, networkName);

    const sent = await run.send("offering the admin role", () =>
      client.desk.transferMerchantAdmin(merchantId, pendingAdmin),
    );
    run.done(`the admin role of merchant #${merchantId} is offered to ${pendingAdmin}`, [
      ["admin", `${run.signer.address} stays the admin until the new one accepts`],
      ["next", `${pendingAdmin} accepts with \`merchant:accept ${merchantId}\``],
      ...run.txDetails(sent),
    ]);
    return { merchantId, pendingAdmin, txHash: sent.hash };
  },
);
