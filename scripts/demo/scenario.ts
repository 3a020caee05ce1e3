/**
 * One merchant's day on CareLedger, played by named people on Hardhat's in-process chain: deployed
 * through the real Ignition module, driven through the `careledger` package (client, commitments,
 * order receipts, gasless relay, timelines, report), with every step checked.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  Wallet,
  ZeroAddress,
  keccak256,
  parseEther,
  parseUnits,
  toUtf8Bytes,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
  type Signer,
} from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import CareLedgerModule from "../../deploy/CareLedger.js";
import {
  RefundStatus,
  TicketStatus,
  connect,
  decodeRevert,
  makeCommitment,
  merchantReport,
  orderReceiptFromJson,
  orderReceiptToJson,
  relay,
  signOrderReceipt,
  ticketTimeline,
  verifyOrderReceipt,
  type CareLedgerClient,
  type DecodedRevert,
  type MerchantReport,
  type OrderReceipt,
  type SignedOrderReceipt,
  type TimelineEntry,
} from "../../src/index.js";
import { describeDecoded } from "../../tasks/lib/explain.js";
import { ETH, erc20, formatAmount, shortAddress, type TokenInfo } from "../../tasks/lib/format.js";
import type { Printer } from "../../tasks/lib/output.js";
import {
  describeCompensation,
  formatGas,
  renderReport,
  renderTimeline,
  resolveTokens,
} from "../../tasks/lib/render.js";
import { pad, table } from "../../tasks/lib/style.js";

import { Checks, DemoCheckError } from "./checks.js";

/** One line of the day: who did what, when, for how much gas. */
export interface DemoStep {
  index: number;
  time: string;
  actor: string;
  description: string;
  gasUsed: bigint | undefined;
  txHash: string | undefined;
}

/** A merchant's ratings as `merchantStats` / `verifiedMerchantStats` return them. */
export interface RatingFigures {
  count: number;
  sum: number;
  /** histogram[0] counts 1-star ratings. */
  histogram: number[];
}

export interface DemoResult {
  steps: DemoStep[];
  checks: number;
  merchantId: number;
  report: MerchantReport;
  /** The ratings of verified tickets only (`verifiedMerchantStats`), next to `report.ratings`. */
  verifiedRatings: RatingFigures;
  timelines: Map<number, TimelineEntry[]>;
  /** The demo token's address (the ERC-20 reserve). */
  token: string;
}

interface Person {
  name: string;
  role: string;
  signer: Signer;
  address: string;
}

const HOUR = 3_600;
const DAY = 86_400;
/** How long after a purchase a receipt opens tickets (its `supportUntil`): the shop's return period. */
const RETURN_PERIOD = 30 * DAY;

/** The merchant's promises for the day: tight, so that the story fits in a day and a half. */
const POLICY = {
  firstResponseTime: HOUR,
  resolutionTime: 8 * HOUR,
  reopenWindow: 2 * DAY,
  autoCloseDelay: 3 * DAY,
  refundResponseTime: DAY,
  disputeWindow: 2 * DAY,
};

