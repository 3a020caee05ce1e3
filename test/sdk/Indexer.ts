import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { expect } from "chai";
import { network } from "hardhat";

import {
  connect,
  customerTickets,
  merchantQueue,
  ticketTimeline,
  TicketStatus,
  type IndexerOptions,
} from "../../src/index.js";
import { careLedgerFixture, type CareLedgerFixture } from "../helpers/fixture.js";
import { addressesOf, hashOf, openTicket, readAll, registerMerchant } from "../helpers/sdk.js";

const connection = await network.create();
const deployCareLedgerFixture = careLedgerFixture(connection);
const { time } = connection.networkHelpers;

const HOUR = 3_600;

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

  describe("with an indexer configured", function () {
    it("falls back to logs, and says why, when the indexer is unreachable", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { answered } = await deskWithTickets(fixture);
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
      expect(await readAll(withIndexer, fixture, answered)).to.deep.equal(
        await readAll(logsOnly, fixture, answered),
      );
      expect(reasons).to.have.length(4);
      expect(reasons[0]).to.match(/^indexer http:\/\/127\.0\.0\.1:9 not used for \/tickets\/1: /);
    });

    it("falls back to logs when the indexer has not indexed the latest block", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { answered } = await deskWithTickets(fixture);
      const addresses = await addressesOf(fixture);
      const head = () => connection.ethers.provider.getBlockNumber();
      // Behind by one block, and serving an empty queue that must not be believed.
      const stale = await fakeIndexer(31337n, async () => (await head()) - 1, {
        "/merchants/1/queue?limit=50": { merchantId: 1, tickets: [] },
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
        expect(await readAll(client, fixture, answered)).to.deep.equal(
          await readAll(logsOnly, fixture, answered),
        );
        expect(stale.requests.filter((p) => p !== "/status")).to.deep.equal([]);
        expect(reasons[0]).to.match(
          /it has indexed block \d+, the chain is at \d+ \(lag allowed: 0\)/,
        );

        // Allowing one block of lag, the same indexer is believed.
        const lenient = await connect(connection.ethers.provider, 31337n, addresses, {
          indexer: { ...options, maxLagBlocks: 1 },
        });
        expect(await merchantQueue(lenient, 1)).to.deep.equal([]);
      } finally {
        stale.server.close();
      }
    });

    it("falls back to logs when the indexer indexes another chain, answers an error or a wrong shape", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const { answered } = await deskWithTickets(fixture);
      const addresses = await addressesOf(fixture);
      const head = () => connection.ethers.provider.getBlockNumber();
      const other = await fakeIndexer(1n, head, {});
      const broken = await fakeIndexer(31337n, head, {}); // every route: 404
      const garbled = await fakeIndexer(31337n, head, {
        [`/tickets/${answered}`]: { timeline: [{ kind: "opened" }] },
        "/merchants/1/report": { merchantId: 1 },
        "/merchants/1/queue?limit=50": { tickets: [{ id: "not a number" }] },
        [`/customers/${fixture.customer.address.toLowerCase()}/tickets?limit=100`]: { tickets: 3 },
      });
      try {
        const logsOnly = await connect(connection.ethers.provider, 31337n, addresses);
        const expected = await readAll(logsOnly, fixture, answered);
        for (const { url } of [other, broken, garbled]) {
          const reasons: string[] = [];
          const client = await connect(connection.ethers.provider, 31337n, addresses, {
            indexer: { indexerUrl: url, onFallback: (r) => reasons.push(r) },
          });
          expect(await readAll(client, fixture, answered)).to.deep.equal(expected);
          expect(reasons).to.have.length(4);
        }
        expect(garbled.requests.filter((p) => p !== "/status")).to.have.length(4);
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
        expect(fake.requests).to.deep.equal([]);
        const none = await connect(connection.ethers.provider, 31337n, addresses, { indexer: "" });
        expect(none.indexer).to.equal(undefined);
      } finally {
        fake.server.close();
      }
    });
  });
});
