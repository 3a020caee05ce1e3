/**
 * The benchmark's side-by-side measurements, each on a chain of its own (so the working day of
 * scenario.ts, and gas-snapshot.json's figures for it, are untouched):
 *
 * - References: EAS 1.9.0 `attest` of the feedback schema (plain, and through TicketFeedbackResolver),
 *   OpenZeppelin 4.9's `Escrow` and `RefundEscrow`, compiled here from their npm sources.
 * - Relayed: every customer operation, played by a customer with ETH and, in the same state, by a
 *   gasless customer through the ERC-2771 forwarder; the difference is the relay's overhead.
 * - Batch: a merchant resolving 10 tickets in one `multicall`.
 * - Scale: every per-record operation at record #1 and at record #10,000 of one merchant, and the read
 *   cost (`eth_estimateGas` of the view) of `merchantStats`, `slaStatsOf` and `getTicket` at 10 and at
 *   10,000 records. Records 11 to 9,989 are skipped by moving the desk's ticket counter and the escrow's
 *   refund counter (`hardhat_setStorageAt`, the counters found by watching which slot a new record
 *   bumps); records 9,990 to 9,999 are real, so the state around record #10,000 (the rating word it
 *   shares, the merchant's counters) is what 10,000 real records leave behind. Every per-record structure
 *   is keyed by id, so nothing else differs: the ids are what could make a cost grow.
 *
 * Every step is checked (scripts/demo/checks.ts), so a scenario that stops doing what it measures fails.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  AbiCoder,
  Interface,
  Wallet,
  ZeroAddress,
  ZeroHash,
  keccak256,
  parseEther,
  toBeHex,
  toUtf8Bytes,
  zeroPadValue,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
} from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import CareLedgerModule from "../../deploy/CareLedger.js";
import { TicketStatus, connect, relay, type CareLedgerClient } from "../../src/index.js";
import {
  EAS__factory,
  Escrow__factory,
  SchemaRegistry__factory,
  TicketFeedbackResolver__factory,
} from "../../typechain-types/index.js";
// OpenZeppelin 4's RefundEscrow under its own name (contracts/bench/Oz4RefundEscrow.sol): ours has the
// same name, and TypeChain's index must export ours.
import { Oz4RefundEscrow__factory as OzRefundEscrow__factory } from "../../typechain-types/index.js";
import { Checks, DemoCheckError } from "../demo/checks.js";

import type { ReferenceId } from "./catalogue.js";
import { note, sender, type SentTransaction } from "./scenario.js";

const DAY = 86_400;
const MERCHANT = 1;
/** Fixed, so that relayed requests and their signatures never change. */
const RELAY_DEADLINE = 4_102_444_800;
const RELAY_GAS = 400_000n;
const REFUND = parseEther("0.01");
/** When the first EAS attestations are made (2096, before RELAY_DEADLINE): see measureReferences. */
const FIXED_ATTESTATION_TIME = 4_000_000_000;

/** The feedback record's fields, as an EAS schema. */
export const FEEDBACK_SCHEMA = "uint256 ticketId,uint8 rating,bytes32 commentHash";

/** A customer operation measured directly and relayed (its id is the main table's). */
export const CUSTOMER_OPERATIONS = [
  "desk.openTicket",
  "desk.postMessage.customer",
  "desk.confirmResolution",
  "desk.reopenTicket",
  "desk.cancelTicket",
  "desk.escalateTicket",
  "escrow.requestRefund.eth",
  "escrow.cancelRefund",
  "escrow.disputeRefund",
  "feedback.attest",
  "feedback.amend.first",
] as const;
export type CustomerOperation = (typeof CUSTOMER_OPERATIONS)[number];

/** A per-record operation measured at record #1 and #10,000 (its id is the main table's). */
export const PER_RECORD_OPERATIONS = [
  "desk.openTicket",
  "desk.postMessage.firstResponse",
  "escrow.requestRefund.eth",
  "escrow.approveRefund.eth",
  "desk.resolveTicket.fromInProgress",
  "desk.confirmResolution",
  "feedback.attest",
] as const;
export type PerRecordOperation = (typeof PER_RECORD_OPERATIONS)[number];

/** The views whose read cost is measured at 10 and at 10,000 records. */
export const VIEWS = ["merchantStats", "slaStatsOf", "getTicket"] as const;
export type View = (typeof VIEWS)[number];

