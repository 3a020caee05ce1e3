import { ZeroAddress } from "ethers";

import { requireMerchant } from "../lib/checks.js";
import { formatDuration, parseAddress, parseDuration, parseId } from "../../cli/format.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  merchantId: string;
  firstResponse: string;
  resolution: string;
  reopenWindow: string;
  autoClose: string;
  refundResponse: string;
  disputeWindow: string;
  arbiter: string;
}

interface PolicyValues {
  firstResponseTime: number;
  resolutionTime: number;
  reopenWindow: number;
  autoCloseDelay: number;
  refundResponseTime: number;
  disputeWindow: number;
  arbiter: string;
}

const FIELDS = [
  ["firstResponseTime", "firstResponse", "first response within"],
  ["resolutionTime", "resolution", "resolution within"],
  ["reopenWindow", "reopenWindow", "reopen window"],
  ["autoCloseDelay", "autoClose", "auto-close after"],
  ["refundResponseTime", "refundResponse", "refund answer within"],
  ["disputeWindow", "disputeWindow", "dispute window"],
] as const;

const KEBAB: Record<string, string> = {
  firstResponse: "first-response",
  resolution: "resolution",
  reopenWindow: "reopen-window",
  autoClose: "auto-close",
  refundResponse: "refund-response",
  disputeWindow: "dispute-window",
};

function describe(policy: PolicyValues): Array<[string, string]> {
  return [
    ...FIELDS.map(([field, , label]): [string, string] => [label, formatDuration(policy[field])]),
    [
      "arbiter",
      policy.arbiter === ZeroAddress ? "none (refunds cannot be disputed)" : policy.arbiter,
    ],
  ];
}

export default defineTaskAction<Args, { policy: PolicyValues; txHash: string | undefined }>(
  "merchant:policy",
  async (args, run) => {
    const merchantId = parseId(args.merchantId, "merchant");
    const changes = FIELDS.some(([, option]) => args[option] !== "") || args.arbiter !== "";
    run.action = "change the policy";
    const { client, networkName } = await run.open(args, { sign: changes });

    await requireMerchant(client, merchantId, networkName);
    const current = await client.desk.policyOf(merchantId);
    const policy: PolicyValues = {
      firstResponseTime: Number(current.firstResponseTime),
      resolutionTime: Number(current.resolutionTime),
      reopenWindow: Number(current.reopenWindow),
      autoCloseDelay: Number(current.autoCloseDelay),
      refundResponseTime: Number(current.refundResponseTime),
      disputeWindow: Number(current.disputeWindow),
      arbiter: current.arbiter,
    };
    if (!changes) {
      run.done(`merchant #${merchantId}'s policy`, describe(policy));
      return { policy, txHash: undefined };
    }

    for (const [field, option] of FIELDS) {
      if (args[option] !== "") policy[field] = parseDuration(args[option], KEBAB[option] ?? option);
    }
    if (args.arbiter !== "") {
      policy.arbiter =
        args.arbiter.toLowerCase() === "none"
          ? ZeroAddress
          : parseAddress(args.arbiter, "--arbiter");
    }
    const next = { ...policy };
    const sent = await run.send("setting the policy", () =>
      client.desk.setPolicy(merchantId, next),
    );
    run.done(`merchant #${merchantId}'s policy is now`, [
      ...describe(policy),
      ...run.txDetails(sent),
    ]);
    return { policy, txHash: sent.hash };
  },
);
