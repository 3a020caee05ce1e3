import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ZeroHash, keccak256, toUtf8Bytes } from "ethers";

import { careLedgerFixture, type CareLedgerFixture, type Connection } from "./fixture.js";

/** `SupportDesk.Status`, in declaration order. */
export const Status = {
  None: 0,
  Open: 1,
  InProgress: 2,
  AwaitingCustomer: 3,
  Resolved: 4,
  Closed: 5,
  Escalated: 6,
  Cancelled: 7,
} as const;

/** The merchant the `admin`, `agent` and `agent2` actors work for. */
export const MERCHANT = 1n;
/** A second merchant (admin `otherAdmin`), to check that merchants are isolated. */
export const OTHER_MERCHANT = 2n;
/**
 * The fixture's ticket 1: `customer2`'s closed ticket at merchant 1, rated `SEED_RATING` with no comment,
 * so merchant 1 starts with one rating, the typical state in which `attest` is measured.
 */
export const SEED_TICKET = 1n;
export const SEED_RATING = 3n;
/** `FeedbackAttestations.maxAmendments()`. */
export const MAX_AMENDMENTS = 15n;

/** A stand-in 32-byte commitment for a named off-chain document. */
export function hashOf(label: string): string {
  return keccak256(toUtf8Bytes(label));
}

/** The documented feedback id encoding: `ticketId << 8 | revision`. */
export function feedbackIdOf(ticketId: bigint, revision: bigint | number = 0n): bigint {
  return (ticketId << 8n) | BigInt(revision);
}

/**
 * CareLedger with merchant 1 (admin `admin`, agents `agent` and `agent2`; one rating already, see
 * `SEED_TICKET`) and merchant 2 (`otherAdmin`; no ratings).
 */
export type FeedbackFixture = CareLedgerFixture;

/**
 * The feedback suites' fixture: the real Ignition deployment plus two registered merchants. Create it
 * once per file and wrap it in `loadFixture`:
 *
 * ```ts
 * const deployFeedbackFixture = feedbackFixture(connection);
 * const fx = await connection.networkHelpers.loadFixture(deployFeedbackFixture);
 * ```
 */
export function feedbackFixture(connection: Connection): () => Promise<FeedbackFixture> {
  const deployCareLedgerFixture = careLedgerFixture(connection);
  return async function deployFeedbackFixture(): Promise<FeedbackFixture> {
    const fx = await deployCareLedgerFixture();
    const { desk, admin, agent, agent2, otherAdmin } = fx;
    await desk.registerMerchant(admin.address, hashOf("merchant 1 profile"));
    await desk.connect(admin).setAgent(MERCHANT, agent.address, true);
    await desk.connect(admin).setAgent(MERCHANT, agent2.address, true);
    await desk.registerMerchant(otherAdmin.address, hashOf("merchant 2 profile"));
    const seeded = await closedTicket(fx, fx.customer2);
    if (seeded !== SEED_TICKET)
      throw new Error(`the seeded ticket is ${seeded}, not ${SEED_TICKET}`);
    await fx.feedback.connect(fx.customer2).attest(seeded, SEED_RATING, ZeroHash);
    return fx;
  };
}

/** Opens a ticket at `merchantId` as `customer` and returns its id. */
export async function openTicket(
  fx: FeedbackFixture,
  customer: HardhatEthersSigner = fx.customer,
  merchantId: bigint = MERCHANT,
): Promise<bigint> {
  const label = `order ${await fx.desk.ticketCount()}`;
  await fx.desk
    .connect(customer)
    .openTicket(merchantId, hashOf(label), hashOf(`${label} message`), 1);
  return fx.desk.ticketCount();
}

/** Opens a ticket and has the merchant's staff resolve it; returns its id (status `Resolved`). */
export async function resolvedTicket(
  fx: FeedbackFixture,
  customer: HardhatEthersSigner = fx.customer,
  merchantId: bigint = MERCHANT,
): Promise<bigint> {
  const ticketId = await openTicket(fx, customer, merchantId);
  const staff = merchantId === MERCHANT ? fx.agent : fx.otherAdmin;
  await fx.desk.connect(staff).resolveTicket(ticketId, hashOf(`resolution of ${ticketId}`));
  return ticketId;
}

/** A resolved ticket that its customer then confirmed (status `Closed`). */
export async function closedTicket(
  fx: FeedbackFixture,
  customer: HardhatEthersSigner = fx.customer,
  merchantId: bigint = MERCHANT,
): Promise<bigint> {
  const ticketId = await resolvedTicket(fx, customer, merchantId);
  await fx.desk.connect(customer).confirmResolution(ticketId);
  return ticketId;
}

/** `merchantStats` as plain numbers: `[count, sum, [1-star, ..., 5-star]]`. */
export async function statsOf(
  fx: FeedbackFixture,
  merchantId: bigint = MERCHANT,
): Promise<[bigint, bigint, bigint[]]> {
  const [count, sum, histogram] = await fx.feedback.merchantStats(merchantId);
  return [count, sum, [...histogram]];
}