export const SCALE_SMALL = 10;
export const SCALE_LARGE = 10_000;

export interface ExtendedMeasurements {
  references: Map<ReferenceId, number>;
  referenceTransactions: Map<ReferenceId, SentTransaction>;
  /** Customer operations played directly in the relay world (the baseline of the overhead). */
  direct: Map<CustomerOperation, number>;
  relayed: Map<CustomerOperation, number>;
  relayedTransactions: Map<CustomerOperation, SentTransaction>;
  /** One `multicall` resolving `BATCH_SIZE` tickets, and one `resolveTicket` in the same state. */
  batch: { size: number; gas: number; single: number; transaction: SentTransaction };
  /** Per-record operations at record #1 and #10,000: gas, and the calldata (its ids grow). */
  atFirst: Map<PerRecordOperation, number>;
  atLarge: Map<PerRecordOperation, number>;
  atFirstCalldata: Map<PerRecordOperation, string>;
  atLargeCalldata: Map<PerRecordOperation, string>;
  /** Views' `eth_estimateGas` at 10 and 10,000 records, and their calldata. */
  readsSmall: Map<View, number>;
  readsLarge: Map<View, number>;
  readsSmallCalldata: Map<View, string>;
  readsLargeCalldata: Map<View, string>;
}

export const BATCH_SIZE = 10;

interface Actors {
  deployer: HardhatEthersSigner;
  arbiter: HardhatEthersSigner;
  admin: HardhatEthersSigner;
  agent: HardhatEthersSigner;
  customer: HardhatEthersSigner;
  relayer: HardhatEthersSigner;
  gasless: Wallet;
}

interface Deployed {
  connection: NetworkConnection;
  client: CareLedgerClient;
  actors: Actors;
  checks: Checks;
  send: (tx: Promise<ContractTransactionResponse>) => Promise<ContractTransactionReceipt>;
}

/** A fresh chain with CareLedger, merchant 1 (its agent, 100 ETH of reserve) and the cast. */
async function deploy(connection: NetworkConnection, label: string): Promise<Deployed> {
  const { ethers } = connection;
  const signers = await ethers.getSigners();
  const at = (index: number): HardhatEthersSigner => {
    const signer = signers[index];
    if (signer === undefined) throw new Error(`the benchmark needs account #${index}`);
    return signer;
  };
  const actors: Actors = {
    deployer: at(0),
    arbiter: at(1),
    admin: at(2),
    agent: at(3),
    customer: at(5),
    relayer: at(8),
    gasless: new Wallet(
      keccak256(toUtf8Bytes("careledger benchmark: gasless customer")),
      ethers.provider,
    ),
  };
  const checks = new Checks();
  checks.step = `${label}: deployment`;
  const deployed = await connection.ignition.deploy(CareLedgerModule, {
    parameters: { CareLedger: { defaultArbiter: actors.arbiter.address } },
    defaultSender: actors.deployer.address,
  });
  const client = await connect(ethers.provider, undefined, {
    forwarder: await deployed.forwarder.getAddress(),
    supportDesk: await deployed.desk.getAddress(),
    refundEscrow: await deployed.escrow.getAddress(),
    feedbackAttestations: await deployed.feedback.getAddress(),
  });
  const send = sender(checks);
  checks.step = `${label}: setup`;
  const { desk, escrow } = client;
  await send(desk.connect(actors.admin).registerMerchant(actors.admin.address, note("merchant")));
  await send(desk.connect(actors.admin).setAgent(MERCHANT, actors.agent.address, true));
  await send(
    escrow.connect(actors.admin).deposit(MERCHANT, ZeroAddress, parseEther("100"), {
      value: parseEther("100"),
    }),
  );
  return { connection, client, actors, checks, send };
}

async function sentOf(tx: Promise<ContractTransactionResponse>): Promise<SentTransaction> {
  const sent = await tx;
  return { to: sent.to ?? "", data: sent.data, value: sent.value };
}

