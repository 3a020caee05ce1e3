/**
 * The benchmark's world and its working day. CareLedger is deployed through the real Ignition module on
 * Hardhat's in-process chain and driven through the `careledger` package, as the demo does. The day (every
 * user-facing operation, each in its typical case) is played twice: the first time brings the world into
 * a steady state (every counter, per-merchant record, reserve, forwarder nonce and customer token balance
 * exists, as on a deployment after its first day), the second time is measured.
 *
 * Everything is deterministic, so the numbers are too: fixed accounts, fixed commitments (fixed salts),
 * a fixed forward-request deadline (its signature is then fixed: ECDSA signing is deterministic), and
 * block timestamps only ever change values inside slots that are non-zero either way. The chain's clock
 * moves with the wall clock between blocks, which changes no gas figure.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  Wallet,
  ZeroAddress,
  ZeroHash,
  keccak256,
  parseEther,
  parseUnits,
  toUtf8Bytes,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
} from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import CareLedgerModule from "../../deploy/CareLedger.js";
import {
  RefundStatus,
  TicketStatus,
  connect,
  signOrderReceipt,
  decodeRevert,
  makeCommitment,
  relay,
  type CareLedgerClient,
} from "../../src/index.js";
import { describeDecoded } from "../../cli/explain.js";
import {
  DemoToken__factory,
  TestToken__factory,
  type DemoToken,
  type TestToken,
} from "../../typechain-types/index.js";
import { Checks, DemoCheckError } from "../demo/checks.js";

import { CONTRACTS, OPERATIONS, type ContractName } from "./catalogue.js";

/** A measured transaction as sent: what its calldata and L1 data fee are computed from. */
export interface SentTransaction {
  to: string;
  data: string;
  value: bigint;
}

/** What the benchmark measured. */
export interface Measurements {
  /** Gas (`receipt.gasUsed`, 21,000 base included) by operation id. */
  gas: Map<string, number>;
  /** The transaction of each measured operation, by operation id. */
  transactions: Map<string, SentTransaction>;
  /** Deployed bytecode size in bytes, by contract. */
  sizes: Map<ContractName, number>;
  /** The simulated chain's hardfork (gas rules), as Hardhat reports it. */
  hardfork: string;
}

/** The scenario did not do what it should (a revert, or a state that is not the one measured). */
export { DemoCheckError as BenchmarkScenarioError };

const HOUR = 3_600;
const DAY = 86_400;
/** Tickets that share one word of the feedback contract's rating bitmap. */
const TICKETS_PER_RATING_WORD = 64n;
/** Far in the future (2100-01-01), fixed so that the relayed request and its signature never change. */
const RELAY_DEADLINE = 4_102_444_800;
/** The times every benchmark receipt carries (fixed, so its calldata and gas repeat run after run). */
const RECEIPT_PURCHASED_AT = 1_700_000_000n;
const RECEIPT_SUPPORT_UNTIL = 4_000_000_000n;

/** Gas the relayed `openTicket` is signed with (fixed, for the same reason). */
const RELAY_GAS = 150_000n;

/** The merchant's SLA compensation: paid in ETH for each missed deadline, claimed (not auto-paid). */
const COMPENSATION = {
  token: ZeroAddress,
  firstResponseAmount: parseEther("0.01"),
  resolutionAmount: parseEther("0.02"),
  autoPay: false,
};

const usd = (amount: string): bigint => parseUnits(amount, 6);

/** A fixed commitment for a label (the package's commitment, with a salt derived from the label). */
export function note(label: string): string {
  return makeCommitment(label, keccak256(toUtf8Bytes(`careledger benchmark salt: ${label}`)))
    .commitment;
}

