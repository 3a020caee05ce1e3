/**
 * The local stack's story so far: merchant 1 (Acme Outdoor, admin Maya, agent Alex) with a policy and a
 * 1 ETH refund reserve; Erin's ticket answered, resolved and rated 4 stars; Carol's two tickets waiting
 * in the queue. Everything goes through the careledger package against the deployed contracts.
 */
import { connect, makeCommitment, type CareLedgerAddresses } from "careledger";
import { NonceManager, Wallet, id, parseEther, type JsonRpcProvider } from "ethers";

export interface Person {
  name: string;
  role: string;
  address: string;
  privateKey: string;
}

export interface SeedResult {
  merchantId: number;
  people: Person[];
  /** A customer without any ETH: everything they do is gasless, through the relayer. */
  gaslessCustomer: Person;
}

const HOUR = 3600;
const DAY = 86_400;

export async function seed(
  provider: JsonRpcProvider,
  addresses: CareLedgerAddresses,
  account: (index: number) => Wallet,
): Promise<SeedResult> {
  const ari = account(1);
  const maya = account(2);
  const alex = account(3);
  const carol = account(5);
  const erin = account(6);
  const remy = account(8);
  const dan = new Wallet(id("careledger app: Dan, a customer without ETH"), provider);
  // Nonces counted here: the node's "pending" count can lag a just-mined transaction by a poll.
  const as = (signer: Wallet) => connect(new NonceManager(signer), 31337n, addresses);
  const hash = (text: string): string => makeCommitment(text).commitment;
  const mined = async (tx: Promise<{ wait(): Promise<unknown> }>): Promise<void> => {
    await (await tx).wait();
  };

  const merchant = await as(maya);
  await mined(merchant.desk.registerMerchant(maya.address, hash("Acme Outdoor")));
  const merchantId = Number(await merchant.desk.merchantCount());
  await mined(merchant.desk.setAgent(merchantId, alex.address, true));
  await mined(
    merchant.desk.setPolicy(merchantId, {
      firstResponseTime: HOUR,
      resolutionTime: 8 * HOUR,
      reopenWindow: 2 * DAY,
      autoCloseDelay: 3 * DAY,
      refundResponseTime: DAY,
      disputeWindow: 2 * DAY,
      arbiter: ari.address,
    }),
  );
  await mined(
    merchant.escrow.deposit(
      merchantId,
      "0x0000000000000000000000000000000000000000",
      parseEther("1"),
      {
        value: parseEther("1"),
      },
    ),
  );

  // Erin's ticket: answered, resolved, rated.
  const erinClient = await as(erin);
  const agent = await as(alex);
  await mined(
    erinClient.desk.openTicket(
      merchantId,
      hash("ORDER-1001"),
      hash("The tent arrived without poles"),
      1,
    ),
  );
  const erinTicket = await erinClient.desk.ticketCount();
  await mined(agent.desk.postMessage(erinTicket, hash("Sorry! Poles are on their way.")));
  await mined(agent.desk.resolveTicket(erinTicket, hash("Poles delivered")));
  await mined(erinClient.feedback.attest(erinTicket, 4, hash("Quick and friendly")));

  // Carol's tickets wait in the queue.
  const carolClient = await as(carol);
  await mined(
    carolClient.desk.openTicket(merchantId, hash("ORDER-1002"), hash("Wrong size of boots"), 1),
  );
  await mined(
    carolClient.desk.openTicket(
      merchantId,
      hash("ORDER-1003"),
      hash("Refund for a late parcel?"),
      2,
    ),
  );

  const person = (name: string, role: string, wallet: Wallet): Person => ({
    name,
    role,
    address: wallet.address,
    privateKey: wallet.privateKey,
  });
  const gaslessCustomer = person("Dan", "customer with no ETH (gasless through the relayer)", dan);
  return {
    merchantId,
    gaslessCustomer,
    people: [
      person("Maya", `merchant ${merchantId} admin`, maya),
      person("Alex", `merchant ${merchantId} agent`, alex),
      person("Carol", "customer (two open tickets)", carol),
      person("Erin", "customer (a resolved, rated ticket)", erin),
      gaslessCustomer,
      person("Ari", "arbiter of disputes", ari),
      person("Remy", "the relayer's key (pays the gas)", remy),
    ],
  };
}