/** Measures everything this module describes. */
export async function measureExtended(
  createConnection: () => Promise<NetworkConnection>,
): Promise<ExtendedMeasurements> {
  const relayWorld = await deploy(await createConnection(), "relay world");
  const { direct, relayed, relayedTransactions } = await measureRelayed(relayWorld);
  const batch = await measureBatch(relayWorld);
  const { references, referenceTransactions } = await measureReferences(relayWorld);
  const scaleWorld = await deploy(await createConnection(), "scale world");
  const scale = await measureScale(scaleWorld);
  return {
    references,
    referenceTransactions,
    direct,
    relayed,
    relayedTransactions,
    batch,
    ...scale,
  };
}

/*//////////////////////////////////////////////////////////////
                      RELAYED CUSTOMER OPERATIONS
//////////////////////////////////////////////////////////////*/

type Target = "desk" | "escrow" | "feedback";

async function measureRelayed(world: Deployed): Promise<{
  direct: Map<CustomerOperation, number>;
  relayed: Map<CustomerOperation, number>;
  relayedTransactions: Map<CustomerOperation, SentTransaction>;
}> {
  const { client, actors, checks, send, connection } = world;
  const { desk, escrow, feedback } = client;
  const { agent, arbiter, customer, relayer, gasless } = actors;
  const direct = new Map<CustomerOperation, number>();
  const relayed = new Map<CustomerOperation, number>();
  const relayedTransactions = new Map<CustomerOperation, SentTransaction>();
  const addressOf: Record<Target, string> = {
    desk: client.addresses.supportDesk,
    escrow: client.addresses.refundEscrow,
    feedback: client.addresses.feedbackAttestations,
  };

  /** One customer's round of every customer operation; `record` on the measured round. */
  const round = async (mode: "direct" | "relayed", measuring: boolean): Promise<void> => {
    const who = mode === "direct" ? customer.address : gasless.address;
    const contractOf = { desk, escrow, feedback } as const;
    const act = async (
      id: CustomerOperation | undefined,
      target: Target,
      name: string,
      args: unknown[],
    ): Promise<void> => {
      checks.step = `relay world, ${mode} ${id ?? name}`;
      const tx =
        mode === "direct"
          ? contractOf[target]
              .connect(customer)
              .getFunction(name)
              .send(...args)
          : relay(
              client,
              gasless,
              addressOf[target],
              // Widened to ethers' Interface: the three typed interfaces differ in their names.
              (contractOf[target].interface as Interface).encodeFunctionData(name, args),
              { relayer, deadline: RELAY_DEADLINE, gas: RELAY_GAS },
            );
      const receipt = await send(tx);
      if (mode === "relayed") {
        // The forwarder does not revert when the inner call does: check it succeeded.
        const executed = receipt.logs
          .map((log) => client.forwarder.interface.parseLog(log))
          .find((parsed) => parsed?.name === "ExecutedForwardRequest");
        checks.equal(executed?.args.success, true, "the relayed call succeeded");
      }
      if (measuring && id !== undefined) {
        (mode === "direct" ? direct : relayed).set(id, Number(receipt.gasUsed));
        if (mode === "relayed") relayedTransactions.set(id, await sentOf(tx));
      }
    };
    const open = async (id: CustomerOperation | undefined, label: string): Promise<bigint> => {
      await act(id, "desk", "openTicket", [MERCHANT, note(`order ${label}`), note(label), 1]);
      const ticketId = await desk.ticketCount();
      checks.equal(await desk.customerOf(ticketId), who, "the ticket's customer");
      return ticketId;
    };

    // A ticket answered, resolved, confirmed, rated and its rating amended.
    const t1 = await open("desk.openTicket", `${mode} 1`);
    await send(desk.connect(agent).postMessage(t1, note("answer")));
    await act("desk.postMessage.customer", "desk", "postMessage", [t1, note("hi")]);
    await send(desk.connect(agent).resolveTicket(t1, note("resolved")));
    await act("desk.confirmResolution", "desk", "confirmResolution", [t1]);
    checks.equal(Number(await desk.statusOf(t1)), TicketStatus.Closed, "confirmed");
    await act("feedback.attest", "feedback", "attest", [t1, 4, note("ok")]);
    const feedbackId = await feedback.feedbackOfTicket(t1);
    await act("feedback.amend.first", "feedback", "amend", [feedbackId, 5, note("better")]);
    // A refund requested and withdrawn; another rejected and disputed (the arbiter then rules).
    const t2 = await open(undefined, `${mode} 2`);
    await send(desk.connect(agent).postMessage(t2, note("answer")));
    const request = [t2, ZeroAddress, REFUND, note("why")];
    await act("escrow.requestRefund.eth", "escrow", "requestRefund", request);
    await act("escrow.cancelRefund", "escrow", "cancelRefund", [await escrow.refundCount()]);
    await act(undefined, "escrow", "requestRefund", request);
    const disputed = await escrow.refundCount();
    await send(escrow.connect(agent).rejectRefund(disputed, note("no")));
    await act("escrow.disputeRefund", "escrow", "disputeRefund", [disputed, note("yes")]);
    await send(escrow.connect(arbiter).resolveDispute(disputed, false));
    // A resolved ticket reopened, an untouched one cancelled.
    const t3 = await open(undefined, `${mode} 3`);
    await send(desk.connect(agent).resolveTicket(t3, note("see FAQ")));
    await act("desk.reopenTicket", "desk", "reopenTicket", [t3, note("no")]);
    const t4 = await open(undefined, `${mode} 4`);
    await act("desk.cancelTicket", "desk", "cancelTicket", [t4]);
    // A ticket whose first response is missed, escalated.
    const t5 = await open(undefined, `${mode} 5`);
    await connection.networkHelpers.time.increase(DAY + 1);
    await act("desk.escalateTicket", "desk", "escalateTicket", [t5, note("late")]);
    checks.equal(Number(await desk.statusOf(t5)), TicketStatus.Escalated, "escalated");
    // Leave nothing open that a later round would settle as missed.
    for (const ticketId of [t2, t3, t5]) {
      await send(desk.connect(agent).resolveTicket(ticketId, note("done")));
    }
  };

  // A warm-up round each (nonces, the rating word, the customers' balances exist), then the measured.
  for (const measuring of [false, true]) {
    await round("direct", measuring);
    await round("relayed", measuring);
  }
  return { direct, relayed, relayedTransactions };
}

