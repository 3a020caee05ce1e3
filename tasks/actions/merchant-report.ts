import { ZeroAddress } from "ethers";

import { merchantReport, type MerchantReport } from "../../src/index.js";

import { requireMerchant } from "../lib/checks.js";
import { formatTime, parseId, shortAddress } from "../../cli/format.js";
import { describeCompensation, renderReport, resolveTokens } from "../../cli/render.js";
import { defineTaskAction } from "../lib/task.js";

interface Args {
  addresses: string;
  merchantId: string;
  fromBlock: number;
}

export default defineTaskAction<Args, MerchantReport>("merchant:report", async (args, run) => {
  const merchantId = parseId(args.merchantId, "merchant");
  const { client, networkName, provider } = await run.open(args, { sign: false });
  const admin = await requireMerchant(client, merchantId, networkName);

  const report = await merchantReport(
    client,
    merchantId,
    args.fromBlock > 0 ? { fromBlock: args.fromBlock } : undefined,
  );
  const terms = await client.desk.slaCompensationOf(merchantId);
  const tokens = await resolveTokens(provider, [
    ZeroAddress,
    terms.token,
    ...Object.keys(report.refunds.perToken),
    ...Object.keys(report.compensation.perToken),
  ]);
  const lines = renderReport(report, {
    style: run.out.style,
    name: (address) =>
      address.toLowerCase() === admin.toLowerCase() ? address : shortAddress(address),
    time: (timestamp) => formatTime(timestamp),
    tokens,
    compensationTerms: describeCompensation(terms, tokens),
  });
  for (const line of lines) run.out.line(line);
  return report;
});
