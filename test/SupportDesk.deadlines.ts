import { expect } from "chai";
import { network } from "hardhat";

import {
  AUTO_CLOSE_DELAY,
  CLOSABLE_AFTER,
  closableAfter,
  DAY,
  Deadline,
  HOUR,
  REOPEN_WINDOW,
  Status,
  type DeskFixture,
  commitment,
  defaultPolicy,
  deskFixture,
  impersonate,
  mineAt,
  mined,
  openTicket,
  pinAt,
  pinNext,
  fields,
  values,
} from "./helpers/desk.js";
import { SupportDesk__factory } from "../typechain-types/index.js";

const connection = await network.create();
const { loadFixture } = connection.networkHelpers;
const deployDeskFixture = deskFixture(connection);

/** The three instants every clock rule is checked at: a deadline is missed from `dueAt + 1 s` on. */
const BOUNDARY = [
  { offset: -1, label: "dueAt - 1 s", missed: false },
  { offset: 0, label: "dueAt", missed: false },
  { offset: 1, label: "dueAt + 1 s", missed: true },
] as const;

const REASON = commitment("deadline missed");

/** A fresh ticket at merchant 1 (default policy: first response 1 day, resolution 3 days). */
async function openedFixture(): Promise<{
  f: DeskFixture;
  id: bigint;
  openedAt: number;
  frDue: number;
  resDue: number;
}> {
  const f = await deployDeskFixture();
  const { id, openedAt } = await openTicket(f, f.customer);
  return { f, id, openedAt, frDue: openedAt + DAY, resDue: openedAt + 3 * DAY };
}

/** The ticket above, answered by an agent one hour after it was opened. */
async function answeredFixture(): Promise<{
  f: DeskFixture;
  id: bigint;
  openedAt: number;
  resDue: number;
}> {
  const { f, id, openedAt, resDue } = await openedFixture();
  await pinAt(connection, openedAt + HOUR);
  await f.desk.connect(f.agent).postMessage(id, commitment("looking into it"));
  return { f, id, openedAt, resDue };
}

/** The answered ticket, awaiting the customer since `pausedAt` (one day after it was opened). */
async function pausedFixture(): Promise<{
  f: DeskFixture;
  id: bigint;
  resDue: number;
  pausedAt: number;
}> {
  const { f, id, openedAt, resDue } = await answeredFixture();
  const pausedAt = await pinAt(connection, openedAt + DAY);
  await f.desk.connect(f.agent).awaitCustomer(id, commitment("which size?"));
  return { f, id, resDue, pausedAt };
}

/** The answered ticket, resolved at `resolvedAt` (one hour after the answer). */
async function resolvedFixture(): Promise<{ f: DeskFixture; id: bigint; resolvedAt: number }> {
  const { f, id, openedAt } = await answeredFixture();
  const resolvedAt = await pinAt(connection, openedAt + 2 * HOUR);
  await f.desk.connect(f.agent).resolveTicket(id, commitment("replaced"));
  return { f, id, resolvedAt };
}

async function stats(f: DeskFixture, merchantId = 1n): Promise<unknown[]> {
  return values(await f.desk.slaStatsOf(merchantId));
}

