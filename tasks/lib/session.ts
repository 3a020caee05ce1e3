/**
 * How a task reaches CareLedger, as any user of the package would: the network Hardhat was given
 * (`--network`), an account of that network (`--from`), the addresses Ignition recorded for the chain
 * (or `--addresses`), and the package's `connect`.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { getAddress, isAddress, type Provider } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";

import {
  addressesFor,
  addressesFromIgnition,
  connect,
  type CareLedgerAddresses,
  type CareLedgerClient,
} from "../../src/index.js";

import { TaskError } from "../../cli/errors.js";

/** The options every CareLedger task takes. */
export interface CommonArgs {
  /** The signing account: an address or an index into the network's accounts; "" = the first. */
  from: string;
  /** A deployed_addresses.json file or inline JSON; "" = what Ignition recorded for the chain. */
  addresses: string;
  /** How many confirmations to wait for. */
  confirmations: number;
}

/** What `openSession` reads: read-only tasks have only `addresses`. */
export type SessionArgs = Pick<CommonArgs, "addresses"> & Partial<CommonArgs>;

export interface Session {
  connection: NetworkConnection;
  /** The network's name as given to `--network` (`default` without it: Hardhat's in-process chain). */
  networkName: string;
  chainId: bigint;
  provider: Provider;
  addresses: CareLedgerAddresses;
  /** Connected with the signer for sending tasks, with the provider for read-only ones. */
  client: CareLedgerClient;
  /** The signing account (sending tasks only). */
  signer: HardhatEthersSigner | undefined;
  confirmations: number;
}

/** The connection to the network Hardhat was given; the same one the process shares (`getOrCreate`). */
export async function taskConnection(hre: HardhatRuntimeEnvironment): Promise<NetworkConnection> {
  return await hre.network.getOrCreate();
}

/** Connects a task: network, account, addresses, client. Fails with a sentence saying what to do. */
export async function openSession(
  hre: HardhatRuntimeEnvironment,
  args: SessionArgs,
  options: { sign: boolean },
): Promise<Session> {
  const connection = await taskConnection(hre);
  const networkName = connection.networkName;
  const provider = connection.ethers.provider;
  const chainId = (await provider.getNetwork()).chainId;

  const confirmations = args.confirmations ?? 1;
  if (!Number.isInteger(confirmations) || confirmations < 1) {
    throw new TaskError(`--confirmations must be 1 or more (got ${confirmations})`);
  }

  const inProcess = connection.networkConfig.type === "edr-simulated";
  const addresses = await resolveAddresses(hre, args.addresses, networkName, chainId, inProcess);
  if ((await provider.getCode(addresses.supportDesk)) === "0x") {
    throw new TaskError(
      `CareLedger is not deployed on network "${networkName}" (chain ${chainId}): there is no contract at ` +
        `the SupportDesk address ${addresses.supportDesk}. ${deployHint(networkName, inProcess)}`,
    );
  }

  const signer = options.sign
    ? await resolveSigner(connection, args.from ?? "", networkName)
    : undefined;
  const client = await connect(signer ?? provider, chainId, addresses);
  return {
    connection,
    networkName,
    chainId,
    provider,
    addresses,
    client,
    signer,
    confirmations,
  };
}

function deployHint(networkName: string, inProcess: boolean): string {
  if (inProcess) {
    return (
      "The in-process network starts empty every run: start a node with `npm run node`, deploy with " +
      "`npm run deploy -- --network localhost` and use `--network localhost`, or try `npm run demo`."
    );
  }
  return `Run \`npm run deploy -- --network ${networkName}\` first, or pass --addresses.`;
}

/** Where Ignition records the deployment of chain `chainId` (`deploy/deployments/chain-<id>/…`). */
export function ignitionAddressesFile(hre: HardhatRuntimeEnvironment, chainId: bigint): string {
  return path.join(
    hre.config.paths.ignition,
    "deployments",
    `chain-${chainId}`,
    "deployed_addresses.json",
  );
}

