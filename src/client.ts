import type { ContractRunner, Provider } from "ethers";

import { addressesFor, type CareLedgerAddresses } from "./addresses.js";
import {
  ERC2771Forwarder__factory,
  FeedbackAttestations__factory,
  RefundEscrow__factory,
  SupportDesk__factory,
  type ERC2771Forwarder,
  type FeedbackAttestations,
  type RefundEscrow,
  type SupportDesk,
} from "./bindings.js";
import { CareLedgerError } from "./error.js";
import type { IndexerOptions } from "./indexer.js";

/** How history reads ask the node for logs (`ConnectOptions.logs`). */
export interface LogReadOptions {
  /**
   * The widest block range one `eth_getLogs` asks for (default 10,000, within what hosted nodes accept).
   * A range the node refuses anyway (too many results, a response too large) is halved until it answers.
   */
  maxBlockRange?: number;
  /** How many ranges are read at once (default 4). */
  concurrency?: number;
}

export const DEFAULT_MAX_BLOCK_RANGE = 10_000;
export const DEFAULT_LOG_CONCURRENCY = 4;

/** Checks `options` once, when the client is made, so a bad value fails at `connect`, not mid-read. */
function checkLogReadOptions(options: LogReadOptions): LogReadOptions {
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined && (!Number.isSafeInteger(value) || (value as number) < 1)) {
      throw new RangeError(`logs.${name} must be a positive integer, got ${String(value)}`);
    }
  }
  return { ...options };
}

/** CareLedger's four contracts on one chain, connected to one runner (a signer or a provider). */
export interface CareLedgerClient {
  chainId: bigint;
  addresses: CareLedgerAddresses;
  desk: SupportDesk;
  escrow: RefundEscrow;
  feedback: FeedbackAttestations;
  forwarder: ERC2771Forwarder;
  /**
   * CareLedger's indexer, when configured: `ticketTimeline`, `merchantReport`, `merchantQueue` and
   * `customerTickets` read from it while it is up to date, and from logs otherwise.
   */
  indexer?: IndexerOptions;
  /** How history reads without the indexer split their log queries (`ConnectOptions.logs`). */
  logs?: LogReadOptions;
}

/** Options of `connect` besides the chain and the addresses. */
export interface ConnectOptions {
  /**
   * The indexer's base URL (the repository's `indexer/`), or its full options. Unset, empty or
   * unreachable: every history read is rebuilt from logs.
   */
  indexer?: string | IndexerOptions;
  /**
   * How the log scans that stand in for the indexer read history: at most `maxBlockRange` blocks per
   * `eth_getLogs` (default 10,000; lower it for a node with a tighter limit), `concurrency` at a time
   * (default 4). A range the node fails is halved and read again, so the default also works against a
   * node that limits results or reply size instead of blocks.
   */
  logs?: LogReadOptions;
}

/**
 * Connects to CareLedger. `chainId` defaults to the runner's provider's network, `addresses` to the
 * deployment recorded for that chain (`addressesFor`). Pass a signer to send transactions, a provider to
 * read only. `options.indexer` names CareLedger's indexer, which then answers history reads that it has
 * indexed up to the provider's latest block (see `IndexerOptions`).
 */
export async function connect(
  runner: ContractRunner,
  chainId?: bigint | number,
  addresses?: CareLedgerAddresses,
  options: ConnectOptions = {},
): Promise<CareLedgerClient> {
  let id: bigint;
  if (chainId !== undefined) {
    id = BigInt(chainId);
  } else {
    const provider = runner.provider;
    if (provider === null) {
      throw new CareLedgerError(
        "the runner has no provider, so the chain id is unknown: pass it to connect()",
      );
    }
    id = (await provider.getNetwork()).chainId;
  }
  const where = addresses ?? addressesFor(id);
  const indexer =
    typeof options.indexer === "string" ? { indexerUrl: options.indexer } : options.indexer;
  const logs = options.logs === undefined ? undefined : checkLogReadOptions(options.logs);
  return {
    ...(logs === undefined ? {} : { logs }),
    ...(indexer === undefined || indexer.indexerUrl === "" ? {} : { indexer: { ...indexer } }),
    chainId: id,
    addresses: { ...where },
    desk: SupportDesk__factory.connect(where.supportDesk, runner),
    escrow: RefundEscrow__factory.connect(where.refundEscrow, runner),
    feedback: FeedbackAttestations__factory.connect(where.feedbackAttestations, runner),
    forwarder: ERC2771Forwarder__factory.connect(where.forwarder, runner),
  };
}

/** The client's provider, for log queries; throws `CareLedgerError` when its runner has none. */
export function providerOf(client: CareLedgerClient): Provider {
  const provider = client.desk.runner?.provider ?? null;
  if (provider === null) {
    throw new CareLedgerError(
      "the client's runner has no provider: connect() with a provider or a signer that has one",
    );
  }
  return provider;
}
