import { requireMerchant } from "../lib/checks.js";
import { parseAddress, parseId } from "../lib/format.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  merchantId: string;
  signer: string;
  remove: boolean;
  requireReceipts: string;
}

export default defineTaskAction<
  Args,
  { signer: string; allowed: boolean; receiptRequired: boolean; txHashes: string[] }
>("merchant:signer", async (args, run) => {
  const merchantId = parseId(args.merchantId, "merchant");
  const signer = parseAddress(args.signer, "signer");
  const allowed = !args.remove;
  run.action = allowed ? "name an order signer" : "revoke an order signer";
  const { client, networkName } = await run.open(args);
  await requireMerchant(client, merchantId, networkName);

  const txHashes: string[] = [];
  const sent = await run.send(allowed ? "accepting the signer" : "revoking the signer", () =>
    client.desk.setOrderSigner(merchantId, signer, allowed),
  );
  txHashes.push(sent.hash);
  let receiptRequired = await client.desk.receiptRequired(merchantId);
  const wanted = args.requireReceipts.trim().toLowerCase();
  if (wanted === "yes" || wanted === "no") {
    const required = wanted === "yes";
    const set = await run.send(
      required ? "requiring a receipt per ticket" : "no longer requiring receipts",
      () => client.desk.setReceiptRequired(merchantId, required),
    );
    txHashes.push(set.hash);
    receiptRequired = required;
  }
  run.done(
    allowed
      ? `receipts ${signer} signs now open verified tickets at merchant #${merchantId}`
      : `receipts ${signer} signs no longer open tickets at merchant #${merchantId} (tickets opened already stay verified)`,
    [
      [
        "receipts",
        receiptRequired
          ? "required for every ticket (openTicket refuses tickets without one)"
          : "optional (`--require-receipts yes` to require one per ticket)",
      ],
      ...run.txDetails(sent),
    ],
  );
  return { signer, allowed, receiptRequired, txHashes };
});