/*//////////////////////////////////////////////////////////////
                                BATCH
//////////////////////////////////////////////////////////////*/

async function measureBatch(world: Deployed): Promise<ExtendedMeasurements["batch"]> {
  const { client, actors, checks, send } = world;
  const { desk } = client;
  const { agent, customer } = actors;
  const answered = async (label: string): Promise<bigint> => {
    await send(desk.connect(customer).openTicket(MERCHANT, note(`order ${label}`), note(label), 1));
    const ticketId = await desk.ticketCount();
    await send(desk.connect(agent).postMessage(ticketId, note(`answer ${label}`)));
    return ticketId;
  };
  checks.step = "batch";
  const single = await answered("single");
  const one = await send(desk.connect(agent).resolveTicket(single, note("resolved")));
  const tickets: bigint[] = [];
  for (let i = 0; i < BATCH_SIZE; i += 1) tickets.push(await answered(`batch ${i}`));
  const calls = tickets.map((ticketId) =>
    desk.interface.encodeFunctionData("resolveTicket", [ticketId, note(`resolved ${ticketId}`)]),
  );
  const tx = desk.connect(agent).multicall(calls);
  const receipt = await send(tx);
  for (const ticketId of tickets) {
    checks.equal(Number(await desk.statusOf(ticketId)), TicketStatus.Resolved, "batch resolved");
  }
  return {
    size: BATCH_SIZE,
    gas: Number(receipt.gasUsed),
    single: Number(one.gasUsed),
    transaction: await sentOf(tx),
  };
}

/*//////////////////////////////////////////////////////////////
                              REFERENCES
//////////////////////////////////////////////////////////////*/

