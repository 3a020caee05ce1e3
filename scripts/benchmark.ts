/**
 * CareLedger's gas benchmark: the gas of every user-facing operation in its typical case, next to the
 * targets of the issues, and each contract's deployed size against the EIP-170 limit (24,576 bytes).
 * It deploys CareLedger through the Ignition module on Hardhat's in-process chain, brings the world into
 * a steady state (merchants, agents, reserves in ETH and an ERC-20, counters and customer accounts exist)
 * and measures one working day (scripts/benchmark/scenario.ts). Every figure is `receipt.gasUsed`, the
 * 21,000 base cost included. Gas is deterministic: the same code and Hardhat give the same numbers anywhere.
 *
 * Gas targets live here and in the README's "Gas" section, never in the tests (instrumented coverage
 * builds cost more). Being over a target is reported ("over"), never an error: some operations are over
 * on purpose, with the reason in the README.
 *
 * `hardhat run` passes no arguments to a script (it rejects `npm run bench -- --check`), so the mode is
 * the `BENCH_MODE` environment variable, and each mode has an npm script:
 *
 *   npm run bench          measure, print the tables and how the numbers differ from gas-snapshot.json
 *                          (BENCH_MODE unset or `report`); exits 0 unless a contract is over EIP-170.
 *   npm run bench:check    the same, and exits 1 with a diff per operation if any number (gas or size),
 *                          or the chain's hardfork, differs from gas-snapshot.json (BENCH_MODE=check).
 *                          CI runs this.
 *   npm run bench:write    the same, and rewrites gas-snapshot.json (BENCH_MODE=write). Run it when a
 *                          change in gas is deliberate, and commit the snapshot with that change.
 *
 * In every mode a contract whose deployed bytecode exceeds 24,576 bytes makes the run exit 1.
 */
import { resolve } from "node:path";

import { network } from "hardhat";

import { ConsolePrinter } from "../cli/output.js";
import { table } from "../cli/style.js";

import {
  CONTRACTS,
  EIP170_LIMIT,
  GROUP_TITLES,
  OPERATIONS,
  type Group,
} from "./benchmark/catalogue.js";
import { BenchmarkScenarioError, measure, type Measurements } from "./benchmark/scenario.js";
import {
  compare,
  readSnapshot,
  snapshotOf,
  writeSnapshot,
  type Difference,
} from "./benchmark/snapshot.js";

const SNAPSHOT_PATH = resolve(import.meta.dirname, "..", "gas-snapshot.json");
const SNAPSHOT_NAME = "gas-snapshot.json";
const MODES = ["report", "check", "write"] as const;
type Mode = (typeof MODES)[number];

const out = new ConsolePrinter();
const { style } = out;

const number = (value: number): string => value.toLocaleString("en-US");
const signed = (value: number): string => (value > 0 ? `+${number(value)}` : number(value));

function modeOf(value: string | undefined): Mode {
  if (value === undefined || value === "") return "report";
  const mode = MODES.find((candidate) => candidate === value);
  if (mode === undefined) {
    throw new UsageError(`BENCH_MODE must be one of ${MODES.join(", ")}, not "${value}"`);
  }
  return mode;
}

class UsageError extends Error {}

function gasTables(measurements: Measurements): string[] {
  const lines: string[] = [];
  for (const group of Object.keys(GROUP_TITLES) as Group[]) {
    const rows = OPERATIONS.filter((operation) => operation.group === group).map((operation) => {
      const gas = measurements.gas.get(operation.id) ?? 0;
      const target = operation.target;
      let status = "";
      if (target !== undefined) {
        status =
          gas <= target
            ? style.green(`ok (${number(target - gas)} under)`)
            : style.yellow(`over by ${number(gas - target)}`);
      }
      return [
        operation.label,
        number(gas),
        target === undefined ? style.dim("—") : number(target),
        status,
      ];
    });
    lines.push("", style.bold(GROUP_TITLES[group]));
    lines.push(
      ...table(
        style,
        [
          { header: "operation" },
          { header: "gas", right: true },
          { header: "target", right: true },
          { header: "status" },
        ],
        rows,
      ),
    );
  }
  return lines;
}

