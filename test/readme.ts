/**
 * The README's marked examples (scripts/readme/examples.ts) are well formed and cover every task, so
 * the walkthrough that `npm run test:consumer` runs shows every role's command-line task at work.
 */
import { expect } from "chai";
import hre from "hardhat";

import { readReadme, readmeBlocks, type CommandsBlock } from "../scripts/readme/examples.js";
import { careLedgerTasks } from "../tasks/index.js";

const readme = readReadme(hre.config.paths.root);
const blocks = readmeBlocks(readme);
const commands = blocks
  .filter((block): block is CommandsBlock => block.kind === "commands")
  .flatMap((block) => block.commands);

describe("README examples", function () {
  it("marks the front-end snippets: reading through the indexer, local ethers, relaying both ways, viem local and public", function () {
    const snippets = blocks.flatMap((block) =>
      block.kind === "snippet"
        ? [`${block.name}${block.node ? " node" : ""}${block.compileOnly ? " compile-only" : ""}`]
        : [],
    );
    expect(snippets).to.deep.equal([
      "indexer-reads node compile-only",
      "ethers-open-ticket",
      "relay-back-office node",
      "relay-service node",
      "relay-front-end",
      "viem-local",
      "viem-public compile-only",
    ]);
  });

  it("runs only npm scripts and Hardhat tasks, each on the local node", function () {
    for (const command of commands) {
      expect(command).to.match(/^(npm run (node|deploy)\b|npx hardhat [a-z]+:[a-z]+ )/, command);
      if (command.startsWith("npx hardhat") && !command.includes("--network remote")) {
        expect(command, command).to.include("--network localhost");
      }
    }
  });

  /**
   * Tasks the walkthrough may leave out, each with the reason (none today). A new task belongs in the
   * walkthrough, so that CI runs it as the README shows it; list it here only if it cannot run there.
   */
  const notInWalkthrough: ReadonlyMap<string, string> = new Map();

  it("shows every CareLedger task in the walkthrough", function () {
    const shown = new Set(
      commands.flatMap((command) => /^npx hardhat ([a-z]+:[a-z]+)/.exec(command)?.[1] ?? []),
    );
    const missing = careLedgerTasks
      .map((definition) => definition.id.join(" "))
      .filter((id) => !shown.has(id) && !notInWalkthrough.has(id));
    expect(missing).to.deep.equal([]);
  });

  it("starts the walkthrough of the tasks from a fresh node", function () {
    const walkthrough = blocks.find((block) => block.name === "cli-start");
    expect(
      walkthrough?.kind === "commands"
        ? walkthrough.commands.map((c) => c.replace(/\s+#.*$/, ""))
        : [],
    ).to.deep.equal(["npm run node", "npm run deploy -- --network localhost"]);
  });
});