async function measureReferences(world: Deployed): Promise<{
  references: Map<ReferenceId, number>;
  referenceTransactions: Map<ReferenceId, SentTransaction>;
}> {
  const { client, actors, checks, send } = world;
  const { desk } = client;
  const { deployer, admin, agent, customer } = actors;
  const references = new Map<ReferenceId, number>();
  const referenceTransactions = new Map<ReferenceId, SentTransaction>();
  const measured = async (
    id: ReferenceId,
    tx: Promise<ContractTransactionResponse>,
  ): Promise<ContractTransactionReceipt> => {
    checks.step = `references, ${id}`;
    const receipt = await send(tx);
    references.set(id, Number(receipt.gasUsed));
    referenceTransactions.set(id, await sentOf(tx));
    return receipt;
  };

  // EAS: the registry, EAS itself, the feedback schema plain and through the resolver.
  checks.step = "references, EAS deployment";
  const registry = await new SchemaRegistry__factory(deployer).deploy();
  await registry.waitForDeployment();
  const eas = await new EAS__factory(deployer).deploy(await registry.getAddress());
  await eas.waitForDeployment();
  const resolver = await new TicketFeedbackResolver__factory(deployer).deploy(
    await eas.getAddress(),
    client.addresses.supportDesk,
  );
  await resolver.waitForDeployment();
  const register = async (resolverAddress: string): Promise<string> => {
    const receipt = await send(registry.register(FEEDBACK_SCHEMA, resolverAddress, false));
    const registered = receipt.logs
      .map((log) => registry.interface.parseLog(log))
      .find((parsed) => parsed?.name === "Registered");
    if (registered === undefined || registered === null) {
      throw new DemoCheckError("references: the schema was not registered");
    }
    return String(registered.args.uid);
  };
  const plainSchema = await register(ZeroAddress);
  const resolvedSchema = await register(await resolver.getAddress());

  const resolvedTicket = async (label: string): Promise<bigint> => {
    await send(desk.connect(customer).openTicket(MERCHANT, note(`order ${label}`), note(label), 1));
    const ticketId = await desk.ticketCount();
    await send(desk.connect(agent).resolveTicket(ticketId, note("resolved")));
    return ticketId;
  };
  const coder = AbiCoder.defaultAbiCoder();
  const attestation = (schema: string, ticketId: bigint, refUID: string) => ({
    schema,
    data: {
      recipient: admin.address,
      expirationTime: 0n,
      revocable: false,
      refUID,
      data: coder.encode(
        ["uint256", "uint8", "bytes32"],
        [ticketId, 4, note(`EAS comment ${ticketId}`)],
      ),
      value: 0n,
    },
  });
  const uidOf = (receipt: ContractTransactionReceipt): string => {
    const attested = receipt.logs
      .map((log) => eas.interface.parseLog(log))
      .find((parsed) => parsed?.name === "Attested");
    if (attested === undefined || attested === null) {
      throw new DemoCheckError("references: EAS did not attest");
    }
    return String(attested.args.uid);
  };
  // A first attestation of each kind, then the measured one pointing at it (refUID). A UID hashes the
  // block's time, and the measured calldata carries it: fixed times keep its zero bytes (and so the
  // gas) the same on every run.
  const { time } = world.connection.networkHelpers;
  const ticketE1 = await resolvedTicket("e1");
  await time.setNextBlockTimestamp(FIXED_ATTESTATION_TIME);
  const first = uidOf(
    await send(eas.connect(customer).attest(attestation(plainSchema, ticketE1, ZeroHash))),
  );
  await measured(
    "eas.attest",
    eas.connect(customer).attest(attestation(plainSchema, await resolvedTicket("e2"), first)),
  );
  const ticketR1 = await resolvedTicket("r1");
  await time.setNextBlockTimestamp(FIXED_ATTESTATION_TIME + 100);
  const firstResolved = uidOf(
    await send(eas.connect(customer).attest(attestation(resolvedSchema, ticketR1, ZeroHash))),
  );
  const ratedTicket = await resolvedTicket("r2");
  await measured(
    "eas.attest.resolver",
    eas.connect(customer).attest(attestation(resolvedSchema, ratedTicket, firstResolved)),
  );
  checks.equal(await resolver.isRated(ratedTicket), true, "the resolver recorded the rating");

  // OpenZeppelin 4.9's escrows, owned by the deployer: deposits to a payee that has one already.
  checks.step = "references, OpenZeppelin 4.9 deployment";
  const escrow = await new Escrow__factory(deployer).deploy();
  await escrow.waitForDeployment();
  const refundEscrow = await new OzRefundEscrow__factory(deployer).deploy(admin.address);
  await refundEscrow.waitForDeployment();
  const payee = customer.address;
  const amount = parseEther("0.05");
  await send(escrow.deposit(payee, { value: amount }));
  await measured("oz4.escrow.deposit", escrow.deposit(payee, { value: amount }));
  await measured("oz4.escrow.withdraw", escrow.withdraw(payee));
  checks.equal(await escrow.depositsOf(payee), 0n, "the payee withdrew everything");
  await send(refundEscrow.deposit(payee, { value: amount }));
  await measured("oz4.refundEscrow.deposit", refundEscrow.deposit(payee, { value: amount }));
  await measured("oz4.refundEscrow.enableRefunds", refundEscrow.enableRefunds());
  await measured("oz4.refundEscrow.withdraw", refundEscrow.withdraw(payee));
  checks.equal(await refundEscrow.depositsOf(payee), 0n, "the refundee was refunded");
  references.set(
    "oz4.refundEscrow.refund",
    (references.get("oz4.refundEscrow.enableRefunds") ?? 0) +
      (references.get("oz4.refundEscrow.withdraw") ?? 0),
  );
  return { references, referenceTransactions };
}

