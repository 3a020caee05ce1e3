import type { CareLedgerClient } from "./client.js";
import { providerOf } from "./client.js";

/**
 * Where the SDK's history reads (`ticketTimeline`, `merchantReport`, `merchantQueue`,
 * `customerTickets`, `merchantRefunds`) may be answered from: CareLedger's indexer (the repository's `indexer/`, Ponder).
 * Without it, or whenever the indexer cannot be trusted for a read, the SDK rebuilds the answer from the
 * chain's logs and views, as it always did.
 */
export interface IndexerOptions {
  /** The indexer's base URL, for example `http://127.0.0.1:42069`. */
  indexerUrl: string;
  /**
   * How many blocks the indexer may be behind the provider's latest block and still answer (default 0:
   * it must have indexed the block the provider reports, so an answer is never older than a log scan
   * made at the same moment).
   */
  maxLagBlocks?: number;
  /** How long one request to the indexer may take before the SDK falls back to logs (default 5,000 ms). */
  timeoutMs?: number;
  /** The `fetch` to use; default: the global one. */
  fetch?: typeof globalThis.fetch;
  /**
   * Called when a read falls back to logs although an indexer is configured, with the reason (unreachable,
   * behind, another chain, an error answer). For logs and metrics; the read itself still succeeds.
   */
  onFallback?: (reason: string) => void;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/** Ponder's `/status`: per chain name, its id and the last block indexed. */
type PonderStatus = Record<string, { id?: unknown; block?: { number?: unknown } } | undefined>;

/** The last block the indexer has indexed of chain `chainId`, or a reason why it cannot say. */
function indexedBlock(status: unknown, chainId: bigint): number | string {
  if (typeof status !== "object" || status === null) return "its /status is not an object";
  for (const chain of Object.values(status as PonderStatus)) {
    if (chain === undefined || chain.id === undefined) continue;
    if (BigInt(String(chain.id)) !== chainId) continue;
    const block = chain.block?.number;
    return typeof block === "number" ? block : `its /status has no block for chain ${chainId}`;
  }
  return `it does not index chain ${chainId}`;
}

async function getJson(options: IndexerOptions, path: string): Promise<unknown> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const url = `${options.indexerUrl.replace(/\/+$/, "")}${path}`;
  const response = await doFetch(url, {
    headers: { accept: "application/json" },
    signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
  return response.json() as Promise<unknown>;
}

/**
 * Reads `path` from the client's indexer and converts it with `parse`, when an indexer is configured and
 * it has indexed the provider's latest block (less the allowed lag); `undefined` otherwise (unreachable,
 * behind, another chain, an error answer, a shape `parse` refuses), after telling `onFallback` why. The
 * status is read before the answer, so the answer is at least as recent as the block that was checked.
 */
export async function fromIndexer<T>(
  client: CareLedgerClient,
  path: string,
  parse: (json: unknown) => T,
): Promise<T | undefined> {
  const options = client.indexer;
  if (options === undefined) return undefined;
  try {
    const [status, head] = await Promise.all([
      getJson(options, "/status"),
      providerOf(client).getBlockNumber(),
    ]);
    const block = indexedBlock(status, client.chainId);
    if (typeof block === "string") throw new Error(block);
    const lag = options.maxLagBlocks ?? 0;
    if (block < head - lag) {
      throw new Error(
        `it has indexed block ${block}, the chain is at ${head} (lag allowed: ${lag})`,
      );
    }
    return parse(await getJson(options, path));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    options.onFallback?.(`indexer ${options.indexerUrl} not used for ${path}: ${reason}`);
    return undefined;
  }
}
