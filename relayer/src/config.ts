/** The relayer's configuration, read from the environment (documented in relayer/.env.example). */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { addressesFromIgnition, deployments, type CareLedgerAddresses } from "careledger";

export interface RelayerConfig {
  privateKey: string;
  rpcUrl: string;
  host: string;
  port: number;
  rateLimit: { limit: number; windowMs: number };
  corsOrigin: string;
  maxGas: bigint;
  /** The Ignition file to read the addresses from; undefined: the package's recorded deployment. */
  addressesFile: string | undefined;
}

/** The repository's root: local deployments are recorded under its deploy/deployments/. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): RelayerConfig {
  const privateKey = env.RELAYER_PRIVATE_KEY;
  if (privateKey === undefined || !/^(0x)?[0-9a-fA-F]{64}$/.test(privateKey)) {
    throw new Error(
      "RELAYER_PRIVATE_KEY must be set to the relayer's funded key (32 bytes of hex)",
    );
  }
  return {
    privateKey,
    rpcUrl: env.RPC_URL ?? "http://127.0.0.1:8545",
    host: env.HOST ?? "127.0.0.1",
    port: positiveInteger(env, "PORT", 8787),
    rateLimit: {
      limit: positiveInteger(env, "RATE_LIMIT", 10),
      windowMs: positiveInteger(env, "RATE_WINDOW_SECONDS", 60) * 1000,
    },
    corsOrigin: env.CORS_ORIGIN ?? "*",
    maxGas: BigInt(positiveInteger(env, "MAX_GAS", 2_000_000)),
    addressesFile: env.CARELEDGER_ADDRESSES_FILE,
  };
}

/**
 * CareLedger's addresses on chain `chainId`: the configured Ignition file, else the package's recorded
 * deployment, else the local Ignition record (deploy/deployments/chain-<id>/) of `npm run deploy`.
 */
export function addressesOf(config: RelayerConfig, chainId: number): CareLedgerAddresses {
  const file =
    config.addressesFile ??
    (deployments[chainId] === undefined
      ? path.join(ROOT, "deploy", "deployments", `chain-${chainId}`, "deployed_addresses.json")
      : undefined);
  if (file === undefined) return { ...(deployments[chainId] as CareLedgerAddresses) };
  return addressesFromIgnition(JSON.parse(readFileSync(file, "utf8")) as Record<string, string>);
}
