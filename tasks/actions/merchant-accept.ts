import { parseId } from "../../cli/format.js";
import { requireMerchant } from "../lib/checks.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  merchantId: string;
}

export default defineTaskAction<
  Args,
  { merchantId: bigint; previousAdmin: string; admin: string; txHash: string }
>("merchant:accept", async (args, run) => {
  const merchantId = parseId(args.merchantId, "merchant");
  run.action = "accept the admin role";
  const { client, networkName } = await run.open(args);
  const previousAdmin = await requireMerchant(client, merchantId, networkName);

  const sent = await run.send("accepting the admin role", () =>
    client.desk.acceptMerchantAdmin(merchantId),
  );
  const admin = run.signer.address;
  run.done(`${admin} is now the admin of merchant #${merchantId}`, [
    ["previous", `${previousAdmin} is no longer its admin`],
    ...run.txDetails(sent),
  ]);
  return { merchantId, previousAdmin, admin, txHash: sent.hash };
});
