import { Interface, isHexString, type ErrorDescription, type InterfaceAbi } from "ethers";

import {
  erc2771ForwarderAbi,
  feedbackAttestationsAbi,
  iFeedbackAttestationsAbi,
  iRefundEscrowAbi,
  iSupportDeskAbi,
  refundEscrowAbi,
  supportDeskAbi,
} from "./generated/abis.js";

/** The CareLedger contracts whose errors `decodeRevert` knows. */
export type CareLedgerContractName =
  "SupportDesk" | "RefundEscrow" | "FeedbackAttestations" | "ERC2771Forwarder";

/** A custom error of a CareLedger contract, decoded from revert data. */
export interface DecodedRevert {
  /** The first contract (in this order) whose ABI declares the error. */
  contract: CareLedgerContractName;
  /** The error's name, for example `DeskInvalidTransition`. */
  name: string;
  /** The error's arguments by parameter name (by position when unnamed); integers are `bigint`. */
  args: Record<string, unknown>;
  /** The error's signature, for example `DeskUnknownTicket(uint256)`. */
  signature: string;
}

/** Each contract's errors: its implementation's ABI merged with its interface's. */
const DECODERS: readonly (readonly [CareLedgerContractName, ErrorDecoder])[] = [
  ["SupportDesk", merged(supportDeskAbi, iSupportDeskAbi)],
  ["RefundEscrow", merged(refundEscrowAbi, iRefundEscrowAbi)],
  ["FeedbackAttestations", merged(feedbackAttestationsAbi, iFeedbackAttestationsAbi)],
  ["ERC2771Forwarder", merged(erc2771ForwarderAbi)],
];

interface ErrorDecoder {
  iface: Interface;
  /** The selectors of the contract's own errors (not ethers' built-in `Error` and `Panic`). */
  selectors: ReadonlySet<string>;
}

function merged(...abis: readonly InterfaceAbi[]): ErrorDecoder {
  const seen = new Set<string>();
  const errors: string[] = [];
  for (const abi of abis) {
    for (const fragment of new Interface(abi).fragments) {
      if (fragment.type !== "error") continue;
      const signature = fragment.format("full");
      if (seen.has(signature)) continue;
      seen.add(signature);
      errors.push(signature);
    }
  }
  const iface = new Interface(errors);
  const selectors = new Set<string>();
  iface.forEachError((fragment) => selectors.add(fragment.selector));
  return { iface, selectors };
}

/** Where errors keep revert data: ethers and most providers `data`, viem `raw`. */
const DATA_KEYS = new Set(["data", "revertData", "raw"]);

/** Revert data found in an error: hex strings of at least a selector, under a data key, any depth. */
function revertDataIn(error: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, key: string, depth: number): void => {
    if (depth > 8) return;
    if (typeof value === "string") {
      if (DATA_KEYS.has(key) && isHexString(value) && value.length >= 10) {
        found.push(value);
      }
      return;
    }
    if (typeof value !== "object" || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const item of value) visit(item, key, depth + 1);
      return;
    }
    for (const [childKey, child] of Object.entries(value)) visit(child, childKey, depth + 1);
    // `cause` and `error` are often not enumerable.
    for (const childKey of ["data", "error", "cause", "info", "revert"]) {
      if (Object.prototype.propertyIsEnumerable.call(value, childKey)) continue;
      let child: unknown;
      try {
        child = (value as Record<string, unknown>)[childKey];
      } catch {
        continue; // a throwing getter
      }
      visit(child, childKey, depth + 1);
    }
  };
  if (typeof error === "string") visit(error, "data", 0);
  else visit(error, "", 0);
  return found;
}

function argsOf(description: ErrorDescription): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  description.fragment.inputs.forEach((input, index) => {
    const value: unknown = description.args[index];
    args[input.name === "" ? String(index) : input.name] = plain(value);
  });
  return args;
}

/** ethers `Result`s (arrays with names) into plain arrays. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return Array.from(value, plain);
  return value;
}

/**
 * Decodes the custom error in a failed call or transaction (an ethers error, however deeply the revert
 * data is nested, or the revert data itself) against the ABIs of all CareLedger contracts. Returns
 * `undefined` when there is no revert data or it matches none of them.
 */
export function decodeRevert(error: unknown): DecodedRevert | undefined {
  for (const data of revertDataIn(error)) {
    const selector = data.slice(0, 10).toLowerCase();
    for (const [contract, { iface, selectors }] of DECODERS) {
      if (!selectors.has(selector)) continue;
      try {
        const description = iface.parseError(data);
        if (description === null) continue;
        return {
          contract,
          name: description.name,
          args: argsOf(description),
          signature: description.signature,
        };
      } catch {
        // Data too short for the error's parameters: try the next candidate.
      }
    }
  }
  return undefined;
}
