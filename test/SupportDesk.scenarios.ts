import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { ZeroAddress, ZeroHash, concat, verifyTypedData } from "ethers";
import { network } from "hardhat";

import { type ISupportDesk, SupportDesk__factory } from "../typechain-types/index.js";
import {
  CLOSABLE_AFTER,
  DAY,
  HOUR,
  Status,
  type DeskFixture,
  commitment,
  defaultPolicy,
  deskFixture,
  impersonate,
  mined,
  openTicket,
  pinAt,
  values,
} from "./helpers/desk.js";
import {
  FORWARD_REQUEST_TYPES,
  forwarderDomainFor,
  signForwardRequest,
} from "./helpers/forwarder.js";

const connection = await network.create();
const { loadFixture } = connection.networkHelpers;
const deployDeskFixture = deskFixture(connection);

async function extraSigner(index: number): Promise<HardhatEthersSigner> {
  const signer = (await connection.ethers.getSigners())[index];
  if (signer === undefined) throw new Error(`the test network needs account #${index}`);
  return signer;
}

describe("SupportDesk scenarios", function () {
  /*//////////////////////////////////////////////////////////////
                        GASLESS (ERC-2771)
  //////////////////////////////////////////////////////////////*/

  describe("gasless requests through the forwarder", function () {
    it("relays a customer's signed openTicket and postMessage with the customer as the actor, at no cost to them", async function () {
      const f = await loadFixture(deployDeskFixture);
      const provider = connection.ethers.provider;
      const deskAddress = await f.desk.getAddress();
      const balanceBefore = await provider.getBalance(f.customer);
      const orderRef = commitment("order 7");
      const content = commitment("wrong colour");

      const open = await signForwardRequest(
        f.forwarder,
        f.customer,
        deskAddress,
        f.desk.interface.encodeFunctionData("openTicket", [1n, orderRef, content, 2]),
      );
      await expect(f.forwarder.connect(f.relayer).execute(open))
        .to.emit(f.desk, "TicketOpened")
        .withArgs(1n, 1n, f.customer.address, orderRef, content, 2);
      expect(await f.desk.customerOf(1n)).to.equal(f.customer.address);

      await f.desk.connect(f.agent).postMessage(1n, commitment("which size?"));
      await f.desk.connect(f.agent).awaitCustomer(1n, commitment("waiting for the size"));

      const reply = commitment("size 38");
      const message = await signForwardRequest(
        f.forwarder,
        f.customer,
        deskAddress,
        f.desk.interface.encodeFunctionData("postMessage", [1n, reply]),
      );
      const tx = f.forwarder.connect(f.relayer).execute(message);
      await expect(tx).to.emit(f.desk, "MessagePosted").withArgs(1n, f.customer.address, reply);
      await expect(tx)
        .to.emit(f.desk, "TicketStatusChanged")
        .withArgs(1n, Status.AwaitingCustomer, Status.InProgress, f.customer.address, reply);

      expect(await provider.getBalance(f.customer)).to.equal(balanceBefore);
      expect(await f.forwarder.nonces(f.customer)).to.equal(2n);
    });

    it("relays a customer's signed confirmation of a resolved ticket", async function () {
      const f = await loadFixture(deployDeskFixture);
      const { id } = await openTicket(f, f.customer);
      await f.desk.connect(f.agent).resolveTicket(id, commitment("refunded"));
      const confirm = await signForwardRequest(
        f.forwarder,
        f.customer,
        await f.desk.getAddress(),
        f.desk.interface.encodeFunctionData("confirmResolution", [id]),
      );
      await expect(f.forwarder.connect(f.relayer).execute(confirm))
        .to.emit(f.desk, "TicketStatusChanged")
        .withArgs(id, Status.Resolved, Status.Closed, f.customer.address, ZeroHash);
    });

    it("refuses a request the customer did not sign", async function () {
      const f = await loadFixture(deployDeskFixture);
      const { id } = await openTicket(f, f.customer);
      const forged = await signForwardRequest(
        f.forwarder,
        f.stranger,
        await f.desk.getAddress(),
        f.desk.interface.encodeFunctionData("cancelTicket", [id]),
      );
      forged.from = f.customer.address;
      const nonce = await f.forwarder.nonces(f.customer);
      const recovered = verifyTypedData(
        await forwarderDomainFor(f.forwarder),
        FORWARD_REQUEST_TYPES,
        { ...forged, nonce },
        forged.signature,
      );
      await expect(f.forwarder.connect(f.relayer).execute(forged))
        .to.be.revertedWithCustomError(f.forwarder, "ERC2771ForwarderInvalidSigner")
        .withArgs(recovered, f.customer.address);
      expect(await f.desk.statusOf(id)).to.equal(Status.Open);
    });

    it("acts as the signer, not as the relayer: a relayed staff-only call by the customer is refused", async function () {
      const f = await loadFixture(deployDeskFixture);
      const { id } = await openTicket(f, f.customer);
      const request = await signForwardRequest(
        f.forwarder,
        f.customer,
        await f.desk.getAddress(),
        f.desk.interface.encodeFunctionData("resolveTicket", [id, commitment("self-served")]),
      );
      // The forwarder reports only that the call failed; the desk's error names the signer, as a
      // call from the forwarder with the signer appended (ERC-2771) shows.
      await expect(f.forwarder.connect(f.relayer).execute(request)).to.be.revertedWithCustomError(
        f.forwarder,
        "FailedCall",
      );
      const asForwarder = await impersonate(f, await f.forwarder.getAddress());
      const data = concat([
        f.desk.interface.encodeFunctionData("resolveTicket", [id, commitment("self-served")]),
        f.customer.address,
      ]);
      await expect(asForwarder.sendTransaction({ to: await f.desk.getAddress(), data }))
        .to.be.revertedWithCustomError(f.desk, "DeskNotMerchantStaff")
        .withArgs(1n, f.customer.address);
      expect(await f.desk.statusOf(id)).to.equal(Status.Open);
    });

    it("ignores a sender appended to the calldata by anyone but the forwarder", async function () {
      const f = await loadFixture(deployDeskFixture);
      const { id } = await openTicket(f, f.customer);
      const data = concat([
        f.desk.interface.encodeFunctionData("cancelTicket", [id]),
        f.customer.address,
      ]);
      await expect(f.stranger.sendTransaction({ to: await f.desk.getAddress(), data }))
        .to.be.revertedWithCustomError(f.desk, "DeskNotCustomer")
        .withArgs(id, f.stranger.address);
    });
  });

  describe("multicall with ERC-2771", function () {
    it("batches a customer's signed messages, each with the customer as the author", async function () {
      const f = await loadFixture(deployDeskFixture);
      const a = await openTicket(f, f.customer, 1n, "a");
      const b = await openTicket(f, f.customer, 2n, "b");
      const desk = SupportDesk__factory.connect(await f.desk.getAddress(), f.relayer);
      const calls = [
        desk.interface.encodeFunctionData("postMessage", [a.id, commitment("batch a")]),
        desk.interface.encodeFunctionData("postMessage", [b.id, commitment("batch b")]),
      ];
      const request = await signForwardRequest(
        f.forwarder,
        f.customer,
        await desk.getAddress(),
        desk.interface.encodeFunctionData("multicall", [calls]),
      );
      const tx = f.forwarder.connect(f.relayer).execute(request);
      await expect(tx)
        .to.emit(f.desk, "MessagePosted")
        .withArgs(a.id, f.customer.address, commitment("batch a"));
      await expect(tx)
        .to.emit(f.desk, "MessagePosted")
        .withArgs(b.id, f.customer.address, commitment("batch b"));
    });

    it("cannot spoof a sender by appending an address to a subcall, directly or relayed", async function () {
      const f = await loadFixture(deployDeskFixture);
      const { id } = await openTicket(f, f.customer);
      const desk = SupportDesk__factory.connect(await f.desk.getAddress(), f.stranger);

      // Directly: the stranger stays the stranger.
      const cancelAsCustomer = concat([
        desk.interface.encodeFunctionData("cancelTicket", [id]),
        f.customer.address,
      ]);
      await expect(desk.multicall([cancelAsCustomer]))
        .to.be.revertedWithCustomError(f.desk, "DeskNotCustomer")
        .withArgs(id, f.stranger.address);

      // Relayed (the 2023 ERC-2771 + Multicall issue): the customer cannot act as the agent.
      const resolveAsAgent = concat([
        desk.interface.encodeFunctionData("resolveTicket", [id, commitment("spoofed")]),
        f.agent.address,
      ]);
      const request = await signForwardRequest(
        f.forwarder,
        f.customer,
        await desk.getAddress(),
        desk.interface.encodeFunctionData("multicall", [[resolveAsAgent]]),
      );
      await expect(f.forwarder.connect(f.relayer).execute(request)).to.be.revertedWithCustomError(
        f.forwarder,
        "FailedCall",
      );
      expect(await f.desk.statusOf(id)).to.equal(Status.Open);
    });
  });

  /*//////////////////////////////////////////////////////////////
                  MANY TICKETS, MANY MERCHANTS
  //////////////////////////////////////////////////////////////*/

  describe("a customer with many tickets at many merchants", function () {
    it("keeps every ticket to its own merchant, state and staff", async function () {
      const f = await loadFixture(deployDeskFixture);
      const admin3 = await extraSigner(11);
      const admin4 = await extraSigner(12);
      await f.desk.registerMerchant(admin3, commitment("m3"));
      await f.desk.registerMerchant(admin4, commitment("m4"));
      const staffOf: Record<string, HardhatEthersSigner> = {
        "1": f.agent,
        "2": f.otherAdmin,
        "3": admin3,
        "4": admin4,
      };

      const tickets: { id: bigint; merchantId: bigint }[] = [];
      for (let round = 0; round < 3; round++) {
        for (const merchantId of [1n, 2n, 3n, 4n]) {
          const { id } = await openTicket(f, f.customer, merchantId, `m${merchantId} r${round}`);
          tickets.push({ id, merchantId });
        }
      }
      const intruder = await openTicket(f, f.customer2, 3n, "someone else");

      // Each merchant works its tickets differently: round 0 resolved, round 1 answered, round 2 untouched.
      for (const [index, { id, merchantId }] of tickets.entries()) {
        const staff = staffOf[merchantId.toString()];
        if (staff === undefined) throw new Error("no staff");
        if (index < 4) await f.desk.connect(staff).resolveTicket(id, commitment(`done ${id}`));
        else if (index < 8) await f.desk.connect(staff).postMessage(id, commitment(`hi ${id}`));
      }
      await f.desk.connect(f.customer).confirmResolution(tickets[0]?.id ?? 0n);
      await f.desk.connect(f.customer).cancelTicket(tickets[11]?.id ?? 0n);

      for (const [index, { id, merchantId }] of tickets.entries()) {
        expect(await f.desk.customerOf(id)).to.equal(f.customer.address);
        expect(await f.desk.merchantOf(id)).to.equal(merchantId);
        const expected =
          index === 0
            ? Status.Closed
            : index < 4
              ? Status.Resolved
              : index < 8
                ? Status.InProgress
                : index === 11
                  ? Status.Cancelled
                  : Status.Open;
        expect(await f.desk.statusOf(id)).to.equal(expected, `ticket ${id}`);
      }
      expect(await f.desk.customerOf(intruder.id)).to.equal(f.customer2.address);
      await expect(f.desk.connect(f.customer).cancelTicket(intruder.id))
        .to.be.revertedWithCustomError(f.desk, "DeskNotCustomer")
        .withArgs(intruder.id, f.customer.address);

      // Staff reach only their merchant's tickets.
      const ofFour = tickets.find((t) => t.merchantId === 4n && t.id > 8n);
      if (ofFour === undefined) throw new Error("no ticket at merchant 4");
      await expect(f.desk.connect(admin3).resolveTicket(ofFour.id, commitment("not mine")))
        .to.be.revertedWithCustomError(f.desk, "DeskNotMerchantStaff")
        .withArgs(4n, admin3.address);

      // The customer's tickets, and each merchant's, are found from the indexed events.
      const mine = await f.desk.queryFilter(
        f.desk.filters.TicketOpened(undefined, undefined, f.customer.address),
      );
      expect(mine.map((e) => e.args.ticketId)).to.deep.equal(tickets.map((t) => t.id));
      const atThree = await f.desk.queryFilter(f.desk.filters.TicketOpened(undefined, 3n));
      expect(atThree.map((e) => e.args.customer)).to.deep.equal([
        f.customer.address,
        f.customer.address,
        f.customer.address,
        f.customer2.address,
      ]);
      // Round 0: each merchant answered on time and resolved on time.
      for (const merchantId of [1n, 2n, 3n, 4n]) {
        expect(values(await f.desk.slaStatsOf(merchantId))).to.deep.equal([2n, 0n, 1n, 0n]);
      }
    });
  });

  /*//////////////////////////////////////////////////////////////
                     THE TIMELINE FROM LOGS ALONE
  //////////////////////////////////////////////////////////////*/

  describe("the timeline from logs alone", function () {
    /** One line of a ticket's history as a client shows it. */
    interface Entry {
      kind: "opened" | "status" | "message" | "assigned";
      time: number;
      actor: string;
      from?: bigint;
      to?: bigint;
      hash: string;
    }

    /** What a client knows about a ticket from the logs. */
    interface Rebuilt {
      customer: string;
      merchantId: bigint;
      priority: bigint;
      orderRef: string;
      status: bigint;
      assignee: string;
      resolvedAt: number;
      cycleStart: number;
      firstResponded: boolean;
      pausedSince: number;
      pausedTotal: number;
      timeline: Entry[];
    }

    interface MerchantState {
      admin: string;
      pendingAdmin: string;
      agents: Set<string>;
      policy: { firstResponseTime: number; resolutionTime: number };
      stats: [bigint, bigint, bigint, bigint];
    }

    function inTimeOrder(entries: readonly Entry[]): Entry[] {
      const key = (e: Entry): string => `${e.time}:${e.kind}:${e.hash}`;
      return [...entries].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
    }

    /** Rebuilds merchants and tickets from the desk's logs, with nothing but the logs and block times. */
    async function rebuild(
      desk: ISupportDesk,
      defaultArbiter: string,
    ): Promise<{ tickets: Map<bigint, Rebuilt>; merchants: Map<bigint, MerchantState> }> {
      const provider = connection.ethers.provider;
      const logs = await provider.getLogs({
        address: await desk.getAddress(),
        fromBlock: 0,
        toBlock: "latest",
      });
      const times = new Map<number, number>();
      const tickets = new Map<bigint, Rebuilt>();
      const merchants = new Map<bigint, MerchantState>();
      const defaults = defaultPolicy(defaultArbiter);
      const merchant = (id: bigint): MerchantState => {
        const m = merchants.get(id);
        if (m === undefined) throw new Error(`log for unknown merchant ${id}`);
        return m;
      };
      const ticketOf = (id: bigint): Rebuilt => {
        const t = tickets.get(id);
        if (t === undefined) throw new Error(`log for unknown ticket ${id}`);
        return t;
      };
      for (const log of logs) {
        let time = times.get(log.blockNumber);
        if (time === undefined) {
          const block = await provider.getBlock(log.blockNumber);
          if (block === null) throw new Error("missing block");
          time = block.timestamp;
          times.set(log.blockNumber, time);
        }
        const event = desk.interface.parseLog(log);
        if (event === null) throw new Error("undecodable log");
        const a = event.args;
        switch (event.name) {
          case "MerchantRegistered":
            merchants.set(a.merchantId as bigint, {
              admin: a.admin as string,
              pendingAdmin: ZeroAddress,
              agents: new Set(),
              policy: {
                firstResponseTime: Number(defaults.firstResponseTime),
                resolutionTime: Number(defaults.resolutionTime),
              },
              stats: [0n, 0n, 0n, 0n],
            });
            break;
          case "AgentSet":
            if (a.enabled as boolean)
              merchant(a.merchantId as bigint).agents.add(a.agent as string);
            else merchant(a.merchantId as bigint).agents.delete(a.agent as string);
            break;
          case "MerchantAdminTransferStarted":
            merchant(a.merchantId as bigint).pendingAdmin = a.pendingAdmin as string;
            break;
          case "MerchantAdminTransferred": {
            const m = merchant(a.merchantId as bigint);
            m.admin = a.newAdmin as string;
            m.pendingAdmin = ZeroAddress;
            break;
          }
          case "PolicySet": {
            const policy = a.policy as ISupportDesk.PolicyStructOutput;
            merchant(a.merchantId as bigint).policy = {
              firstResponseTime: Number(policy.firstResponseTime),
              resolutionTime: Number(policy.resolutionTime),
            };
            break;
          }
          case "SlaDeadlineSettled": {
            const index = (a.deadline === 1n ? 0 : 2) + (a.met ? 0 : 1);
            merchant(a.merchantId as bigint).stats[index]! += 1n;
            break;
          }
          case "TicketOpened":
            tickets.set(a.ticketId as bigint, {
              customer: a.customer as string,
              merchantId: a.merchantId as bigint,
              priority: a.priority as bigint,
              orderRef: a.orderRef as string,
              status: Status.Open,
              assignee: ZeroAddress,
              resolvedAt: 0,
              cycleStart: time,
              firstResponded: false,
              pausedSince: 0,
              pausedTotal: 0,
              timeline: [
                {
                  kind: "opened",
                  time,
                  actor: a.customer as string,
                  hash: a.contentHash as string,
                },
              ],
            });
            break;
          case "MessagePosted": {
            const t = ticketOf(a.ticketId as bigint);
            const m = merchant(t.merchantId);
            const author = a.author as string;
            if (author === m.admin || m.agents.has(author)) t.firstResponded = true;
            t.timeline.push({
              kind: "message",
              time,
              actor: author,
              hash: a.contentHash as string,
            });
            break;
          }
          case "TicketAssigned": {
            const t = ticketOf(a.ticketId as bigint);
            t.assignee = a.agent as string;
            t.timeline.push({
              kind: "assigned",
              time,
              actor: a.actor as string,
              hash: a.agent as string,
            });
            break;
          }
          case "TicketStatusChanged": {
            const t = ticketOf(a.ticketId as bigint);
            const from = a.from as bigint;
            const to = a.to as bigint;
            if (from !== t.status) throw new Error(`ticket ${a.ticketId}: log says from ${from}`);
            if (from === Status.AwaitingCustomer) t.pausedTotal += time - t.pausedSince;
            if (to === Status.AwaitingCustomer) t.pausedSince = time;
            if (to === Status.Resolved) {
              t.resolvedAt = time;
              t.firstResponded = true;
            }
            if (from === Status.Resolved && to === Status.Open) {
              t.resolvedAt = 0;
              t.cycleStart = time;
              t.firstResponded = false;
              t.pausedTotal = 0;
            }
            t.status = to;
            t.timeline.push({
              kind: "status",
              time,
              actor: a.actor as string,
              from,
              to,
              hash: a.noteHash as string,
            });
            break;
          }
        }
      }
      return { tickets, merchants };
    }

    it("rebuilds every ticket's history, state and deadlines, and every merchant's roles and record", async function () {
      const f = await loadFixture(deployDeskFixture);
      const { desk, customer, customer2, agent, agent2, admin, otherAdmin, stranger } = f;
      const expected = new Map<bigint, Entry[]>();
      const log = (id: bigint, entry: Entry): void => {
        const list = expected.get(id) ?? [];
        list.push(entry);
        expected.set(id, list);
      };
      const h = (label: string): string => commitment(label);
      /** Runs a move and logs the entries it must leave, at its block time. */
      const step = async (
        id: bigint,
        send: () => ReturnType<ISupportDesk["postMessage"]>,
        entries: Omit<Entry, "time">[],
      ): Promise<number> => {
        const { timestamp } = await mined(send());
        for (const e of entries) log(id, { ...e, time: timestamp });
        return timestamp;
      };
      const status = (
        actor: HardhatEthersSigner,
        from: bigint,
        to: bigint,
        hash: string,
      ): Omit<Entry, "time"> => ({ kind: "status", actor: actor.address, from, to, hash });
      const message = (actor: HardhatEthersSigner, hash: string): Omit<Entry, "time"> => ({
        kind: "message",
        actor: actor.address,
        hash,
      });
      const opened = async (
        who: HardhatEthersSigner,
        merchantId: bigint,
        label: string,
      ): Promise<bigint> => {
        const { id, openedAt } = await openTicket(f, who, merchantId, label);
        log(id, { kind: "opened", time: openedAt, actor: who.address, hash: h(label) });
        return id;
      };

      await desk.connect(otherAdmin).setPolicy(2n, {
        ...defaultPolicy(f.arbiter.address),
        firstResponseTime: 2 * HOUR,
        resolutionTime: DAY,
      });

      // Ticket A (merchant 1): the whole lifecycle, with a pause, a reopen and an escalation.
      const a = await opened(customer, 1n, "A: broken zip");
      await step(a, () => desk.connect(customer).postMessage(a, h("A photo")), [
        message(customer, h("A photo")),
      ]);
      await step(a, () => desk.connect(agent).assignTicket(a, agent2), [
        { kind: "assigned", actor: agent.address, hash: agent2.address },
      ]);
      await step(a, () => desk.connect(agent2).postMessage(a, h("A reply")), [
        message(agent2, h("A reply")),
        status(agent2, Status.Open, Status.InProgress, h("A reply")),
      ]);
      await step(a, () => desk.connect(agent2).awaitCustomer(a, h("A which size")), [
        status(agent2, Status.InProgress, Status.AwaitingCustomer, h("A which size")),
      ]);
      await connection.networkHelpers.time.increase(5 * HOUR);
      await step(a, () => desk.connect(customer).postMessage(a, h("A size M")), [
        message(customer, h("A size M")),
        status(customer, Status.AwaitingCustomer, Status.InProgress, h("A size M")),
      ]);
      await step(a, () => desk.connect(agent2).resolveTicket(a, h("A replaced")), [
        status(agent2, Status.InProgress, Status.Resolved, h("A replaced")),
      ]);
      const reopenedAt = await step(a, () => desk.connect(customer).reopenTicket(a, h("A again")), [
        status(customer, Status.Resolved, Status.Open, h("A again")),
      ]);
      await pinAt(connection, reopenedAt + DAY + 1);
      await step(a, () => desk.connect(customer).escalateTicket(a, h("A nobody answers")), [
        status(customer, Status.Open, Status.Escalated, h("A nobody answers")),
      ]);
      await step(a, () => desk.connect(admin).resolveTicket(a, h("A refunded")), [
        status(admin, Status.Escalated, Status.Resolved, h("A refunded")),
      ]);
      await step(a, () => desk.connect(customer).confirmResolution(a), [
        status(customer, Status.Resolved, Status.Closed, ZeroHash),
      ]);

      // Ticket B (merchant 2, its own policy): resolved, then closed by a stranger.
      const b = await opened(customer2, 2n, "B: invoice");
      const resolvedB = await step(
        b,
        () => desk.connect(otherAdmin).resolveTicket(b, h("B sent")),
        [status(otherAdmin, Status.Open, Status.Resolved, h("B sent"))],
      );
      await pinAt(connection, resolvedB + CLOSABLE_AFTER);
      await step(b, () => desk.connect(stranger).closeTicket(b), [
        status(stranger, Status.Resolved, Status.Closed, ZeroHash),
      ]);

      // Ticket C (merchant 1): cancelled. Ticket D (merchant 1): awaiting the customer at the end.
      const c = await opened(customer2, 1n, "C: changed my mind");
      await step(c, () => desk.connect(customer2).cancelTicket(c), [
        status(customer2, Status.Open, Status.Cancelled, ZeroHash),
      ]);
      const d = await opened(customer, 1n, "D: where is it");
      await step(d, () => desk.connect(agent).postMessage(d, h("D tracking")), [
        message(agent, h("D tracking")),
        status(agent, Status.Open, Status.InProgress, h("D tracking")),
      ]);
      await step(d, () => desk.connect(agent).awaitCustomer(d, h("D got it?")), [
        status(agent, Status.InProgress, Status.AwaitingCustomer, h("D got it?")),
      ]);
      // Ticket E (merchant 2): answered late, left in progress.
      const e = await opened(customer, 2n, "E: late answer");
      await connection.networkHelpers.time.increase(3 * HOUR);
      await step(e, () => desk.connect(otherAdmin).postMessage(e, h("E sorry")), [
        message(otherAdmin, h("E sorry")),
        status(otherAdmin, Status.Open, Status.InProgress, h("E sorry")),
      ]);

      // Roles change too: an agent leaves merchant 1, merchant 2 changes hands.
      await desk.connect(admin).setAgent(1n, agent2, false);
      await desk.connect(otherAdmin).transferMerchantAdmin(2n, stranger);
      await desk.connect(stranger).acceptMerchantAdmin(2n);
      await desk.connect(admin).transferMerchantAdmin(1n, customer2);
      await connection.networkHelpers.time.increase(HOUR);

      // ---- Rebuild from the logs only, and compare with the views. ----
      const { tickets, merchants } = await rebuild(desk, f.arbiter.address);
      expect(BigInt(tickets.size)).to.equal(await desk.ticketCount());
      expect(BigInt(merchants.size)).to.equal(await desk.merchantCount());
      const now = await connection.networkHelpers.time.latest();

      for (const [id, t] of tickets) {
        // Within one transaction the order of the logs is the contract's choice: compare per block time.
        expect(inTimeOrder(t.timeline)).to.deep.equal(
          inTimeOrder(expected.get(id) ?? []),
          `timeline of ticket ${id}`,
        );
        const view = await desk.getTicket(id);
        const m = merchants.get(t.merchantId);
        if (m === undefined) throw new Error("merchant missing");
        const active = [
          Status.Open,
          Status.InProgress,
          Status.AwaitingCustomer,
          Status.Escalated,
        ].includes(t.status as never);
        const paused = t.status === Status.AwaitingCustomer ? now - t.pausedSince : 0;
        expect({
          customer: view.customer,
          merchantId: view.merchantId,
          status: view.status,
          priority: view.priority,
          assignee: view.assignee,
          resolvedAt: view.resolvedAt,
          firstResponded: view.firstResponded,
          firstResponseDueAt: view.firstResponseDueAt,
          resolutionDueAt: view.resolutionDueAt,
        }).to.deep.equal(
          {
            customer: t.customer,
            merchantId: t.merchantId,
            status: t.status,
            priority: t.priority,
            assignee: t.assignee,
            resolvedAt: BigInt(t.resolvedAt),
            firstResponded: t.firstResponded,
            firstResponseDueAt:
              active && !t.firstResponded ? BigInt(t.cycleStart + m.policy.firstResponseTime) : 0n,
            resolutionDueAt: active
              ? BigInt(t.cycleStart + m.policy.resolutionTime + t.pausedTotal + paused)
              : 0n,
          },
          `ticket ${id}`,
        );
      }

      const everyone = [customer, customer2, agent, agent2, admin, otherAdmin, stranger];
      for (const [id, m] of merchants) {
        expect(await desk.merchantAdmin(id)).to.equal(m.admin);
        expect(await desk.pendingMerchantAdmin(id)).to.equal(m.pendingAdmin);
        for (const who of everyone) {
          expect(await desk.isAgent(id, who)).to.equal(
            who.address === m.admin || m.agents.has(who.address),
            `isAgent(${id}, ${who.address})`,
          );
        }
        const policy = await desk.policyOf(id);
        expect([Number(policy.firstResponseTime), Number(policy.resolutionTime)]).to.deep.equal([
          m.policy.firstResponseTime,
          m.policy.resolutionTime,
        ]);
        expect(values(await desk.slaStatsOf(id))).to.deep.equal(m.stats, `stats of ${id}`);
      }
      // The scenario's record: merchant 1 met A's first cycle and D, missed A's second first
      // response (escalated) and met its resolution; merchant 2 met B, missed E's first response.
      expect(merchants.get(1n)?.stats).to.deep.equal([2n, 1n, 2n, 0n]);
      expect(merchants.get(2n)?.stats).to.deep.equal([1n, 1n, 1n, 0n]);
    });
  });
});
