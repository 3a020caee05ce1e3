import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { expect } from "chai";
import { getAddress, parseEther, ZeroAddress, type ContractTransactionResponse } from "ethers";
import { network } from "hardhat";

import {
  connect,
  customerTickets,
  merchantQueue,
  merchantRefunds,
  RefundStatus,
  ticketTimeline,
  TicketStatus,
  type IndexerOptions,
  type MerchantRefund,
} from "../../src/index.js";
import { careLedgerFixture, type CareLedgerFixture } from "../helpers/fixture.js";
import { addressesOf, hashOf, openTicket, readAll, registerMerchant } from "../helpers/sdk.js";

const connection = await network.create();
const deployCareLedgerFixture = careLedgerFixture(connection);
const { time } = connection.networkHelpers;

const HOUR = 3_600;
const ETH = ZeroAddress;

/** A stand-in indexer: `/status` reports `block()`, every other route answers `routes[path]`. */
async function fakeIndexer(
  chainId: bigint,
  block: () => Promise<number>,
  routes: Record<string, unknown>,
): Promise<{ url: string; server: Server; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    requests.push(path);
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (path === "/status") {
      void block().then((number) =>
        reply(200, { careledger: { id: Number(chainId), block: { number, timestamp: 0 } } }),
      );
    } else if (path in routes) reply(200, routes[path]);
    else reply(404, { error: "not indexed" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, requests };
}

/** Merchant 1 with three tickets: one answered, one awaiting the customer, one still open. */
async function deskWithTickets(fixture: CareLedgerFixture) {
  const { desk, agent, customer, customer2 } = fixture;
  const merchantId = await registerMerchant(fixture);
  const answered = await openTicket(fixture, merchantId, customer, 2);
  const waiting = await openTicket(fixture, merchantId, customer2, 1);
  await time.increase(HOUR);
  const open = await openTicket(fixture, merchantId, customer, 3);
  await desk.connect(agent).postMessage(answered, hashOf("on it"));
  await desk.connect(agent).postMessage(waiting, hashOf("photo?"));
  await desk.connect(agent).awaitCustomer(waiting, hashOf("waiting for the photo"));
  return { merchantId, answered, waiting, open };
}

/** The time of the block that mined `tx`. */
async function minedAt(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  const block = await receipt!.getBlock();
  return block.timestamp;
}

/**
 * Merchant 1 (`deskWithTickets`) with a refund in every state, merchant 2 with one of its own in between,
 * and the refunds merchant 1's list must show, written out from what the test did (not read back).
 */
async function deskWithRefunds(fixture: CareLedgerFixture) {
  const { desk, escrow, admin, agent, stranger, customer, customer2, otherAdmin } = fixture;
  const tickets = await deskWithTickets(fixture);
  const { merchantId, answered, waiting, open } = tickets;
  const policy = await desk.policyOf(merchantId);
  const responseTime = Number(policy.refundResponseTime);
  const disputeWindow = Number(policy.disputeWindow);
  const token = await connection.ethers.deployContract("TestToken", ["Test USD", "TUSD"]);
  const tokenAddress = getAddress(await token.getAddress());
  await token.mint(admin.address, 1_000n);
  await token.connect(admin).approve(await escrow.getAddress(), 1_000n);
  await escrow.connect(admin).deposit(merchantId, tokenAddress, 1_000n);
  await escrow.connect(admin).deposit(merchantId, ETH, parseEther("1"), { value: parseEther("1") });
  await desk.connect(otherAdmin).registerMerchant(otherAdmin.address, hashOf("other"));
  const foreign = await openTicket(fixture, 2n, customer);
  await escrow.connect(otherAdmin).deposit(2, ETH, 5n, { value: 5n });

  // Commitments are salted: make each refund's reason once, to compare it with the list's.
  const reasons = Array.from({ length: 9 }, (_, n) => hashOf(`refund reason ${n}`));
  const reason = (n: number) => reasons[n]!;
  const request = (
    who: typeof customer,
    ticketId: bigint,
    asset: string,
    amount: bigint,
    n: number,
  ) => minedAt(escrow.connect(who).requestRefund(ticketId, asset, amount, reason(n)));
  const refund = (
    id: bigint,
    ticketId: bigint,
    who: string,
    asset: string,
    amount: bigint,
    status: RefundStatus,
    requestedAt: number,
    deadline: number | null = null,
    issued = false,
  ): MerchantRefund => ({
    id,
    ticketId,
    merchantId: 1,
    customer: who,
    token: asset,
    amount,
    status,
    deadline,
    issued,
    reasonHash: reason(Number(id)),
    requestedAt,
  });

  // #1 approved and paid.
  const at1 = await request(customer, answered, ETH, parseEther("0.1"), 1);
  await escrow.connect(agent).approveRefund(1n);
  // #2 merchant 2's: never in merchant 1's list.
  await request(customer, foreign, ETH, 5n, 2);
  // #3 awaiting merchant 1's answer, in the token.
  const at3 = await request(customer2, waiting, tokenAddress, 123n, 3);
  // #4 rejected; the customer may still dispute.
  const at4 = await request(customer, open, ETH, 123_456_789n, 4);
  const rejectedAt4 = await minedAt(escrow.connect(agent).rejectRefund(4n, hashOf("no")));
  // #5 cancelled by the customer.
  const at5 = await request(customer, answered, ETH, 1_000n, 5);
  await escrow.connect(customer).cancelRefund(5n);
  // #6 issued and paid at once by staff.
  const at6 = await minedAt(escrow.connect(agent).issueRefund(answered, ETH, 7n, reason(6)));
  // #7 rejected, then disputed before the arbiter.
  const at7 = await request(customer, open, ETH, 2_000n, 7);
  await escrow.connect(agent).rejectRefund(7n, hashOf("no"));
  await escrow.connect(customer).disputeRefund(7n, hashOf("yes"));
  // #8 rejected, and the rejection made final once the window closed (#4's window closed too, but
  // nobody finalized it: it still holds its lock).
  const at8 = await request(customer, open, ETH, 3_000n, 8);
  await escrow.connect(agent).rejectRefund(8n, hashOf("no"));
  await time.increase(disputeWindow + 1);
  await escrow.connect(stranger).finalizeRejection(8n);

  const c1 = customer.address;
  const c2 = customer2.address;
  const all = [
    refund(1n, answered, c1, ETH, parseEther("0.1"), RefundStatus.Paid, at1),
    refund(3n, waiting, c2, tokenAddress, 123n, RefundStatus.Requested, at3, at3 + responseTime),
    refund(
      4n,
      open,
      c1,
      ETH,
      123_456_789n,
      RefundStatus.Rejected,
      at4,
      rejectedAt4 + disputeWindow,
    ),
    refund(5n, answered, c1, ETH, 1_000n, RefundStatus.Cancelled, at5),
    refund(6n, answered, c1, ETH, 7n, RefundStatus.Paid, at6, null, true),
    refund(7n, open, c1, ETH, 2_000n, RefundStatus.Disputed, at7),
    refund(8n, open, c1, ETH, 3_000n, RefundStatus.Rejected, at8),
  ];
  return { ...tickets, all, openRefunds: all.filter((r) => [3n, 4n, 7n].includes(r.id)) };
}

/** The rejection of `promise` (undefined if it fulfils). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

/** `refund` as the indexer's route sends it (decimal strings, lowercase addresses, 0 for no deadline). */
function openRefundJson(refund: MerchantRefund) {
  return {
    ...refund,
    id: String(refund.id),
    ticketId: String(refund.ticketId),
    customer: refund.customer.toLowerCase(),
    token: refund.token.toLowerCase(),
    amount: String(refund.amount),
    deadline: String(refund.deadline ?? 0),
    requestedAt: String(refund.requestedAt),
  };
}

describe("careledger indexer reads", function () {
  describe("merchantQueue", function () {
    it("lists open tickets nearest deadline first, those awaiting the customer last", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { answered, waiting, open } = await deskWithTickets(fixture);
      const client = await connect(connection.ethers.provider, 31337n, await addressesOf(fixture));
      const queue = await merchantQueue(client, 1);
      const view = await fixture.desk.getTicket(open);
      // The running deadlines in ascending order (`open`'s first response, `answered`'s resolution), the
      // paused ticket last.
      const deadlines = queue.map((t) => t.nextDeadline);
      expect(queue.map((t) => t.id)).to.have.members([answered, waiting, open]);
      expect(queue.at(-1)?.id).to.equal(waiting);
      expect(queue.at(-1)?.nextDeadline).to.equal(null);
      expect(queue.at(-1)?.status).to.equal(TicketStatus.AwaitingCustomer);
      expect(deadlines[0]).to.be.at.most(deadlines[1] as number);
      expect(queue.find((t) => t.id === open)?.nextDeadline).to.equal(
        Number(view.firstResponseDueAt),
      );
      expect(await merchantQueue(client, 1, { limit: 1 })).to.deep.equal(queue.slice(0, 1));
    });

    it("leaves out resolved tickets and other merchants' tickets", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { answered } = await deskWithTickets(fixture);
      await fixture.desk.connect(fixture.agent).resolveTicket(answered, hashOf("fixed"));
      const { otherAdmin, customer } = fixture;
      await fixture.desk.connect(otherAdmin).registerMerchant(otherAdmin.address, hashOf("other"));
      await openTicket(fixture, 2n, customer);
      const client = await connect(connection.ethers.provider, 31337n, await addressesOf(fixture));
      const queue = await merchantQueue(client, 1);
      expect(queue.map((t) => t.id)).to.not.include(answered);
      expect(queue.every((t) => t.merchantId === 1)).to.equal(true);
    });
  });

  describe("customerTickets", function () {
    it("lists a customer's tickets newest first, with when each was opened", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { answered, open } = await deskWithTickets(fixture);
      const client = await connect(connection.ethers.provider, 31337n, await addressesOf(fixture));
      const tickets = await customerTickets(client, fixture.customer.address);
      expect(tickets.map((t) => t.id)).to.deep.equal([open, answered]);
      expect(tickets[0]?.customer).to.equal(fixture.customer.address);
      expect(tickets[0]?.priority).to.equal(3);
      expect(tickets[1]?.status).to.equal(TicketStatus.InProgress);
      expect(tickets[0]!.openedAt - tickets[1]!.openedAt).to.be.at.least(HOUR);
    });
  });

  describe("merchantRefunds", function () {
    it("lists the merchant's refunds oldest first, each with its amount, state and deadline", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { all } = await deskWithRefunds(fixture);
      const client = await connect(connection.ethers.provider, 31337n, await addressesOf(fixture));
      expect(await merchantRefunds(client, 1)).to.deep.equal(all);
    });

    it("keeps only the unsettled ones with open: requested, disputed, rejected until final", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { openRefunds } = await deskWithRefunds(fixture);
      const client = await connect(connection.ethers.provider, 31337n, await addressesOf(fixture));
      const open = await merchantRefunds(client, 1n, { open: true });
      expect(open).to.deep.equal(openRefunds);
      expect(open.map((r) => r.id)).to.deep.equal([3n, 4n, 7n]);
    });

    it("leaves out other merchants' refunds", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { customer } = fixture;
      await deskWithRefunds(fixture);
      const client = await connect(connection.ethers.provider, 31337n, await addressesOf(fixture));
      const refunds = await merchantRefunds(client, 2);
      expect(refunds.map((r) => [r.id, r.merchantId, r.amount, r.status])).to.deep.equal([
        [2n, 2, 5n, RefundStatus.Requested],
      ]);
      expect(refunds[0]?.customer).to.equal(customer.address);
      expect(await merchantRefunds(client, 3)).to.deep.equal([]);
    });

    it("returns at most limit refunds, the oldest, counted after the open filter", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { all, openRefunds } = await deskWithRefunds(fixture);
      const client = await connect(connection.ethers.provider, 31337n, await addressesOf(fixture));
      expect(await merchantRefunds(client, 1, { limit: 2 })).to.deep.equal(all.slice(0, 2));
      expect(await merchantRefunds(client, 1, { limit: 2, open: true })).to.deep.equal(
        openRefunds.slice(0, 2),
      );
      expect(await merchantRefunds(client, 1, { limit: 7 })).to.deep.equal(all);
    });

    it("throws RangeError for a limit that is not a positive integer", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const client = await connect(connection.ethers.provider, 31337n, await addressesOf(fixture));
      for (const limit of [0, -1, 1.5, Number.NaN]) {
        const error = await rejectionOf(merchantRefunds(client, 1, { limit }));
        expect(error, `limit ${limit}`).to.be.instanceOf(RangeError);
        expect((error as Error).message).to.equal(`limit must be a positive integer, got ${limit}`);
      }
    });
  });

  describe("with an indexer configured", function () {
    it("takes the merchant's refunds from an up-to-date indexer, converted to the SDK's types", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      // No refund exists on chain: whatever merchantRefunds returns came from the indexer.
      await deskWithTickets(fixture);
      const addresses = await addressesOf(fixture);
      const head = () => connection.ethers.provider.getBlockNumber();
      const token = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
      const reasonHash = hashOf("reason");
      const row = (id: string, status: number, deadline: string, issued: boolean) => ({
        id,
        ticketId: "2",
        merchantId: 1,
        customer: fixture.customer2.address.toLowerCase(),
        token,
        amount: "1000000000000000001",
        status,
        deadline,
        issued,
        rejected: false,
        disputed: false,
        locked: status === 1,
        reasonHash,
        requestedAt: "1700000000",
        updatedAt: "1700000001",
      });
      const fake = await fakeIndexer(31337n, head, {
        "/merchants/1/refunds?open=1&limit=10": {
          merchantId: 1,
          open: true,
          refunds: [row("4", 1, "1700086400", false)],
        },
        "/merchants/1/refunds?limit=100": {
          merchantId: 1,
          open: false,
          refunds: [row("4", 1, "1700086400", false), row("9", 2, "0", true)],
        },
      });
      try {
        const reasons: string[] = [];
        const client = await connect(connection.ethers.provider, 31337n, addresses, {
          indexer: { indexerUrl: fake.url, onFallback: (r) => reasons.push(r) },
        });
        const expected: MerchantRefund = {
          id: 4n,
          ticketId: 2n,
          merchantId: 1,
          customer: fixture.customer2.address,
          token: getAddress(token),
          amount: 1_000_000_000_000_000_001n,
          status: RefundStatus.Requested,
          deadline: 1_700_086_400,
          issued: false,
          reasonHash,
          requestedAt: 1_700_000_000,
        };
        expect(await merchantRefunds(client, 1, { open: true, limit: 10 })).to.deep.equal([
          expected,
        ]);
        expect(await merchantRefunds(client, 1)).to.deep.equal([
          expected,
          { ...expected, id: 9n, status: RefundStatus.Paid, deadline: null, issued: true },
        ]);
        expect(fake.requests.filter((p) => p !== "/status")).to.deep.equal([
          "/merchants/1/refunds?open=1&limit=10",
          "/merchants/1/refunds?limit=100",
        ]);
        expect(reasons).to.deep.equal([]);
      } finally {
        fake.server.close();
      }
    });

    it("falls back to logs, and says why, when the indexer is unreachable", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { answered, openRefunds } = await deskWithRefunds(fixture);
      const addresses = await addressesOf(fixture);
      const logsOnly = await connect(connection.ethers.provider, 31337n, addresses);
      const reasons: string[] = [];
      const withIndexer = await connect(connection.ethers.provider, 31337n, addresses, {
        indexer: {
          indexerUrl: "http://127.0.0.1:9",
          timeoutMs: 2_000,
          onFallback: (r) => reasons.push(r),
        },
      });
      const answer = await readAll(withIndexer, fixture, answered);
      expect(answer).to.deep.equal(await readAll(logsOnly, fixture, answered));
      expect(answer.refunds).to.deep.equal(openRefunds);
      expect(reasons).to.have.length(5);
      expect(reasons[0]).to.match(/^indexer http:\/\/127\.0\.0\.1:9 not used for \/tickets\/1: /);
      expect(reasons[4]).to.match(
        /^indexer http:\/\/127\.0\.0\.1:9 not used for \/merchants\/1\/refunds\?open=1&limit=100: /,
      );
    });

    it("falls back to logs when the indexer has not indexed the latest block", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { answered, openRefunds } = await deskWithRefunds(fixture);
      const addresses = await addressesOf(fixture);
      const head = () => connection.ethers.provider.getBlockNumber();
      // Behind by one block, and serving an empty queue and no refunds, which must not be believed.
      const stale = await fakeIndexer(31337n, async () => (await head()) - 1, {
        "/merchants/1/queue?limit=50": { merchantId: 1, tickets: [] },
        "/merchants/1/refunds?open=1&limit=100": { merchantId: 1, open: true, refunds: [] },
      });
      try {
        const reasons: string[] = [];
        const options: IndexerOptions = {
          indexerUrl: stale.url,
          onFallback: (r) => reasons.push(r),
        };
        const client = await connect(connection.ethers.provider, 31337n, addresses, {
          indexer: options,
        });
        const logsOnly = await connect(connection.ethers.provider, 31337n, addresses);
        const answer = await readAll(client, fixture, answered);
        expect(answer).to.deep.equal(await readAll(logsOnly, fixture, answered));
        expect(answer.refunds).to.deep.equal(openRefunds);
        expect(stale.requests.filter((p) => p !== "/status")).to.deep.equal([]);
        expect(reasons[0]).to.match(
          /it has indexed block \d+, the chain is at \d+ \(lag allowed: 0\)/,
        );

        // Allowing one block of lag, the same indexer is believed.
        const lenient = await connect(connection.ethers.provider, 31337n, addresses, {
          indexer: { ...options, maxLagBlocks: 1 },
        });
        expect(await merchantQueue(lenient, 1)).to.deep.equal([]);
        expect(await merchantRefunds(lenient, 1, { open: true })).to.deep.equal([]);
      } finally {
        stale.server.close();
      }
    });

    it("falls back to logs when the indexer indexes another chain, answers an error or a wrong shape", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { answered, openRefunds } = await deskWithRefunds(fixture);
      const addresses = await addressesOf(fixture);
      const head = () => connection.ethers.provider.getBlockNumber();
      const other = await fakeIndexer(1n, head, {});
      const broken = await fakeIndexer(31337n, head, {}); // every route: 404
      const garbled = await fakeIndexer(31337n, head, {
        [`/tickets/${answered}`]: { timeline: [{ kind: "opened" }] },
        "/merchants/1/report": { merchantId: 1 },
        "/merchants/1/queue?limit=50": { tickets: [{ id: "not a number" }] },
        [`/customers/${fixture.customer.address.toLowerCase()}/tickets?limit=100`]: { tickets: 3 },
        // A status the escrow does not have.
        "/merchants/1/refunds?open=1&limit=100": {
          refunds: [{ ...openRefundJson(openRefunds[0]!), status: 9 }],
        },
      });
      try {
        const logsOnly = await connect(connection.ethers.provider, 31337n, addresses);
        const expected = await readAll(logsOnly, fixture, answered);
        expect(expected.refunds).to.deep.equal(openRefunds);
        for (const { url } of [other, broken, garbled]) {
          const reasons: string[] = [];
          const client = await connect(connection.ethers.provider, 31337n, addresses, {
            indexer: { indexerUrl: url, onFallback: (r) => reasons.push(r) },
          });
          expect(await readAll(client, fixture, answered)).to.deep.equal(expected);
          expect(reasons).to.have.length(5);
        }
        expect(garbled.requests.filter((p) => p !== "/status")).to.have.length(5);
      } finally {
        other.server.close();
        broken.server.close();
        garbled.server.close();
      }
    });

    it("reads from logs when a later fromBlock is asked, or without a URL", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { answered } = await deskWithTickets(fixture);
      const addresses = await addressesOf(fixture);
      const head = () => connection.ethers.provider.getBlockNumber();
      const fake = await fakeIndexer(31337n, head, {});
      try {
        const client = await connect(connection.ethers.provider, 31337n, addresses, {
          indexer: fake.url,
        });
        await ticketTimeline(client, answered, { fromBlock: 1 });
        await merchantQueue(client, 1, { limit: 5_000 });
        await merchantRefunds(client, 1, { limit: 5_000 });
        await merchantRefunds(client, 1, { fromBlock: 1 });
        expect(fake.requests).to.deep.equal([]);
        const none = await connect(connection.ethers.provider, 31337n, addresses, { indexer: "" });
        expect(none.indexer).to.equal(undefined);
      } finally {
        fake.server.close();
      }
    });
  });
});
