import { expect } from "chai";
import { network } from "hardhat";

import { MemoryPrinter } from "../tasks/lib/output.js";
import { runDemo } from "../scripts/demo/scenario.js";

const connection = await network.create();

describe("npm run demo", function () {
  describe("runDemo", function () {
    it("plays the merchant's day to the end, every check passing, and prints timelines and the report", async function () {
      const out = new MemoryPrinter();
      const result = await runDemo(connection, out);

      expect(result.steps).to.have.length(40);
      expect(result.checks).to.be.greaterThan(100);
      expect(
        result.steps.every((step) => step.gasUsed !== undefined && step.gasUsed > 0n),
      ).to.equal(true);
      expect(result.report.sla.hitRateBps).to.equal(6_250);
      expect(result.report.ratings.histogram).to.deep.equal([0, 0, 1, 1, 1]);
      expect(result.timelines.get(2)?.map((entry) => entry.kind)).to.include.members([
        "opened",
        "sla-compensation-paid",
        "refund-disputed",
        "dispute-resolved",
        "feedback-amended",
      ]);

      const text = out.text;
      expect(text).to.include("Dan (via Remy)").and.include("opens ticket #2 gaslessly");
      expect(text).to.include(
        "Timelines, rebuilt from the contracts' events by the SDK (ticketTimeline)",
      );
      expect(text).to.include("ticket #2  Dan · high · Resolved");
      expect(text).to.include("hit rate        62.50 % of deadlines met");
      expect(text).to.include("dUSD   paid 30 dUSD · owed 0 dUSD (not covered yet)");
      expect(text).to.include("✔ 40 steps,").and.include("checks: CareLedger did what it should.");
      expect(out.errors).to.deep.equal([]);
      expect(text).to.not.match(/\u001b\[/); // no colours when not printing to a terminal
    });
  });
});