async function resolveAddresses(
  hre: HardhatRuntimeEnvironment,
  option: string,
  networkName: string,
  chainId: bigint,
  inProcess: boolean,
): Promise<CareLedgerAddresses> {
  if (option.trim() !== "") return parseAddressesOption(option.trim());

  const file = ignitionAddressesFile(hre, chainId);
  if (existsSync(file)) return addressesFromJson(await readFile(file, "utf8"), file);

  // Not deployed from this checkout: the package may still know a public deployment of the chain.
  try {
    return addressesFor(chainId);
  } catch {
    throw new TaskError(
      `CareLedger is not deployed on network "${networkName}" (chain ${chainId}): ` +
        `${path.relative(hre.config.paths.root, file)} does not exist. ${deployHint(networkName, inProcess)}`,
    );
  }
}

/** `--addresses`: inline JSON, or the path of a JSON file; Ignition's format or the package's. */
export async function parseAddressesOption(option: string): Promise<CareLedgerAddresses> {
  if (option.startsWith("{")) return addressesFromJson(option, "--addresses");
  if (!existsSync(option)) throw new TaskError(`--addresses: there is no file ${option}`);
  return addressesFromJson(await readFile(option, "utf8"), option);
}

function addressesFromJson(text: string, source: string): CareLedgerAddresses {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TaskError(`${source} is not valid JSON`);
  }
  if (typeof json !== "object" || json === null)
    throw new TaskError(`${source} is not a JSON object`);
  const record = json as Record<string, string>;
  const names = ["forwarder", "supportDesk", "refundEscrow", "feedbackAttestations"] as const;
  if (names.every((name) => typeof record[name] === "string")) {
    const addresses = {} as CareLedgerAddresses;
    for (const name of names)
      addresses[name] = checkedAddress(record[name] ?? "", `${source}: ${name}`);
    return addresses;
  }
  try {
    return addressesFromIgnition(record);
  } catch (error) {
    throw new TaskError(
      `${source} holds no CareLedger addresses (expected Ignition's "CareLedger#SupportDesk"… keys, or ` +
        `forwarder/supportDesk/refundEscrow/feedbackAttestations)`,
      { cause: error },
    );
  }
}

function checkedAddress(value: string, what: string): string {
  if (!isAddress(value)) throw new TaskError(`${what} "${value}" is not an address`);
  return getAddress(value);
}

/** The account given to `--from` (or `option`): an address or an index, among the network's accounts. */
export async function resolveSigner(
  connection: NetworkConnection,
  from: string,
  networkName: string,
  option = "--from",
): Promise<HardhatEthersSigner> {
  const signers = await connection.ethers.getSigners();
  if (signers.length === 0) {
    throw new TaskError(
      `network "${networkName}" has no account to sign with: ` +
        (networkName === "remote"
          ? "set DEPLOYER_PRIVATE_KEY (in .env, or `npx hardhat keystore set DEPLOYER_PRIVATE_KEY`)"
          : "add `accounts` to its entry in hardhat.config.ts"),
    );
  }
  const wanted = from.trim();
  if (wanted === "") return signers[0] as HardhatEthersSigner;
  if (/^\d+$/.test(wanted)) {
    const signer = signers[Number(wanted)];
    if (signer === undefined) {
      throw new TaskError(
        `${option} ${wanted}: network "${networkName}" has ${signers.length} account(s), #0 to #${signers.length - 1}`,
      );
    }
    return signer;
  }
  if (!isAddress(wanted)) {
    throw new TaskError(`${option} "${from}" is neither an address nor an account index`);
  }
  const signer = signers.find((candidate) => candidate.address === getAddress(wanted));
  if (signer === undefined) {
    throw new TaskError(
      `${option} ${wanted} is not an account this network can sign with; its accounts are ` +
        signers
          .slice(0, 5)
          .map((candidate, index) => `#${index} ${candidate.address}`)
          .join(", ") +
        (signers.length > 5 ? ", …" : ""),
    );
  }
  return signer;
}