interface Cast {
  deployer: HardhatEthersSigner;
  arbiter: HardhatEthersSigner;
  /** Merchant 1's admin (the merchant whose day is measured). */
  admin: HardhatEthersSigner;
  agent: HardhatEthersSigner;
  agent2: HardhatEthersSigner;
  customer: HardhatEthersSigner;
  customer2: HardhatEthersSigner;
  /** Anyone: closes tickets, executes refunds, claims compensation as a keeper. */
  keeper: HardhatEthersSigner;
  relayer: HardhatEthersSigner;
  /** Admin of merchant 2 (thin reserves) and of the merchants that onboard each day. */
  otherAdmin: HardhatEthersSigner;
  /** A customer without ETH: signs forward requests that the relayer submits. */
  gasless: Wallet;
}

interface World {
  connection: NetworkConnection;
  client: CareLedgerClient;
  cast: Cast;
  /** A plain ERC-20 stablecoin (6 decimals): merchant 1's ERC-20 reserve. */
  dUsd: DemoToken;
  /** An ERC-20 with a blocklist: the only way to make an ERC-20 payout fail, for a credit. */
  tUsd: TestToken;
  checks: Checks;
}

/** Merchant 1: admin, two agents, reserves in ETH, dUSD and TUSD, SLA compensation in ETH. */
const MERCHANT = 1;
/** Merchant 2: its ETH reserve just backs its compensation; its customers' claims become owed. */
const THIN_MERCHANT = 2;

/** Deploys CareLedger, sets up the world, plays the day twice and measures the second one. */
export async function measure(connection: NetworkConnection): Promise<Measurements> {
  const world = await setUp(connection);
  await playDay(world, undefined);
  const gas = new Map<string, number>();
  const transactions = new Map<string, SentTransaction>();
  await playDay(world, { gas, transactions });

  const missing = OPERATIONS.filter((operation) => !gas.has(operation.id)).map((op) => op.id);
  if (missing.length > 0) throw new DemoCheckError(`not measured: ${missing.join(", ")}`);

  const { addresses } = world.client;
  const addressOf: Record<ContractName, string> = {
    SupportDesk: addresses.supportDesk,
    RefundEscrow: addresses.refundEscrow,
    FeedbackAttestations: addresses.feedbackAttestations,
    ERC2771Forwarder: addresses.forwarder,
    SupportDeskMerchants: await world.client.desk.merchantModule(),
    RefundEscrowReserves: await world.client.escrow.reservesModule(),
  };
  const sizes = new Map<ContractName, number>();
  for (const name of CONTRACTS) {
    const code = await connection.ethers.provider.getCode(addressOf[name]);
    sizes.set(name, (code.length - 2) / 2);
  }
  const config = connection.networkConfig;
  const hardfork = "hardfork" in config ? String(config.hardfork) : "unknown";
  return { gas, transactions, sizes, hardfork };
}

/*//////////////////////////////////////////////////////////////
                              WORLD
//////////////////////////////////////////////////////////////*/

