import { getAddress, isAddress } from "ethers";

import { CareLedgerError } from "./error.js";
import { recordedDeployments } from "./generated/deployments.js";

/** Where CareLedger's four contracts live on one chain. */
export interface CareLedgerAddresses {
  /** The OpenZeppelin `ERC2771Forwarder` the three contracts trust (EIP-712 domain "CareLedger"). */
  forwarder: string;
  supportDesk: string;
  refundEscrow: string;
  feedbackAttestations: string;
  /**
   * The block of the deployment's first transaction, when known: history queries (`ticketTimeline`,
   * `merchantReport`) start there instead of at block 0.
   */
  deploymentBlock?: number;
}

/** The addresses recorded by Ignition for each public chain the package was built with, by chain id. */
export const deployments: Readonly<Record<number, Readonly<CareLedgerAddresses>>> =
  recordedDeployments;

/** The Ignition futures of the `CareLedger` module, by address field. */
const IGNITION_KEYS = {
  forwarder: "CareLedger#Forwarder",
  supportDesk: "CareLedger#SupportDesk",
  refundEscrow: "CareLedger#RefundEscrow",
  feedbackAttestations: "CareLedger#FeedbackAttestations",
} as const;

function chainIdNumber(chainId: bigint | number): number {
  const id = Number(chainId);
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new CareLedgerError(`${String(chainId)} is not a chain id`);
  }
  return id;
}

/** CareLedger's addresses on chain `chainId`; throws `CareLedgerError` when none are recorded. */
export function addressesFor(chainId: bigint | number): CareLedgerAddresses {
  const id = chainIdNumber(chainId);
  const recorded = deployments[id];
  if (recorded === undefined) {
    const known = Object.keys(deployments);
    throw new CareLedgerError(
      `no CareLedger deployment is recorded for chain ${id} (this package knows ` +
        `${known.length === 0 ? "no chain" : `chains ${known.join(", ")}`}); pass the addresses to ` +
        `connect(), for example addressesFromIgnition() of deploy/deployments/chain-${id}/deployed_addresses.json`,
    );
  }
  return { ...recorded };
}

/**
 * Reads the addresses out of an Ignition `deployed_addresses.json` (keys `CareLedger#SupportDesk`, ...).
 * Throws `CareLedgerError` naming the keys that are missing or not addresses.
 */
export function addressesFromIgnition(json: Record<string, string>): CareLedgerAddresses {
  const problems: string[] = [];
  const read = (key: string): string => {
    const value = json[key];
    if (typeof value !== "string" || !isAddress(value)) {
      problems.push(value === undefined ? `${key} is missing` : `${key} is not an address`);
      return "";
    }
    return getAddress(value);
  };
  const addresses: CareLedgerAddresses = {
    forwarder: read(IGNITION_KEYS.forwarder),
    supportDesk: read(IGNITION_KEYS.supportDesk),
    refundEscrow: read(IGNITION_KEYS.refundEscrow),
    feedbackAttestations: read(IGNITION_KEYS.feedbackAttestations),
  };
  if (problems.length > 0) {
    throw new CareLedgerError(`not a CareLedger deployment: ${problems.join("; ")}`);
  }
  return addresses;
}