/** Plays the day on `connection` (a fresh in-process chain), printing as it goes. */
export async function runDemo(connection: NetworkConnection, out: Printer): Promise<DemoResult> {
  const { ethers, networkHelpers } = connection;
  const { style } = out;
  const provider = ethers.provider;
  const checks = new Checks();
  const steps: DemoStep[] = [];

  /* ------------------------------------------------------------------ cast */
  const accounts = await ethers.getSigners();
  const account = (index: number): HardhatEthersSigner => {
    const signer = accounts[index];
    if (signer === undefined) throw new Error(`the demo needs account #${index}`);
    return signer;
  };
  const person = (name: string, role: string, signer: HardhatEthersSigner): Person => ({
    name,
    role,
    signer,
    address: signer.address,
  });
  const deployer = person("Deployer", "deploys CareLedger", account(0));
  const ari = person("Ari", "arbiter of disputes", account(1));
  const maya = person("Maya", "merchant admin, Acme Outdoor", account(2));
  const alex = person("Alex", "support agent", account(3));
  const sam = person("Sam", "support agent", account(4));
  const carol = person("Carol", "customer", account(5));
  const erin = person("Erin", "customer", account(6));
  const remy = person("Remy", "relayer (pays gas for signed requests)", account(8));
  // Dan has a fresh wallet without a wei of ETH: everything he does goes through the relayer.
  const danWallet = new Wallet(keccak256(toUtf8Bytes("careledger demo: Dan")), provider);
  const dan: Person = {
    name: "Dan",
    role: "customer with no ETH (gasless)",
    signer: danWallet,
    address: danWallet.address,
  };
  // The shop's checkout key: it signs an order receipt (EIP-712) for every sale, off chain, and never
  // sends a transaction; Maya names it as the merchant's order signer, so its receipts open verified tickets.
  const checkoutWallet = new Wallet(
    keccak256(toUtf8Bytes("careledger demo: Acme checkout")),
    provider,
  );
  const checkout: Person = {
    name: "Acme checkout",
    role: "the shop's checkout key (signs order receipts off chain)",
    signer: checkoutWallet,
    address: checkoutWallet.address,
  };
  const cast = [maya, alex, sam, checkout, carol, dan, erin, ari, remy, deployer];
  const names = new Map(cast.map((member) => [member.address.toLowerCase(), member.name]));
  const nameOf = (address: string): string =>
    names.get(address.toLowerCase()) ?? shortAddress(address);

  /* ----------------------------------------------------------------- clock */
  // The day starts at the next 09:00 UTC of the chain's clock; steps are placed at fixed times.
  const startBlock = await provider.getBlockNumber();
  const now = async (): Promise<number> => (await provider.getBlock("latest"))?.timestamp ?? 0;
  const chainStart = await now();
  const dayOne = Math.floor((chainStart + HOUR) / DAY) * DAY + DAY; // next midnight (UTC)
  const at = (day: number, hhmm: string): number => {
    const [hours = 0, minutes = 0] = hhmm.split(":").map(Number);
    return dayOne + (day - 1) * DAY + hours * HOUR + minutes * 60;
  };
  const clock = (timestamp: number): string => {
    const day = Math.floor((timestamp - dayOne) / DAY) + 1;
    const time = new Date(timestamp * 1000).toISOString().slice(11, 16);
    return day < 1 ? "setup" : `d${day} ${time}`;
  };
  let stepTime = chainStart;
  /** Moves the chain's clock to `timestamp` (the next transaction is mined right after it). */
  const travel = async (timestamp: number): Promise<void> => {
    if (timestamp > (await now())) await networkHelpers.time.increaseTo(timestamp);
    stepTime = timestamp;
  };

  /* ------------------------------------------------------------- printing */
  const widths = { index: 3, time: 8, actor: 22, gas: 10 };
  const header = (): void => {
    out.line(
      style.bold(
        `${pad("#", widths.index, true)}  ${pad("time", widths.time)}  ${pad("actor", widths.actor)}  ${pad(
          "gas",
          widths.gas,
          true,
        )}  step`,
      ),
    );
    out.line(
      style.dim(
        `${"─".repeat(widths.index)}  ${"─".repeat(widths.time)}  ${"─".repeat(widths.actor)}  ${"─".repeat(
          widths.gas,
        )}  ${"─".repeat(50)}`,
      ),
    );
  };
  const record = (
    actor: string,
    description: string,
    receipt: ContractTransactionReceipt | undefined,
    gasUsed = receipt?.gasUsed,
  ): void => {
    const step: DemoStep = {
      index: steps.length + 1,
      time: clock(stepTime),
      actor,
      description,
      gasUsed,
      txHash: receipt?.hash,
    };
    steps.push(step);
    out.line(
      `${pad(String(step.index), widths.index, true)}  ${style.dim(pad(step.time, widths.time))}  ${style.cyan(
        pad(actor, widths.actor),
      )}  ${pad(formatGas(gasUsed), widths.gas, true)}  ${description}`,
    );
  };
  /** Where a row's description starts: under it go the lines that explain a row. */
  const descriptionColumn = " ".repeat(widths.index + widths.time + widths.actor + widths.gas + 8);
  /**
   * A row that is no step on the chain: something signed off chain, or an attempt the contracts refused
   * (nothing is mined), so it has no step number and no gas.
   */
  const aside = (marker: string, actor: string, what: string, description: string): void => {
    out.line(
      `${pad(marker, widths.index, true)}  ${style.dim(pad(clock(stepTime), widths.time))}  ${style.cyan(
        pad(actor, widths.actor),
      )}  ${style.dim(pad(what, widths.gas, true))}  ${description}`,
    );
  };
  const section = (title: string): void => {
    out.line();
    out.line(style.bold(style.magenta(title)));
  };

  /** Sends one step's transaction and returns its receipt. */
  const send = async (
    what: string,
    tx: Promise<ContractTransactionResponse>,
  ): Promise<ContractTransactionReceipt> => {
    checks.step = `step ${steps.length + 1} (${what})`;
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
    if (receipt === null) throw new Error(`${what}: no receipt`);
    checks.equal(receipt.status, 1, "transaction status");
    return receipt;
  };

  /**
   * Tries what the contracts must refuse: checks that it reverts, before anything is mined, with exactly
   * the error `name` and the arguments `args` (decoded by the package's `decodeRevert`), then prints the
   * row, the sentence `explain` makes of the error, and the decoded error itself.
   */
  const refused = async (
    what: string,
    actor: string,
    description: string,
    attempt: () => Promise<unknown>,
    expected: { name: string; args: Record<string, unknown> },
    explain: (decoded: DecodedRevert) => string,
  ): Promise<DecodedRevert> => {
    checks.step = `after step ${steps.length} (${what}, which must be refused)`;
    const blockBefore = await provider.getBlockNumber();
    let decoded: DecodedRevert | undefined;
    try {
      await attempt();
    } catch (error) {
      decoded = decodeRevert(error);
      if (decoded === undefined) throw error;
    }
    if (decoded === undefined) {
      throw new DemoCheckError(`${checks.step}: expected ${expected.name}, but it went through`);
    }
    // Refused while it was estimated: no transaction was sent, so nobody paid gas for it.
    checks.equal(
      await provider.getBlockNumber(),
      blockBefore,
      "blocks mined by the refused attempt",
    );
    checks.equal(decoded.name, expected.name, "the error");
    checks.equal(
      Object.keys(decoded.args).sort(),
      Object.keys(expected.args).sort(),
      `${expected.name}'s arguments`,
    );
    for (const [key, value] of Object.entries(expected.args)) {
      checks.equal(decoded.args[key], value, `${expected.name}'s ${key}`);
    }
    aside(style.red("✖"), actor, "refused", description);
    out.line(`${descriptionColumn}${style.red("↳")} ${explain(decoded)}`);
    out.line(`${descriptionColumn}  ${style.dim(describeDecoded(decoded))}`);
    return decoded;
  };

  out.line(style.bold("CareLedger demo: one merchant's day"));
  out.line(
    style.dim(
      `Hardhat's in-process chain (id ${(await provider.getNetwork()).chainId}); every step is checked; ` +
        "times are the chain's (UTC)",
    ),
  );

  /* ---------------------------------------------------------------- deploy */
  section("Setting up");
  header();
  checks.step = "deployment";
  const deployed = await connection.ignition.deploy(CareLedgerModule, {
    parameters: { CareLedger: { defaultArbiter: ari.address } },
    defaultSender: deployer.address,
  });
  const addresses = {
    forwarder: await deployed.forwarder.getAddress(),
    supportDesk: await deployed.desk.getAddress(),
    refundEscrow: await deployed.escrow.getAddress(),
    feedbackAttestations: await deployed.feedback.getAddress(),
  };
  let deploymentGas = 0n;
  for (let block = startBlock + 1; block <= (await provider.getBlockNumber()); block++) {
    deploymentGas += (await provider.getBlock(block))?.gasUsed ?? 0n;
  }
  const client: CareLedgerClient = await connect(provider, undefined, addresses);
  checks.equal(await client.desk.escrow(), addresses.refundEscrow, "the desk's bound escrow");
  checks.that(
    await client.desk.isTrustedForwarder(addresses.forwarder),
    "the desk trusts the forwarder",
  );
  stepTime = await now();
  record(
    deployer.name,
    "deploys CareLedger with Ignition (forwarder, desk, escrow, feedback; binds the escrow)",
    undefined,
    deploymentGas,
  );

  const token = await ethers.deployContract(
    "DemoToken",
    ["Demo USD", "dUSD", maya.address, parseUnits("1000000", 6)],
    account(0),
  );
  const tokenReceipt = await token.deploymentTransaction()?.wait();
  const dUsd: TokenInfo = { address: await token.getAddress(), symbol: "dUSD", decimals: 6 };
  const usd = (amount: string): bigint => parseUnits(amount, 6);
  const dUsdOf = erc20(dUsd.address, provider);
  const tokenBalance = async (who: Person): Promise<bigint> =>
    (await dUsdOf.getFunction("balanceOf")(who.address)) as bigint;
  checks.equal(await tokenBalance(maya), usd("1000000"), "Maya's dUSD");
  stepTime = await now();
  record(
    deployer.name,
    `deploys a demo stablecoin (dUSD, 6 decimals) and gives Maya ${formatAmount(usd("1000000"), dUsd)}`,
    tokenReceipt ?? undefined,
  );

  section("Cast");
  for (const line of table(
    style,
    [{ header: "name" }, { header: "role" }, { header: "address" }],
    cast.map((member) => [style.cyan(member.name), member.role, member.address]),
  )) {
    out.line(`  ${line}`);
  }

  const desk = (who: Person) => client.desk.connect(who.signer);
  const escrow = (who: Person) => client.escrow.connect(who.signer);
  const feedback = (who: Person) => client.feedback.connect(who.signer);
  /** Dan signs, Remy relays and pays the gas. */
  const gasless = async (target: string, data: string): Promise<ContractTransactionResponse> =>
    relay(client, dan.signer, target, data, {
      relayer: remy.signer,
      deadline: stepTime + HOUR,
    });
  const viaRemy = `${dan.name} (via ${remy.name})`;
  const text = (content: string): string => makeCommitment(content).commitment;
  const status = async (ticketId: bigint, expected: TicketStatus): Promise<void> =>
    checks.equal(
      TicketStatus[Number(await client.desk.statusOf(ticketId))],
      TicketStatus[expected],
      `ticket #${ticketId}'s status`,
    );
  const refundStatus = async (refundId: bigint, expected: RefundStatus): Promise<void> =>
    checks.equal(
      RefundStatus[Number(await client.escrow.refundStatusOf(refundId))],
      RefundStatus[expected],
      `refund #${refundId}'s status`,
    );
  const ethCost = (receipt: ContractTransactionReceipt): bigint =>
    receipt.gasUsed * receipt.gasPrice;

  /* --------------------------------------------------------- the merchant */
  section("Day 1: Acme Outdoor opens for business");
  header();

  await travel(at(1, "08:30"));
  let receipt = await send(
    "register",
    desk(maya).registerMerchant(maya.address, text("Acme Outdoor: tents, stoves, trail gear")),
  );
  checks.emitted(receipt, client.desk, "MerchantRegistered", {
    merchantId: 1,
    admin: maya.address,
  });
  const merchantId = 1;
  record(maya.name, "registers the merchant Acme Outdoor: merchant #1", receipt);

  await travel(at(1, "08:32"));
  receipt = await send("add Alex", desk(maya).setAgent(merchantId, alex.address, true));
  checks.that(await client.desk.isAgent(merchantId, alex.address), "Alex is an agent");
  record(maya.name, "makes Alex a support agent", receipt);

  await travel(at(1, "08:33"));
  receipt = await send("add Sam", desk(maya).setAgent(merchantId, sam.address, true));
  checks.that(await client.desk.isAgent(merchantId, sam.address), "Sam is an agent");
  record(maya.name, "makes Sam a support agent", receipt);

  await travel(at(1, "08:35"));
  receipt = await send(
    "policy",
    desk(maya).setPolicy(merchantId, { ...POLICY, arbiter: ari.address }),
  );
  const policy = await client.desk.policyOf(merchantId);
  checks.equal(policy.firstResponseTime, POLICY.firstResponseTime, "first-response time");
  checks.equal(policy.resolutionTime, POLICY.resolutionTime, "resolution time");
  checks.equal(policy.arbiter, ari.address, "arbiter");
  record(
    maya.name,
    "promises a first reply within 1 h, resolution within 8 h; refunds answered within 1 day; Ari arbitrates",
    receipt,
  );

  await travel(at(1, "08:40"));
  const escrowEthBefore = await provider.getBalance(addresses.refundEscrow);
  receipt = await send(
    "ETH reserve",
    escrow(maya).deposit(merchantId, ZeroAddress, parseEther("2"), { value: parseEther("2") }),
  );
  checks.emitted(receipt, client.escrow, "ReserveDeposited", {
    merchantId,
    token: ZeroAddress,
    from: maya.address,
    amount: parseEther("2"),
  });
  checks.equal(
    await client.escrow.reserveOf(merchantId, ZeroAddress),
    parseEther("2"),
    "ETH reserve",
  );
  checks.equal(
    (await provider.getBalance(addresses.refundEscrow)) - escrowEthBefore,
    parseEther("2"),
    "ETH held by the escrow",
  );
  record(maya.name, "funds the refund reserve with 2 ETH", receipt);

  await travel(at(1, "08:41"));
  receipt = await send(
    "approve dUSD",
    erc20(dUsd.address, maya.signer).getFunction("approve")(
      addresses.refundEscrow,
      usd("1000"),
    ) as Promise<ContractTransactionResponse>,
  );
  record(maya.name, "lets the escrow take 1,000 dUSD (ERC-20 approve)", receipt);

  await travel(at(1, "08:42"));
  receipt = await send("dUSD reserve", escrow(maya).deposit(merchantId, dUsd.address, usd("1000")));
  checks.equal(
    await client.escrow.reserveOf(merchantId, dUsd.address),
    usd("1000"),
    "dUSD reserve",
  );
  checks.equal(await tokenBalance(maya), usd("999000"), "Maya's dUSD after the deposit");
  record(maya.name, "funds the refund reserve with 1,000 dUSD", receipt);

  await travel(at(1, "08:45"));
  receipt = await send(
    "compensation",
    desk(maya).setSlaCompensation(merchantId, {
      token: dUsd.address,
      firstResponseAmount: usd("5"),
      resolutionAmount: usd("20"),
      autoPay: false,
    }),
  );
  const [backed] = await client.escrow.slaCompensationBacked(merchantId);
  checks.that(backed, "the compensation promise is backed by the reserve");
  // Tickets opened from now on run under these terms, whatever Maya changes later.
  const promiseTerms = await client.desk.termsVersionOf(merchantId);
  checks.emitted(receipt, client.desk, "TermsVersionStarted", {
    merchantId,
    version: promiseTerms,
  });
  record(
    maya.name,
    "promises 5 dUSD for a late first reply and 20 dUSD for a late resolution (on verified purchases)",
    receipt,
  );

  await travel(at(1, "08:47"));
  receipt = await send(
    "order signer",
    desk(maya).setOrderSigner(merchantId, checkout.address, true),
  );
  checks.emitted(receipt, client.desk, "OrderSignerSet", {
    merchantId,
    signer: checkout.address,
    allowed: true,
  });
  checks.that(
    await client.desk.isOrderSigner(merchantId, checkout.address),
    "the checkout's receipts are accepted",
  );
  record(
    maya.name,
    `names the shop's checkout key (${checkout.name}) as an order signer: receipts it signs open verified tickets`,
    receipt,
  );

  await travel(at(1, "08:48"));
  const samDailyLimit = usd("15");
  receipt = await send(
    "Sam's allowance",
    escrow(maya).setRefundAllowance(merchantId, sam.address, dUsd.address, samDailyLimit, DAY),
  );
  checks.emitted(receipt, client.escrow, "RefundAllowanceSet", {
    merchantId,
    agent: sam.address,
    token: dUsd.address,
    limit: samDailyLimit,
    period: DAY,
    actor: maya.address,
  });
  const samAllowance = await client.escrow.refundAllowanceOf(merchantId, sam.address, dUsd.address);
  checks.that(samAllowance.limited, "Sam's payouts are limited");
  checks.equal(samAllowance.limit, samDailyLimit, "Sam's daily limit");
  checks.equal(samAllowance.spent, 0n, "what Sam paid so far");
  record(
    maya.name,
    `lets Sam pay out at most ${formatAmount(samDailyLimit, dUsd)} a day (refunds he approves or issues)`,
    receipt,
  );

  /* -------------------------------------------------------------- tickets */
  const chainId = (await provider.getNetwork()).chainId;
  /**
   * What the checkout does at a sale: signs the order's receipt with the package's `signOrderReceipt` (the
   * order and the items stay off chain as commitments) and hands it to the customer as JSON, whose wallet
   * reads it back and checks the signature off chain (`verifyOrderReceipt`).
   */
  const sell = async (
    customer: Person,
    order: string,
    items: string,
    token: string,
    amount: bigint,
    purchasedAt: number,
  ): Promise<SignedOrderReceipt> => {
    const receipt: OrderReceipt = {
      merchantId: BigInt(merchantId),
      customer: customer.address,
      orderRef: text(order),
      token,
      amount,
      itemsHash: text(items),
      purchasedAt: BigInt(purchasedAt),
      supportUntil: BigInt(purchasedAt + RETURN_PERIOD),
    };
    const signed = await signOrderReceipt(checkout.signer, receipt, addresses.supportDesk, chainId);
    const kept = orderReceiptFromJson(orderReceiptToJson(signed));
    checks.equal(kept.receipt.orderRef, receipt.orderRef, `${customer.name}'s receipt, read back`);
    checks.equal(kept.receipt.amount, amount, `${customer.name}'s receipt's amount, read back`);
    const verification = await verifyOrderReceipt(kept, provider);
    checks.that(
      verification.valid && !verification.contractSigner,
      `${customer.name}'s receipt carries a valid signature`,
    );
    checks.equal(verification.signer, checkout.address, `${customer.name}'s receipt's signer`);
    return kept;
  };

  await travel(at(1, "09:10"));
  receipt = await send(
    "Carol opens",
    desk(carol).openTicket(
      merchantId,
      text("order #A-1042"),
      text("My new tent arrived with a broken pole."),
      1,
    ),
  );
  checks.emitted(receipt, client.desk, "TicketOpened", {
    ticketId: 1,
    merchantId,
    customer: carol.address,
    priority: 1,
  });
  const t1 = 1n;
  await status(t1, TicketStatus.Open);
  checks.equal((await client.desk.receiptOf(t1)).verified, false, "whether ticket #1 is verified");
  record(
    carol.name,
    "opens ticket #1 without a receipt (unverified): tent arrived with a broken pole (normal)",
    receipt,
  );

  await travel(at(1, "09:11"));
  checks.step = `after step ${steps.length} (Dan's receipt)`;
  const danOrder = await sell(
    dan,
    "order #A-1043, placed last night",
    "1 × Ridge 2 camping stove, serial RS2-40917; 4 × fuel canister",
    dUsd.address,
    usd("60"),
    at(0, "21:40"),
  );
  aside(
    "",
    checkout.name,
    "off chain",
    `signs Dan's receipt for order #A-1043 (${formatAmount(danOrder.receipt.amount, dUsd)}, returns for 30 days); Dan's wallet checks it`,
  );

  await travel(at(1, "09:12"));
  const remyBefore = await provider.getBalance(remy.address);
  receipt = await send(
    "Dan opens gaslessly",
    gasless(
      addresses.supportDesk,
      client.desk.interface.encodeFunctionData("openTicketWithReceipt", [
        danOrder.receipt,
        danOrder.signature,
        text("The stove I bought leaks gas at the valve."),
        2,
      ]),
    ),
  );
  const t2 = 2n;
  checks.emitted(receipt, client.desk, "TicketOpened", {
    ticketId: t2,
    customer: dan.address,
    orderRef: danOrder.receipt.orderRef,
    priority: 2,
  });
  checks.emitted(receipt, client.desk, "TicketVerified", {
    ticketId: t2,
    orderRef: danOrder.receipt.orderRef,
    signer: checkout.address,
    token: dUsd.address,
    amount: usd("60"),
  });
  checks.equal(
    [...(await client.desk.receiptOf(t2))],
    [true, danOrder.receipt.orderRef, dUsd.address, usd("60"), danOrder.receipt.supportUntil],
    "ticket #2's order (verified, ref, token, amount, support until)",
  );
  checks.equal((await client.desk.getTicket(t2)).termsVersion, promiseTerms, "ticket #2's terms");
  checks.equal(await provider.getBalance(dan.address), 0n, "Dan's ETH (he never pays gas)");
  checks.equal(
    remyBefore - (await provider.getBalance(remy.address)),
    ethCost(receipt),
    "what Remy paid for Dan's request",
  );
  record(
    viaRemy,
    "opens ticket #2 gaslessly with his receipt (verified): the stove leaks gas (high)",
    receipt,
  );

  await travel(at(1, "09:20"));
  receipt = await send("assign", desk(alex).assignTicket(t1, alex.address));
  checks.emitted(receipt, client.desk, "TicketAssigned", { ticketId: t1, agent: alex.address });
  record(alex.name, "takes ticket #1", receipt);

  await travel(at(1, "09:25"));
  receipt = await send(
    "Alex replies",
    desk(alex).postMessage(t1, text("Sorry about that! Could you send a photo of the pole?")),
  );
  await status(t1, TicketStatus.InProgress);
  checks.emitted(receipt, client.desk, "SlaDeadlineSettled", {
    ticketId: t1,
    deadline: 1,
    met: true,
  });
  record(
    alex.name,
    "answers ticket #1 within the hour (first reply met): Open → InProgress",
    receipt,
  );

  await travel(at(1, "09:26"));
  receipt = await send("await", desk(alex).awaitCustomer(t1, text("Waiting for the photo.")));
  await status(t1, TicketStatus.AwaitingCustomer);
  record(alex.name, "waits for Carol's photo (the resolution clock stops)", receipt);

  await travel(at(1, "09:45"));
  receipt = await send("Carol answers", desk(carol).postMessage(t1, text("Photo attached.")));
  await status(t1, TicketStatus.InProgress);
  record(carol.name, "sends the photo: AwaitingCustomer → InProgress", receipt);

  await travel(at(1, "09:50"));
  receipt = await send(
    "Carol asks for a refund",
    escrow(carol).requestRefund(
      t1,
      ZeroAddress,
      parseEther("0.05"),
      text("Refund the broken pole."),
    ),
  );
  checks.emitted(receipt, client.escrow, "RefundRequested", {
    refundId: 1,
    ticketId: t1,
    customer: carol.address,
    token: ZeroAddress,
    amount: parseEther("0.05"),
  });
  checks.equal(
    await client.escrow.lockedOf(merchantId, ZeroAddress),
    parseEther("0.05"),
    "ETH locked",
  );
  checks.equal(
    await client.escrow.reserveOf(merchantId, ZeroAddress),
    parseEther("1.95"),
    "ETH reserve available",
  );
  record(carol.name, "asks for 0.05 ETH back: refund #1, locked in the reserve at once", receipt);

  await travel(at(1, "10:00"));
  const carolBefore = await provider.getBalance(carol.address);
  receipt = await send(
    "approve",
    escrow(alex).approveRefundAndResolve(1n, text("Refunded the pole; a new one is on its way.")),
  );
  checks.emitted(receipt, client.escrow, "RefundPaid", {
    refundId: 1,
    to: carol.address,
    amount: parseEther("0.05"),
    credited: false,
  });
  checks.equal(
    (await provider.getBalance(carol.address)) - carolBefore,
    parseEther("0.05"),
    "Carol's ETH gain",
  );
  await refundStatus(1n, RefundStatus.Paid);
  await status(t1, TicketStatus.Resolved);
  record(alex.name, "approves refund #1 (Carol is paid 0.05 ETH) and resolves ticket #1", receipt);

  await travel(at(1, "10:05"));
  receipt = await send("confirm", desk(carol).confirmResolution(t1));
  await status(t1, TicketStatus.Closed);
  record(carol.name, "confirms the resolution: ticket #1 is Closed", receipt);

  await travel(at(1, "10:06"));
  receipt = await send("rate", feedback(carol).attest(t1, 5, text("Fast and fair. Thank you!")));
  checks.emitted(receipt, client.feedback, "FeedbackAttested", {
    ticketId: t1,
    merchantId,
    customer: carol.address,
    rating: 5,
  });
  const f1 = await client.feedback.feedbackOfTicket(t1);
  record(carol.name, `rates ticket #1 ★★★★★ (feedback #${f1})`, receipt);

  await travel(at(1, "10:10"));
  receipt = await send("reply", feedback(maya).reply(f1, text("Thanks Carol, enjoy the trail!")));
  checks.emitted(receipt, client.feedback, "FeedbackReplied", { feedbackId: f1 });
  record(maya.name, `replies to feedback #${f1}`, receipt);

  await travel(at(1, "10:12"));
  receipt = await send(
    "auto-pay",
    desk(maya).setSlaCompensation(merchantId, {
      token: dUsd.address,
      firstResponseAmount: usd("5"),
      resolutionAmount: usd("20"),
      autoPay: true,
    }),
  );
  checks.equal((await client.desk.slaCompensationOf(merchantId)).autoPay, true, "auto-pay");
  const autoPayTerms = await client.desk.termsVersionOf(merchantId);
  checks.equal(autoPayTerms, promiseTerms + 1n, "the terms version auto-pay starts");
  checks.equal(
    (await client.desk.getTicket(t2)).termsVersion,
    promiseTerms,
    "ticket #2's terms (its cycle keeps those it started under)",
  );
  record(
    maya.name,
    "turns on automatic compensation, for cycles that start from now on (ticket #2 keeps its terms)",
    receipt,
  );

  await travel(at(1, "10:13"));
  checks.step = `after step ${steps.length} (Erin's receipt)`;
  const erinOrder = await sell(
    erin,
    "order #A-1050, placed last night",
    "1 × pair of Summit GTX hiking boots, size 46",
    ZeroAddress,
    parseEther("0.1"),
    at(0, "22:05"),
  );
  receipt = await send(
    "Erin opens",
    desk(erin).openTicketWithReceipt(
      erinOrder.receipt,
      erinOrder.signature,
      text("Boots are two sizes too big."),
      0,
    ),
  );
  const t3 = 3n;
  checks.emitted(receipt, client.desk, "TicketOpened", { ticketId: t3, customer: erin.address });
  checks.emitted(receipt, client.desk, "TicketVerified", {
    ticketId: t3,
    orderRef: erinOrder.receipt.orderRef,
    signer: checkout.address,
    token: ZeroAddress,
    amount: parseEther("0.1"),
  });
  checks.equal((await client.desk.getTicket(t3)).termsVersion, autoPayTerms, "ticket #3's terms");
  record(
    erin.name,
    "opens ticket #3 with her receipt for 0.1 ETH (verified): boots two sizes too big (low)",
    receipt,
  );

  await travel(at(1, "10:16"));
  receipt = await send(
    "Erin asks for a refund",
    escrow(erin).requestRefund(
      t3,
      ZeroAddress,
      parseEther("0.1"),
      text("Refund the boots; returned."),
    ),
  );
  checks.emitted(receipt, client.escrow, "RefundRequested", { refundId: 2, ticketId: t3 });
  const requestedAt = (await provider.getBlock(receipt.blockNumber))?.timestamp ?? 0;
  checks.equal(
    (await client.escrow.getRefund(2n)).deadline,
    requestedAt + DAY,
    "refund #2's deadline",
  );
  checks.equal(
    await client.escrow.refundedForOrder(merchantId, erinOrder.receipt.orderRef),
    parseEther("0.1"),
    "what Erin's order has locked or paid in refunds",
  );
  record(erin.name, "asks for 0.1 ETH back: refund #2 (the merchant has a day to answer)", receipt);

  /* ------------------------------------------- a missed deadline, escalation */
  await travel(at(1, "11:30"));
  const [dueAt, missed] = await client.desk.firstResponseDeadline(t2);
  checks.that(missed, `ticket #2's first reply (due ${clock(Number(dueAt))}) is missed`);
  receipt = await send(
    "Dan escalates",
    gasless(
      addresses.supportDesk,
      client.desk.interface.encodeFunctionData("escalateTicket", [
        t2,
        text("No answer in over an hour, and it is a gas leak."),
      ]),
    ),
  );
  await status(t2, TicketStatus.Escalated);
  checks.emitted(receipt, client.desk, "SlaDeadlineSettled", {
    ticketId: t2,
    deadline: 1,
    met: false,
  });
  record(
    viaRemy,
    "escalates ticket #2: nobody answered within the hour (first reply missed)",
    receipt,
  );

  await travel(at(1, "11:31"));
  const danUsdBefore = await tokenBalance(dan);
  receipt = await send("claim", escrow(remy).claimSlaCompensation(t2));
  checks.emitted(receipt, client.escrow, "SlaCompensationPaid", {
    ticketId: t2,
    merchantId,
    customer: dan.address,
    deadlines: 1,
    token: dUsd.address,
    amount: usd("5"),
    credited: false,
  });
  checks.equal((await tokenBalance(dan)) - danUsdBefore, usd("5"), "Dan's compensation");
  record(
    remy.name,
    "claims ticket #2's compensation as a keeper (no auto-pay in its terms): Dan is paid 5 dUSD",
    receipt,
  );

  await travel(at(1, "11:40"));
  receipt = await send(
    "Sam answers",
    desk(sam).postMessage(t2, text("Please stop using it; we are sending a replacement today.")),
  );
  checks.emitted(receipt, client.desk, "MessagePosted", { ticketId: t2, author: sam.address });
  record(sam.name, "answers the escalated ticket #2", receipt);

  await travel(at(1, "12:00"));
  receipt = await send(
    "Sam resolves",
    desk(sam).resolveTicket(t2, text("Replacement stove shipped.")),
  );
  await status(t2, TicketStatus.Resolved);
  checks.emitted(receipt, client.desk, "SlaDeadlineSettled", {
    ticketId: t2,
    deadline: 2,
    met: true,
  });
  record(sam.name, "resolves ticket #2 in time (resolution met)", receipt);

  /* ------------------------------------------- reopened, rejected, disputed */
  await travel(at(1, "14:00"));
  receipt = await send(
    "Dan reopens",
    gasless(
      addresses.supportDesk,
      client.desk.interface.encodeFunctionData("reopenTicket", [
        t2,
        text("The replacement leaks too."),
      ]),
    ),
  );
  await status(t2, TicketStatus.Open);
  record(viaRemy, "reopens ticket #2: the replacement leaks too (new deadlines)", receipt);

  await travel(at(1, "14:05"));
  receipt = await send(
    "Dan asks for a refund",
    gasless(
      addresses.refundEscrow,
      client.escrow.interface.encodeFunctionData("requestRefund", [
        t2,
        dUsd.address,
        usd("40"),
        text("Refund the stove."),
      ]),
    ),
  );
  checks.emitted(receipt, client.escrow, "RefundRequested", {
    refundId: 3,
    ticketId: t2,
    customer: dan.address,
    token: dUsd.address,
    amount: usd("40"),
  });
  checks.equal(await client.escrow.lockedOf(merchantId, dUsd.address), usd("40"), "dUSD locked");
  checks.equal(
    await client.escrow.refundedForOrder(merchantId, danOrder.receipt.orderRef),
    usd("40"),
    "what Dan's order has locked or paid in refunds",
  );
  record(
    viaRemy,
    "asks for 40 dUSD back for the stove: refund #3 (20 dUSD of the order left)",
    receipt,
  );

  await travel(at(1, "14:20"));
  receipt = await send("Sam answers", desk(sam).postMessage(t2, text("Looking into it.")));
  checks.emitted(receipt, client.desk, "SlaDeadlineSettled", {
    ticketId: t2,
    deadline: 1,
    met: true,
  });
  await status(t2, TicketStatus.InProgress);
  record(sam.name, "answers the reopened ticket #2 within the hour", receipt);

  await travel(at(1, "14:30"));
  receipt = await send(
    "Sam rejects",
    escrow(sam).rejectRefund(3n, text("The photos show the valve was forced.")),
  );
  await refundStatus(3n, RefundStatus.Rejected);
  checks.equal(
    await client.escrow.lockedOf(merchantId, dUsd.address),
    usd("40"),
    "dUSD still locked",
  );
  record(sam.name, "rejects refund #3: the valve was forced (stays locked)", receipt);

  await travel(at(1, "14:45"));
  receipt = await send(
    "Dan disputes",
    gasless(
      addresses.refundEscrow,
      client.escrow.interface.encodeFunctionData("disputeRefund", [
        3n,
        text("It leaked out of the box; video attached."),
      ]),
    ),
  );
  await refundStatus(3n, RefundStatus.Disputed);
  checks.emitted(receipt, client.escrow, "RefundDisputed", { refundId: 3, arbiter: ari.address });
  record(viaRemy, "disputes the rejection of refund #3 before Ari", receipt);

  await travel(at(1, "16:00"));
  const danUsdBeforeRuling = await tokenBalance(dan);
  receipt = await send("Ari rules", escrow(ari).resolveDispute(3n, true));
  checks.emitted(receipt, client.escrow, "DisputeResolved", {
    refundId: 3,
    arbiter: ari.address,
    payCustomer: true,
  });
  checks.equal((await tokenBalance(dan)) - danUsdBeforeRuling, usd("40"), "Dan's refund");
  await refundStatus(3n, RefundStatus.Paid);
  record(ari.name, "rules for Dan: refund #3 is paid, 40 dUSD", receipt);

  await travel(at(1, "16:10"));
  receipt = await send(
    "Sam resolves again",
    desk(sam).resolveTicket(t2, text("Refunded by ruling.")),
  );
  await status(t2, TicketStatus.Resolved);
  record(sam.name, "resolves ticket #2 again", receipt);

  await travel(at(1, "16:15"));
  receipt = await send(
    "Dan rates",
    gasless(
      addresses.feedbackAttestations,
      client.feedback.interface.encodeFunctionData("attest", [
        t2,
        2,
        text("Took a dispute to get my money back."),
      ]),
    ),
  );
  checks.emitted(receipt, client.feedback, "FeedbackAttested", {
    ticketId: t2,
    customer: dan.address,
    rating: 2,
  });
  const f2 = await client.feedback.feedbackOfTicket(t2);
  record(viaRemy, `rates ticket #2 ★★ (feedback #${f2})`, receipt);

  /* ------------------------------------------------------------- next day */
  section("Day 2: the merchant forgot ticket #3; Dan sends back the rest of his order");
  header();

  await travel(at(2, "10:20"));
  const erinEthBefore = await provider.getBalance(erin.address);
  receipt = await send("Erin executes", escrow(erin).executeRefund(2n));
  checks.emitted(receipt, client.escrow, "RefundPaid", {
    refundId: 2,
    to: erin.address,
    amount: parseEther("0.1"),
  });
  checks.equal(
    (await provider.getBalance(erin.address)) - erinEthBefore,
    parseEther("0.1") - ethCost(receipt),
    "Erin's ETH gain, net of her gas",
  );
  await refundStatus(2n, RefundStatus.Paid);
  record(erin.name, "executes refund #2 herself: nobody answered within a day", receipt);

  await travel(at(2, "10:30"));
  const erinUsdBefore = await tokenBalance(erin);
  receipt = await send(
    "Alex resolves late",
    desk(alex).resolveTicket(t3, text("Refunded; sorry for the wait.")),
  );
  checks.emitted(receipt, client.desk, "SlaDeadlineSettled", {
    ticketId: t3,
    deadline: 1,
    met: false,
  });
  checks.emitted(receipt, client.desk, "SlaDeadlineSettled", {
    ticketId: t3,
    deadline: 2,
    met: false,
  });
  checks.emitted(receipt, client.escrow, "SlaCompensationPaid", {
    ticketId: t3,
    customer: erin.address,
    deadlines: 3,
    amount: usd("25"),
  });
  checks.equal((await tokenBalance(erin)) - erinUsdBefore, usd("25"), "Erin's compensation");
  record(
    alex.name,
    "resolves ticket #3 a day late: both deadlines missed, Erin is paid 25 dUSD automatically",
    receipt,
  );

  await travel(at(2, "10:40"));
  receipt = await send(
    "Erin rates",
    feedback(erin).attest(t3, 3, text("Slow, but they paid for it.")),
  );
  record(erin.name, "rates ticket #3 ★★★", receipt);

  await travel(at(2, "11:00"));
  receipt = await send(
    "Dan amends",
    gasless(
      addresses.feedbackAttestations,
      client.feedback.interface.encodeFunctionData("amend", [
        f2,
        4,
        text("The arbiter sorted it out fairly."),
      ]),
    ),
  );
  checks.emitted(receipt, client.feedback, "FeedbackAmended", {
    previousFeedbackId: f2,
    ticketId: t2,
    previousRating: 2,
    rating: 4,
  });
  record(viaRemy, "amends his rating of ticket #2 to ★★★★ (the ★★ record stays)", receipt);

  /* ------------------------------------- the order's cap, an agent's allowance */
  // Dan's order was 60 dUSD and refund #3 paid 40 of it: no refund of the order may go beyond the rest.
  await travel(at(2, "11:20"));
  const refundDan = (amount: bigint, reason: string): Promise<ContractTransactionResponse> =>
    gasless(
      addresses.refundEscrow,
      client.escrow.interface.encodeFunctionData("requestRefund", [
        t2,
        dUsd.address,
        amount,
        text(reason),
      ]),
    );
  await refused(
    "Dan asks for 25 dUSD",
    viaRemy,
    "asks for 25 dUSD more, for the fuel canisters and the postage",
    () => refundDan(usd("25"), "Refund the unopened fuel canisters and the postage."),
    {
      name: "EscrowOrderRefundExceeded",
      args: {
        merchantId,
        orderRef: danOrder.receipt.orderRef,
        left: usd("20"),
        requested: usd("25"),
      },
    },
    (decoded) =>
      `refused: only ${formatAmount(decoded.args["left"] as bigint, dUsd)} of the ` +
      `${formatAmount(danOrder.receipt.amount, dUsd)} order is left to refund, ` +
      `and ${formatAmount(decoded.args["requested"] as bigint, dUsd)} was asked for`,
  );

  await travel(at(2, "11:22"));
  receipt = await send(
    "Dan asks for 20 dUSD",
    refundDan(usd("20"), "Refund the unopened fuel canisters."),
  );
  checks.emitted(receipt, client.escrow, "RefundRequested", {
    refundId: 4,
    ticketId: t2,
    customer: dan.address,
    token: dUsd.address,
    amount: usd("20"),
  });
  checks.equal(
    await client.escrow.refundedForOrder(merchantId, danOrder.receipt.orderRef),
    danOrder.receipt.amount,
    "what Dan's order has locked or paid in refunds (all of it)",
  );
  record(viaRemy, "asks for the 20 dUSD left, for the canisters alone: refund #4", receipt);

  // Sam may pay out 15 dUSD a day: refund #4 is more, so the admin has to approve it.
  await travel(at(2, "11:40"));
  await refused(
    "Sam approves",
    sam.name,
    "approves refund #4 (20 dUSD)",
    () => escrow(sam).approveRefund(4n),
    {
      name: "EscrowAllowanceExceeded",
      args: {
        merchantId,
        agent: sam.address,
        token: dUsd.address,
        left: samDailyLimit,
        requested: usd("20"),
      },
    },
    (decoded) =>
      `refused: Sam may pay out ${formatAmount(decoded.args["left"] as bigint, dUsd)} more today ` +
      `and refund #4 is ${formatAmount(decoded.args["requested"] as bigint, dUsd)}; Maya (the admin) can approve it`,
  );

  await travel(at(2, "11:45"));
  const danUsdBeforeApproval = await tokenBalance(dan);
  receipt = await send("Maya approves", escrow(maya).approveRefund(4n));
  checks.emitted(receipt, client.escrow, "RefundApproved", { refundId: 4, actor: maya.address });
  checks.emitted(receipt, client.escrow, "RefundPaid", {
    refundId: 4,
    to: dan.address,
    token: dUsd.address,
    amount: usd("20"),
    credited: false,
  });
  checks.equal((await tokenBalance(dan)) - danUsdBeforeApproval, usd("20"), "Dan's refund");
  await refundStatus(4n, RefundStatus.Paid);
  checks.equal(
    (await client.escrow.refundAllowanceOf(merchantId, sam.address, dUsd.address)).spent,
    0n,
    "what Sam paid today (his approval was refused)",
  );
  checks.equal(
    await client.escrow.reserveOf(merchantId, dUsd.address),
    usd("1000") - usd("5") - usd("40") - usd("25") - usd("20"),
    "dUSD reserve (less 30 dUSD of compensation and 60 dUSD of refunds)",
  );
  checks.equal(await client.escrow.lockedOf(merchantId, dUsd.address), 0n, "dUSD locked");
  record(
    maya.name,
    "approves refund #4 herself: Dan is paid 20 dUSD (his whole order is refunded)",
    receipt,
  );

  /* ------------------------------------------------------------ timelines */
  checks.step = "timelines";
  const timelines = new Map<number, TimelineEntry[]>();
  for (const id of [t1, t2, t3]) timelines.set(Number(id), await ticketTimeline(client, id));
  const tokens = await resolveTokens(provider, [ZeroAddress, dUsd.address]);
  tokens.set(ZeroAddress.toLowerCase(), ETH);
  const render = { style, name: nameOf, time: clock, tokens };

  section("Timelines, rebuilt from the contracts' events by the SDK (ticketTimeline)");
  const ticketLines: Array<[bigint, Person, string]> = [
    [t1, carol, "normal"],
    [t2, dan, "high"],
    [t3, erin, "low"],
  ];
  for (const [id, customer, priority] of ticketLines) {
    const entries = timelines.get(Number(id)) ?? [];
    const current = TicketStatus[Number(await client.desk.statusOf(id))] ?? "?";
    const order = await client.desk.receiptOf(id);
    const orderInfo = tokens.get(order.token.toLowerCase()) ?? ETH;
    out.line();
    out.line(
      `${style.bold(`ticket #${id}`)}  ${customer.name} · ${priority} · ${style.bold(current)}` +
        (order.verified
          ? ` · ${style.green("verified")}: order of ${formatAmount(order.amount, orderInfo)}`
          : ` · ${style.yellow("unverified")}: no receipt`),
    );
    for (const line of renderTimeline(entries, render)) out.line(line);
  }
  const kinds = (id: bigint): string[] =>
    (timelines.get(Number(id)) ?? []).map((entry) => entry.kind);
  checks.that(kinds(t1).includes("refund-paid"), "ticket #1's timeline shows the refund paid");
  checks.that(!kinds(t1).includes("verified"), "ticket #1's timeline shows no receipt");
  const danVerified = (timelines.get(Number(t2)) ?? []).find((entry) => entry.kind === "verified");
  checks.equal(danVerified?.signer, checkout.address, "the signer ticket #2's timeline shows");
  checks.equal(
    danVerified?.amount,
    danOrder.receipt.amount,
    "the order amount ticket #2's timeline shows",
  );
  checks.that(kinds(t2).includes("dispute-resolved"), "ticket #2's timeline shows the ruling");
  checks.that(kinds(t2).includes("feedback-amended"), "ticket #2's timeline shows the amendment");
  checks.that(
    kinds(t3).includes("sla-compensation-paid"),
    "ticket #3's timeline shows the compensation",
  );

  /* --------------------------------------------------------------- report */
  checks.step = "report";
  const report = await merchantReport(client, merchantId);
  section("Acme Outdoor's report (merchantReport)");
  const terms = describeCompensation(await client.desk.slaCompensationOf(merchantId), tokens);
  for (const line of renderReport(report, { ...render, compensationTerms: terms })) out.line(line);
  // The report's ratings count every ticket; those of verified purchases (tickets opened with a receipt
  // the checkout signed) are counted apart, so anyone can read both figures.
  const [verifiedCount, verifiedSum, verifiedHistogram] =
    await client.feedback.verifiedMerchantStats(merchantId);
  const verifiedRatings: RatingFigures = {
    count: Number(verifiedCount),
    sum: Number(verifiedSum),
    histogram: verifiedHistogram.map(Number),
  };
  const average = (figures: { count: number; sum: number }): string =>
    figures.count === 0 ? "none yet" : `average ${(figures.sum / figures.count).toFixed(2)} ★`;
  out.line(
    `  ${style.dim(pad("verified", 16))}${verifiedRatings.count} of the ${report.ratings.count} ratings ` +
      `come from verified purchases · ${average(verifiedRatings)} (verifiedMerchantStats)`,
  );
  out.line(
    `${" ".repeat(18)}${[5, 4, 3, 2, 1]
      .map((stars) => `${stars} ★ ${verifiedRatings.histogram[stars - 1] ?? 0}`)
      .join(" · ")}`,
  );

  checks.equal(report.ticketsByStatus.Closed, 1, "closed tickets");
  checks.equal(report.ticketsByStatus.Resolved, 2, "resolved tickets");
  checks.equal(report.sla.firstResponseMet, 2n, "first replies met");
  checks.equal(report.sla.firstResponseMissed, 2n, "first replies missed");
  checks.equal(report.sla.resolutionMet, 3n, "resolutions met");
  checks.equal(report.sla.resolutionMissed, 1n, "resolutions missed");
  checks.equal(report.sla.hitRateBps, 6_250, "hit rate (5 of 8 deadlines)");
  checks.equal(
    report.compensation.perToken[dUsd.address]?.paid ??
      report.compensation.perToken[dUsd.address.toLowerCase()]?.paid,
    usd("30"),
    "compensation paid",
  );
  checks.equal(report.refunds.requested, 4, "refunds requested");
  checks.equal(report.refunds.paid, 4, "refunds paid");
  checks.equal(report.ratings.count, 3, "ratings");
  checks.equal(report.ratings.sum, 12, "ratings' sum (5 + 4 + 3)");
  checks.equal(report.ratings.histogram, [0, 0, 1, 1, 1], "ratings histogram (1★..5★)");
  // Carol's ★★★★★ came without a receipt: the verified-purchase rating counts Dan's and Erin's only.
  checks.equal(verifiedRatings.count, 2, "verified ratings");
  checks.equal(verifiedRatings.sum, 7, "verified ratings' sum (4 + 3)");
  checks.equal(verifiedRatings.histogram, [0, 0, 1, 1, 0], "verified ratings histogram (1★..5★)");

  out.line();
  out.line(
    `${style.green("✔")} ${style.bold(`${steps.length} steps, ${checks.count} checks: CareLedger did what it should.`)}`,
  );
  out.line(
    style.dim(
      "Next: `npx hardhat --help` lists the tasks for merchants and customers (README: Command-line tasks).",
    ),
  );
  return {
    steps,
    checks: checks.count,
    merchantId,
    report,
    verifiedRatings,
    timelines,
    token: dUsd.address,
  };
}