async function setUp(connection: NetworkConnection): Promise<World> {
  const { ethers } = connection;
  const provider = ethers.provider;
  const accounts = await ethers.getSigners();
  const account = (index: number): HardhatEthersSigner => {
    const signer = accounts[index];
    if (signer === undefined) throw new Error(`the benchmark needs account #${index}`);
    return signer;
  };
  const cast: Cast = {
    deployer: account(0),
    arbiter: account(1),
    admin: account(2),
    agent: account(3),
    agent2: account(4),
    customer: account(5),
    customer2: account(6),
    keeper: account(7),
    relayer: account(8),
    otherAdmin: account(9),
    gasless: new Wallet(keccak256(toUtf8Bytes("careledger benchmark: gasless customer")), provider),
  };
  const checks = new Checks();
  checks.step = "deployment";

  const deployed = await connection.ignition.deploy(CareLedgerModule, {
    parameters: { CareLedger: { defaultArbiter: cast.arbiter.address } },
    defaultSender: cast.deployer.address,
  });
  const client = await connect(provider, undefined, {
    forwarder: await deployed.forwarder.getAddress(),
    supportDesk: await deployed.desk.getAddress(),
    refundEscrow: await deployed.escrow.getAddress(),
    feedbackAttestations: await deployed.feedback.getAddress(),
  });
  const dUsd = await new DemoToken__factory(cast.deployer).deploy(
    "Demo USD",
    "dUSD",
    cast.admin.address,
    usd("1000000000"),
  );
  const tUsd = await new TestToken__factory(cast.deployer).deploy("Test USD", "TUSD");
  await dUsd.waitForDeployment();
  await tUsd.waitForDeployment();
  const world: World = { connection, client, cast, dUsd, tUsd, checks };

  const { desk, escrow } = client;
  const { admin, agent, agent2, customer, customer2, otherAdmin } = cast;
  const escrowAddress = client.addresses.refundEscrow;
  const send = sender(checks);

  checks.step = "setup";
  await send(desk.connect(admin).registerMerchant(admin.address, note("merchant 1 profile")));
  await send(desk.connect(admin).setAgent(MERCHANT, agent.address, true));
  await send(desk.connect(admin).setAgent(MERCHANT, agent2.address, true));
  await send(
    desk.connect(otherAdmin).registerMerchant(otherAdmin.address, note("merchant 2 profile")),
  );

  // Merchant 1 funds its reserves with a standing (finite) allowance, as a business wallet would.
  await send(dUsd.connect(admin).approve(escrowAddress, usd("100000000")));
  await send(tUsd.mint(admin.address, usd("1000000")));
  await send(tUsd.connect(admin).approve(escrowAddress, usd("1000000")));
  await send(
    escrow.connect(admin).deposit(MERCHANT, ZeroAddress, parseEther("100"), {
      value: parseEther("100"),
    }),
  );
  await send(escrow.connect(admin).deposit(MERCHANT, await dUsd.getAddress(), usd("100000")));
  await send(escrow.connect(admin).deposit(MERCHANT, await tUsd.getAddress(), usd("100000")));
  await send(desk.connect(admin).setSlaCompensation(MERCHANT, COMPENSATION));
  // Each merchant's admin signs its order receipts (compensation is paid on verified tickets only).
  await send(desk.connect(admin).setOrderSigner(MERCHANT, admin.address, true));
  // Customers pay in dUSD, so they hold some: an ERC-20 refund tops up an existing balance.
  for (const holder of [customer, customer2]) {
    await send(dUsd.connect(admin).transfer(holder.address, usd("50")));
  }

  // Merchant 2's reserve exactly backs one ticket's compensation: a refund request locks it.
  const backing = COMPENSATION.firstResponseAmount + COMPENSATION.resolutionAmount;
  await send(
    escrow.connect(otherAdmin).deposit(THIN_MERCHANT, ZeroAddress, backing, {
      value: backing,
    }),
  );
  await send(desk.connect(otherAdmin).setSlaCompensation(THIN_MERCHANT, COMPENSATION));
  await send(desk.connect(otherAdmin).setOrderSigner(THIN_MERCHANT, otherAdmin.address, true));
  return world;
}

interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
}

/**
 * `BENCH_TRACE=<id>[,<id>...]`: prints where an operation's gas goes, summed by opcode (a call's cost is
 * its own: access, value, memory, never the gas it forwards), from `debug_traceTransaction`. A tool for
 * finding room against the lower bound; not part of any check.
 */
