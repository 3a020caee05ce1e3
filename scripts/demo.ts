/**
 * `npm run demo`: one merchant's day on CareLedger, on Hardhat's in-process chain, with no wallet, node
 * or configuration. Run through `hardhat run scripts/demo.ts` (the npm script). It checks every step
 * and exits non-zero, saying which step and what differed, if anything is unexpected, so CI runs it
 * as a smoke test.
 */
import { network } from "hardhat";

import { ConsolePrinter } from "../cli/output.js";

import { DemoCheckError } from "./demo/checks.js";
import { runDemo } from "./demo/scenario.js";

const out = new ConsolePrinter();
try {
  const connection = await network.create();
  if (connection.networkConfig.type !== "edr-simulated" && connection.networkName !== "localhost") {
    throw new DemoCheckError(
      `the demo moves the chain's clock forward, so it runs on Hardhat's simulated chain (the default) ` +
        `or a local node, not on network "${connection.networkName}"`,
    );
  }
  await runDemo(connection, out);
} catch (error) {
  if (!(error instanceof DemoCheckError)) throw error;
  out.error("");
  out.error(`${out.style.red("✖ the demo found a problem:")} ${error.message}`);
  process.exitCode = 1;
}
