/**
 * The consistency test's scenario, run on a node with `hardhat run --network localUrl` (LOCAL_RPC_URL):
 * 1. the demo (scripts/demo/scenario.ts): one merchant's day, deployed through the real Ignition module;
 * 2. a second merchant whose day takes the paths the demo does not: cancelled and finally rejected
 *    refunds, an issued refund, refunds left requested, rejected and disputed, a cancelled ticket, escalation, reopen, missed deadlines compensated at
 *    once and owed (then covered by a deposit and settled), an amended rating, a policy change while
 *    tickets are open, an admin handover and a withdrawal;
 * then writes the deployment (Ignition's `deployed_addresses.json` shape) to SCENARIO_OUT so the
 * indexer can be pointed at it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { ZeroAddress, id as hash, parseEther } from "ethers";
import { network } from "hardhat";

import { runDemo } from "../../../scripts/demo/scenario.js";
import { signOrderReceipt } from "../../../src/receipts.js";
import type { Printer } from "../../../cli/output.js";
import { ConsolePrinter } from "../../../cli/output.js";
import {
  FeedbackAttestations__factory,
  RefundEscrow__factory,
  SupportDesk__factory,
} from "../../../typechain-types/index.js";

const out = process.env.SCENARIO_OUT;
if (out === undefined)
  throw new Error("SCENARIO_OUT must name the folder to write the deployment to");

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const quiet: Printer = Object.assign(
  Object.create(ConsolePrinter.prototype) as Printer,
  new ConsolePrinter(),
  {
    line: () => undefined,
    status: () => undefined,
  },
);
console.log(
  `scenario: network ${connection.networkName}, block ${await ethers.provider.getBlockNumber()}`,
);
const demo = await runDemo(connection, quiet);
console.log(`scenario: demo done at block ${await ethers.provider.getBlockNumber()}`);

// The demo deployed in memory: find its contracts from its events.
const provider = ethers.provider;
const registered = await provider.getLogs({
  fromBlock: 0,
  toBlock: "latest",
  topics: [hash("MerchantRegistered(uint32,address,bytes32)")],
});
const deskAddress = registered[0]?.address;
if (deskAddress === undefined) throw new Error("the demo registered no merchant");
// The TypeChain factories (typed, and unambiguous: OpenZeppelin 4.9's benchmark escrow has the name too).
const desk = SupportDesk__factory.connect(deskAddress, provider);
const escrow = RefundEscrow__factory.connect(await desk.escrow(), provider);
const attested = await provider.getLogs({
  fromBlock: 0,
  toBlock: "latest",
  topics: [hash("FeedbackAttested(uint256,uint256,uint32,address,uint8,bytes32)")],
});
const feedbackAddress = attested[0]?.address;
if (feedbackAddress === undefined) throw new Error("the demo attested no feedback");
const feedback = FeedbackAttestations__factory.connect(feedbackAddress, provider);

const signers = await ethers.getSigners();
const at = (i: number) => {
  const s = signers[i];
  if (s === undefined) throw new Error(`the scenario needs account #${i}`);
  return s;
};
const [admin, agent, c1, c2, c3, heir] = [at(10), at(11), at(12), at(13), at(14), at(15)];
// The merchant's checkout key: it signs the EIP-712 order receipts verified tickets are opened with.
const checkout = at(16);
const HOUR = 3_600;
const ETH = ZeroAddress;
const send = async (tx: Promise<{ wait: () => Promise<unknown> }>) => (await tx).wait();

await send(desk.connect(admin).registerMerchant(admin.address, hash("Second merchant")));
const m = Number(await desk.merchantCount());
await send(desk.connect(admin).setAgent(m, agent.address, true));
await send(desk.connect(admin).setOrderSigner(m, checkout.address, true));
const policy = await desk.policyOf(m);
const base = {
  firstResponseTime: HOUR,
  resolutionTime: 8 * HOUR,
  reopenWindow: 24 * HOUR,
  autoCloseDelay: 48 * HOUR,
  refundResponseTime: 24 * HOUR,
  disputeWindow: 24 * HOUR,
  arbiter: policy.arbiter,
};
await send(desk.connect(admin).setPolicy(m, base));
await send(escrow.connect(admin).deposit(m, ETH, parseEther("1"), { value: parseEther("1") }));
await send(
  desk.connect(admin).setSlaCompensation(m, {
    token: ETH,
    firstResponseAmount: parseEther("0.01"),
    resolutionAmount: parseEther("0.02"),
    autoPay: false,
  }),
);

const open = async (customer: typeof c1, priority: number, label: string): Promise<bigint> => {
  await send(
    desk.connect(customer).openTicket(m, hash(`order ${label}`), hash(`ticket ${label}`), priority),
  );
  return await desk.ticketCount();
};
// SLA compensation is paid only on verified tickets: open them with a receipt the checkout key signed.
const { chainId } = await provider.getNetwork();
const openVerified = async (
  customer: typeof c1,
  priority: number,
  label: string,
): Promise<bigint> => {
  const now = BigInt(await networkHelpers.time.latest());
  const signed = await signOrderReceipt(
    checkout,
    {
      merchantId: BigInt(m),
      customer: customer.address,
      orderRef: hash(`order ${label}`),
      token: ETH,
      amount: parseEther("1"),
      itemsHash: hash(`items ${label}`),
      purchasedAt: now - BigInt(HOUR),
      supportUntil: now + BigInt(365 * 24 * HOUR),
    },
    deskAddress,
    chainId,
  );
  await send(
    desk
      .connect(customer)
      .openTicketWithReceipt(signed.receipt, signed.signature, hash(`ticket ${label}`), priority),
  );
  return await desk.ticketCount();
};
const refundIdNow = async () => await escrow.refundCount();

// t1 (verified, so its ratings count in the verified aggregates): refund requested then cancelled; answered, resolved, confirmed; rated 4 then amended to 2; replied.
const t1 = await openVerified(c1, 1, "t1");
await send(escrow.connect(c1).requestRefund(t1, ETH, parseEther("0.1"), hash("reason t1")));
await send(escrow.connect(c1).cancelRefund(await refundIdNow()));
await send(desk.connect(agent).postMessage(t1, hash("answer t1")));
await send(desk.connect(agent).resolveTicket(t1, hash("resolved t1")));
await send(desk.connect(c1).confirmResolution(t1));
await send(feedback.connect(c1).attest(t1, 4, hash("comment t1")));
const f1 = await feedback.feedbackOfTicket(t1);
await send(feedback.connect(c1).amend(f1, 2, hash("amended t1")));
await send(feedback.connect(agent).reply(await feedback.feedbackOfTicket(t1), hash("reply t1")));

// t2: refund rejected, the dispute window passes, the rejection is finalized (lock released).
const t2 = await open(c2, 2, "t2");
await send(escrow.connect(c2).requestRefund(t2, ETH, parseEther("0.2"), hash("reason t2")));
const r2 = await refundIdNow();
await send(escrow.connect(agent).rejectRefund(r2, hash("no t2")));

// The agent may pay at most 1 ETH per 30 days: t3's issued refund and t6's approval spend from it.
await send(
  escrow.connect(admin).setRefundAllowance(m, agent.address, ETH, parseEther("1"), 30 * 24 * HOUR),
);

// t3: staff issue a refund directly (a processed return) and the ticket is assigned and awaits the customer.
const t3 = await open(c3, 0, "t3");
await send(desk.connect(agent).assignTicket(t3, agent.address));
await send(escrow.connect(agent).issueRefund(t3, ETH, parseEther("0.05"), hash("return t3")));
await send(desk.connect(agent).postMessage(t3, hash("question t3")));
await send(desk.connect(agent).awaitCustomer(t3, hash("waiting t3")));

// t4: cancelled by its customer before work started.
const t4 = await open(c1, 1, "t4");
await send(desk.connect(c1).cancelTicket(t4));

// t5 and t6 (verified, opened under the compensation terms set above) miss their first response;
// t7 stays open with an urgent priority.
const t5 = await openVerified(c2, 2, "t5");
const t6 = await openVerified(c3, 1, "t6");
await networkHelpers.time.increase(2 * HOUR);
await send(desk.connect(c2).escalateTicket(t5, hash("too slow t5")));
await send(desk.connect(agent).postMessage(t5, hash("sorry t5")));
await send(desk.connect(agent).resolveTicket(t5, hash("resolved t5")));
await send(escrow.connect(c2).claimSlaCompensation(t5));
await send(desk.connect(c2).reopenTicket(t5, hash("not fixed t5")));
await send(desk.connect(agent).postMessage(t5, hash("again t5")));
await send(desk.connect(agent).resolveTicket(t5, hash("resolved again t5")));
await send(desk.connect(agent).postMessage(t6, hash("late t6")));
const t7 = await open(c1, 3, "t7");

// A policy change while t7 is open: its deadlines move with it (the desk computes them from the policy).
await send(desk.connect(admin).setPolicy(m, { ...base, firstResponseTime: 2 * HOUR }));

// The dispute window of t2's rejection ends: anyone finalizes it.
await networkHelpers.time.increase(25 * HOUR);
await send(escrow.connect(c3).finalizeRejection(r2));

// Withdraw down to the compensation offer's backing, then lock most of that with a refund request on
// t6: its compensation (paid when it is resolved) can only be paid in part, the rest is owed, covered by
// a deposit and settled.
await send(
  escrow
    .connect(admin)
    .withdrawReserve(m, ETH, (await escrow.reserveOf(m, ETH)) - parseEther("0.03"), admin.address),
);
await send(escrow.connect(c3).requestRefund(t6, ETH, parseEther("0.025"), hash("reason t6")));
// t6's cycle started under the terms before the policy change, so resolving it settles its missed first
// response under those terms at once (no claim needed, nor possible after).
await send(desk.connect(agent).resolveTicket(t6, hash("resolved t6")));
const owedId = await escrow.owedClaimCount();
await send(escrow.connect(admin).deposit(m, ETH, parseEther("0.5"), { value: parseEther("0.5") }));
await send(escrow.connect(c3).settleOwedCompensation(owedId));
await send(escrow.connect(agent).approveRefund(await refundIdNow()));

// Refunds left unsettled on t7, for the lists of open refunds: one awaiting the merchant's answer, one
// rejected within its dispute window, one disputed before the arbiter.
await send(escrow.connect(c1).requestRefund(t7, ETH, parseEther("0.01"), hash("reason t7 a")));
await send(escrow.connect(c1).requestRefund(t7, ETH, parseEther("0.02"), hash("reason t7 b")));
await send(escrow.connect(agent).rejectRefund(await refundIdNow(), hash("no t7 b")));
await send(escrow.connect(c1).requestRefund(t7, ETH, parseEther("0.03"), hash("reason t7 c")));
const r7 = await refundIdNow();
await send(escrow.connect(agent).rejectRefund(r7, hash("no t7 c")));
await send(escrow.connect(c1).disputeRefund(r7, hash("dispute t7 c")));

// The merchant hands over to a new admin.
await send(desk.connect(admin).transferMerchantAdmin(m, heir.address));
await send(desk.connect(heir).acceptMerchantAdmin(m));

mkdirSync(out, { recursive: true });
writeFileSync(
  path.join(out, "deployed_addresses.json"),
  JSON.stringify(
    {
      "CareLedger#Forwarder": await desk.trustedForwarder(),
      "CareLedger#SupportDesk": deskAddress,
      "CareLedger#RefundEscrow": await escrow.getAddress(),
      "CareLedger#FeedbackAttestations": feedbackAddress,
    },
    null,
    2,
  ),
);
writeFileSync(
  path.join(out, "scenario.json"),
  JSON.stringify({
    merchants: [demo.merchantId, m],
    token: demo.token,
    tickets: String(await desk.ticketCount()),
    t7: String(t7),
  }),
);
console.log(`scenario: merchants ${demo.merchantId} and ${m}, ${await desk.ticketCount()} tickets`);