describe("SupportDesk service-level clock", function () {
  describe("first response", function () {
    for (const { offset, label, missed } of BOUNDARY) {
      it(`reads as ${missed ? "missed" : "not missed"} at ${label}`, async function () {
        const { f, id, frDue } = await loadFixture(openedFixture);
        await mineAt(connection, frDue + offset);
        expect(values(await f.desk.firstResponseDeadline(id))).to.deep.equal([
          BigInt(frDue),
          missed,
        ]);
        const ticket = await f.desk.getTicket(id);
        expect(ticket.firstResponseDueAt).to.equal(BigInt(frDue));
        expect(ticket.firstResponseMissed).to.equal(missed);
        expect(ticket.resolutionMissed).to.equal(false);
      });

      it(`counts an agent's answer at ${label} as ${missed ? "missed" : "met"}`, async function () {
        const { f, id, frDue } = await loadFixture(openedFixture);
        await pinAt(connection, frDue + offset);
        await expect(f.desk.connect(f.agent).postMessage(id, commitment("hello")))
          .to.emit(f.desk, "SlaDeadlineSettled")
          .withArgs(id, 1n, Deadline.FirstResponse, frDue, !missed);
        expect(await stats(f)).to.deep.equal(missed ? [0n, 1n, 0n, 0n] : [1n, 0n, 0n, 0n]);
        const ticket = await f.desk.getTicket(id);
        expect(ticket.firstResponded).to.equal(true);
        expect(ticket.firstResponseMissed).to.equal(missed);
        // Once made, the first response has no due time; whether it was missed stays readable.
        expect(values(await f.desk.firstResponseDeadline(id))).to.deep.equal([0n, missed]);
      });

      it(`counts resolving without a message at ${label} as the first response`, async function () {
        const { f, id, frDue, resDue } = await loadFixture(openedFixture);
        await pinAt(connection, frDue + offset);
        const tx = f.desk.connect(f.admin).resolveTicket(id, commitment("done"));
        await expect(tx)
          .to.emit(f.desk, "SlaDeadlineSettled")
          .withArgs(id, 1n, Deadline.FirstResponse, frDue, !missed);
        await expect(tx)
          .to.emit(f.desk, "SlaDeadlineSettled")
          .withArgs(id, 1n, Deadline.Resolution, resDue, true);
        expect(await stats(f)).to.deep.equal(missed ? [0n, 1n, 1n, 0n] : [1n, 0n, 1n, 0n]);
        expect((await f.desk.getTicket(id)).firstResponded).to.equal(true);
      });

      it(`${missed ? "lets" : "does not let"} the customer escalate at ${label}`, async function () {
        const { f, id, frDue } = await loadFixture(openedFixture);
        await pinAt(connection, frDue + offset);
        const tx = f.desk.connect(f.customer).escalateTicket(id, REASON);
        if (!missed) {
          await expect(tx)
            .to.be.revertedWithCustomError(f.desk, "DeskNoDeadlineMissed")
            .withArgs(id, frDue);
          return;
        }
        await expect(tx)
          .to.emit(f.desk, "TicketStatusChanged")
          .withArgs(id, Status.Open, Status.Escalated, f.customer.address, REASON);
        await expect(tx)
          .to.emit(f.desk, "SlaDeadlineSettled")
          .withArgs(id, 1n, Deadline.FirstResponse, frDue, false);
        expect(await stats(f)).to.deep.equal([0n, 1n, 0n, 0n]);
      });
    }

    it("is not stopped by the customer's messages nor by an assignment", async function () {
      const { f, id, frDue } = await loadFixture(openedFixture);
      await f.desk.connect(f.customer).postMessage(id, commitment("hello?"));
      await f.desk.connect(f.admin).assignTicket(id, f.agent);
      await mineAt(connection, frDue + 1);
      expect(values(await f.desk.firstResponseDeadline(id))).to.deep.equal([BigInt(frDue), true]);
      expect(await stats(f)).to.deep.equal([0n, 0n, 0n, 0n]);
    });
  });

  describe("resolution", function () {
    for (const { offset, label, missed } of BOUNDARY) {
      it(`reads as ${missed ? "missed" : "not missed"} at ${label}`, async function () {
        const { f, id, resDue } = await loadFixture(answeredFixture);
        await mineAt(connection, resDue + offset);
        expect(values(await f.desk.resolutionDeadline(id))).to.deep.equal([
          BigInt(resDue),
          missed,
          false,
        ]);
        const ticket = await f.desk.getTicket(id);
        expect(ticket.resolutionDueAt).to.equal(BigInt(resDue));
        expect(ticket.resolutionMissed).to.equal(missed);
      });

      it(`counts a resolution at ${label} as ${missed ? "missed" : "met"}`, async function () {
        const { f, id, resDue } = await loadFixture(answeredFixture);
        await pinAt(connection, resDue + offset);
        const tx = f.desk.connect(f.agent).resolveTicket(id, commitment("fixed"));
        await expect(tx)
          .to.emit(f.desk, "SlaDeadlineSettled")
          .withArgs(id, 1n, Deadline.Resolution, resDue, !missed);
        await expect(tx)
          .to.emit(f.desk, "TicketStatusChanged")
          .withArgs(id, Status.InProgress, Status.Resolved, f.agent.address, commitment("fixed"));
        expect(await stats(f)).to.deep.equal(missed ? [1n, 0n, 0n, 1n] : [1n, 0n, 1n, 0n]);
        expect((await f.desk.getTicket(id)).resolutionMissed).to.equal(missed);
      });

      it(`${missed ? "lets" : "does not let"} the customer escalate at ${label}`, async function () {
        const { f, id, resDue } = await loadFixture(answeredFixture);
        await pinAt(connection, resDue + offset);
        const tx = f.desk.connect(f.customer).escalateTicket(id, REASON);
        if (!missed) {
          await expect(tx)
            .to.be.revertedWithCustomError(f.desk, "DeskNoDeadlineMissed")
            .withArgs(id, resDue);
          return;
        }
        await expect(tx)
          .to.emit(f.desk, "TicketStatusChanged")
          .withArgs(id, Status.InProgress, Status.Escalated, f.customer.address, REASON);
        await expect(tx)
          .to.emit(f.desk, "SlaDeadlineSettled")
          .withArgs(id, 1n, Deadline.Resolution, resDue, false);
        expect(await stats(f)).to.deep.equal([1n, 0n, 0n, 1n]);
      });
    }
  });

  describe("awaiting the customer (the resolution clock stops)", function () {
    it("reads the due time moving with the pause, never missed while paused", async function () {
      const { f, id, resDue, pausedAt } = await loadFixture(pausedFixture);
      for (const waited of [0, 5 * HOUR, 10 * DAY]) {
        await mineAt(connection, pausedAt + waited + 1);
        const due = resDue + waited + 1;
        expect(values(await f.desk.resolutionDeadline(id))).to.deep.equal([
          BigInt(due),
          false,
          true,
        ]);
        const ticket = await f.desk.getTicket(id);
        expect(ticket.resolutionDueAt).to.equal(BigInt(due));
        expect(ticket.resolutionMissed).to.equal(false);
      }
    });

    it("moves the resolution due time by exactly the time awaited, restarting on the customer's reply", async function () {
      const { f, id, resDue, pausedAt } = await loadFixture(pausedFixture);
      const answer = commitment("size 42");
      await pinAt(connection, pausedAt + 2 * DAY);
      await expect(f.desk.connect(f.customer).postMessage(id, answer))
        .to.emit(f.desk, "TicketStatusChanged")
        .withArgs(id, Status.AwaitingCustomer, Status.InProgress, f.customer.address, answer);
      const moved = resDue + 2 * DAY;
      expect(values(await f.desk.resolutionDeadline(id))).to.deep.equal([
        BigInt(moved),
        false,
        false,
      ]);
      await mineAt(connection, moved);
      expect((await f.desk.resolutionDeadline(id)).missed).to.equal(false);
      await mineAt(connection, moved + 1);
      expect((await f.desk.resolutionDeadline(id)).missed).to.equal(true);
    });

    for (const { offset, label, missed } of BOUNDARY) {
      it(`counts a resolution at the moved ${label} as ${missed ? "missed" : "met"}`, async function () {
        const { f, id, resDue, pausedAt } = await loadFixture(pausedFixture);
        await pinAt(connection, pausedAt + 2 * DAY);
        await f.desk.connect(f.customer).postMessage(id, commitment("size 42"));
        const moved = resDue + 2 * DAY;
        await pinAt(connection, moved + offset);
        await expect(f.desk.connect(f.agent).resolveTicket(id, commitment("sent")))
          .to.emit(f.desk, "SlaDeadlineSettled")
          .withArgs(id, 1n, Deadline.Resolution, moved, !missed);
      });
    }

    it("adds up every pause of the cycle", async function () {
      const { f, id, resDue, pausedAt } = await loadFixture(pausedFixture);
      await pinAt(connection, pausedAt + HOUR);
      await f.desk.connect(f.customer).postMessage(id, commitment("answer 1"));
      const secondPause = await pinAt(connection, pausedAt + 3 * HOUR);
      await f.desk.connect(f.agent).awaitCustomer(id, commitment("one more question"));
      await pinAt(connection, secondPause + 2 * HOUR + 30 * 60);
      await f.desk.connect(f.customer).postMessage(id, commitment("answer 2"));
      expect((await f.desk.getTicket(id)).resolutionDueAt).to.equal(
        BigInt(resDue + HOUR + 2 * HOUR + 30 * 60),
      );
    });

    it("counts the time awaited up to a resolution made while awaiting", async function () {
      const { f, id, resDue, pausedAt } = await loadFixture(pausedFixture);
      const t = await pinAt(connection, pausedAt + 4 * DAY);
      const tx = f.desk.connect(f.agent).resolveTicket(id, commitment("closing"));
      await expect(tx)
        .to.emit(f.desk, "SlaDeadlineSettled")
        .withArgs(id, 1n, Deadline.Resolution, resDue + (t - pausedAt), true);
      await expect(tx)
        .to.emit(f.desk, "TicketStatusChanged")
        .withArgs(
          id,
          Status.AwaitingCustomer,
          Status.Resolved,
          f.agent.address,
          commitment("closing"),
        );
    });

    it("refuses escalation while paused, naming when the deadline would fall due", async function () {
      const { f, id, resDue, pausedAt } = await loadFixture(pausedFixture);
      const t = await pinAt(connection, pausedAt + 4 * DAY);
      await expect(f.desk.connect(f.customer).escalateTicket(id, REASON))
        .to.be.revertedWithCustomError(f.desk, "DeskNoDeadlineMissed")
        .withArgs(id, resDue + (t - pausedAt));
    });

    it("keeps a deadline missed before the pause missed (its due time still moves by the pause)", async function () {
      const { f, id, resDue } = await loadFixture(answeredFixture);
      await pinAt(connection, resDue + 1);
      await f.desk.connect(f.agent).awaitCustomer(id, commitment("late question"));
      await mineAt(connection, resDue + 2 * DAY);
      const [, missedWhilePaused, paused] = await f.desk.resolutionDeadline(id);
      expect([missedWhilePaused, paused]).to.deep.equal([true, true]);
      expect((await f.desk.getTicket(id)).resolutionMissed).to.equal(true);
      await pinAt(connection, resDue + 2 * DAY + 1);
      await f.desk.connect(f.customer).postMessage(id, commitment("answer"));
      // Clock rule: resolution falls due `resolutionTime` after the cycle start plus every second
      // spent awaiting the customer (here 2 days); the miss recorded before the pause stays.
      expect(values(await f.desk.resolutionDeadline(id))).to.deep.equal([
        BigInt(resDue + 2 * DAY),
        true,
        false,
      ]);
      await pinAt(connection, resDue + 2 * DAY + 5);
      await expect(f.desk.connect(f.agent).resolveTicket(id, commitment("done")))
        .to.emit(f.desk, "SlaDeadlineSettled")
        .withArgs(id, 1n, Deadline.Resolution, resDue + 2 * DAY, false);
      expect(await stats(f)).to.deep.equal([1n, 0n, 0n, 1n]);
    });

    it("lets the customer escalate a deadline missed before the pause while paused", async function () {
      const { f, id, resDue } = await loadFixture(answeredFixture);
      await pinAt(connection, resDue + 1);
      await f.desk.connect(f.agent).awaitCustomer(id, commitment("late question"));
      await pinAt(connection, resDue + 2);
      const tx = f.desk.connect(f.customer).escalateTicket(id, REASON);
      await expect(tx)
        .to.emit(f.desk, "TicketStatusChanged")
        .withArgs(id, Status.AwaitingCustomer, Status.Escalated, f.customer.address, REASON);
      // Counted as missed, with the due time moved by the one second spent awaiting the customer.
      await expect(tx)
        .to.emit(f.desk, "SlaDeadlineSettled")
        .withArgs(id, 1n, Deadline.Resolution, resDue + 1, false);
    });
  });

  describe("reopenTicket", function () {
    for (const { offset, label, missed } of BOUNDARY) {
      it(`${missed ? "refuses" : "allows"} a reopen at resolvedAt + reopenWindow${label.slice(5)}`, async function () {
        const { f, id, resolvedAt } = await loadFixture(resolvedFixture);
        const closedAt = resolvedAt + REOPEN_WINDOW;
        await pinAt(connection, closedAt + offset);
        const tx = f.desk.connect(f.customer).reopenTicket(id, commitment("broken again"));
        if (missed) {
          await expect(tx)
            .to.be.revertedWithCustomError(f.desk, "DeskReopenWindowClosed")
            .withArgs(id, closedAt);
        } else {
          await expect(tx)
            .to.emit(f.desk, "TicketStatusChanged")
            .withArgs(
              id,
              Status.Resolved,
              Status.Open,
              f.customer.address,
              commitment("broken again"),
            );
        }
      });
    }

    it("starts a new cycle with new deadlines from the reopen", async function () {
      const { f, id } = await loadFixture(resolvedFixture);
      const { timestamp: t } = await mined(
        f.desk.connect(f.customer).reopenTicket(id, commitment("broken again")),
      );
      expect(fields(await f.desk.getTicket(id))).to.deep.include({
        status: Status.Open,
        firstResponseDueAt: BigInt(t + DAY),
        resolutionDueAt: BigInt(t + 3 * DAY),
        resolvedAt: 0n,
        firstResponded: false,
        firstResponseMissed: false,
        resolutionMissed: false,
        firstResponseCompensated: false,
        resolutionCompensated: false,
      });
      expect(values(await f.desk.firstResponseDeadline(id))).to.deep.equal([
        BigInt(t + DAY),
        false,
      ]);
      expect(values(await f.desk.resolutionDeadline(id))).to.deep.equal([
        BigInt(t + 3 * DAY),
        false,
        false,
      ]);
    });

    it("counts the new cycle's deadlines again", async function () {
      const { f, id } = await loadFixture(resolvedFixture);
      expect(await stats(f)).to.deep.equal([1n, 0n, 1n, 0n]);
      const { timestamp: t } = await mined(
        f.desk.connect(f.customer).reopenTicket(id, commitment("broken again")),
      );
      await pinAt(connection, t + DAY + 1);
      const answer = f.desk.connect(f.agent).postMessage(id, commitment("sorry"));
      await expect(answer)
        .to.emit(f.desk, "SlaDeadlineSettled")
        .withArgs(id, 1n, Deadline.FirstResponse, t + DAY, false);
      await expect(answer)
        .to.emit(f.desk, "TicketStatusChanged")
        .withArgs(id, Status.Open, Status.InProgress, f.agent.address, commitment("sorry"));
      await expect(f.desk.connect(f.agent).resolveTicket(id, commitment("fixed for good")))
        .to.emit(f.desk, "SlaDeadlineSettled")
        .withArgs(id, 1n, Deadline.Resolution, t + 3 * DAY, true);
      expect(await stats(f)).to.deep.equal([1n, 1n, 2n, 0n]);
      expect(await f.desk.slaHitRateBps(1n)).to.equal(7_500n);
    });

    it("does not carry an earlier cycle's miss into the new one", async function () {
      const { f, id, frDue } = await loadFixture(openedFixture);
      await pinAt(connection, frDue + 1);
      await f.desk.connect(f.customer).escalateTicket(id, REASON);
      await f.desk.connect(f.agent).resolveTicket(id, commitment("done"));
      const { timestamp: t } = await mined(
        f.desk.connect(f.customer).reopenTicket(id, commitment("again")),
      );
      expect((await f.desk.getTicket(id)).firstResponseMissed).to.equal(false);
      await expect(f.desk.connect(f.customer).escalateTicket(id, REASON))
        .to.be.revertedWithCustomError(f.desk, "DeskNoDeadlineMissed")
        .withArgs(id, t + DAY);
      await pinAt(connection, t + DAY + 1);
      await expect(f.desk.connect(f.customer).escalateTicket(id, REASON))
        .to.emit(f.desk, "SlaDeadlineSettled")
        .withArgs(id, 1n, Deadline.FirstResponse, t + DAY, false);
      expect((await f.desk.slaStatsOf(1n)).firstResponseMissed).to.equal(2n);
    });

    it("keeps the reopen window in force at resolution when the merchant shortens it later", async function () {
      const { f, id, resolvedAt } = await loadFixture(resolvedFixture);
      await f.desk
        .connect(f.admin)
        .setPolicy(1n, { ...defaultPolicy(f.arbiter.address), reopenWindow: HOUR });
      await pinAt(connection, resolvedAt + REOPEN_WINDOW);
      await expect(f.desk.connect(f.customer).reopenTicket(id, commitment("still in time")))
        .to.emit(f.desk, "TicketStatusChanged")
        .withArgs(
          id,
          Status.Resolved,
          Status.Open,
          f.customer.address,
          commitment("still in time"),
        );
    });

    it("gives a ticket resolved after a change the new reopen window", async function () {
      const { f, id, resolvedAt } = await loadFixture(resolvedFixture);
      await f.desk.connect(f.customer).reopenTicket(id, commitment("again"));
      await f.desk
        .connect(f.admin)
        .setPolicy(1n, { ...defaultPolicy(f.arbiter.address), reopenWindow: HOUR });
      const second = await pinNext(connection);
      await f.desk.connect(f.agent).resolveTicket(id, commitment("fixed again"));
      expect(second).to.be.greaterThan(resolvedAt);
      await pinAt(connection, second + HOUR + 1);
      await expect(f.desk.connect(f.customer).reopenTicket(id, commitment("late")))
        .to.be.revertedWithCustomError(f.desk, "DeskReopenWindowClosed")
        .withArgs(id, second + HOUR);
    });
  });

  describe("closeTicket", function () {
    for (const { offset, label } of BOUNDARY) {
      const allowed = offset >= 0;
      it(`${allowed ? "lets anyone close" : "refuses to close"} at resolvedAt + max(autoCloseDelay, reopenWindow + 1)${label.slice(5)}`, async function () {
        const { f, id, resolvedAt } = await loadFixture(resolvedFixture);
        const closableAt = resolvedAt + CLOSABLE_AFTER;
        await pinAt(connection, closableAt + offset);
        const tx = f.desk.connect(f.stranger).closeTicket(id);
        if (!allowed) {
          await expect(tx)
            .to.be.revertedWithCustomError(f.desk, "DeskAutoCloseNotDue")
            .withArgs(id, closableAt);
          return;
        }
        await expect(tx)
          .to.emit(f.desk, "TicketStatusChanged")
          .withArgs(id, Status.Resolved, Status.Closed, f.stranger.address, `0x${"0".repeat(64)}`);
        expect(await f.desk.statusOf(id)).to.equal(Status.Closed);
      });
    }

    it("counts the delay from the latest resolution after a reopen", async function () {
      const { f, id, resolvedAt } = await loadFixture(resolvedFixture);
      await pinAt(connection, resolvedAt + 2 * DAY);
      await f.desk.connect(f.customer).reopenTicket(id, commitment("again"));
      const second = await pinAt(connection, resolvedAt + 2 * DAY + HOUR);
      await f.desk.connect(f.agent).resolveTicket(id, commitment("again fixed"));
      expect((await f.desk.getTicket(id)).resolvedAt).to.equal(BigInt(second));
      await pinAt(connection, resolvedAt + CLOSABLE_AFTER);
      await expect(f.desk.connect(f.stranger).closeTicket(id))
        .to.be.revertedWithCustomError(f.desk, "DeskAutoCloseNotDue")
        .withArgs(id, second + CLOSABLE_AFTER);
    });

    // Review finding R4: with an auto-close delay shorter than the reopen window, anyone could close a
    // resolved ticket and cut its customer's reopen window short. setPolicy now refuses such a policy.
    for (const { name, reopenWindow, autoCloseDelay } of [
      { name: "the default policy", reopenWindow: REOPEN_WINDOW, autoCloseDelay: AUTO_CLOSE_DELAY },
      {
        name: "a 14-day reopen window and auto-close",
        reopenWindow: 14 * DAY,
        autoCloseDelay: 14 * DAY,
      },
      {
        name: "a 2-day reopen window, auto-close after 5",
        reopenWindow: 2 * DAY,
        autoCloseDelay: 5 * DAY,
      },
    ]) {
      it(`a stranger cannot close a ticket while its customer may still reopen it (${name})`, async function () {
        const f = await loadFixture(deployDeskFixture);
        await f.desk
          .connect(f.admin)
          .setPolicy(1n, { ...defaultPolicy(f.arbiter.address), reopenWindow, autoCloseDelay });
        const { id } = await openTicket(f, f.customer);
        const { timestamp: resolvedAt } = await mined(
          f.desk.connect(f.agent).resolveTicket(id, commitment("fixed")),
        );
        const closableAt = resolvedAt + closableAfter(reopenWindow, autoCloseDelay);
        // Up to the reopen window's last second, which is never after the auto-close delay's end.
        for (const t of [resolvedAt + 1, resolvedAt + reopenWindow - 1]) {
          await pinAt(connection, t);
          await expect(f.desk.connect(f.stranger).closeTicket(id))
            .to.be.revertedWithCustomError(f.desk, "DeskAutoCloseNotDue")
            .withArgs(id, closableAt);
        }
        // The reopen window's last second is still the customer's.
        await pinAt(connection, resolvedAt + reopenWindow);
        await expect(f.desk.connect(f.customer).reopenTicket(id, commitment("still broken")))
          .to.emit(f.desk, "TicketStatusChanged")
          .withArgs(
            id,
            Status.Resolved,
            Status.Open,
            f.customer.address,
            commitment("still broken"),
          );
      });
    }
  });

  describe("escalateTicket", function () {
    it("counts both missed deadlines of an unanswered ticket, once", async function () {
      const { f, id, frDue, resDue } = await loadFixture(openedFixture);
      await pinAt(connection, resDue + 1);
      const tx = f.desk.connect(f.customer).escalateTicket(id, REASON);
      await expect(tx)
        .to.emit(f.desk, "SlaDeadlineSettled")
        .withArgs(id, 1n, Deadline.FirstResponse, frDue, false);
      await expect(tx)
        .to.emit(f.desk, "SlaDeadlineSettled")
        .withArgs(id, 1n, Deadline.Resolution, resDue, false);
      expect(await stats(f)).to.deep.equal([0n, 1n, 0n, 1n]);
      expect(await f.desk.slaHitRateBps(1n)).to.equal(0n);
      const ticket = await f.desk.getTicket(id);
      expect([ticket.firstResponseMissed, ticket.resolutionMissed]).to.deep.equal([true, true]);

      await expect(f.desk.connect(f.agent).postMessage(id, commitment("sorry"))).not.to.emit(
        f.desk,
        "SlaDeadlineSettled",
      );
      await expect(f.desk.connect(f.agent).resolveTicket(id, commitment("done"))).not.to.emit(
        f.desk,
        "SlaDeadlineSettled",
      );
      expect(await stats(f)).to.deep.equal([0n, 1n, 0n, 1n]);
    });

    it("leaves a deadline not yet missed to be counted when it is settled", async function () {
      const { f, id, frDue, resDue } = await loadFixture(openedFixture);
      await pinAt(connection, frDue + 1);
      await f.desk.connect(f.customer).escalateTicket(id, REASON);
      const resolve = f.desk.connect(f.agent).resolveTicket(id, commitment("done"));
      await expect(resolve)
        .to.emit(f.desk, "SlaDeadlineSettled")
        .withArgs(id, 1n, Deadline.Resolution, resDue, true);
      await expect(resolve)
        .to.emit(f.desk, "TicketStatusChanged")
        .withArgs(id, Status.Escalated, Status.Resolved, f.agent.address, commitment("done"));
      expect(await stats(f)).to.deep.equal([0n, 1n, 1n, 0n]);
    });

    it("counts the resolution of an escalated ticket as missed when it is late", async function () {
      const { f, id, frDue, resDue } = await loadFixture(openedFixture);
      await pinAt(connection, frDue + 1);
      await f.desk.connect(f.customer).escalateTicket(id, REASON);
      await pinAt(connection, resDue + 1);
      await expect(f.desk.connect(f.agent).resolveTicket(id, commitment("done")))
        .to.emit(f.desk, "SlaDeadlineSettled")
        .withArgs(id, 1n, Deadline.Resolution, resDue, false);
      expect(await stats(f)).to.deep.equal([0n, 1n, 0n, 1n]);
    });
  });

  describe("cancelTicket", function () {
    it("counts the deadlines an unanswered ticket already missed", async function () {
      const { f, id, frDue } = await loadFixture(openedFixture);
      await pinAt(connection, frDue + 1);
      const tx = f.desk.connect(f.customer).cancelTicket(id);
      await expect(tx)
        .to.emit(f.desk, "SlaDeadlineSettled")
        .withArgs(id, 1n, Deadline.FirstResponse, frDue, false);
      expect(await stats(f)).to.deep.equal([0n, 1n, 0n, 0n]);
    });
  });

  describe("setPolicy", function () {
    it("leaves the deadlines of running cycles as they started", async function () {
      const { f, id, openedAt } = await loadFixture(openedFixture);
      await f.desk.connect(f.admin).setPolicy(1n, {
        ...defaultPolicy(f.arbiter.address),
        firstResponseTime: 2 * DAY,
        resolutionTime: 5 * DAY,
      });
      const ticket = await f.desk.getTicket(id);
      expect(ticket.firstResponseDueAt).to.equal(BigInt(openedAt + DAY));
      expect(ticket.resolutionDueAt).to.equal(BigInt(openedAt + 3 * DAY));
      expect(ticket.termsVersion).to.equal(0n);
      expect(await f.desk.termsVersionOf(1n)).to.equal(1n);
      await pinAt(connection, openedAt + DAY + 1);
      await expect(
        f.desk.connect(f.agent).postMessage(id, commitment("too late for its own terms")),
      )
        .to.emit(f.desk, "SlaDeadlineSettled")
        .withArgs(id, 1n, Deadline.FirstResponse, openedAt + DAY, false);
    });

    it("gives cycles that start after the change the new deadlines", async function () {
      const { f } = await loadFixture(openedFixture);
      await f.desk.connect(f.admin).setPolicy(1n, {
        ...defaultPolicy(f.arbiter.address),
        firstResponseTime: 2 * DAY,
        resolutionTime: 5 * DAY,
      });
      const openedAt = await pinNext(connection);
      await f.desk.connect(f.customer).openTicket(1n, commitment("order"), commitment("new"), 1);
      const id = await f.desk.ticketCount();
      const ticket = await f.desk.getTicket(id);
      expect(ticket.firstResponseDueAt).to.equal(BigInt(openedAt + 2 * DAY));
      expect(ticket.resolutionDueAt).to.equal(BigInt(openedAt + 5 * DAY));
      expect(ticket.termsVersion).to.equal(1n);
    });

    it("never makes a running deadline missed by shortening it", async function () {
      const { f, id, openedAt } = await loadFixture(openedFixture);
      await pinAt(connection, openedAt + 2 * HOUR);
      await f.desk
        .connect(f.admin)
        .setPolicy(1n, { ...defaultPolicy(f.arbiter.address), firstResponseTime: HOUR });
      expect(values(await f.desk.firstResponseDeadline(id))).to.deep.equal([
        BigInt(openedAt + DAY),
        false,
      ]);
      await expect(f.desk.connect(f.customer).escalateTicket(id, REASON))
        .to.be.revertedWithCustomError(f.desk, "DeskNoDeadlineMissed")
        .withArgs(id, openedAt + DAY);
    });

    it("cannot erase a passed deadline: lengthening, answering and shortening in one multicall", async function () {
      const { f, id, openedAt } = await loadFixture(openedFixture);
      await pinAt(connection, openedAt + DAY + 1);
      const policy = defaultPolicy(f.arbiter.address);
      const desk = SupportDesk__factory.connect(await f.desk.getAddress(), f.admin);
      // The admin is staff too, so one multicall can lengthen the deadline, answer, and restore it.
      const tx = desk.multicall([
        desk.interface.encodeFunctionData("setPolicy", [
          1n,
          { ...policy, firstResponseTime: 30 * DAY },
        ]),
        desk.interface.encodeFunctionData("postMessage", [id, commitment("answer")]),
        desk.interface.encodeFunctionData("setPolicy", [1n, policy]),
      ]);
      await expect(tx)
        .to.emit(f.desk, "SlaDeadlineSettled")
        .withArgs(id, 1n, Deadline.FirstResponse, openedAt + DAY, false);
      expect((await f.desk.getTicket(id)).firstResponseMissed).to.equal(true);
      expect((await f.desk.slaStatsOf(1n)).firstResponseMissed).to.equal(1n);
    });
  });

  describe("slaHitRateBps", function () {
    it("is 10,000 before anything was counted", async function () {
      const f = await loadFixture(deployDeskFixture);
      expect(await f.desk.slaHitRateBps(1n)).to.equal(10_000n);
      expect(await stats(f)).to.deep.equal([0n, 0n, 0n, 0n]);
    });

    it("is met / counted in basis points, rounded down, over every merchant's tickets", async function () {
      const f = await loadFixture(deployDeskFixture);
      const a = await openTicket(f, f.customer, 1n, "a");
      const b = await openTicket(f, f.customer2, 1n, "b");
      const c = await openTicket(f, f.customer, 1n, "c");
      await f.desk.connect(f.agent).postMessage(a.id, commitment("on time"));
      await f.desk.connect(f.agent2).postMessage(b.id, commitment("on time"));
      expect(await f.desk.slaHitRateBps(1n)).to.equal(10_000n);
      await pinAt(connection, c.openedAt + DAY + 1);
      await f.desk.connect(f.admin).postMessage(c.id, commitment("late"));
      expect(await stats(f)).to.deep.equal([2n, 1n, 0n, 0n]);
      expect(await f.desk.slaHitRateBps(1n)).to.equal(6_666n);
      await f.desk.connect(f.agent).resolveTicket(a.id, commitment("done"));
      expect(await stats(f)).to.deep.equal([2n, 1n, 1n, 0n]);
      expect(await f.desk.slaHitRateBps(1n)).to.equal(7_500n);
      // The other merchant's record is untouched.
      expect(await f.desk.slaHitRateBps(2n)).to.equal(10_000n);
      expect(await stats(f, 2n)).to.deep.equal([0n, 0n, 0n, 0n]);
    });
  });

  describe("claimMissedDeadlines (escrow hook)", function () {
    // The clock rules of claims (boundaries, once per cycle, pauses, reopen) need compensation terms,
    // which need a reserve in the escrow: SupportDesk.t.sol tests them against a stub escrow.
    it("reverts for an unknown ticket", async function () {
      const f = await loadFixture(deployDeskFixture);
      const escrow = await impersonate(f, await f.escrow.getAddress());
      await expect(f.desk.connect(escrow).claimMissedDeadlines(99n))
        .to.be.revertedWithCustomError(f.desk, "DeskUnknownTicket")
        .withArgs(99n);
    });
  });
});
