import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ZeroHash, keccak256, toUtf8Bytes } from "ethers";

import type { ERC2771Forwarder } from "../../typechain-types/index.js";
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

/** What `ERC2771Forwarder.execute` takes: a request and its signer's EIP-712 signature. */
export interface ForwardRequestData {
  from: string;
  to: string;
  value: bigint;
  gas: bigint;
  deadline: bigint;
  data: string;
  signature: string;
}

const FORWARD_REQUEST_TYPES = {
  ForwardRequest: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "gas", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint48" },
    { name: "data", type: "bytes" },
  ],
};

/**
 * `signer` signs a request for the CareLedger forwarder (EIP-712 domain "CareLedger", version "1") to
 * call contract address `to` with calldata `data` (hex); anyone (a relayer) may then submit it with `forwarder.execute(request)`.
 */
export async function signForwardRequest(
  connection: Connection,
  forwarder: ERC2771Forwarder,
  signer: HardhatEthersSigner,
  to: string,
  data: string,
  gas: bigint = 300_000n,
): Promise<ForwardRequestData> {
  const { chainId } = await connection.ethers.provider.getNetwork();
  const domain = {
    name: "CareLedger",
    version: "1",
    chainId,
    verifyingContract: await forwarder.getAddress(),
  };
  const request = {
    from: signer.address,
    to,
    value: 0n,
    gas,
    nonce: await forwarder.nonces(signer.address),
    deadline: BigInt(await connection.networkHelpers.time.latest()) + 3_600n,
    data,
  };
  const signature = await signer.signTypedData(domain, FORWARD_REQUEST_TYPES, request);
  return {
    from: request.from,
    to: request.to,
    value: request.value,
    gas: request.gas,
    deadline: request.deadline,
    data: request.data,
    signature,
  };
}
