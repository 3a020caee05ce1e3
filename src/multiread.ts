import type { Interface, Result } from "ethers";

import type { CareLedgerClient } from "./client.js";
import { mapLimit } from "./events.js";

/** Reads per `multicall` (one `eth_call`), and such calls in flight at once. */
const READS_PER_CALL = 100;
const CALL_CONCURRENCY = 4;

/**
 * The desk's view `functionName` for each id, `READS_PER_CALL` per `eth_call` through the desk's
 * `multicall` (OpenZeppelin's): a history of thousands of tickets is read in tens of calls, not
 * thousands. Results come back decoded, in the order of `ids`.
 */
export async function readDeskViews(
  client: CareLedgerClient,
  functionName: "getTicket" | "statusOf",
  ids: readonly bigint[],
): Promise<Result[]> {
  // The plain `Interface` (the typed one's overloads do not take a union of names).
  const iface: Interface = client.desk.interface;
  const batches: bigint[][] = [];
  for (let i = 0; i < ids.length; i += READS_PER_CALL)
    batches.push(ids.slice(i, i + READS_PER_CALL));
  const results = await mapLimit(batches, CALL_CONCURRENCY, (batch) =>
    client.desk.multicall.staticCall(
      batch.map((id) => iface.encodeFunctionData(functionName, [id])),
    ),
  );
  return results.flat().map((data) => iface.decodeFunctionResult(functionName, data));
}
