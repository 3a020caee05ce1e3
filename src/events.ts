import { Interface, toBeHex, zeroPadValue, type Log, type LogDescription } from "ethers";

import {
  DEFAULT_LOG_CONCURRENCY,
  DEFAULT_MAX_BLOCK_RANGE,
  providerOf,
  type CareLedgerClient,
} from "./client.js";
import { CareLedgerError } from "./error.js";
import { iFeedbackAttestationsAbi, iRefundEscrowAbi, iSupportDeskAbi } from "./generated/abis.js";

/**
 * Event decoding for the history functions. The interfaces declare every event, so history is read the
 * same way whatever implementation is deployed behind them.
 */
export const deskEvents = new Interface(iSupportDeskAbi);
export const escrowEvents = new Interface(iRefundEscrowAbi);
export const feedbackEvents = new Interface(iFeedbackAttestationsAbi);

/** A decoded log with where it happened. */
export interface DecodedLog {
  name: string;
  description: LogDescription;
  log: Log;
}

/** The topic hash of event `name` of `iface`. */
export function topicOf(iface: Interface, name: string): string {
  const event = iface.getEvent(name);
  if (event === null) throw new CareLedgerError(`the ABI declares no event ${name}`);
  return event.topicHash;
}

/** A 32-byte topic of an indexed integer (an id). */
export function idTopic(id: bigint | number): string {
  return zeroPadValue(toBeHex(BigInt(id)), 32);
}

/** Where history queries start: the option, else the deployment's first block, else 0. */
export function fromBlockOf(client: CareLedgerClient, fromBlock: number | undefined): number {
  return fromBlock ?? client.addresses.deploymentBlock ?? 0;
}

/**
 * Whether a read asks for the whole history (no `fromBlock`, or one at or before the deployment's), which
 * is what the indexer holds; a later start is answered from logs.
 */
export function wholeHistory(client: CareLedgerClient, fromBlock: number | undefined): boolean {
  return (
    client.indexer !== undefined &&
    (fromBlock === undefined || fromBlock <= (client.addresses.deploymentBlock ?? 0))
  );
}

/** Blocks `from` to `to`; an open range reads to the node's latest block instead of `to`. */
interface BlockRange {
  from: number;
  to: number;
  open: boolean;
}

/**
 * The logs of `address` matching `topics` from `fromBlock` on, in chain order. The history is read in
 * ranges of at most `maxBlockRange` blocks, `concurrency` at a time. The last range asks for the node's
 * `latest` rather than the head read first, which the provider may have cached for a moment: a log the
 * caller just waited for is never missed. A range the node fails is read again as two halves, left
 * first, down to single blocks: nodes limit a reply by its results or its size as well as by its range
 * (a whole-history read of 100,000 tickets' refunds came back as an empty reply), and the error does not
 * say which. An error that is not about size fails a single block too, so it is thrown after about
 * log2(range) tries, not one per block.
 */
export async function readLogs(
  client: CareLedgerClient,
  address: string,
  topics: (string | string[] | null)[],
  fromBlock: number,
): Promise<Log[]> {
  const provider = providerOf(client);
  const maxRange = client.logs?.maxBlockRange ?? DEFAULT_MAX_BLOCK_RANGE;
  const head = await provider.getBlockNumber();
  const ranges: BlockRange[] = [];
  let from = fromBlock;
  for (; head - from + 1 > maxRange; from += maxRange) {
    ranges.push({ from, to: from + maxRange - 1, open: false });
  }
  ranges.push({ from, to: Math.max(from, head), open: true });

  const read = async ({ from, to, open }: BlockRange): Promise<Log[]> => {
    try {
      return await provider.getLogs({
        address,
        topics,
        fromBlock: from,
        toBlock: open ? "latest" : to,
      });
    } catch (error) {
      if (from === to) throw error;
      const middle = from + Math.floor((to - from) / 2);
      const left = await read({ from, to: middle, open: false });
      return [...left, ...(await read({ from: middle + 1, to, open }))];
    }
  };
  const concurrency = client.logs?.concurrency ?? DEFAULT_LOG_CONCURRENCY;
  return (await mapLimit(ranges, concurrency, read)).flat();
}

/** Reads (see `readLogs`) and decodes logs of one contract; logs of events the ABI does not know are skipped. */
export async function fetchLogs(
  client: CareLedgerClient,
  iface: Interface,
  address: string,
  topics: (string | string[] | null)[],
  fromBlock: number,
): Promise<DecodedLog[]> {
  const logs = await readLogs(client, address, topics, fromBlock);
  const decoded: DecodedLog[] = [];
  for (const log of logs) {
    const description = iface.parseLog({ topics: [...log.topics], data: log.data });
    if (description !== null) decoded.push({ name: description.name, description, log });
  }
  return decoded;
}

/** Orders logs as the chain did: by block, then by position in the block. */
export function byChainOrder(a: DecodedLog, b: DecodedLog): number {
  return a.log.blockNumber - b.log.blockNumber || a.log.index - b.log.index;
}

/** Block timestamps, each block fetched once. */
export function blockTimes(client: CareLedgerClient): (blockNumber: number) => Promise<number> {
  const provider = providerOf(client);
  const cache = new Map<number, Promise<number>>();
  return (blockNumber) => {
    let time = cache.get(blockNumber);
    if (time === undefined) {
      time = provider.getBlock(blockNumber).then((block) => {
        if (block === null) throw new CareLedgerError(`block ${blockNumber} is not available`);
        return block.timestamp;
      });
      cache.set(blockNumber, time);
    }
    return time;
  };
}

// Typed reads of decoded event arguments (ethers gives `any`; these check what they return).

export function argBigInt(log: DecodedLog, name: string): bigint {
  const value: unknown = log.description.args.getValue(name);
  if (typeof value !== "bigint") throw new CareLedgerError(`${log.name}.${name} is not an integer`);
  return value;
}

export function argNumber(log: DecodedLog, name: string): number {
  return Number(argBigInt(log, name));
}

export function argString(log: DecodedLog, name: string): string {
  const value: unknown = log.description.args.getValue(name);
  if (typeof value !== "string") throw new CareLedgerError(`${log.name}.${name} is not a string`);
  return value;
}

export function argBool(log: DecodedLog, name: string): boolean {
  const value: unknown = log.description.args.getValue(name);
  if (typeof value !== "boolean") throw new CareLedgerError(`${log.name}.${name} is not a boolean`);
  return value;
}

/**
 * Maps `items` through `fn` with at most `limit` calls in flight: a merchant with thousands of tickets
 * should not fire thousands of simultaneous requests at a public RPC endpoint.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
