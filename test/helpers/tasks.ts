/**
 * Running CareLedger's Hardhat tasks in tests, as `npx hardhat <task>` would: `hre.tasks.getTask(id)
 * .run(args)`. A task reaches the chain through `hre.network.getOrCreate()`, the connection Hardhat
 * shares within the process, so the task tests use that same connection (not `network.create()`) to
 * deploy CareLedger where the tasks will find it; `--addresses` points the tasks at that deployment.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { ZeroAddress, ZeroHash, parseEther, parseUnits, type Contract } from "ethers";
import hre, { network } from "hardhat";
import type { Result } from "hardhat/types/utils";

import { erc20 } from "../../cli/format.js";
import { MemoryPrinter, withPrinter } from "../../cli/output.js";
import type { TaskError } from "../../cli/errors.js";

import { careLedgerFixture, type CareLedgerFixture } from "./fixture.js";

/** The process's shared connection: the one every task run uses. */
export const connection = await network.getOrCreate();

/** Where the task tests keep commitments (never the project's .careledger/). */
export const commitmentsFile = path.join(
  mkdtempSync(path.join(tmpdir(), "careledger-tasks-")),
  "commitments.json",
);

export interface TaskFixture extends CareLedgerFixture {
  /** `--addresses` for this deployment (inline JSON). */
  addresses: string;
  /** A 6-decimal ERC-20 (contracts/demo/DemoToken.sol) the admin holds 1,000,000 of. */
  token: Contract;
  tokenAddress: string;
  /** Merchant 1: admin `admin`, agent `agent`, arbiter `arbiter`, 10 ETH and 1,000 dUSD in reserve. */
  merchantId: bigint;
  /** Ticket 1: opened by `customer` at merchant 1, still Open. */
  ticketId: bigint;
}

const deployCareLedgerFixture = careLedgerFixture(connection);

/** CareLedger deployed, with one merchant funded in ETH and dUSD and one open ticket. */
export async function deployTaskFixture(): Promise<TaskFixture> {
  const base = await deployCareLedgerFixture();
  const { desk, escrow, admin, agent, customer } = base;
  await (await desk.connect(admin).registerMerchant(admin.address, ZeroHash)).wait();
  await (await desk.connect(admin).setAgent(1, agent.address, true)).wait();

  const token = (await connection.ethers.deployContract("DemoToken", [
    "Demo USD",
    "dUSD",
    admin.address,
    parseUnits("1000000", 6),
  ])) as unknown as Contract;
  const tokenAddress = await token.getAddress();
  const escrowAddress = await escrow.getAddress();
  await (
    await escrow
      .connect(admin)
      .deposit(1, ZeroAddress, parseEther("10"), { value: parseEther("10") })
  ).wait();
  await (
    await erc20(tokenAddress, admin).getFunction("approve")(escrowAddress, parseUnits("1000", 6))
  ).wait();
  await (await escrow.connect(admin).deposit(1, tokenAddress, parseUnits("1000", 6))).wait();
  await (await desk.connect(customer).openTicket(1, ZeroHash, ZeroHash, 1)).wait();

  const addresses = JSON.stringify({
    forwarder: await base.forwarder.getAddress(),
    supportDesk: await desk.getAddress(),
    refundEscrow: escrowAddress,
    feedbackAttestations: await base.feedback.getAddress(),
  });
  return { ...base, addresses, token, tokenAddress, merchantId: 1n, ticketId: 1n };
}

/** Loads the shared fixture (a snapshot after the first time). */
export async function loadTaskFixture(): Promise<TaskFixture> {
  return await connection.networkHelpers.loadFixture(deployTaskFixture);
}

export interface TaskRunResult<ValueT> {
  result: Result<ValueT, TaskError>;
  /** What the task printed (result lines, errors), without colours. */
  out: MemoryPrinter;
}

/** Runs task `id` with `args` as the CLI would, capturing what it prints. */
export async function runTask<ValueT = unknown>(
  id: string,
  args: Record<string, unknown>,
): Promise<TaskRunResult<ValueT>> {
  const out = new MemoryPrinter();
  const result = (await withPrinter(out, () => hre.tasks.getTask(id).run(args))) as Result<
    ValueT,
    TaskError
  >;
  return { result, out };
}

/** The value of a task that must have succeeded (else the test fails with what it printed). */
export function valueOf<ValueT>(run: TaskRunResult<ValueT>): ValueT {
  if (!run.result.success) {
    expect.fail(`the task failed: ${run.out.errors.join("\n")}`);
  }
  return run.result.value;
}

/** The one-line failure a task printed (it must have failed, with a `TaskError`, no stack trace). */
export function failureOf(run: TaskRunResult<unknown>): string {
  if (run.result.success) expect.fail(`the task succeeded: ${run.out.text}`);
  const [headline = ""] = run.out.errors;
  expect(headline).to.match(/^✖ [a-z]+:[a-z]+: /);
  expect(run.out.errors.join("\n")).to.not.match(/\n\s+at /); // no stack trace
  return headline;
}
