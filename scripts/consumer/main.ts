/**
 * A consumer of the published `careledger` package: scripts/consumer-test.sh installs the packed tarball
 * into a fresh project with only `typescript` and `ethers`, type-checks this file with `tsc --strict`
 * and runs it against `npm run node` after `npm run deploy -- --network localhost`.
 *
 * It registers a merchant, opens a ticket (and a second one gaslessly, through the forwarder), reads
 * them back, and exercises the helpers. It throws on the first thing that is not as expected.
 */
import { JsonRpcProvider, Wallet, type ContractTransactionResponse } from "ethers";
import {
  addressesFromIgnition,
  connect,
  decodeRevert,
  makeCommitment,
  merchantReport,
  PRIORITY_NAMES,
  relay,
  SupportDesk__factory,
  supportDeskAbi,
  ticketTimeline,
  TicketStatus,
  verifyCommitment,
  type CareLedgerClient,
  type SupportDesk,
} from "careledger";
import { erc2771ForwarderAbi } from "careledger/abis";
import { deployments } from "careledger/deployments";

// No @types/node in this project: declare the little of Node it uses.
declare const process: { env: Record<string, string | undefined>; exitCode?: number };

// The ABIs are `as const` literals: viem and wagmi infer argument types from them. Checked at compile
// time: `openTicket` takes 4 inputs, the second being a bytes32.
type DeskFunction<Name extends string> = Extract<
  (typeof supportDeskAbi)[number],
  { type: "function"; name: Name }
>;
const openTicketArity: DeskFunction<"openTicket">["inputs"]["length"] = 4;
const orderRefType: DeskFunction<"openTicket">["inputs"][1]["type"] = "bytes32";
const executeName: Extract<(typeof erc2771ForwarderAbi)[number], { name: "execute" }>["name"] =
  "execute";

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`consumer: ${what}`);
  console.log(`ok - ${what}`);
}

/** The id of the first `eventName` event in a transaction's receipt, as its first argument. */
async function firstArgOf(
  desk: SupportDesk,
  tx: ContractTransactionResponse,
  eventName: "MerchantRegistered" | "TicketOpened",
): Promise<bigint> {
  const receipt = await tx.wait();
  if (receipt === null) throw new Error("no receipt");
  for (const log of receipt.logs) {
    const parsed = desk.interface.parseLog(log);
    if (parsed?.name === eventName) return BigInt(parsed.args[0] as bigint | number);
  }
  throw new Error(`no ${eventName} event`);
}

async function main(): Promise<void> {
  const rpcUrl = process.env.CARELEDGER_RPC_URL ?? "http://127.0.0.1:8545";
  const recorded = process.env.CARELEDGER_DEPLOYED_ADDRESSES;
  if (recorded === undefined) throw new Error("set CARELEDGER_DEPLOYED_ADDRESSES");
  check(openTicketArity === 4 && orderRefType === "bytes32", "ABIs are typed literals");
  check(executeName === "execute", "the forwarder ABI is exported from careledger/abis");
  check(typeof deployments === "object", "careledger/deployments loads without ethers");

  const provider = new JsonRpcProvider(rpcUrl);
  const admin = await provider.getSigner(0);
  const customer = await provider.getSigner(1);
  const relayer = await provider.getSigner(2);
  const addresses = addressesFromIgnition(JSON.parse(recorded) as Record<string, string>);

  // The merchant registers itself.
  const merchant: CareLedgerClient = await connect(admin, undefined, addresses);
  check(merchant.chainId === 31337n, "connect() reads the chain id from the provider");
  const profile = makeCommitment("Acme Ltd - support@acme.example");
  const merchantId = await firstArgOf(
    merchant.desk,
    await merchant.desk.registerMerchant(await admin.getAddress(), profile.commitment),
    "MerchantRegistered",
  );
  check(
    (await merchant.desk.merchantAdmin(merchantId)) === (await admin.getAddress()),
    "a merchant was registered",
  );

  // A customer opens a ticket from their own wallet, content committed off chain.
  const client = await connect(customer, 31337n, addresses);
  const order = makeCommitment("order #1042");
  const content = makeCommitment("The kettle arrived with a cracked lid.");
  const ticketId = await firstArgOf(
    client.desk,
    await client.desk.openTicket(merchantId, order.commitment, content.commitment, 2),
    "TicketOpened",
  );
  const ticket = await client.desk.getTicket(ticketId);
  check(ticket.customer === (await customer.getAddress()), "the ticket is the customer's");
  check(Number(ticket.status) === TicketStatus.Open, "the ticket is Open");
  check(PRIORITY_NAMES[Number(ticket.priority)] === "high", "the ticket has priority high");
  check(
    verifyCommitment("The kettle arrived with a cracked lid.", content.salt, content.commitment),
    "the message matches its commitment",
  );

  // A second customer without any ETH opens a ticket gaslessly; the relayer pays.
  const gasless = Wallet.createRandom(provider);
  const data = client.desk.interface.encodeFunctionData("openTicket", [
    merchantId,
    order.commitment,
    makeCommitment("Where is my parcel?").commitment,
    1,
  ]);
  const relayed = await relay(client, gasless, addresses.supportDesk, data, { relayer });
  const relayedTicket = await firstArgOf(client.desk, relayed, "TicketOpened");
  check(
    (await client.desk.customerOf(relayedTicket)) === gasless.address,
    "a relayed ticket belongs to its signer",
  );

  // History and reports.
  const timeline = await ticketTimeline(client, ticketId);
  check(
    timeline[0]?.kind === "opened" && timeline[0].hash === content.commitment,
    "the timeline starts with opened",
  );
  const report = await merchantReport(client, merchantId);
  check(report.ticketsByStatus.Open === 2, "the report counts two open tickets");

  // Reverts decode into CareLedger's custom errors.
  const reader = SupportDesk__factory.connect(addresses.supportDesk, provider);
  try {
    await reader.getTicket(9_999_999n);
    check(false, "getTicket of an unknown ticket reverts");
  } catch (error) {
    const decoded = decodeRevert(error);
    check(decoded?.name === "DeskUnknownTicket", "decodeRevert names DeskUnknownTicket");
  }
  console.log("consumer: all checks passed");
}

await main();