function sizeTable(measurements: Measurements): string[] {
  const rows = CONTRACTS.map((name) => {
    const size = measurements.sizes.get(name) ?? 0;
    return [
      name,
      number(size),
      number(EIP170_LIMIT),
      size <= EIP170_LIMIT
        ? style.green(`ok (${number(EIP170_LIMIT - size)} to spare)`)
        : style.red(`OVER by ${number(size - EIP170_LIMIT)}`),
    ];
  });
  return [
    "",
    style.bold("Deployed bytecode size (EIP-170)"),
    ...table(
      style,
      [
        { header: "contract" },
        { header: "bytes", right: true },
        { header: "limit", right: true },
        { header: "status" },
      ],
      rows,
    ),
  ];
}

function describeDifference(difference: Difference): string {
  const { section, key, recorded, measured } = difference;
  const show = (value: number | string): string =>
    typeof value === "number" ? number(value) : value;
  if (section === "hardfork") {
    return `  hardfork (the chain's gas rules): ${show(recorded ?? "?")} -> ${show(measured ?? "?")}`;
  }
  const what = section === "gas" ? key : `${key} (deployed bytes)`;
  if (recorded === undefined) return `  ${what}: ${show(measured ?? 0)}, not in the snapshot`;
  if (measured === undefined) return `  ${what}: in the snapshot (${show(recorded)}), not measured`;
  const change =
    typeof recorded === "number" && typeof measured === "number"
      ? ` (${signed(measured - recorded)})`
      : "";
  return `  ${what}: ${show(recorded)} -> ${show(measured)}${change}`;
}

async function main(): Promise<number> {
  const mode = modeOf(process.env.BENCH_MODE);
  const connection = await network.create();
  if (connection.networkConfig.type !== "edr-simulated") {
    throw new UsageError(
      `the benchmark deploys a fresh CareLedger and moves the clock, so it runs on Hardhat's ` +
        `in-process chain (the default network), not on "${connection.networkName}"`,
    );
  }

  const measurements = await measure(connection);
  out.line(style.bold("CareLedger gas benchmark"));
  out.line(
    style.dim(
      `Hardhat's in-process chain (hardfork ${measurements.hardfork}); gas is receipt.gasUsed, the ` +
        "21,000 base included; steady state: the merchant, its agents, reserves (ETH, ERC-20), the " +
        "counters and the customers' accounts already exist",
    ),
  );
  for (const line of gasTables(measurements)) out.line(line);
  for (const line of sizeTable(measurements)) out.line(line);
  out.line("");

  let exitCode = 0;
  const oversized = CONTRACTS.filter((name) => (measurements.sizes.get(name) ?? 0) > EIP170_LIMIT);
  if (oversized.length > 0) {
    out.error(
      style.red(
        `✖ over the EIP-170 limit of ${number(EIP170_LIMIT)} bytes: ${oversized.join(", ")}`,
      ),
    );
    exitCode = 1;
  }

  const measured = snapshotOf(measurements);
  if (mode === "write") {
    await writeSnapshot(SNAPSHOT_PATH, measured);
    out.line(`Wrote ${SNAPSHOT_NAME} (${Object.keys(measured.gas).length} operations).`);
    return exitCode;
  }
  const recorded = await readSnapshot(SNAPSHOT_PATH);
  if (recorded === undefined) {
    const message = `${SNAPSHOT_NAME} does not exist yet: \`npm run bench:write\` records it`;
    if (mode === "check") {
      out.error(style.red(`✖ ${message}`));
      return 1;
    }
    out.line(message);
    return exitCode;
  }
  const differences = compare(recorded, measured);
  if (differences.length === 0) {
    out.line(style.green(`✔ every number matches ${SNAPSHOT_NAME}`));
    return exitCode;
  }
  const lines = [
    `${differences.length} value(s) differ from ${SNAPSHOT_NAME} (recorded -> measured):`,
    ...differences.map(describeDifference),
    "If the change is deliberate, run `npm run bench:write` and commit gas-snapshot.json with it.",
  ];
  if (mode === "check") {
    out.error(style.red(`✖ ${lines[0] ?? ""}`));
    for (const line of lines.slice(1)) out.error(line);
    return 1;
  }
  for (const line of lines) out.line(line);
  return exitCode;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (!(error instanceof BenchmarkScenarioError) && !(error instanceof UsageError)) throw error;
  out.error(`${style.red("✖ the benchmark could not run:")} ${error.message}`);
  process.exitCode = 1;
}
