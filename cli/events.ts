/**
 * Reads what a transaction did from its receipt: the events a CareLedger contract emitted in it.
 */
import type { BaseContract, LogDescription, TransactionReceipt } from "ethers";

/** The `name` events that `contract` emitted in `receipt`, decoded. */
export function eventsIn(
  receipt: TransactionReceipt,
  contract: BaseContract,
  name: string,
): LogDescription[] {
  const target = String(contract.target).toLowerCase();
  const found: LogDescription[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== target) continue;
    let parsed: LogDescription | null;
    try {
      parsed = contract.interface.parseLog({ topics: [...log.topics], data: log.data });
    } catch {
      continue;
    }
    if (parsed?.name === name) found.push(parsed);
  }
  return found;
}

/** The one `name` event of `receipt`; throws if the contract did not emit it (a bug, not a user error). */
export function eventIn(
  receipt: TransactionReceipt,
  contract: BaseContract,
  name: string,
): LogDescription {
  const [event] = eventsIn(receipt, contract, name);
  if (event === undefined) throw new Error(`transaction ${receipt.hash} emitted no ${name}`);
  return event;
}
