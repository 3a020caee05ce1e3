/**
 * The demo's checks: after every step it verifies what the step did (statuses, balances, events), so
 * `npm run demo` fails loudly, with the step and what differed, if CareLedger misbehaves.
 */
import type { BaseContract, TransactionReceipt } from "ethers";

import { eventsIn } from "../../cli/events.js";

/** A step did not do what it should. */
export class DemoCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DemoCheckError";
  }
}

function show(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return value;
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === "bigint" ? inner.toString() : inner,
  );
}

function same(actual: unknown, expected: unknown): boolean {
  if (typeof expected === "string" && typeof actual === "string") {
    return actual.toLowerCase() === expected.toLowerCase();
  }
  if (typeof expected === "bigint" || typeof actual === "bigint") {
    try {
      return BigInt(actual as bigint) === BigInt(expected as bigint);
    } catch {
      return false;
    }
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return (
      expected.length === actual.length &&
      expected.every((item, index) => same(actual[index], item))
    );
  }
  return actual === expected;
}

export class Checks {
  /** How many checks passed. */
  count = 0;
  /** The step being checked, for messages. */
  step = "";

  #fail(message: string): never {
    throw new DemoCheckError(`${this.step}: ${message}`);
  }

  /** `condition`, or fail with `what`. */
  that(condition: boolean, what: string): void {
    if (!condition) this.#fail(what);
    this.count++;
  }

  /** `actual` equals `expected` (addresses case-insensitively, numbers as bigints). */
  equal(actual: unknown, expected: unknown, what: string): void {
    if (!same(actual, expected))
      this.#fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
    this.count++;
  }

  /** `contract` emitted `name` in `receipt` with (at least) these arguments. */
  emitted(
    receipt: TransactionReceipt,
    contract: BaseContract,
    name: string,
    args: Record<string, unknown> = {},
  ): void {
    const events = eventsIn(receipt, contract, name);
    if (events.length === 0) this.#fail(`expected a ${name} event, none was emitted`);
    const matching = events.find((event) =>
      Object.entries(args).every(([key, value]) => same(event.args.getValue(key), value)),
    );
    if (matching === undefined) {
      const seen = events
        .map((event) =>
          Object.keys(args)
            .map((key) => `${key}=${show(event.args.getValue(key))}`)
            .join(", "),
        )
        .join(" | ");
      this.#fail(
        `expected ${name}(${Object.entries(args)
          .map(([key, value]) => `${key}=${show(value)}`)
          .join(", ")}), got ${name}(${seen})`,
      );
    }
    this.count++;
  }
}
