/** The app's configuration: Vite's VITE_* variables, read once (see app/.env.example). */
import { addressesFor, addressesFromIgnition, type CareLedgerAddresses } from "careledger";

export interface AppConfig {
  chainId: number;
  chainName: string;
  rpcUrl: string;
  addresses: CareLedgerAddresses;
  /** Set: customers' actions go through this relayer and cost them no gas. */
  relayerUrl: string | undefined;
  /**
   * Set: CareLedger's indexer (`indexer/`), which answers timelines, reports, ticket lists and the
   * console's open refunds while it is up to date with the chain; unset, unreachable or behind: the app rebuilds them from logs.
   */
  indexerUrl: string | undefined;
}

/** Builds the configuration from an environment (Vite's `import.meta.env`, or a test's object). */
export function configFrom(env: Record<string, string | undefined>): AppConfig {
  const chainId = Number(env.VITE_CHAIN_ID ?? "31337");
  if (!Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new Error(`VITE_CHAIN_ID must be a chain id, got "${env.VITE_CHAIN_ID ?? ""}"`);
  }
  const raw = env.VITE_CARELEDGER_ADDRESSES;
  const addresses =
    raw === undefined || raw === ""
      ? addressesFor(chainId)
      : addressesFromIgnition(JSON.parse(raw) as Record<string, string>);
  const deploymentBlock = Number(env.VITE_DEPLOYMENT_BLOCK ?? addresses.deploymentBlock ?? 0);
  const relayerUrl = env.VITE_RELAYER_URL;
  const indexerUrl = env.VITE_CARELEDGER_INDEXER_URL;
  return {
    chainId,
    chainName: env.VITE_CHAIN_NAME ?? (chainId === 31337 ? "Hardhat (local)" : `Chain ${chainId}`),
    rpcUrl: env.VITE_RPC_URL ?? "http://127.0.0.1:8545",
    addresses: { ...addresses, deploymentBlock },
    relayerUrl: relayerUrl === undefined || relayerUrl === "" ? undefined : relayerUrl,
    indexerUrl: indexerUrl === undefined || indexerUrl === "" ? undefined : indexerUrl,
  };
}
