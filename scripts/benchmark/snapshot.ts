/**
 * `gas-snapshot.json`: the benchmark's numbers as committed, and how a new measurement differs from them.
 * Keys are sorted, so the file only changes where a number does.
 */
import { readFile, writeFile } from "node:fs/promises";

import type { Measurements } from "./scenario.js";

export interface Snapshot {
  /** The chain's hardfork: its gas rules (a new Hardhat may default to a newer one). */
  hardfork: string;
  /** Deployed bytecode size in bytes, by contract. */
  bytecodeSize: Record<string, number>;
  /** Gas (`receipt.gasUsed`, 21,000 base included), by operation id. */
  gas: Record<string, number>;
}

export type Section = "bytecodeSize" | "gas";
const SECTIONS: readonly Section[] = ["bytecodeSize", "gas"];

/**
 * One value that is not what the snapshot says (`undefined`: absent on that side). `section` is
 * `hardfork` for the chain's hardfork (`key` is then empty).
 */
export interface Difference {
  section: Section | "hardfork";
  key: string;
  recorded: number | string | undefined;
  measured: number | string | undefined;
}

function sorted(entries: Iterable<[string, number]>): Record<string, number> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The snapshot of a measurement (keys sorted). */
export function snapshotOf(measurements: Measurements): Snapshot {
  return {
    hardfork: measurements.hardfork,
    bytecodeSize: sorted(measurements.sizes),
    gas: sorted(measurements.gas),
  };
}

/** The file's text: two-space JSON with a final newline (what prettier writes too). */
export function serialize(snapshot: Snapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}

export async function writeSnapshot(path: string, snapshot: Snapshot): Promise<void> {
  await writeFile(path, serialize(snapshot));
}

/** The snapshot at `path`, or `undefined` if there is no such file; throws if it is malformed. */
export async function readSnapshot(path: string): Promise<Snapshot | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Record<string, unknown> | null;
  const hardfork = parsed?.hardfork;
  if (typeof hardfork !== "string") throw new Error(`${path}: "hardfork" is missing`);
  const snapshot: Snapshot = { hardfork, bytecodeSize: {}, gas: {} };
  for (const section of SECTIONS) {
    const numbers = parsed?.[section];
    if (typeof numbers !== "object" || numbers === null) {
      throw new Error(`${path}: "${section}" is missing or not an object`);
    }
    for (const [key, value] of Object.entries(numbers)) {
      if (typeof value !== "number" || !Number.isSafeInteger(value)) {
        throw new Error(`${path}: ${section}.${key} is not an integer`);
      }
      snapshot[section][key] = value;
    }
  }
  return snapshot;
}

/** Every value that differs between the two snapshots, added or removed numbers included. */
export function compare(recorded: Snapshot, measured: Snapshot): Difference[] {
  const differences: Difference[] = [];
  if (recorded.hardfork !== measured.hardfork) {
    differences.push({
      section: "hardfork",
      key: "",
      recorded: recorded.hardfork,
      measured: measured.hardfork,
    });
  }
  for (const section of SECTIONS) {
    const keys = new Set([...Object.keys(recorded[section]), ...Object.keys(measured[section])]);
    for (const key of [...keys].sort()) {
      const before = recorded[section][key];
      const after = measured[section][key];
      if (before !== after) differences.push({ section, key, recorded: before, measured: after });
    }
  }
  return differences;
}