/*//////////////////////////////////////////////////////////////
                                SCALE
//////////////////////////////////////////////////////////////*/

/** Slots at the start of a contract's storage that hold its plain (non-mapping) variables. */
const PLAIN_SLOTS = 16;

async function plainSlots(world: Deployed, address: string): Promise<bigint[]> {
  const slots: bigint[] = [];
  for (let slot = 0; slot < PLAIN_SLOTS; slot += 1) {
    slots.push(BigInt(await world.connection.ethers.provider.getStorage(address, slot)));
  }
  return slots;
}

/** Where a counter lives: the one plain slot a new record bumped by 1 at some bit offset. */
interface Counter {
  address: string;
  slot: number;
  offset: bigint;
}

function findCounter(
  address: string,
  before: bigint[],
  after: bigint[],
  value: bigint,
  what: string,
): Counter {
  for (let slot = 0; slot < before.length; slot += 1) {
    const delta = (after[slot] ?? 0n) - (before[slot] ?? 0n);
    if (delta <= 0n || (delta & (delta - 1n)) !== 0n) continue;
    const offset = BigInt(delta.toString(2).length - 1);
    // The field now holds the counter's value (its low 16 bits suffice to recognise it).
    if ((((after[slot] ?? 0n) >> offset) & 0xffffn) === (value & 0xffffn)) {
      return { address, slot, offset };
    }
  }
  throw new DemoCheckError(`scale: no plain storage slot holds the ${what}`);
}

async function setCounter(world: Deployed, counter: Counter, from: bigint, to: bigint) {
  const { provider } = world.connection.ethers;
  const word = BigInt(await provider.getStorage(counter.address, counter.slot));
  const next = word + ((to - from) << counter.offset);
  await world.connection.networkHelpers.setStorageAt(
    counter.address,
    counter.slot,
    zeroPadValue(toBeHex(next), 32),
  );
}

type ScaleMeasurements = Pick<
  ExtendedMeasurements,
  | "atFirst"
  | "atLarge"
  | "atFirstCalldata"
  | "atLargeCalldata"
  | "readsSmall"
  | "readsLarge"
  | "readsSmallCalldata"
  | "readsLargeCalldata"
>;