async function traceCosts(connection: NetworkConnection, id: string, hash: string): Promise<void> {
  const trace = (await connection.provider.request({
    method: "debug_traceTransaction",
    params: [hash],
  })) as { structLogs: StructLog[] };
  const logs = trace.structLogs;
  const byOp = new Map<string, { count: number; gas: number }>();
  for (let i = 0; i < logs.length; i += 1) {
    const log = logs[i];
    if (log === undefined) continue;
    let cost = log.gasCost;
    const next = logs[i + 1];
    // A call's reported cost includes the gas it forwards: its own cost is, roughly, what the caller
    // lost by the time the callee starts (a stipend shows as 2,300 less; a callee without code has no
    // step of its own, so its call keeps the reported cost).
    if (/^(CALL|STATICCALL|DELEGATECALL|CALLCODE)$/.test(log.op) && next?.depth === log.depth + 1) {
      cost = log.gas - next.gas;
    }
    const entry = byOp.get(log.op) ?? { count: 0, gas: 0 };
    entry.count += 1;
    entry.gas += cost;
    byOp.set(log.op, entry);
  }
  const rows = [...byOp.entries()].sort(([, a], [, b]) => b.gas - a.gas);
  process.stderr.write(`\ntrace of ${id} (${hash}): execution gas by opcode\n`);
  for (const [op, { count, gas }] of rows.slice(0, 16)) {
    process.stderr.write(`  ${op.padEnd(14)} x${String(count).padStart(4)}  ${gas}\n`);
  }
}

/** Sends a transaction, waits for it, and turns a revert into a readable scenario error. */
export function sender(checks: Checks) {
  return async function send(
    tx: Promise<ContractTransactionResponse>,
  ): Promise<ContractTransactionReceipt> {
    let receipt: ContractTransactionReceipt | null;
    try {
      receipt = await (await tx).wait();
    } catch (error) {
      const decoded = decodeRevert(error);
      if (decoded === undefined) throw error;
      throw new DemoCheckError(
        `${checks.step}: the transaction reverted: ${describeDecoded(decoded)}`,
      );
    }
    if (receipt === null) throw new DemoCheckError(`${checks.step}: no receipt`);
    checks.equal(receipt.status, 1, "transaction status");
    return receipt;
  };
}

/*//////////////////////////////////////////////////////////////
                              THE DAY
//////////////////////////////////////////////////////////////*/

/**
 * One working day of merchant 1 (and of merchant 2, whose compensation ends up owed), plus a new
 * merchant onboarding. With `gas`, each measured operation's gas is recorded under its id.
 */
