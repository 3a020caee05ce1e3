import { expect } from "chai";
import type { Filter, Log, Provider } from "ethers";
import { network } from "hardhat";

import { connect, merchantQueue, ticketTimeline, type LogReadOptions } from "../../src/index.js";
import { careLedgerFixture, type CareLedgerFixture } from "../helpers/fixture.js";
import { addressesOf, hashOf, openTicket, readAll, registerMerchant } from "../helpers/sdk.js";

const connection = await network.create();
const deployCareLedgerFixture = careLedgerFixture(connection);
const provider = connection.ethers.provider as Provider;
const headNow = provider.getBlockNumber.bind(provider);

/** One `eth_getLogs` as the node saw it: its block range, the last block it covered, whether it answered. */
interface LogCall {
  fromBlock: number;
  toBlock: number | "latest";
  lastBlock: number;
  answered: boolean;
}

/**
 * Puts `refuse` between the SDK and the node's `getLogs` for the rest of the test: a range it returns an
 * error for fails with that error. Returns the calls as they happen.
 */
function interceptGetLogs(refuse: (from: number, to: number) => Error | undefined): LogCall[] {
  const calls: LogCall[] = [];
  const original = provider.getLogs.bind(provider);
  const intercepted = async (filter: Filter): Promise<Log[]> => {
    const fromBlock = Number(filter.fromBlock);
    const toBlock = filter.toBlock === "latest" ? "latest" : Number(filter.toBlock);
    const lastBlock = toBlock === "latest" ? await headNow() : toBlock;
    const error = refuse(fromBlock, lastBlock);
    calls.push({ fromBlock, toBlock, lastBlock, answered: error === undefined });
    if (error !== undefined) throw error;
    return original(filter);
  };
  Object.defineProperty(provider, "getLogs", { value: intercepted, configurable: true });
  return calls;
}

/** Merchant 1 with `count` tickets (one block each, as the node automines) and a message on the first. */
async function deskWithTickets(fixture: CareLedgerFixture, count: number) {
  const merchantId = await registerMerchant(fixture);
  const tickets: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const customer = i % 2 === 0 ? fixture.customer : fixture.customer2;
    tickets.push(await openTicket(fixture, merchantId, customer, i % 4));
  }
  await fixture.desk.connect(fixture.agent).postMessage(tickets[0]!, hashOf("on it"));
  return { merchantId, tickets };
}

async function clientWith(fixture: CareLedgerFixture, logs?: LogReadOptions) {
  return connect(provider, 31337n, await addressesOf(fixture), logs === undefined ? {} : { logs });
}

