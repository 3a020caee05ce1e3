import { eventIn } from "../../cli/events.js";
import { parseAddress } from "../../cli/format.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  admin: string;
  profile: string;
  commitments: string;
}

export default defineTaskAction<Args, { merchantId: number; admin: string; txHash: string }>(
  "merchant:register",
  async (args, run) => {
    run.action = "register a merchant";
    const { client } = await run.open(args);
    const admin = args.admin === "" ? run.signer.address : parseAddress(args.admin, "--admin");
    const profile = await run.commit(args.commitments, args.profile, "merchant profile");

    const sent = await run.send(
      "registering the merchant",
      () => client.desk.registerMerchant(admin, profile.hash),
      {
        commitments: [profile],
        subject: (receipt) =>
          `merchant ${String(eventIn(receipt, client.desk, "MerchantRegistered").args.merchantId)}`,
      },
    );
    const event = eventIn(sent.receipt, client.desk, "MerchantRegistered");
    const merchantId = Number(event.args.merchantId);
    run.done(`merchant #${merchantId} registered`, [
      ["admin", admin],
      ["policy", `the defaults (\`merchant:policy ${merchantId}\` shows and changes it)`],
      ...run.txDetails(sent),
      ...run.commitmentDetails([["profile", profile]]),
    ]);
    return { merchantId, admin, txHash: sent.hash };
  },
);
