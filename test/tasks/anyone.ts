import { openVerifiedTicket } from "../helpers/receipts.js";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { ZeroAddress, getAddress, parseEther, parseUnits } from "ethers";
import hre from "hardhat";

import type { MerchantReport, TimelineEntry } from "../../src/index.js";
import { careLedgerTasks } from "../../tasks/index.js";
import { erc20 } from "../../tasks/lib/format.js";
import {
  connection,
  failureOf,
  loadTaskFixture,
  runTask,
  valueOf,
  type TaskFixture,
} from "../helpers/tasks.js";

const DAY = 86_400;
const NOTE = `0x${"33".repeat(32)}`;

/** Runs the real CLI (`npx hardhat …`) in a child process, with `env` changes. */
function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const hardhat = path.join(path.dirname(fileURLToPath(import.meta.resolve("hardhat"))), "cli.js");
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
  return spawnSync(process.execPath, [hardhat, ...args], {
    cwd: hre.config.paths.root,
    env: childEnv,
    encoding: "utf8",
  });
}

/** Merchant 1 promises 5 dUSD for a late first reply (claimed, not auto-paid). */
/** Merchant 1 promises 5 dUSD for a late first reply; the customer then opens a verified ticket (compensation
 * is paid on verified tickets, under the terms in force when their cycle started). Returns its id. */
async function withCompensation(fixture: TaskFixture): Promise<bigint> {
  await (
    await fixture.desk.connect(fixture.admin).setSlaCompensation(1, {
      token: fixture.tokenAddress,
      firstResponseAmount: parseUnits("5", 6),
      resolutionAmount: 0n,
      autoPay: false,
    })
  ).wait();
  return openVerifiedTicket(fixture.desk, fixture.admin, fixture.customer, 1n, {
    token: fixture.tokenAddress,
    amount: parseUnits("100", 6),
  });
}