async function playDay(
  world: World,
  record: Pick<Measurements, "gas" | "transactions"> | undefined,
): Promise<void> {
  const { client, cast, checks, connection } = world;
  const { desk, escrow, feedback } = client;
  const { admin, agent, agent2, arbiter, customer, customer2, keeper, relayer, otherAdmin } = cast;
  const time = connection.networkHelpers.time;
  const send = sender(checks);
  const ETH = ZeroAddress;
  const dUsd = await world.dUsd.getAddress();
  const tUsd = await world.tUsd.getAddress();

  /** Sends the transaction of operation `id` and records its gas on the measured day. */
  const measured = async (
    id: string,
    tx: Promise<ContractTransactionResponse>,
  ): Promise<ContractTransactionReceipt> => {
    checks.step = `${record === undefined ? "warm-up" : "measured"} day, ${id}`;
    const receipt = await send(tx);
    if (record !== undefined) {
      if (record.gas.has(id)) throw new DemoCheckError(`${id} measured twice`);
      if (!OPERATIONS.some((operation) => operation.id === id)) {
        throw new DemoCheckError(`${id} is not in the catalogue`);
      }
      record.gas.set(id, Number(receipt.gasUsed));
      const sent = await tx;
      record.transactions.set(id, { to: sent.to ?? "", data: sent.data, value: sent.value });
      if (process.env.BENCH_TRACE?.split(",").includes(id) === true) {
        await traceCosts(connection, id, receipt.hash);
      }
    }
    return receipt;
  };
  const status = async (ticketId: bigint, expected: TicketStatus): Promise<void> =>
    checks.equal(
      TicketStatus[Number(await desk.statusOf(ticketId))],
      TicketStatus[expected],
      `ticket #${ticketId}'s status`,
    );
  const refundStatus = async (refundId: bigint, expected: RefundStatus): Promise<void> =>
    checks.equal(
      RefundStatus[Number(await escrow.refundStatusOf(refundId))],
      RefundStatus[expected],
      `refund #${refundId}'s status`,
    );
  /** Opens a ticket as `who` at `merchantId` (not measured) and returns its id. */
  const open = async (
    label: string,
    who: HardhatEthersSigner = customer,
    merchantId: number = MERCHANT,
  ): Promise<bigint> => {
    checks.step = `opening ticket "${label}"`;
    await send(
      desk.connect(who).openTicket(merchantId, note(`order: ${label}`), note(`${label}`), 1),
    );
    return desk.ticketCount();
  };
  /**
   * The receipt `signer` (the merchant's admin) signs for `who`'s order `label`: an ETH order, unique per
   * ticket count so each day's orders are new, with fixed times so the calldata (and the gas) repeat.
   */
  const receiptFor = async (
    label: string,
    who: HardhatEthersSigner,
    merchantId: number,
    signer: HardhatEthersSigner,
  ) =>
    signOrderReceipt(
      signer,
      {
        merchantId: BigInt(merchantId),
        customer: who.address,
        orderRef: note(`order: ${label} #${await desk.ticketCount()}`),
        token: ETH,
        amount: parseEther("10"),
        itemsHash: note(`items: ${label}`),
        purchasedAt: RECEIPT_PURCHASED_AT,
        supportUntil: RECEIPT_SUPPORT_UNTIL,
      },
      client.addresses.supportDesk,
      client.chainId,
    );
  /** Opens a verified ticket as `who` (not measured) and returns its id. */
  const openVerified = async (
    label: string,
    who: HardhatEthersSigner = customer,
    merchantId: number = MERCHANT,
    signer: HardhatEthersSigner = admin,
  ): Promise<bigint> => {
    checks.step = `opening verified ticket "${label}"`;
    const signed = await receiptFor(label, who, merchantId, signer);
    await send(
      desk.connect(who).openTicketWithReceipt(signed.receipt, signed.signature, note(label), 1),
    );
    return desk.ticketCount();
  };
  /** Opens a ticket and has the agent answer it on time (InProgress). */
  const answered = async (label: string): Promise<bigint> => {
    const ticketId = await open(label);
    await send(desk.connect(agent).postMessage(ticketId, note(`answer: ${label}`)));
    return ticketId;
  };
  const request = async (ticketId: bigint, token: string, amount: bigint): Promise<bigint> => {
    await send(escrow.connect(customer).requestRefund(ticketId, token, amount, note("reason")));
    return escrow.refundCount();
  };
  const rejected = async (ticketId: bigint): Promise<bigint> => {
    const refundId = await request(ticketId, ETH, parseEther("0.05"));
    await send(escrow.connect(agent).rejectRefund(refundId, note("not eligible")));
    return refundId;
  };

  /* ---------------------------------------------------------------- morning */
  // Each day's tickets start a new word of the rating bitmap, so the day's first rating creates its
  // word (measured as such) and the later ones update it (the typical case).
  checks.step = "filling up to a new rating word";
  while ((await desk.ticketCount()) % TICKETS_PER_RATING_WORD !== TICKETS_PER_RATING_WORD - 1n) {
    await send(desk.connect(customer2).openTicket(MERCHANT, ZeroHash, note("filler"), 1));
  }

  // A new merchant onboards: its admin registers, names an agent, sets its policy and compensation.
  await measured(
    "desk.registerMerchant",
    desk.connect(otherAdmin).registerMerchant(otherAdmin.address, note("new merchant profile")),
  );
  const newMerchant = await desk.merchantCount();
  await measured(
    "desk.setAgent",
    desk.connect(otherAdmin).setAgent(newMerchant, agent.address, true),
  );
  await measured(
    "desk.setPolicy",
    desk.connect(otherAdmin).setPolicy(newMerchant, {
      firstResponseTime: 4 * HOUR,
      resolutionTime: 2 * DAY,
      reopenWindow: 14 * DAY,
      autoCloseDelay: 14 * DAY,
      refundResponseTime: 2 * DAY,
      disputeWindow: 10 * DAY,
      arbiter: arbiter.address,
    }),
  );
  await send(
    escrow.connect(otherAdmin).deposit(newMerchant, ETH, parseEther("1"), {
      value: parseEther("1"),
    }),
  );
  await measured(
    "desk.setSlaCompensation",
    desk.connect(otherAdmin).setSlaCompensation(newMerchant, COMPENSATION),
  );

  // Merchant 1 tops up its reserves and takes out some ETH.
  await measured(
    "escrow.deposit.eth",
    escrow.connect(admin).deposit(MERCHANT, ETH, parseEther("1"), { value: parseEther("1") }),
  );
  await measured(
    "escrow.deposit.erc20",
    escrow.connect(admin).deposit(MERCHANT, dUsd, usd("1000")),
  );
  await measured(
    "escrow.withdrawReserve.eth",
    escrow.connect(admin).withdrawReserve(MERCHANT, ETH, parseEther("0.5"), admin.address),
  );

  // Ticket A: the full lifecycle, then the day's first rating (its rating word is new).
  await measured(
    "desk.openTicket",
    desk.connect(customer).openTicket(MERCHANT, note("order: A"), note("A: my tent leaks"), 1),
  );
  const a = await desk.ticketCount();
  checks.equal(a % TICKETS_PER_RATING_WORD, 0n, "ticket A starts a rating word");
  await measured(
    "desk.postMessage.customer",
    desk.connect(customer).postMessage(a, note("A: photos")),
  );
  await status(a, TicketStatus.Open);
  await measured("desk.assignTicket", desk.connect(agent2).assignTicket(a, agent.address));
  await measured(
    "desk.postMessage.firstResponse",
    desk.connect(agent).postMessage(a, note("A: first answer")),
  );
  await status(a, TicketStatus.InProgress);
  await measured("desk.awaitCustomer", desk.connect(agent).awaitCustomer(a, note("A: serial?")));
  await status(a, TicketStatus.AwaitingCustomer);
  await measured(
    "desk.postMessage.customerResumes",
    desk.connect(customer).postMessage(a, note("A: serial number")),
  );
  await status(a, TicketStatus.InProgress);
  await measured(
    "desk.resolveTicket.fromInProgress",
    desk.connect(agent).resolveTicket(a, note("A: replacement sent")),
  );
  await status(a, TicketStatus.Resolved);
  await measured("desk.confirmResolution", desk.connect(customer).confirmResolution(a));
  await status(a, TicketStatus.Closed);
  await measured(
    "feedback.attest.firstOfWord",
    feedback.connect(customer).attest(a, 5, note("A: great service")),
  );

  // Ticket B: resolved straight from Open, then reopened by its customer.
  const b = await open("B");
  await measured(
    "desk.resolveTicket.fromOpen",
    desk.connect(agent).resolveTicket(b, note("B: see the FAQ")),
  );
  await measured("desk.reopenTicket", desk.connect(customer).reopenTicket(b, note("B: still no")));
  await status(b, TicketStatus.Open);

  // Ticket C: answered and resolved; rated (typical), replied to, amended twice; closed later.
  const c = await answered("C");
  await send(desk.connect(agent).resolveTicket(c, note("C: refund of shipping")));
  const rated = await measured(
    "feedback.attest",
    feedback.connect(customer).attest(c, 3, note("C: slow but fine")),
  );
  checks.emitted(rated, feedback, "FeedbackAttested", { ticketId: c });
  const feedbackId = await feedback.feedbackOfTicket(c);
  await measured("feedback.reply", feedback.connect(agent).reply(feedbackId, note("C: thanks")));
  await measured(
    "feedback.amend.first",
    feedback.connect(customer).amend(feedbackId, 4, note("C: they followed up")),
  );
  await measured(
    "feedback.amend.later",
    feedback.connect(customer).amend(feedbackId + 1n, 5, note("C: and again")),
  );

  // Tickets D (escalated once its first response is missed), E (cancelled), F (compensated later).
  const d = await open("D");
  const e = await open("E");
  await measured("desk.cancelTicket", desk.connect(customer).cancelTicket(e));
  await status(e, TicketStatus.Cancelled);
  // Ticket F comes with the merchant's receipt (verified), so its missed deadline is compensated.
  const fReceipt = await receiptFor("F", customer, MERCHANT, admin);
  await measured(
    "desk.openTicketWithReceipt",
    desk
      .connect(customer)
      .openTicketWithReceipt(fReceipt.receipt, fReceipt.signature, note("F: the lamp flickers"), 1),
  );
  const f = await desk.ticketCount();

  // A customer without ETH opens a ticket through the relayer.
  checks.step = "relayed openTicket";
  const data = desk.interface.encodeFunctionData("openTicket", [
    MERCHANT,
    note("order: R"),
    note("R: gasless question"),
    1,
  ]);
  await measured(
    "desk.openTicket.relayed",
    relay(client, cast.gasless, client.addresses.supportDesk, data, {
      relayer,
      deadline: RELAY_DEADLINE,
      gas: RELAY_GAS,
    }),
  );
  checks.equal(await desk.customerOf(await desk.ticketCount()), cast.gasless.address, "relayed");

  // Refunds on ticket G: ETH requested and approved, then ERC-20 requested and approved.
  const g = await answered("G");
  await measured(
    "escrow.requestRefund.eth",
    escrow.connect(customer).requestRefund(g, ETH, parseEther("0.05"), note("G: damaged")),
  );
  const ethRefund = await escrow.refundCount();
  const approved = await measured(
    "escrow.approveRefund.eth",
    escrow.connect(agent).approveRefund(ethRefund),
  );
  checks.emitted(approved, escrow, "RefundPaid", { refundId: ethRefund, credited: false });
  await measured(
    "escrow.requestRefund.erc20",
    escrow.connect(customer).requestRefund(g, dUsd, usd("25"), note("G: overcharged")),
  );
  const tokenRefund = await escrow.refundCount();
  await measured("escrow.approveRefund.erc20", escrow.connect(agent).approveRefund(tokenRefund));
  await refundStatus(tokenRefund, RefundStatus.Paid);

  // Ticket H: a refund approved with the ticket resolved in the same transaction.
  const h = await answered("H");
  const hRefund = await request(h, ETH, parseEther("0.05"));
  await measured(
    "escrow.approveRefundAndResolve.eth",
    escrow.connect(agent).approveRefundAndResolve(hRefund, note("H: refunded")),
  );
  await status(h, TicketStatus.Resolved);

  // Ticket I: the merchant issues a refund (a processed return) at once.
  const i = await answered("I");
  await measured(
    "escrow.issueRefund.eth",
    escrow.connect(agent).issueRefund(i, ETH, parseEther("0.05"), note("I: return received")),
  );

  // Ticket J: a rejection disputed and decided for the customer; another decided for the merchant.
  const j = await answered("J");
  const jRefund = await request(j, ETH, parseEther("0.05"));
  await measured(
    "escrow.rejectRefund",
    escrow.connect(agent).rejectRefund(jRefund, note("J: outside the return window")),
  );
  await measured(
    "escrow.disputeRefund",
    escrow.connect(customer).disputeRefund(jRefund, note("J: it was inside")),
  );
  await measured(
    "escrow.resolveDispute.pay",
    escrow.connect(arbiter).resolveDispute(jRefund, true),
  );
  await refundStatus(jRefund, RefundStatus.Paid);
  const j2Refund = await rejected(j);
  await send(escrow.connect(customer).disputeRefund(j2Refund, note("J: and this one too")));
  await measured(
    "escrow.resolveDispute.reject",
    escrow.connect(arbiter).resolveDispute(j2Refund, false),
  );
  await refundStatus(j2Refund, RefundStatus.Rejected);

  // Ticket K: a request the merchant ignores (executed after its deadline, below).
  const kRefund = await request(await answered("K"), ETH, parseEther("0.05"));
  // Ticket L: a request its customer withdraws.
  const lRefund = await request(await answered("L"), ETH, parseEther("0.05"));
  await measured("escrow.cancelRefund", escrow.connect(customer).cancelRefund(lRefund));
  // Ticket M: a rejection nobody disputes (finalized after the dispute window, below).
  const mRefund = await rejected(await answered("M"));

  // Ticket N: a TUSD refund the token refuses (the customer is blocklisted) becomes a credit; once
  // unblocked, the customer withdraws it.
  const n = await answered("N");
  await send(world.tUsd.connect(keeper).setBlocked(customer.address, true));
  const issued = await send(escrow.connect(agent).issueRefund(n, tUsd, usd("10"), note("N")));
  checks.emitted(issued, escrow, "RefundPaid", { credited: true });
  await send(world.tUsd.connect(keeper).setBlocked(customer.address, false));
  await measured("escrow.withdrawCredit.erc20", escrow.connect(customer).withdrawCredit(tUsd));

  // Ticket O at merchant 2: a refund request locks its whole reserve, so compensation will be owed.
  const o = await openVerified("O", customer2, THIN_MERCHANT, otherAdmin);
  const thinReserve = await escrow.reserveOf(THIN_MERCHANT, ETH);
  await send(escrow.connect(customer2).requestRefund(o, ETH, thinReserve, note("O: broken")));
  const oRefund = await escrow.refundCount();

  /* ------------------------------------------------ a day later: deadlines missed */
  await time.increase(DAY + 1);
  await measured(
    "desk.escalateTicket",
    desk.connect(customer).escalateTicket(d, note("D: hello?")),
  );
  await status(d, TicketStatus.Escalated);
  const claimed = await measured(
    "escrow.claimSlaCompensation.eth",
    escrow.connect(keeper).claimSlaCompensation(f),
  );
  checks.emitted(claimed, escrow, "SlaCompensationPaid", { ticketId: f, credited: false });
  const owed = await measured(
    "escrow.claimSlaCompensation.owed",
    escrow.connect(keeper).claimSlaCompensation(o),
  );
  checks.emitted(owed, escrow, "SlaCompensationOwed", { ticketId: o });
  const owedId = await escrow.owedClaimCount();
  await send(
    escrow.connect(otherAdmin).deposit(THIN_MERCHANT, ETH, COMPENSATION.firstResponseAmount, {
      value: COMPENSATION.firstResponseAmount,
    }),
  );
  const settled = await measured(
    "escrow.settleOwedCompensation.eth",
    escrow.connect(keeper).settleOwedCompensation(owedId),
  );
  checks.emitted(settled, escrow, "OwedCompensationPaid", { owedId, credited: false });
  await send(escrow.connect(customer2).cancelRefund(oRefund));
  checks.equal(await escrow.reserveOf(THIN_MERCHANT, ETH), thinReserve, "merchant 2's reserve");

  /* --------------------------------------------- four days later: refund deadline */
  await time.increase(3 * DAY);
  await measured("escrow.executeRefund.eth", escrow.connect(keeper).executeRefund(kRefund));
  await refundStatus(kRefund, RefundStatus.Paid);

  /* ------------------------ eleven days later: reopen and dispute windows over */
  await time.increase(7 * DAY);
  await measured("desk.closeTicket", desk.connect(keeper).closeTicket(c));
  await status(c, TicketStatus.Closed);
  await measured("escrow.finalizeRejection", escrow.connect(keeper).finalizeRejection(mRefund));
  checks.equal(await escrow.lockedOf(MERCHANT, ETH), 0n, "merchant 1's locked ETH at day's end");
  checks.equal(await feedback.feedbackOfTicket(a), a << 8n, "ticket A's rating");
  checks.that((await desk.ticketCount()) - a < TICKETS_PER_RATING_WORD, "one rating word a day");
  checks.equal(await escrow.creditOf(customer.address, tUsd), 0n, "customer's TUSD credit");
  checks.equal(await desk.isAgent(newMerchant, agent.address), true, "new merchant's agent");
}
