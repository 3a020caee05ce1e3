import { readFile } from "node:fs/promises";

import { expect } from "chai";
import { ZeroAddress, parseEther, parseUnits } from "ethers";

import { verifyCommitment } from "../../src/index.js";
import type { SavedCommitment } from "../../tasks/lib/commitments.js";
import {
  commitmentsFile,
  connection,
  failureOf,
  loadTaskFixture,
  runTask,
  valueOf,
} from "../helpers/tasks.js";

const HOUR = 3_600;
const DAY = 86_400;

async function transaction(hash: string) {
  const tx = await connection.ethers.provider.getTransaction(hash);
  if (tx === null) expect.fail(`no transaction ${hash}`);
  return tx;
}

async function savedCommitment(commitment: string): Promise<SavedCommitment> {
  const file = JSON.parse(await readFile(commitmentsFile, "utf8")) as {
    commitments: SavedCommitment[];
  };
  const entry = file.commitments.find((saved) => saved.commitment === commitment);
  if (entry === undefined) expect.fail(`commitment ${commitment} was not saved`);
  return entry;
}

describe("tasks: merchant", function () {
  describe("merchant:register", function () {
    it("registers a merchant, prints its id and tx hash, and saves the profile's text and salt", async function () {
      const { desk, addresses, otherAdmin } = await loadTaskFixture();
      const run = await runTask<{ merchantId: number; txHash: string }>("merchant:register", {
        addresses,
        from: otherAdmin.address,
        profile: "Bob's Bikes, Utrecht",
        commitments: commitmentsFile,
      });
      const { merchantId, txHash } = valueOf(run);

      expect(merchantId).to.equal(2);
      expect(await desk.merchantAdmin(2)).to.equal(otherAdmin.address);
      expect(run.out.text).to.include("✔ merchant #2 registered").and.include(`tx       ${txHash}`);
      const profile = /profile\s+(0x[0-9a-f]{64})/.exec(run.out.text)?.[1] ?? "";
      await expect(await transaction(txHash))
        .to.emit(desk, "MerchantRegistered")
        .withArgs(2, otherAdmin.address, profile);
      const saved = await savedCommitment(profile);
      expect(saved).to.include({ text: "Bob's Bikes, Utrecht", kind: "merchant profile", txHash });
      expect(verifyCommitment(saved.text, saved.salt, profile)).to.equal(true);
      expect(run.out.text).to.include(commitmentsFile.split("/").pop() ?? "commitments.json");
    });

    it("says the admin cannot be the zero address", async function () {
      const { addresses, otherAdmin } = await loadTaskFixture();
      const run = await runTask("merchant:register", {
        addresses,
        from: otherAdmin.address,
        admin: ZeroAddress,
      });
      expect(failureOf(run)).to.equal(
        "✖ merchant:register: the admin given is the zero address (0x000…0): give a real account",
      );
      expect(run.out.errors[1]).to.equal(`  SupportDesk: DeskInvalidAdmin(admin: ${ZeroAddress})`);
    });
  });

  describe("merchant:agent", function () {
    it("adds and removes an agent", async function () {
      const { desk, addresses, admin, agent2 } = await loadTaskFixture();
      const added = await runTask("merchant:agent", {
        addresses,
        from: admin.address,
        merchantId: "1",
        agent: agent2.address,
      });
      valueOf(added);
      expect(added.out.text).to.include(`✔ ${agent2.address} is now an agent of merchant #1`);
      expect(await desk.isAgent(1, agent2.address)).to.equal(true);

      const removed = await runTask("merchant:agent", {
        addresses,
        from: admin.address,
        merchantId: "1",
        agent: agent2.address,
        remove: true,
      });
      valueOf(removed);
      expect(await desk.isAgent(1, agent2.address)).to.equal(false);
    });

    it("tells a stranger that only the admin can add agents, and who the admin is", async function () {
      const { addresses, admin, stranger, agent2 } = await loadTaskFixture();
      const run = await runTask("merchant:agent", {
        addresses,
        from: stranger.address,
        merchantId: "1",
        agent: agent2.address,
      });
      expect(failureOf(run)).to.equal(
        `✖ merchant:agent: ${stranger.address} is not the admin of merchant #1 (its admin is ${admin.address}): ` +
          "only the admin can add agents; sign with the admin's account (`--from`)",
      );
    });
  });

  describe("merchant:policy", function () {
    it("shows the policy without a transaction, and changes only the parts given", async function () {
      const { desk, addresses, admin, arbiter } = await loadTaskFixture();
      const shown = await runTask("merchant:policy", { addresses, merchantId: "1" });
      expect(valueOf(shown)).to.deep.include({ txHash: undefined });
      expect(shown.out.text).to.include("first response within  1 d").and.include(arbiter.address);

      const changed = await runTask("merchant:policy", {
        addresses,
        from: admin.address,
        merchantId: "1",
        firstResponse: "2h",
        disputeWindow: "3d",
        arbiter: "none",
      });
      valueOf(changed);
      const policy = await desk.policyOf(1);
      expect(policy.firstResponseTime).to.equal(2 * HOUR);
      expect(policy.resolutionTime).to.equal(3 * DAY);
      expect(policy.disputeWindow).to.equal(3 * DAY);
      expect(policy.arbiter).to.equal(ZeroAddress);
      expect(changed.out.text)
        .to.include("first response within  2 h")
        .and.include("arbiter                none");
    });

    it("says the auto-close delay cannot be shorter than the reopen window", async function () {
      const { desk, addresses, admin } = await loadTaskFixture();
      const run = await runTask("merchant:policy", {
        addresses,
        from: admin.address,
        merchantId: "1",
        reopenWindow: "14d",
      });
      expect(failureOf(run)).to.equal(
        "✖ merchant:policy: the auto-close delay of 7 days is shorter than the reopen window of 14 days: " +
          "anyone could close a resolved ticket while its customer may still reopen it; " +
          "set `--auto-close` to at least 14 days",
      );
      expect((await desk.policyOf(1)).reopenWindow).to.equal(7 * DAY);
    });

    it("names the policy time that is out of range", async function () {
      const { addresses, admin } = await loadTaskFixture();
      const run = await runTask("merchant:policy", {
        addresses,
        from: admin.address,
        merchantId: "1",
        resolution: "400d",
      });
      expect(failureOf(run)).to.equal(
        "✖ merchant:policy: the resolution time of 34560000 seconds is out of range: every policy time is between 1 second and 365 days",
      );
    });
  });

  describe("merchant:sla", function () {
    it("promises compensation backed by the token reserve", async function () {
      const { desk, addresses, admin, tokenAddress } = await loadTaskFixture();
      const run = await runTask("merchant:sla", {
        addresses,
        from: admin.address,
        merchantId: "1",
        token: tokenAddress,
        firstResponse: "5",
        resolution: "20",
        autoPay: true,
      });
      valueOf(run);
      const terms = await desk.slaCompensationOf(1);
      expect(terms.token).to.equal(tokenAddress);
      expect(terms.firstResponseAmount).to.equal(parseUnits("5", 6));
      expect(terms.resolutionAmount).to.equal(parseUnits("20", 6));
      expect(terms.autoPay).to.equal(true);
      expect(run.out.text)
        .to.include("first response  5 dUSD")
        .and.include("resolution      20 dUSD");
    });

    it("says how much to deposit when the reserve cannot back the promise", async function () {
      const { addresses, admin, tokenAddress } = await loadTaskFixture();
      const run = await runTask("merchant:sla", {
        addresses,
        from: admin.address,
        merchantId: "1",
        token: tokenAddress,
        firstResponse: "600",
        resolution: "500",
      });
      expect(failureOf(run)).to.equal(
        "✖ merchant:sla: merchant #1 holds 1,000 dUSD in reserve and this promise needs 1,100 dUSD: " +
          `deposit 100 dUSD first (\`escrow:deposit 1 <amount> --token ${tokenAddress}\`)`,
      );
    });
  });

  describe("escrow:deposit", function () {
    it("deposits ETH, and approves then deposits an ERC-20", async function () {
      const { escrow, addresses, admin, tokenAddress } = await loadTaskFixture();
      const eth = await runTask("escrow:deposit", {
        addresses,
        from: admin.address,
        merchantId: "1",
        amount: "1.5",
      });
      expect(valueOf(eth)).to.deep.include({
        amount: parseEther("1.5"),
        reserve: parseEther("11.5"),
      });
      expect(eth.out.text).to.include("✔ deposited 1.5 ETH into merchant #1's reserve");

      const tokens = await runTask("escrow:deposit", {
        addresses,
        from: admin.address,
        merchantId: "1",
        amount: "250.25",
        token: tokenAddress,
      });
      valueOf(tokens);
      expect(tokens.out.text).to.match(/approve tx\s+0x[0-9a-f]{64}/);
      expect(await escrow.reserveOf(1, tokenAddress)).to.equal(parseUnits("1250.25", 6));
    });

    it("says the merchant does not exist", async function () {
      const { addresses, admin } = await loadTaskFixture();
      const run = await runTask("escrow:deposit", {
        addresses,
        from: admin.address,
        merchantId: "7",
        amount: "1",
      });
      expect(failureOf(run)).to.equal(
        '✖ escrow:deposit: merchant #7 does not exist on network "default" (merchants here are #1 to #1)',
      );
    });
  });

  describe("escrow:withdraw", function () {
    it("withdraws unlocked ETH to the given address", async function () {
      const { escrow, addresses, admin, stranger } = await loadTaskFixture();
      const before = await connection.ethers.provider.getBalance(stranger.address);
      const run = await runTask("escrow:withdraw", {
        addresses,
        from: admin.address,
        merchantId: "1",
        amount: "4",
        to: stranger.address,
      });
      valueOf(run);
      expect((await connection.ethers.provider.getBalance(stranger.address)) - before).to.equal(
        parseEther("4"),
      );
      expect(await escrow.reserveOf(1, ZeroAddress)).to.equal(parseEther("6"));
      expect(run.out.text).to.include("available  6 ETH");
    });

    it("says how much is available when asked for more", async function () {
      const { addresses, admin } = await loadTaskFixture();
      const run = await runTask("escrow:withdraw", {
        addresses,
        from: admin.address,
        merchantId: "1",
        amount: "12",
      });
      expect(failureOf(run)).to.equal(
        "✖ escrow:withdraw: the merchant's reserve has only 10 ETH available and 12 ETH was asked for: " +
          "ask for less, or the merchant deposits more first (`escrow:deposit`)",
      );
    });
  });

  describe("refund:approve", function () {
    it("approves a refund, pays the customer and can resolve the ticket", async function () {
      const { desk, escrow, addresses, agent, customer } = await loadTaskFixture();
      await (
        await escrow
          .connect(customer)
          .requestRefund(1, ZeroAddress, parseEther("0.3"), `0x${"11".repeat(32)}`)
      ).wait();
      const before = await connection.ethers.provider.getBalance(customer.address);
      const run = await runTask("refund:approve", {
        addresses,
        from: agent.address,
        refundId: "1",
        resolve: "Refunded in full.",
        commitments: commitmentsFile,
      });
      valueOf(run);
      expect((await connection.ethers.provider.getBalance(customer.address)) - before).to.equal(
        parseEther("0.3"),
      );
      expect(await escrow.refundStatusOf(1)).to.equal(2n); // Paid
      expect(await desk.statusOf(1)).to.equal(4n); // Resolved
      expect(run.out.text)
        .to.include("✔ refund #1 approved and ticket #1 resolved")
        .and.include(`paid        0.3 ETH to ${customer.address}`);
    });

    it("tells a stranger that only the merchant's staff can approve", async function () {
      const { escrow, addresses, customer, stranger } = await loadTaskFixture();
      await (
        await escrow
          .connect(customer)
          .requestRefund(1, ZeroAddress, parseEther("0.3"), `0x${"11".repeat(32)}`)
      ).wait();
      const run = await runTask("refund:approve", {
        addresses,
        from: stranger.address,
        refundId: "1",
      });
      expect(failureOf(run)).to.equal(
        `✖ refund:approve: ${stranger.address} is neither the admin nor an agent of merchant #1: only its staff ` +
          "can approve; the admin adds agents with `merchant:agent 1 <address>`",
      );
    });
  });

  describe("refund:reject", function () {
    it("rejects a refund and says until when the customer may dispute it", async function () {
      const { escrow, addresses, agent, customer } = await loadTaskFixture();
      await (
        await escrow
          .connect(customer)
          .requestRefund(1, ZeroAddress, parseEther("0.3"), `0x${"11".repeat(32)}`)
      ).wait();
      const run = await runTask<{ disputeDeadline: bigint }>("refund:reject", {
        addresses,
        from: agent.address,
        refundId: "1",
        reason: "Item was used.",
        commitments: commitmentsFile,
      });
      const { disputeDeadline } = valueOf(run);
      expect(await escrow.refundStatusOf(1)).to.equal(3n); // Rejected
      const now = await connection.networkHelpers.time.latest();
      expect(disputeDeadline).to.equal(BigInt(now + 7 * DAY));
      expect(run.out.text).to.include("the customer may dispute it until");
    });

    it("says the merchant's time to answer ran out, and that anyone can execute the refund", async function () {
      const { escrow, addresses, agent, customer } = await loadTaskFixture();
      await (
        await escrow
          .connect(customer)
          .requestRefund(1, ZeroAddress, parseEther("0.3"), `0x${"11".repeat(32)}`)
      ).wait();
      await connection.networkHelpers.time.increase(3 * DAY + 1);
      const run = await runTask("refund:reject", {
        addresses,
        from: agent.address,
        refundId: "1",
        reason: "Too late",
        commitments: commitmentsFile,
      });
      expect(failureOf(run)).to.match(
        /^✖ refund:reject: the merchant's time to answer refund #1 ran out at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: it can only be executed now \(`refund:execute 1`\), by anyone$/,
      );
    });
  });

  describe("ticket:resolve", function () {
    it("resolves a ticket with a committed note", async function () {
      const { desk, addresses, agent } = await loadTaskFixture();
      const run = await runTask("ticket:resolve", {
        addresses,
        from: agent.address,
        ticketId: "1",
        resolution: "Replacement shipped.",
        commitments: commitmentsFile,
      });
      valueOf(run);
      expect(await desk.statusOf(1)).to.equal(4n);
      expect(run.out.text)
        .to.include("✔ ticket #1 is Resolved")
        .and.match(/resolution\s+0x[0-9a-f]{64} \(commitment\)/);
    });

    it("tells the customer that only staff can resolve", async function () {
      const { addresses, customer } = await loadTaskFixture();
      const run = await runTask("ticket:resolve", {
        addresses,
        from: customer.address,
        ticketId: "1",
      });
      expect(failureOf(run)).to.include(
        `✖ ticket:resolve: ${customer.address} is neither the admin nor an agent of merchant #1: only its staff can resolve`,
      );
    });
  });
});