describe("tasks: anyone", function () {
  describe("ticket:show", function () {
    it("shows a ticket's state, deadlines and timeline rebuilt from events", async function () {
      const { desk, escrow, addresses, agent, customer } = await loadTaskFixture();
      await (await desk.connect(agent).assignTicket(1, agent.address)).wait();
      await (await desk.connect(agent).postMessage(1, NOTE)).wait();
      await (
        await escrow.connect(customer).requestRefund(1, ZeroAddress, parseEther("0.25"), NOTE)
      ).wait();
      await (await escrow.connect(agent).approveRefund(1)).wait();

      const run = await runTask<{ timeline: TimelineEntry[] }>("ticket:show", {
        addresses,
        ticketId: "1",
      });
      const { timeline } = valueOf(run);
      expect(timeline.map((entry) => entry.kind)).to.include.members([
        "opened",
        "assigned",
        "sla-settled",
        "status",
        "message",
        "refund-requested",
        "refund-approved",
        "refund-paid",
      ]);
      const text = run.out.text;
      expect(text).to.include("✔ ticket #1 at merchant #1: InProgress");
      expect(text).to.match(/assigned to\s+0x90F79bf6EB2c4f870365E785982E1f101E93b906/);
      expect(text).to.match(/first reply\s+made in time/);
      expect(text).to.include("opened, priority normal").and.include("customer 0x9965…A4dc");
      expect(text).to.include("first response deadline met").and.include("Open → InProgress");
      expect(text).to.include("refund #1 paid: 0.25 ETH to customer 0x9965…A4dc");
      expect(text).to.include("assigned to agent 0x90F7…b906");
    });

    it("says the ticket does not exist", async function () {
      const { addresses } = await loadTaskFixture();
      const run = await runTask("ticket:show", { addresses, ticketId: "9" });
      expect(failureOf(run)).to.equal(
        '✖ ticket:show: ticket #9 does not exist on network "default" (tickets here are #1 to #1)',
      );
    });
  });

  describe("merchant:report", function () {
    it("prints the merchant's tickets, service levels, refunds and ratings", async function () {
      const { desk, escrow, feedback, addresses, agent, customer } = await loadTaskFixture();
      await (
        await escrow.connect(customer).requestRefund(1, ZeroAddress, parseEther("0.5"), NOTE)
      ).wait();
      await (await escrow.connect(agent).approveRefundAndResolve(1, NOTE)).wait();
      await (await feedback.connect(customer).attest(1, 4, NOTE)).wait();
      expect(await desk.statusOf(1)).to.equal(4n);

      const run = await runTask<MerchantReport>("merchant:report", { addresses, merchantId: "1" });
      const report = valueOf(run);
      expect(report.ticketsByStatus.Resolved).to.equal(1);
      expect(report.ratings.histogram).to.deep.equal([0, 0, 0, 1, 0]);
      expect(report.sla.hitRateBps).to.equal(10_000);
      const text = run.out.text;
      expect(text).to.include("tickets         1: 1 Resolved");
      expect(text).to.include("hit rate        100.00 % of deadlines met");
      expect(text).to.include(
        "refunds         1 requested · 1 paid · 0 rejected · 0 disputed · 0 cancelled",
      );
      expect(text).to.include(
        "ETH    requested 0.5 ETH · paid 0.5 ETH · locked 0 ETH · reserve available 9.5 ETH",
      );
      expect(text).to.include("ratings         1 rating · average 4.00 ★");
      expect(text).to.include("4 ★ ████████████████████ 1");
    });

    it("says the merchant does not exist", async function () {
      const { addresses } = await loadTaskFixture();
      const run = await runTask("merchant:report", { addresses, merchantId: "3" });
      expect(failureOf(run)).to.equal(
        '✖ merchant:report: merchant #3 does not exist on network "default" (merchants here are #1 to #1)',
      );
    });
  });

  describe("sla:claim", function () {
    it("pays the customer, not the caller, for a missed first reply", async function () {
      const fixture = await loadTaskFixture();
      const { addresses, stranger, customer, tokenAddress } = fixture;
      const ticketId = await withCompensation(fixture);
      await connection.networkHelpers.time.increase(DAY + 1);
      const token = erc20(tokenAddress, connection.ethers.provider);
      const before = (await token.getFunction("balanceOf")(customer.address)) as bigint;

      const run = await runTask<{ paid: bigint; owed: bigint }>("sla:claim", {
        addresses,
        from: stranger.address,
        ticketId: ticketId.toString(),
      });
      expect(valueOf(run)).to.deep.include({ paid: parseUnits("5", 6), owed: 0n });
      expect(
        ((await token.getFunction("balanceOf")(customer.address)) as bigint) - before,
      ).to.equal(parseUnits("5", 6));
      expect(run.out.text).to.include(`paid   5 dUSD to the customer ${customer.address}`);
    });

    it("says there is nothing to compensate before a deadline is missed", async function () {
      const fixture = await loadTaskFixture();
      const ticketId = await withCompensation(fixture);
      const run = await runTask("sla:claim", {
        addresses: fixture.addresses,
        from: fixture.stranger.address,
        ticketId: ticketId.toString(),
      });
      expect(failureOf(run)).to.equal(
        `✖ sla:claim: ticket #${ticketId} has no missed deadline that is not compensated already (\`ticket:show ${ticketId}\` shows its deadlines)`,
      );
    });
  });

  describe("finding CareLedger and the account", function () {
    it("reads Ignition's deployed_addresses.json given to --addresses", async function () {
      const { addresses } = await loadTaskFixture();
      const parsed = JSON.parse(addresses) as Record<string, string>;
      const file = path.join(
        mkdtempSync(path.join(tmpdir(), "careledger-ignition-")),
        "deployed_addresses.json",
      );
      writeFileSync(
        file,
        JSON.stringify({
          "CareLedger#Forwarder": parsed.forwarder,
          "CareLedger#SupportDesk": parsed.supportDesk,
          "CareLedger#RefundEscrow": parsed.refundEscrow,
          "CareLedger#FeedbackAttestations": parsed.feedbackAttestations,
        }),
      );
      valueOf(await runTask("ticket:show", { addresses: file, ticketId: "1" }));
    });

    it("says CareLedger is not deployed where the addresses point, and how to deploy it", async function () {
      await loadTaskFixture();
      const nowhere = `0x${"0d".repeat(20)}`;
      const run = await runTask("ticket:show", {
        addresses: JSON.stringify({
          forwarder: nowhere,
          supportDesk: nowhere,
          refundEscrow: nowhere,
          feedbackAttestations: nowhere,
        }),
        ticketId: "1",
      });
      expect(failureOf(run)).to.equal(
        `✖ ticket:show: CareLedger is not deployed on network "default" (chain 31337): there is no contract at ` +
          `the SupportDesk address ${getAddress(nowhere)}. The in-process network starts ` +
          "empty every run: start a node with `npm run node`, deploy with `npm run deploy -- --network localhost` " +
          "and use `--network localhost`, or try `npm run demo`.",
      );
    });

    it("says --from is not an account of the network", async function () {
      const { addresses } = await loadTaskFixture();
      const run = await runTask("ticket:confirm", {
        addresses,
        from: `0x${"ab".repeat(20)}`,
        ticketId: "1",
      });
      expect(failureOf(run)).to.match(
        /^✖ ticket:confirm: --from 0x[aA][bB].* is not an account this network can sign with; its accounts are #0 0xf39F/,
      );
    });
  });

  describe("the command line", function () {
    it("lists every CareLedger task in `npx hardhat --help`", function () {
      const help = cli(["--help"]);
      expect(help.status).to.equal(0);
      for (const definition of careLedgerTasks) {
        expect(help.stdout).to.include(definition.id.join(" "));
      }
      expect(careLedgerTasks.map((definition) => definition.id.join(" "))).to.include.members([
        "merchant:register",
        "merchant:agent",
        "merchant:policy",
        "escrow:deposit",
        "escrow:withdraw",
        "refund:approve",
        "refund:reject",
        "ticket:resolve",
        "ticket:open",
        "ticket:message",
        "ticket:confirm",
        "ticket:reopen",
        "refund:request",
        "refund:execute",
        "refund:dispute",
        "feedback:give",
        "ticket:show",
        "merchant:report",
        "sla:claim",
      ]);
    });

    it("names the variable to set when RPC_URL is missing, exits 1 and prints no stack trace", function () {
      const run = cli(["ticket:show", "1", "--network", "remote"], {
        RPC_URL: undefined,
        DEPLOYER_PRIVATE_KEY: undefined,
        DOTENV_CONFIG_PATH: path.join(tmpdir(), "careledger-no-such.env"),
      });
      expect(run.status).to.equal(1);
      expect(run.stderr.trim()).to.equal(
        '✖ ticket:show: RPC_URL is not set, and network "remote" needs it (the JSON-RPC endpoint of the chain): ' +
          "put RPC_URL=… in .env (see .env.example), export it, or run `npx hardhat keystore set RPC_URL`",
      );
    });
  });
});
