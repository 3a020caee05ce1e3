import { expect } from "chai";
import { network } from "hardhat";

import { ZeroAddress } from "ethers";

import { Checks, DemoCheckError } from "../scripts/demo/checks.js";
import { runDemo } from "../scripts/demo/scenario.js";
import { MemoryPrinter } from "../tasks/lib/output.js";

const connection = await network.create();

describe("npm run demo", function () {
  describe("runDemo", function () {
    it("plays the merchant's day to the end, every check passing, and prints timelines and the report", async function () {
      const out = new MemoryPrinter();
      const result = await runDemo(connection, out);

      expect(result.steps).to.have.length(44);
      expect(result.checks).to.be.greaterThan(100);
      expect(
        result.steps.every((step) => step.gasUsed !== undefined && step.gasUsed > 0n),
      ).to.equal(true);
      expect(result.report.sla.hitRateBps).to.equal(6_250);
      expect(result.report.ratings.histogram).to.deep.equal([0, 0, 1, 1, 1]);
      // Carol's five stars came without a receipt: only Dan's four and Erin's three are verified.
      expect(result.verifiedRatings).to.deep.equal({
        count: 2,
        sum: 7,
        histogram: [0, 0, 1, 1, 0],
      });
      expect(result.report.refunds.requested).to.equal(4);
      expect(result.timelines.get(2)?.map((entry) => entry.kind)).to.include.members([
        "opened",
        "verified",
        "sla-compensation-paid",
        "refund-disputed",
        "dispute-resolved",
        "feedback-amended",
      ]);

      const text = out.text;
      expect(text)
        .to.include("Dan (via Remy)")
        .and.include("opens ticket #2 gaslessly with his receipt");
      expect(text).to.match(
        /Acme checkout\s+off chain\s+signs Dan's receipt for order #A-1043 \(60 dUSD/,
      );
      expect(text).to.include(
        "refused: only 20 dUSD of the 60 dUSD order is left to refund, and 25 dUSD was asked for",
      );
      expect(text).to.match(
        /RefundEscrow: EscrowOrderRefundExceeded\(merchantId: 1, orderRef: 0x[0-9a-f]{64}, left: 20000000, requested: 25000000\)/,
      );
      expect(text).to.include(
        "refused: Sam may pay out 15 dUSD more today and refund #4 is 20 dUSD; Maya (the admin) can approve it",
      );
      expect(text).to.include("ticket #1  Carol · normal · Closed · unverified: no receipt");
      expect(text).to.include(
        "Timelines, rebuilt from the contracts' events by the SDK (ticketTimeline)",
      );
      expect(text).to.include("ticket #2  Dan · high · Resolved · verified: order of 60 dUSD");
      expect(text).to.include("hit rate        62.50 % of deadlines met");
      expect(text).to.include("dUSD   paid 30 dUSD · owed 0 dUSD (not covered yet)");
      expect(text).to.include("3 ratings · average 4.00 ★");
      expect(text).to.include(
        "verified        2 of the 3 ratings come from verified purchases · average 3.50 ★",
      );
      expect(text).to.include("✔ 44 steps,").and.include("checks: CareLedger did what it should.");
      expect(out.errors).to.deep.equal([]);
      expect(text).to.not.match(/\u001b\[/); // no colours when not printing to a terminal
    });
  });

  describe("Checks", function () {
    it("names the step and what differed when a check fails", function () {
      const checks = new Checks();
      checks.step = "step 18 (approve)";
      checks.equal(5n, 5, "Carol's ETH gain");
      expect(() => checks.equal(0n, 50n, "Carol's ETH gain")).to.throw(
        DemoCheckError,
        "step 18 (approve): Carol's ETH gain: expected 50, got 0",
      );
      expect(() => checks.that(false, "the promise is backed")).to.throw(
        DemoCheckError,
        "step 18 (approve): the promise is backed",
      );
      expect(checks.count).to.equal(1);
      expect(() =>
        checks.equal(ZeroAddress, "0x00000000000000000000000000000000000000aa", "token"),
      ).to.throw(DemoCheckError, /expected 0x0+aa, got 0x0+$/);
    });
  });
});
