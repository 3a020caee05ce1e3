/**
 * Where the CareLedger contracts live for the indexer: the addresses and start blocks Ignition recorded
 * for one deployment (`deploy/deployments/<id>/`), plus the chain to read them from. Shared by
 * ponder.config.ts and the webhook worker, so both always look at the same contracts.
 *
 * Environment (all optional; the defaults are `npm run node` + `npm run deploy -- --network localhost`):
 * - `CARELEDGER_RPC_URL`          JSON-RPC endpoint (default http://127.0.0.1:8545)
 * - `CARELEDGER_CHAIN_ID`         chain id (default 31337)
 * - `CARELEDGER_DEPLOYMENT_DIR`   Ignition deployment folder (default deploy/deployments/chain-<id>)
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Address } from "viem";

/** The repository's root (this file is in indexer/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface DeployedContract {
  address: Address;
  /** The block of the deployment transaction: nothing of this contract happened before it. */
  startBlock: number;
}

export interface Deployment {
  chainId: number;
  rpcUrl: string;
  supportDesk: DeployedContract;
  refundEscrow: DeployedContract;
  feedbackAttestations: DeployedContract;
}

const FUTURES = {
  supportDesk: "CareLedger#SupportDesk",
  refundEscrow: "CareLedger#RefundEscrow",
  feedbackAttestations: "CareLedger#FeedbackAttestations",
} as const;

/** One line of Ignition's journal.jsonl that confirms a transaction. */
interface JournalConfirm {
  type: "TRANSACTION_CONFIRM";
  futureId: string;
  receipt: { blockNumber: number; contractAddress?: string };
}

function isConfirm(entry: unknown): entry is JournalConfirm {
  if (typeof entry !== "object" || entry === null) return false;
  const e = entry as Partial<JournalConfirm>;
  return (
    e.type === "TRANSACTION_CONFIRM" &&
    typeof e.futureId === "string" &&
    typeof e.receipt?.blockNumber === "number"
  );
}

export function loadDeployment(env: NodeJS.ProcessEnv = process.env): Deployment {
  const chainId = Number(env.CARELEDGER_CHAIN_ID ?? 31337);
  if (!Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new Error(
      `CARELEDGER_CHAIN_ID must be a positive integer, got ${env.CARELEDGER_CHAIN_ID}`,
    );
  }
  const rpcUrl = env.CARELEDGER_RPC_URL ?? "http://127.0.0.1:8545";
  const dir = path.resolve(
    repoRoot,
    env.CARELEDGER_DEPLOYMENT_DIR ?? path.join("deploy", "deployments", `chain-${chainId}`),
  );
  const addressesFile = path.join(dir, "deployed_addresses.json");
  if (!existsSync(addressesFile)) {
    throw new Error(
      `No CareLedger deployment at ${addressesFile}: deploy first (npm run deploy -- --network localhost) or set CARELEDGER_DEPLOYMENT_DIR`,
    );
  }
  const addresses = JSON.parse(readFileSync(addressesFile, "utf8")) as Record<string, string>;

  // The deployment block of each contract, from the receipts Ignition journaled. A deployment recorded
  // without its journal (copied from elsewhere) starts at block 0: slower, never wrong.
  const startBlocks = new Map<string, number>();
  const journalFile = path.join(dir, "journal.jsonl");
  if (existsSync(journalFile)) {
    for (const line of readFileSync(journalFile, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      const entry: unknown = JSON.parse(line);
      if (isConfirm(entry) && entry.receipt.contractAddress !== undefined) {
        startBlocks.set(entry.futureId, entry.receipt.blockNumber);
      }
    }
  }

  const contract = (futureId: string): DeployedContract => {
    const address = addresses[futureId];
    if (address === undefined || !/^0x[0-9a-fA-F]{40}$/.test(address)) {
      throw new Error(`${addressesFile} has no address for ${futureId}`);
    }
    return { address: address as Address, startBlock: startBlocks.get(futureId) ?? 0 };
  };
  return {
    chainId,
    rpcUrl,
    supportDesk: contract(FUTURES.supportDesk),
    refundEscrow: contract(FUTURES.refundEscrow),
    feedbackAttestations: contract(FUTURES.feedbackAttestations),
  };
}