async function measureScale(world: Deployed): Promise<ScaleMeasurements> {
  const { client, actors, checks, send } = world;
  const { desk, escrow, feedback } = client;
  const { admin, agent, customer } = actors;

  /** One record: a ticket answered, refunded, resolved, confirmed and rated. */
  const record = async (
    into: Map<PerRecordOperation, number> | undefined,
    calldata?: Map<PerRecordOperation, string>,
  ): Promise<bigint> => {
    const step = async (
      id: PerRecordOperation,
      tx: Promise<ContractTransactionResponse>,
    ): Promise<void> => {
      checks.step = `scale, ${id}`;
      const receipt = await send(tx);
      into?.set(id, Number(receipt.gasUsed));
      calldata?.set(id, (await tx).data);
    };
    const label = `scale ${await desk.ticketCount()}`;
    await step(
      "desk.openTicket",
      desk.connect(customer).openTicket(MERCHANT, note(`order ${label}`), note(label), 1),
    );
    const ticketId = await desk.ticketCount();
    await step(
      "desk.postMessage.firstResponse",
      desk.connect(agent).postMessage(ticketId, note("a")),
    );
    await step(
      "escrow.requestRefund.eth",
      escrow.connect(customer).requestRefund(ticketId, ZeroAddress, REFUND, note("refund")),
    );
    await step(
      "escrow.approveRefund.eth",
      escrow.connect(agent).approveRefund(await escrow.refundCount()),
    );
    await step(
      "desk.resolveTicket.fromInProgress",
      desk.connect(agent).resolveTicket(ticketId, note("resolved")),
    );
    await step("desk.confirmResolution", desk.connect(customer).confirmResolution(ticketId));
    await step("feedback.attest", feedback.connect(customer).attest(ticketId, 4, note("fine")));
    return ticketId;
  };
  const reads = async (
    ticketId: bigint,
  ): Promise<{ gas: Map<View, number>; calldata: Map<View, string> }> => {
    const { provider } = world.connection.ethers;
    const calls: Record<View, { to: string; data: string }> = {
      merchantStats: {
        to: client.addresses.feedbackAttestations,
        data: feedback.interface.encodeFunctionData("merchantStats", [MERCHANT]),
      },
      slaStatsOf: {
        to: client.addresses.supportDesk,
        data: desk.interface.encodeFunctionData("slaStatsOf", [MERCHANT]),
      },
      getTicket: {
        to: client.addresses.supportDesk,
        data: desk.interface.encodeFunctionData("getTicket", [ticketId]),
      },
    };
    const gas = new Map<View, number>();
    const calldata = new Map<View, string>();
    for (const view of VIEWS) {
      checks.step = `scale, estimating ${view}`;
      gas.set(view, Number(await provider.estimateGas({ from: admin.address, ...calls[view] })));
      calldata.set(view, calls[view].data);
    }
    return { gas, calldata };
  };

  // Record #1 (the merchant's first ticket, refund and rating), measured.
  const atFirst = new Map<PerRecordOperation, number>();
  const atFirstCalldata = new Map<PerRecordOperation, string>();
  const first = await record(atFirst, atFirstCalldata);
  checks.equal(first, 1n, "the first ticket");
  checks.equal(await escrow.refundCount(), 1n, "the first refund");

  // Record #2, watched: which plain slots its ticket and its refund bump are the counters.
  const deskBefore = await plainSlots(world, client.addresses.supportDesk);
  const escrowBefore = await plainSlots(world, client.addresses.refundEscrow);
  await record(undefined);
  const ticketCounter = findCounter(
    client.addresses.supportDesk,
    deskBefore,
    await plainSlots(world, client.addresses.supportDesk),
    await desk.ticketCount(),
    "ticket counter",
  );
  const refundCounter = findCounter(
    client.addresses.refundEscrow,
    escrowBefore,
    await plainSlots(world, client.addresses.refundEscrow),
    await escrow.refundCount(),
    "refund counter",
  );
  let last = 0n;
  while ((await desk.ticketCount()) < BigInt(SCALE_SMALL)) last = await record(undefined);
  const readsSmall = await reads(last);

  // Records 11 to 9,989 skipped (the counters moved), 9,990 to 9,999 real, #10,000 measured.
  const skipTo = BigInt(SCALE_LARGE - SCALE_SMALL - 1);
  await setCounter(world, ticketCounter, await desk.ticketCount(), skipTo);
  await setCounter(world, refundCounter, await escrow.refundCount(), skipTo);
  checks.equal(await desk.ticketCount(), skipTo, "the ticket counter, moved");
  checks.equal(await escrow.refundCount(), skipTo, "the refund counter, moved");
  while ((await desk.ticketCount()) < BigInt(SCALE_LARGE - 1)) await record(undefined);
  const atLarge = new Map<PerRecordOperation, number>();
  const atLargeCalldata = new Map<PerRecordOperation, string>();
  last = await record(atLarge, atLargeCalldata);
  checks.equal(last, BigInt(SCALE_LARGE), "ticket #10,000");
  checks.equal(await escrow.refundCount(), BigInt(SCALE_LARGE), "refund #10,000");
  checks.equal(await feedback.feedbackOfTicket(last), last << 8n, "rating of ticket #10,000");
  const readsLarge = await reads(last);
  return {
    atFirst,
    atLarge,
    atFirstCalldata,
    atLargeCalldata,
    readsSmall: readsSmall.gas,
    readsSmallCalldata: readsSmall.calldata,
    readsLarge: readsLarge.gas,
    readsLargeCalldata: readsLarge.calldata,
  };
}
