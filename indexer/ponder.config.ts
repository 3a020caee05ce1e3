import { feedbackAttestationsAbi, refundEscrowAbi, supportDeskAbi } from "careledger/abis";
import { createConfig } from "ponder";

import { loadDeployment } from "./deployment.ts";

/**
 * CareLedger's three contracts on one chain, from the package's `as const` ABIs and the addresses
 * Ignition recorded (deployment.ts documents the environment). Storage: PGlite in
 * `.ponder/pglite` unless `DATABASE_URL` is set, then Postgres (Ponder's own rule).
 */
const deployment = loadDeployment();

/**
 * Local development chains: their block numbers and hashes repeat every time a node restarts, so
 * Ponder's RPC cache (keyed by chain id) would serve another chain's logs. `CARELEDGER_LOCAL_CHAIN=true`
 * marks any other chain id as local too (the tests run nodes with their own chain ids).
 */
const LOCAL_CHAINS = new Set([31337, 1337]);
const local = LOCAL_CHAINS.has(deployment.chainId) || process.env.CARELEDGER_LOCAL_CHAIN === "true";

export default createConfig({
  // PGlite's folder can be moved (PONDER_PGLITE_DIR); with DATABASE_URL set, Postgres is used instead.
  ...(process.env.DATABASE_URL === undefined
    ? {
        database: {
          kind: "pglite" as const,
          directory: process.env.PONDER_PGLITE_DIR ?? ".ponder/pglite",
        },
      }
    : {}),
  chains: {
    careledger: {
      id: deployment.chainId,
      rpc: deployment.rpcUrl,
      pollingInterval: Number(process.env.PONDER_POLLING_INTERVAL ?? 1_000),
      disableCache: local,
    },
  },
  contracts: {
    SupportDesk: {
      chain: "careledger",
      abi: supportDeskAbi,
      address: deployment.supportDesk.address,
      startBlock: deployment.supportDesk.startBlock,
    },
    RefundEscrow: {
      chain: "careledger",
      abi: refundEscrowAbi,
      address: deployment.refundEscrow.address,
      startBlock: deployment.refundEscrow.startBlock,
    },
    FeedbackAttestations: {
      chain: "careledger",
      abi: feedbackAttestationsAbi,
      address: deployment.feedbackAttestations.address,
      startBlock: deployment.feedbackAttestations.startBlock,
    },
  },
});