describe("careledger log reads in block ranges", function () {
  afterEach(function () {
    // Back to the provider's own methods (the prototype's).
    Reflect.deleteProperty(provider, "getLogs");
    Reflect.deleteProperty(provider, "getBlockNumber");
  });

  it("reads the history in ranges of maxBlockRange blocks, the last to latest, with the same answers", async function () {
    const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
    const { tickets } = await deskWithTickets(fixture, 7);
    const expected = await readAll(await clientWith(fixture), fixture, tickets[0]!);

    const calls = interceptGetLogs(() => undefined);
    const client = await clientWith(fixture, { maxBlockRange: 3, concurrency: 2 });
    const head = await headNow();
    const answer = await ticketTimeline(client, tickets[0]!);
    expect(answer).to.deep.equal(expected.timeline);

    // The timeline reads several filters; each covers 0..head in 3-block ranges, the last one open.
    const starts = calls.filter((call) => call.fromBlock === 0).length;
    expect(starts).to.be.greaterThan(1);
    const perFilter = Math.ceil((head + 1) / 3);
    expect(calls).to.have.length(starts * perFilter);
    for (const call of calls) {
      expect(call.fromBlock % 3).to.equal(0);
      if (call.fromBlock + 3 > head) expect(call.toBlock).to.equal("latest");
      else expect(call.toBlock).to.equal(call.fromBlock + 2);
    }
    expect(await readAll(client, fixture, tickets[0]!)).to.deep.equal(expected);
  });

  it("halves a range the node refuses until it answers, and loses no log", async function () {
    const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
    const { tickets } = await deskWithTickets(fixture, 9);
    const expected = await readAll(await clientWith(fixture), fixture, tickets[0]!);

    // A node that answers at most 4 blocks at a time, and says so only as a failed reply.
    const calls = interceptGetLogs((from, to) =>
      to - from + 1 > 4 ? new Error("response body is not valid JSON") : undefined,
    );
    const client = await clientWith(fixture);
    expect(await readAll(client, fixture, tickets[0]!)).to.deep.equal(expected);

    const refused = calls.filter((call) => !call.answered);
    expect(refused.length).to.be.greaterThan(0);
    // Every refused range was read again as its two halves, the right one keeping an open end; every
    // range that answered is at most 4 blocks wide.
    for (const { fromBlock, toBlock, lastBlock } of refused) {
      const middle = fromBlock + Math.floor((lastBlock - fromBlock) / 2);
      expect(calls, `left half of ${fromBlock}..${toBlock}`).to.deep.include({
        fromBlock,
        toBlock: middle,
        lastBlock: middle,
        answered: middle - fromBlock + 1 <= 4,
      });
      expect(calls, `right half of ${fromBlock}..${toBlock}`).to.deep.include({
        fromBlock: middle + 1,
        toBlock: toBlock === "latest" ? "latest" : lastBlock,
        lastBlock,
        answered: lastBlock - middle <= 4,
      });
    }
    for (const call of calls.filter((c) => c.answered)) {
      expect(call.lastBlock - call.fromBlock + 1).to.be.at.most(4);
    }
  });

  it("throws the node's error when even a single block fails, after about log2(range) tries", async function () {
    const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
    await deskWithTickets(fixture, 2);
    const down = new Error("connection refused");
    const calls = interceptGetLogs(() => down);
    const client = await clientWith(fixture, { maxBlockRange: 1_024, concurrency: 1 });
    const head = await headNow();

    let thrown: unknown;
    await merchantQueue(client, 1).catch((error: unknown) => (thrown = error));
    expect(thrown).to.equal(down);
    // One range (the chain is shorter than 1,024 blocks), then its left halves down to one block.
    expect(calls).to.have.length(Math.ceil(Math.log2(head + 1)) + 1);
    expect(calls.at(-1)).to.deep.equal({ fromBlock: 0, toBlock: 0, lastBlock: 0, answered: false });
  });

  it("reads blocks past a head the provider cached before they were mined", async function () {
    const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
    const { merchantId, tickets } = await deskWithTickets(fixture, 4);
    const stale = await headNow();
    const later = await openTicket(fixture, merchantId);
    const client = await clientWith(fixture, { maxBlockRange: 2 });

    // ethers providers answer a repeated request from a short cache: the head read first may be a
    // block behind the ticket the caller just waited for.
    Object.defineProperty(provider, "getBlockNumber", {
      value: async () => stale,
      configurable: true,
    });
    const calls = interceptGetLogs(() => undefined);
    const queue = await merchantQueue(client, merchantId, { limit: 100 });
    expect(queue.map((ticket) => ticket.id)).to.have.members([...tickets, later]);
    expect(calls.at(-1)).to.deep.include({ toBlock: "latest", lastBlock: stale + 1 });
  });

  it("reads nothing before fromBlock", async function () {
    const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
    const { merchantId } = await deskWithTickets(fixture, 3);
    const head = await headNow();
    const later = await openTicket(fixture, merchantId);

    const calls = interceptGetLogs(() => undefined);
    const queue = await merchantQueue(await clientWith(fixture), merchantId, {
      fromBlock: head + 1,
    });
    expect(queue.map((ticket) => ticket.id)).to.deep.equal([later]);
    expect(calls).to.deep.equal([
      { fromBlock: head + 1, toBlock: "latest", lastBlock: head + 1, answered: true },
    ]);
  });

  for (const [name, logs] of [
    ["a zero maxBlockRange", { maxBlockRange: 0 }],
    ["a negative maxBlockRange", { maxBlockRange: -5 }],
    ["a fractional maxBlockRange", { maxBlockRange: 1.5 }],
    ["a zero concurrency", { concurrency: 0 }],
  ] as const) {
    it(`refuses ${name} at connect`, async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      let thrown: unknown;
      await clientWith(fixture, logs).catch((error: unknown) => (thrown = error));
      expect(thrown).to.be.instanceOf(RangeError);
      const [option, value] = Object.entries(logs)[0]!;
      expect((thrown as RangeError).message).to.equal(
        `logs.${option} must be a positive integer, got ${value}`,
      );
    });
  }
});
