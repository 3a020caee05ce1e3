/**
 * `time:advance`: moves a local development chain's clock (evm_increaseTime + evm_mine), and refuses
 * with a sentence on any network that is not one (a chain id other than 31337, or a node that does
 * not answer Hardhat's or anvil's development methods).
 */
import { expect } from "chai";

import { requireDevChain } from "../../tasks/lib/devchain.js";
import { connection, failureOf, runTask, valueOf } from "../helpers/tasks.js";

/** The message `promise` rejects with (the test fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return expect.fail("it did not fail");
}

/** A node that answers `eth_chainId` with `chainId` and knows only the methods in `methods`. */
function fakeNode(chainId: bigint, methods: string[] = []) {
  const calls: string[] = [];
  return {
    calls,
    async request({ method }: { method: string; params?: unknown[] }): Promise<unknown> {
      calls.push(method);
      if (method === "eth_chainId") return `0x${chainId.toString(16)}`;
      if (methods.includes(method)) return {};
      throw new Error(`the method ${method} does not exist/is not available`);
    },
  };
}

describe("tasks: time:advance", function () {
  it("moves the in-process chain's clock forward and mines a block", async function () {
    const before = await connection.ethers.provider.getBlock("latest");
    if (before === null) expect.fail("no latest block");
    const run = await runTask<{ seconds: number; timestamp: number; block: number }>(
      "time:advance",
      { duration: "2d" },
    );
    const { seconds, timestamp, block } = valueOf(run);
    expect(seconds).to.equal(2 * 86_400);
    expect(block).to.equal(before.number + 1);
    // The mined block is at least 2 days later (plus at most a second or two of wall-clock time).
    expect(timestamp - before.timestamp).to.be.within(2 * 86_400, 2 * 86_400 + 5);
    expect(run.out.text).to.include('✔ the clock of network "default" moved forward by 2 d');
  });

  it("says what a duration is", async function () {
    const run = await runTask("time:advance", { duration: "soon" });
    expect(failureOf(run)).to.equal(
      '✖ time:advance: --duration "soon" is not a duration: write seconds, or a number with s, m, h, d or w (e.g. 2h, 3d)',
    );
  });

  it("refuses a public chain, without trying to move its clock", async function () {
    const node = fakeNode(11_155_111n, ["hardhat_metadata"]);
    expect(await rejection(requireDevChain(node, "remote"))).to.equal(
      'network "remote" (chain 11155111) is not a local development chain, and a real chain\'s clock cannot be moved: ' +
        "time:advance works only on Hardhat's node (`npm run node`, then `--network localhost`) or an anvil node, with chain id 31337",
    );
    expect(node.calls).to.deep.equal(["eth_chainId"]);
  });

  it("refuses a chain that says 31337 but is no development node", async function () {
    const node = fakeNode(31_337n);
    expect(await rejection(requireDevChain(node, "remote"))).to.match(
      /^network "remote" \(chain 31337\) is not a local development chain/,
    );
    expect(node.calls).to.deep.equal(["eth_chainId", "hardhat_metadata", "anvil_nodeInfo"]);
  });

  it("accepts Hardhat's node and anvil", async function () {
    expect(await requireDevChain(fakeNode(31_337n, ["hardhat_metadata"]), "localhost")).to.equal(
      31_337n,
    );
    expect(await requireDevChain(fakeNode(31_337n, ["anvil_nodeInfo"]), "anvil")).to.equal(31_337n);
  });
});
