import type { Signer } from "ethers";

import {
  connect,
  customerTickets,
  makeCommitment,
  merchantQueue,
  merchantRefunds,
  merchantReport,
  ticketTimeline,
  type CareLedgerAddresses,
  type CareLedgerClient,
} from "../../src/index.js";
import type { CareLedgerFixture } from "./fixture.js";

/** The fixture's deployment as the package sees it. */
export async function addressesOf(fixture: CareLedgerFixture): Promise<CareLedgerAddresses> {
  return {
    forwarder: await fixture.forwarder.getAddress(),
    supportDesk: await fixture.desk.getAddress(),
    refundEscrow: await fixture.escrow.getAddress(),
    feedbackAttestations: await fixture.feedback.getAddress(),
  };
}

/** A package client of the fixture's deployment acting as `signer`. */
export async function clientAs(
  fixture: CareLedgerFixture,
  signer: Signer,
): Promise<CareLedgerClient> {
  return connect(signer, undefined, await addressesOf(fixture));
}

/** A fresh commitment of a short text, for the hashes that tests do not look into. */
export function hashOf(text: string): string {
  return makeCommitment(text).commitment;
}

/** Registers merchant 1 (admin `admin`, agent `agent`) and returns its id. */
export async function registerMerchant(fixture: CareLedgerFixture): Promise<bigint> {
  const { desk, admin, agent } = fixture;
  await desk.connect(admin).registerMerchant(admin.address, hashOf("merchant profile"));
  const merchantId = await desk.merchantCount();
  await desk.connect(admin).setAgent(merchantId, agent.address, true);
  return merchantId;
}

/** Opens a ticket as `customer` and returns its id. */
export async function openTicket(
  fixture: CareLedgerFixture,
  merchantId: bigint,
  customer: Signer = fixture.customer,
  priority = 1,
): Promise<bigint> {
  await fixture.desk
    .connect(customer)
    .openTicket(merchantId, hashOf("order"), hashOf("first message"), priority);
  return fixture.desk.ticketCount();
}

/**
 * Every history read the indexer can answer (merchant 1's report, queue and open refunds, the fixture
 * customer's tickets, ticket `ticketId`'s timeline), through `client`: what a test compares between two ways of
 * reading.
 */
export async function readAll(
  client: CareLedgerClient,
  fixture: CareLedgerFixture,
  ticketId: bigint,
) {
  return {
    timeline: await ticketTimeline(client, ticketId),
    report: await merchantReport(client, 1),
    queue: await merchantQueue(client, 1),
    tickets: await customerTickets(client, fixture.customer.address),
    refunds: await merchantRefunds(client, 1, { open: true }),
  };
}
