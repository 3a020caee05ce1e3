import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { type ContractTransactionResponse, ZeroAddress, ZeroHash } from "ethers";
import { network } from "hardhat";

import { SupportDesk__factory, type ISupportDesk } from "../typechain-types/index.js";
import {
  AUTO_CLOSE_DELAY,
  CLOSABLE_AFTER,
  DAY,
  Deadline,
  MAX_POLICY_TIME,
  POLICY_TIME_FIELDS,
  REOPEN_WINDOW,
  Status,
  type DeskFixture,
  type StatusValue,
  type TicketContext,
  type TicketStateKey,
  TICKET_STATES,
  canonicalEvents,
  commitment,
  defaultPolicy,
  deskEvents,
  deskFixture,
  mined,
  openTicket,
  pinAt,
  pinNext,
  impersonate,
  statusName,
  ticketStateFixtures,
  fields,
  values,
} from "./helpers/desk.js";

const connection = await network.create();
const { loadFixture } = connection.networkHelpers;
const deployDeskFixture = deskFixture(connection);
const stateFixtures = ticketStateFixtures(connection);

/** The note every table move carries (`noteHash` of the functions that take one). */
const NOTE = commitment("table note");

/*//////////////////////////////////////////////////////////////
          THE STATE MACHINE AS DATA (one table of allowed moves)
//////////////////////////////////////////////////////////////*/

const ROLES = ["customer", "agent", "admin", "otherAdmin", "stranger"] as const;
type Role = (typeof ROLES)[number];

const ACTIONS = [
  "postMessage",
  "assignTicket",
  "awaitCustomer",
  "resolveTicket",
  "confirmResolution",
  "reopenTicket",
  "escalateTicket",
  "cancelTicket",
  "closeTicket",
] as const;
type Action = (typeof ACTIONS)[number];

const CUSTOMER: readonly Role[] = ["customer"];
const STAFF: readonly Role[] = ["agent", "admin"];
const PARTICIPANTS: readonly Role[] = [...CUSTOMER, ...STAFF];
const ANYONE: readonly Role[] = ROLES;
const ACTIVE: readonly StatusValue[] = [
  Status.Open,
  Status.InProgress,
  Status.AwaitingCustomer,
  Status.Escalated,
];

/** Who may call each action at all, and the error anyone else gets (checked before the state). */
const CALLERS: Record<
  Action,
  {
    may: readonly Role[];
    error: "DeskNotParticipant" | "DeskNotMerchantStaff" | "DeskNotCustomer" | null;
  }
> = {
  postMessage: { may: PARTICIPANTS, error: "DeskNotParticipant" },
  assignTicket: { may: STAFF, error: "DeskNotMerchantStaff" },
  awaitCustomer: { may: STAFF, error: "DeskNotMerchantStaff" },
  resolveTicket: { may: STAFF, error: "DeskNotMerchantStaff" },
  confirmResolution: { may: CUSTOMER, error: "DeskNotCustomer" },
  reopenTicket: { may: CUSTOMER, error: "DeskNotCustomer" },
  escalateTicket: { may: CUSTOMER, error: "DeskNotCustomer" },
  cancelTicket: { may: CUSTOMER, error: "DeskNotCustomer" },
  closeTicket: { may: ANYONE, error: null },
};

interface Move {
  from: StatusValue;
  action: Action;
  by: readonly Role[];
  to: StatusValue;
}

/**
 * Every move the state machine has. A (state, action, caller) not listed here is refused with
 * `DeskInvalidTransition` (or the caller error of `CALLERS`); a listed move may still be refused by its
 * time or work guard (`guardError`).
 */
const MOVES: readonly Move[] = [
  { from: Status.Open, action: "postMessage", by: CUSTOMER, to: Status.Open },
  { from: Status.Open, action: "postMessage", by: STAFF, to: Status.InProgress },
  { from: Status.InProgress, action: "postMessage", by: PARTICIPANTS, to: Status.InProgress },
  { from: Status.AwaitingCustomer, action: "postMessage", by: CUSTOMER, to: Status.InProgress },
  {
    from: Status.AwaitingCustomer,
    action: "postMessage",
    by: STAFF,
    to: Status.AwaitingCustomer,
  },
  { from: Status.Escalated, action: "postMessage", by: PARTICIPANTS, to: Status.Escalated },
  ...ACTIVE.map((s) => ({ from: s, action: "assignTicket" as const, by: STAFF, to: s })),
  {
    from: Status.InProgress,
    action: "awaitCustomer",
    by: STAFF,
    to: Status.AwaitingCustomer,
  },
  ...ACTIVE.map((s) => ({
    from: s,
    action: "resolveTicket" as const,
    by: STAFF,
    to: Status.Resolved,
  })),
  { from: Status.Resolved, action: "confirmResolution", by: CUSTOMER, to: Status.Closed },
  { from: Status.Resolved, action: "reopenTicket", by: CUSTOMER, to: Status.Open },
  ...[Status.Open, Status.InProgress, Status.AwaitingCustomer].map((s) => ({
    from: s,
    action: "escalateTicket" as const,
    by: CUSTOMER,
    to: Status.Escalated,
  })),
  { from: Status.Open, action: "cancelTicket", by: CUSTOMER, to: Status.Cancelled },
  { from: Status.Resolved, action: "closeTicket", by: ANYONE, to: Status.Closed },
];

/** The note hash an action's `TicketStatusChanged` carries. */
function noteOf(action: Action): string {
  return action === "confirmResolution" || action === "cancelTicket" || action === "closeTicket"
    ? ZeroHash
    : NOTE;
}

/** The resolution due time at `t`: the stored one, moved by the running pause. */
function resolutionDueAtTime(ticket: TicketContext, t: number): number {
  return ticket.resolutionDueAt + (ticket.pausedAt === undefined ? 0 : t - ticket.pausedAt);
}

/** Whether the current cycle's first response is missed at `t`. */
function firstResponseMissedAt(ticket: TicketContext, t: number): boolean {
  return t > ticket.firstResponseDueAt;
}

/** The states of the table where the first response was made (at `firstResponseDueAt + 1` if late). */
function responded(state: TicketStateKey): boolean {
  return state.startsWith("InProgress") || state.startsWith("AwaitingCustomer");
}

function respondedLate(state: TicketStateKey): boolean {
  return state === "InProgressLate" || state === "AwaitingCustomerLate";
}

type ErrorCase = { error: string; args: unknown[] };

/** The error of a listed move's time or work guard at `t`, or null when it passes. */
/** The error each guarded move gives when its guard (a time window, or work already done) refuses it. */
const GUARD_ERRORS: Partial<Record<Action, string>> = {
  reopenTicket: "DeskReopenWindowClosed",
  closeTicket: "DeskAutoCloseNotDue",
  cancelTicket: "DeskTicketAlreadyWorked",
  escalateTicket: "DeskNoDeadlineMissed",
};

function guardError(
  state: TicketStateKey,
  ticket: TicketContext,
  action: Action,
  t: number,
): ErrorCase | null {
  const id = ticket.id;
  switch (action) {
    case "reopenTicket": {
      const closedAt = (ticket.resolvedAt ?? 0) + REOPEN_WINDOW;
      return t > closedAt ? { error: "DeskReopenWindowClosed", args: [id, closedAt] } : null;
    }
    case "closeTicket": {
      const closableAt = (ticket.resolvedAt ?? 0) + CLOSABLE_AFTER;
      return t < closableAt ? { error: "DeskAutoCloseNotDue", args: [id, closableAt] } : null;
    }
    case "cancelTicket":
      return ticket.worked ? { error: "DeskTicketAlreadyWorked", args: [id] } : null;
    case "escalateTicket": {
      const frMissed = responded(state) ? respondedLate(state) : firstResponseMissedAt(ticket, t);
      const resDue = resolutionDueAtTime(ticket, t);
      const resMissed = ticket.pausedAt === undefined && t > resDue;
      if (frMissed || resMissed) return null;
      // The earliest deadline still running: the first response unless it was made.
      const dueAt = responded(state) ? resDue : Math.min(ticket.firstResponseDueAt, resDue);
      return { error: "DeskNoDeadlineMissed", args: [id, dueAt] };
    }
    default:
      return null;
  }
}

/** The exact desk events of an allowed move made by `caller` at `t`. */
function expectedEvents(
  state: TicketStateKey,
  ticket: TicketContext,
  action: Action,
  caller: string,
  to: StatusValue,
  t: number,
): { name: string; args: unknown[] }[] {
  const id = ticket.id;
  const merchantId = 1n;
  const events: { name: string; args: unknown[] }[] = [];
  const statusChanged = (): void => {
    if (to !== ticket.status) {
      events.push({
        name: "TicketStatusChanged",
        args: [id, ticket.status, to, caller, noteOf(action)],
      });
    }
  };
  const settleFirstResponse = (met: boolean): void => {
    if (!ticket.firstResponseSettled) {
      events.push({
        name: "SlaDeadlineSettled",
        args: [id, merchantId, Deadline.FirstResponse, BigInt(ticket.firstResponseDueAt), met],
      });
    }
  };
  const settleResolution = (met: boolean): void => {
    const dueAt = resolutionDueAtTime(ticket, t);
    if (!ticket.resolutionSettled) {
      events.push({
        name: "SlaDeadlineSettled",
        args: [id, merchantId, Deadline.Resolution, BigInt(dueAt), met],
      });
    }
  };
  switch (action) {
    case "postMessage":
      events.push({ name: "MessagePosted", args: [id, caller, NOTE] });
      statusChanged();
      if (STAFF.includes(roleOf(caller)) && !responded(state)) {
        settleFirstResponse(t <= ticket.firstResponseDueAt);
      }
      break;
    case "assignTicket":
      events.push({ name: "TicketAssigned", args: [id, currentActors.agent2, caller] });
      break;
    case "resolveTicket":
      statusChanged();
      if (!responded(state)) settleFirstResponse(t <= ticket.firstResponseDueAt);
      settleResolution(t <= resolutionDueAtTime(ticket, t));
      break;
    case "escalateTicket":
    case "cancelTicket":
      // The customer's escalation or cancellation counts every running, missed deadline as missed.
      statusChanged();
      if (!responded(state) && firstResponseMissedAt(ticket, t)) settleFirstResponse(false);
      if (ticket.pausedAt === undefined && t > ticket.resolutionDueAt) settleResolution(false);
      break;
    default:
      statusChanged();
  }
  return events.map((e) => ({
    name: e.name,
    args: e.args.map((a) => (typeof a === "number" ? BigInt(a) : a)),
  }));
}

/** Addresses of the current fixture's actors, for the event expectations. */
let currentActors: Record<Role | "agent2", string> = {
  customer: "",
  agent: "",
  agent2: "",
  admin: "",
  otherAdmin: "",
  stranger: "",
};
function roleOf(address: string): Role {
  const entry = Object.entries(currentActors).find(([, a]) => a === address);
  if (entry === undefined || entry[0] === "agent2") throw new Error(`no role for ${address}`);
  return entry[0] as Role;
}

function signerOf(f: DeskFixture, role: Role): HardhatEthersSigner {
  return f[role];
}

function call(
  desk: ISupportDesk,
  action: Action,
  id: bigint,
  agent2: string,
): Promise<ContractTransactionResponse> {
  switch (action) {
    case "postMessage":
      return desk.postMessage(id, NOTE);
    case "assignTicket":
      return desk.assignTicket(id, agent2);
    case "awaitCustomer":
      return desk.awaitCustomer(id, NOTE);
    case "resolveTicket":
      return desk.resolveTicket(id, NOTE);
    case "confirmResolution":
      return desk.confirmResolution(id);
    case "reopenTicket":
      return desk.reopenTicket(id, NOTE);
    case "escalateTicket":
      return desk.escalateTicket(id, NOTE);
    case "cancelTicket":
      return desk.cancelTicket(id);
    case "closeTicket":
      return desk.closeTicket(id);
  }
}

/** The state a table state key starts in. */
const STATE_STATUS: Record<TicketStateKey, StatusValue> = {
  Open: Status.Open,
  OpenLate: Status.Open,
  OpenAssigned: Status.Open,
  OpenReopened: Status.Open,
  InProgress: Status.InProgress,
  InProgressLate: Status.InProgress,
  AwaitingCustomer: Status.AwaitingCustomer,
  AwaitingCustomerLate: Status.AwaitingCustomer,
  Resolved: Status.Resolved,
  ResolvedAutoCloseDue: Status.Resolved,
  ResolvedReopenExpired: Status.Resolved,
  Closed: Status.Closed,
  Escalated: Status.Escalated,
  Cancelled: Status.Cancelled,
};

/*//////////////////////////////////////////////////////////////
                              TESTS
//////////////////////////////////////////////////////////////*/

describe("SupportDesk", function () {
  describe("state machine: every state x action x caller", function () {
    for (const state of TICKET_STATES) {
      describe(`from ${state} (${statusName(STATE_STATUS[state])})`, function () {
        for (const action of ACTIONS) {
          for (const role of ROLES) {
            const status = STATE_STATUS[state];
            const move = MOVES.find(
              (m) => m.from === status && m.action === action && m.by.includes(role),
            );
            const callerError = CALLERS[action].may.includes(role) ? null : CALLERS[action].error;
            const title =
              callerError !== null
                ? `refuses ${action} by the ${role} (${callerError})`
                : move === undefined
                  ? `refuses ${action} by the ${role} (DeskInvalidTransition)`
                  : `${action} by the ${role}: ${statusName(status)} -> ${statusName(move.to)}${
                      GUARD_ERRORS[action] === undefined
                        ? ""
                        : `, or ${GUARD_ERRORS[action]} when its time or work guard says no`
                    }`;
            it(title, async function () {
              const { f, ticket } = await loadFixture(stateFixtures[state]);
              currentActors = {
                customer: f.customer.address,
                agent: f.agent.address,
                agent2: f.agent2.address,
                admin: f.admin.address,
                otherAdmin: f.otherAdmin.address,
                stranger: f.stranger.address,
              };
              expect(await f.desk.statusOf(ticket.id)).to.equal(status);
              const signer = signerOf(f, role);
              const desk = f.desk.connect(signer);
              const t = await pinNext(connection);

              let refusal: ErrorCase | null = null;
              if (callerError !== null) {
                refusal = {
                  error: callerError,
                  args: [callerError === "DeskNotMerchantStaff" ? 1n : ticket.id, signer.address],
                };
              } else if (move === undefined) {
                refusal = {
                  error: "DeskInvalidTransition",
                  args: [ticket.id, status, signer.address],
                };
              } else {
                refusal = guardError(state, ticket, action, t);
              }

              if (refusal !== null) {
                await expect(call(desk, action, ticket.id, f.agent2.address))
                  .to.be.revertedWithCustomError(f.desk, refusal.error)
                  .withArgs(...refusal.args);
                expect(await f.desk.statusOf(ticket.id)).to.equal(status);
                return;
              }
              if (move === undefined) throw new Error("unreachable");

              const statsBefore = await f.desk.slaStatsOf(1n);
              const { receipt, timestamp } = await mined(
                call(desk, action, ticket.id, f.agent2.address),
              );
              expect(timestamp).to.equal(t);
              expect(await f.desk.statusOf(ticket.id)).to.equal(move.to);
              const actual = deskEvents(f.desk, await f.desk.getAddress(), receipt.logs);
              const expected = expectedEvents(state, ticket, action, signer.address, move.to, t);
              expect(canonicalEvents(actual)).to.deep.equal(canonicalEvents(expected));

              // The merchant's public record moves exactly as the settled deadlines say.
              const statsAfter = await f.desk.slaStatsOf(1n);
              const settled = expected.filter((e) => e.name === "SlaDeadlineSettled");
              const count = (deadline: bigint, met: boolean): bigint =>
                BigInt(settled.filter((e) => e.args[2] === deadline && e.args[4] === met).length);
              expect(statsAfter.firstResponseMet - statsBefore.firstResponseMet).to.equal(
                count(Deadline.FirstResponse, true),
              );
              expect(statsAfter.firstResponseMissed - statsBefore.firstResponseMissed).to.equal(
                count(Deadline.FirstResponse, false),
              );
              expect(statsAfter.resolutionMet - statsBefore.resolutionMet).to.equal(
                count(Deadline.Resolution, true),
              );
              expect(statsAfter.resolutionMissed - statsBefore.resolutionMissed).to.equal(
                count(Deadline.Resolution, false),
              );
            });
          }
        }
      });
    }

    it("refuses every action on an unknown ticket with DeskUnknownTicket", async function () {
      const f = await loadFixture(deployDeskFixture);
      for (const id of [0n, 1n, 2n ** 64n]) {
        for (const action of ACTIONS) {
          for (const signer of [f.customer, f.admin, f.stranger]) {
            await expect(call(f.desk.connect(signer), action, id, f.agent2.address))
              .to.be.revertedWithCustomError(f.desk, "DeskUnknownTicket")
              .withArgs(id);
          }
        }
      }
    });
  });

  /*//////////////////////////////////////////////////////////////
                            MERCHANTS
  //////////////////////////////////////////////////////////////*/

  describe("registerMerchant", function () {
    it("registers a merchant with the next id, its admin and the default policy", async function () {
      const f = await loadFixture(deployDeskFixture);
      const profile = commitment("shop 3");
      expect(
        await f.desk.connect(f.stranger).registerMerchant.staticCall(f.customer2, profile),
      ).to.equal(3n);
      await expect(f.desk.connect(f.stranger).registerMerchant(f.customer2, profile))
        .to.emit(f.desk, "MerchantRegistered")
        .withArgs(3n, f.customer2.address, profile);
      expect(await f.desk.merchantCount()).to.equal(3n);
      expect(await f.desk.merchantAdmin(3n)).to.equal(f.customer2.address);
      expect(await f.desk.pendingMerchantAdmin(3n)).to.equal(ZeroAddress);
      expect(await f.desk.isAgent(3n, f.customer2)).to.equal(true);
      expect(await f.desk.isAgent(3n, f.stranger)).to.equal(false);
      const policy = defaultPolicy(f.arbiter.address);
      expect(fields(await f.desk.policyOf(3n))).to.deep.equal({
        firstResponseTime: BigInt(policy.firstResponseTime),
        resolutionTime: BigInt(policy.resolutionTime),
        reopenWindow: BigInt(policy.reopenWindow),
        autoCloseDelay: BigInt(policy.autoCloseDelay),
        refundResponseTime: BigInt(policy.refundResponseTime),
        disputeWindow: BigInt(policy.disputeWindow),
        arbiter: f.arbiter.address,
      });
      const stats = await f.desk.slaStatsOf(3n);
      expect(values(stats)).to.deep.equal([0n, 0n, 0n, 0n]);
      expect(await f.desk.slaHitRateBps(3n)).to.equal(10_000n);
      const compensation = await f.desk.slaCompensationOf(3n);
      expect(values(compensation)).to.deep.equal([ZeroAddress, 0n, 0n, false]);
    });

    it("lets one address administer several merchants, each with its own id", async function () {
      const f = await loadFixture(deployDeskFixture);
      await f.desk.connect(f.admin).registerMerchant(f.admin, commitment("second shop"));
      expect(await f.desk.merchantAdmin(1n)).to.equal(f.admin.address);
      expect(await f.desk.merchantAdmin(3n)).to.equal(f.admin.address);
      expect(await f.desk.isAgent(3n, f.agent)).to.equal(false);
    });

    it("reverts when the admin is the zero address (DeskInvalidAdmin)", async function () {
      const f = await loadFixture(deployDeskFixture);
      await expect(f.desk.registerMerchant(ZeroAddress, commitment("nobody")))
        .to.be.revertedWithCustomError(f.desk, "DeskInvalidAdmin")
        .withArgs(ZeroAddress);
      expect(await f.desk.merchantCount()).to.equal(2n);
    });
  });

  describe("setAgent", function () {
    it("gives and takes the agent role, with AgentSet naming the admin", async function () {
      const f = await loadFixture(deployDeskFixture);
      await expect(f.desk.connect(f.admin).setAgent(1n, f.customer2, true))
        .to.emit(f.desk, "AgentSet")
        .withArgs(1n, f.customer2.address, true, f.admin.address);
      expect(await f.desk.isAgent(1n, f.customer2)).to.equal(true);
      await expect(f.desk.connect(f.admin).setAgent(1n, f.customer2, false))
        .to.emit(f.desk, "AgentSet")
        .withArgs(1n, f.customer2.address, false, f.admin.address);
      expect(await f.desk.isAgent(1n, f.customer2)).to.equal(false);
    });

    it("takes every staff right from an agent who is removed", async function () {
      const f = await loadFixture(deployDeskFixture);
      const { id } = await openTicket(f, f.customer);
      await f.desk.connect(f.admin).setAgent(1n, f.agent, false);
      await expect(f.desk.connect(f.agent).postMessage(id, commitment("hi")))
        .to.be.revertedWithCustomError(f.desk, "DeskNotParticipant")
        .withArgs(id, f.agent.address);
      await expect(f.desk.connect(f.agent).resolveTicket(id, commitment("done")))
        .to.be.revertedWithCustomError(f.desk, "DeskNotMerchantStaff")
        .withArgs(1n, f.agent.address);
      await expect(f.desk.connect(f.admin).assignTicket(id, f.agent))
        .to.be.revertedWithCustomError(f.desk, "DeskNotAnAgent")
        .withArgs(1n, f.agent.address);
    });

    it("reverts when the agent is the zero address (DeskInvalidAgent)", async function () {
      const f = await loadFixture(deployDeskFixture);
      for (const enabled of [true, false]) {
        await expect(f.desk.connect(f.admin).setAgent(1n, ZeroAddress, enabled))
          .to.be.revertedWithCustomError(f.desk, "DeskInvalidAgent")
          .withArgs(ZeroAddress);
      }
      expect(await f.desk.isAgent(1n, ZeroAddress)).to.equal(false);
    });

    it("reverts when anyone but the admin calls it", async function () {
      const f = await loadFixture(deployDeskFixture);
      for (const caller of [f.agent, f.customer, f.otherAdmin, f.stranger]) {
        await expect(f.desk.connect(caller).setAgent(1n, f.customer2, true))
          .to.be.revertedWithCustomError(f.desk, "DeskNotMerchantAdmin")
          .withArgs(1n, caller.address);
      }
    });

    it("reverts for an unknown merchant", async function () {
      const f = await loadFixture(deployDeskFixture);
      for (const id of [0n, 3n]) {
        await expect(f.desk.connect(f.admin).setAgent(id, f.customer2, true))
          .to.be.revertedWithCustomError(f.desk, "DeskUnknownMerchant")
          .withArgs(id);
      }
    });
  });

  describe("transferMerchantAdmin / acceptMerchantAdmin", function () {
    it("hands the merchant over in two steps, and the old admin keeps no right", async function () {
      const f = await loadFixture(deployDeskFixture);
      const { id } = await openTicket(f, f.customer);
      await expect(f.desk.connect(f.admin).transferMerchantAdmin(1n, f.customer2))
        .to.emit(f.desk, "MerchantAdminTransferStarted")
        .withArgs(1n, f.admin.address, f.customer2.address);
      expect(await f.desk.pendingMerchantAdmin(1n)).to.equal(f.customer2.address);
      // Until accepted, nothing changes.
      expect(await f.desk.merchantAdmin(1n)).to.equal(f.admin.address);
      expect(await f.desk.isAgent(1n, f.customer2)).to.equal(false);

      await expect(f.desk.connect(f.customer2).acceptMerchantAdmin(1n))
        .to.emit(f.desk, "MerchantAdminTransferred")
        .withArgs(1n, f.admin.address, f.customer2.address);
      expect(await f.desk.merchantAdmin(1n)).to.equal(f.customer2.address);
      expect(await f.desk.pendingMerchantAdmin(1n)).to.equal(ZeroAddress);
      expect(await f.desk.isAgent(1n, f.customer2)).to.equal(true);
      expect(await f.desk.isAgent(1n, f.admin)).to.equal(false);

      await expect(f.desk.connect(f.admin).setAgent(1n, f.stranger, true))
        .to.be.revertedWithCustomError(f.desk, "DeskNotMerchantAdmin")
        .withArgs(1n, f.admin.address);
      await expect(f.desk.connect(f.admin).setPolicy(1n, defaultPolicy(f.arbiter.address)))
        .to.be.revertedWithCustomError(f.desk, "DeskNotMerchantAdmin")
        .withArgs(1n, f.admin.address);
      await expect(f.desk.connect(f.admin).transferMerchantAdmin(1n, f.admin))
        .to.be.revertedWithCustomError(f.desk, "DeskNotMerchantAdmin")
        .withArgs(1n, f.admin.address);
      await expect(f.desk.connect(f.admin).resolveTicket(id, commitment("x")))
        .to.be.revertedWithCustomError(f.desk, "DeskNotMerchantStaff")
        .withArgs(1n, f.admin.address);
      await expect(f.desk.connect(f.admin).postMessage(id, commitment("x")))
        .to.be.revertedWithCustomError(f.desk, "DeskNotParticipant")
        .withArgs(id, f.admin.address);

      // The new admin has every right; the agents stay agents.
      await expect(f.desk.connect(f.customer2).setAgent(1n, f.stranger, true)).to.emit(
        f.desk,
        "AgentSet",
      );
      expect(await f.desk.isAgent(1n, f.agent)).to.equal(true);
      await expect(f.desk.connect(f.customer2).resolveTicket(id, commitment("done")))
        .to.emit(f.desk, "TicketStatusChanged")
        .withArgs(id, Status.Open, Status.Resolved, f.customer2.address, commitment("done"));
    });

    it("leaves the old admin its agent role when it was separately made an agent", async function () {
      const f = await loadFixture(deployDeskFixture);
      const { id } = await openTicket(f, f.customer);
      await f.desk.connect(f.admin).setAgent(1n, f.admin, true);
      await f.desk.connect(f.admin).transferMerchantAdmin(1n, f.customer2);
      await f.desk.connect(f.customer2).acceptMerchantAdmin(1n);
      expect(await f.desk.isAgent(1n, f.admin)).to.equal(true);
      await expect(f.desk.connect(f.admin).postMessage(id, commitment("still here")))
        .to.emit(f.desk, "TicketStatusChanged")
        .withArgs(id, Status.Open, Status.InProgress, f.admin.address, commitment("still here"));
      await expect(f.desk.connect(f.admin).setAgent(1n, f.stranger, true))
        .to.be.revertedWithCustomError(f.desk, "DeskNotMerchantAdmin")
        .withArgs(1n, f.admin.address);
    });

    it("lets only the pending admin accept", async function () {
      const f = await loadFixture(deployDeskFixture);
      await expect(f.desk.connect(f.customer2).acceptMerchantAdmin(1n))
        .to.be.revertedWithCustomError(f.desk, "DeskNotPendingAdmin")
        .withArgs(1n, f.customer2.address);
      await f.desk.connect(f.admin).transferMerchantAdmin(1n, f.customer2);
      for (const caller of [f.admin, f.agent, f.stranger, f.otherAdmin]) {
        await expect(f.desk.connect(caller).acceptMerchantAdmin(1n))
          .to.be.revertedWithCustomError(f.desk, "DeskNotPendingAdmin")
          .withArgs(1n, caller.address);
      }
      // The offer is for merchant 1 only.
      await expect(f.desk.connect(f.customer2).acceptMerchantAdmin(2n))
        .to.be.revertedWithCustomError(f.desk, "DeskNotPendingAdmin")
        .withArgs(2n, f.customer2.address);
    });

    it("withdraws a pending offer when the admin offers the role to the zero address", async function () {
      const f = await loadFixture(deployDeskFixture);
      await f.desk.connect(f.admin).transferMerchantAdmin(1n, f.customer2);
      await f.desk.connect(f.admin).transferMerchantAdmin(1n, ZeroAddress);
      expect(await f.desk.pendingMerchantAdmin(1n)).to.equal(ZeroAddress);
      await expect(f.desk.connect(f.customer2).acceptMerchantAdmin(1n))
        .to.be.revertedWithCustomError(f.desk, "DeskNotPendingAdmin")
        .withArgs(1n, f.customer2.address);
      expect(await f.desk.merchantAdmin(1n)).to.equal(f.admin.address);
    });

    it("replaces a pending offer by a newer one", async function () {
      const f = await loadFixture(deployDeskFixture);
      await f.desk.connect(f.admin).transferMerchantAdmin(1n, f.customer2);
      await f.desk.connect(f.admin).transferMerchantAdmin(1n, f.stranger);
      await expect(f.desk.connect(f.customer2).acceptMerchantAdmin(1n))
        .to.be.revertedWithCustomError(f.desk, "DeskNotPendingAdmin")
        .withArgs(1n, f.customer2.address);
      await expect(f.desk.connect(f.stranger).acceptMerchantAdmin(1n))
        .to.emit(f.desk, "MerchantAdminTransferred")
        .withArgs(1n, f.admin.address, f.stranger.address);
    });

    it("reverts when anyone but the admin offers the role", async function () {
      const f = await loadFixture(deployDeskFixture);
      for (const caller of [f.agent, f.customer, f.otherAdmin, f.stranger]) {
        await expect(f.desk.connect(caller).transferMerchantAdmin(1n, caller))
          .to.be.revertedWithCustomError(f.desk, "DeskNotMerchantAdmin")
          .withArgs(1n, caller.address);
      }
    });

    it("reverts for an unknown merchant", async function () {
      const f = await loadFixture(deployDeskFixture);
      await expect(f.desk.connect(f.admin).transferMerchantAdmin(3n, f.customer2))
        .to.be.revertedWithCustomError(f.desk, "DeskUnknownMerchant")
        .withArgs(3n);
      await expect(f.desk.connect(f.admin).acceptMerchantAdmin(3n))
        .to.be.revertedWithCustomError(f.desk, "DeskUnknownMerchant")
        .withArgs(3n);
    });
  });

  describe("setPolicy", function () {
    const custom = (arbiter: string): ISupportDesk.PolicyStruct => ({
      firstResponseTime: 2 * 3_600,
      resolutionTime: 2 * DAY,
      reopenWindow: 14 * DAY,
      autoCloseDelay: 21 * DAY,
      refundResponseTime: DAY,
      disputeWindow: 10 * DAY,
      arbiter,
    });

    it("sets the policy and emits PolicySet with it", async function () {
      const f = await loadFixture(deployDeskFixture);
      const policy = custom(f.customer2.address);
      await expect(f.desk.connect(f.admin).setPolicy(1n, policy))
        .to.emit(f.desk, "PolicySet")
        .withArgs(
          1n,
          [
            2n * 3_600n,
            2n * 86_400n,
            14n * 86_400n,
            21n * 86_400n,
            86_400n,
            10n * 86_400n,
            f.customer2.address,
          ],
          f.admin.address,
        );
      expect(values(await f.desk.policyOf(1n))).to.deep.equal([
        7_200n,
        172_800n,
        1_209_600n,
        1_814_400n,
        86_400n,
        864_000n,
        f.customer2.address,
      ]);
      // The other merchant's policy is untouched.
      expect((await f.desk.policyOf(2n)).firstResponseTime).to.equal(BigInt(DAY));
    });

    it("accepts no arbiter (address(0): no disputes) and the bounds 1 s and 365 days", async function () {
      const f = await loadFixture(deployDeskFixture);
      for (const value of [1, MAX_POLICY_TIME]) {
        const policy = { ...custom(ZeroAddress) };
        for (const field of POLICY_TIME_FIELDS) policy[field] = value;
        await expect(f.desk.connect(f.admin).setPolicy(1n, policy)).to.emit(f.desk, "PolicySet");
        expect(values(await f.desk.policyOf(1n))).to.deep.equal([
          ...POLICY_TIME_FIELDS.map(() => BigInt(value)),
          ZeroAddress,
        ]);
      }
    });

    for (const [index, field] of POLICY_TIME_FIELDS.entries()) {
      for (const value of [0, MAX_POLICY_TIME + 1, 2 ** 32 - 1]) {
        it(`reverts when ${field} is ${value} (DeskInvalidPolicyTime(${index}, ${value}))`, async function () {
          const f = await loadFixture(deployDeskFixture);
          const policy = { ...custom(f.arbiter.address), [field]: value };
          await expect(f.desk.connect(f.admin).setPolicy(1n, policy))
            .to.be.revertedWithCustomError(f.desk, "DeskInvalidPolicyTime")
            .withArgs(index, value);
        });
      }
    }

    for (const [reopenWindow, autoCloseDelay] of [
      [14 * DAY, 14 * DAY - 1],
      [REOPEN_WINDOW, 3 * DAY],
      [MAX_POLICY_TIME, 1],
    ] as const) {
      it(`reverts when autoCloseDelay ${autoCloseDelay} is shorter than reopenWindow ${reopenWindow} (DeskAutoCloseBeforeReopenWindow)`, async function () {
        const f = await loadFixture(deployDeskFixture);
        const policy = { ...custom(f.arbiter.address), reopenWindow, autoCloseDelay };
        await expect(f.desk.connect(f.admin).setPolicy(1n, policy))
          .to.be.revertedWithCustomError(f.desk, "DeskAutoCloseBeforeReopenWindow")
          .withArgs(autoCloseDelay, reopenWindow);
        expect(fields(await f.desk.policyOf(1n))).to.deep.include({
          reopenWindow: BigInt(REOPEN_WINDOW),
          autoCloseDelay: BigInt(AUTO_CLOSE_DELAY),
        });
      });
    }

    it("accepts an autoCloseDelay equal to the reopenWindow", async function () {
      const f = await loadFixture(deployDeskFixture);
      const policy = {
        ...custom(f.arbiter.address),
        reopenWindow: 14 * DAY,
        autoCloseDelay: 14 * DAY,
      };
      await expect(f.desk.connect(f.admin).setPolicy(1n, policy)).to.emit(f.desk, "PolicySet");
      expect(fields(await f.desk.policyOf(1n))).to.deep.include({
        reopenWindow: BigInt(14 * DAY),
        autoCloseDelay: BigInt(14 * DAY),
      });
    });

    it("checks every time's range before the auto-close delay against the reopen window", async function () {
      const f = await loadFixture(deployDeskFixture);
      const policy = { ...custom(f.arbiter.address), reopenWindow: 14 * DAY, autoCloseDelay: 0 };
      await expect(f.desk.connect(f.admin).setPolicy(1n, policy))
        .to.be.revertedWithCustomError(f.desk, "DeskInvalidPolicyTime")
        .withArgs(3, 0);
    });

    it("reverts when anyone but the admin calls it", async function () {
      const f = await loadFixture(deployDeskFixture);
      for (const caller of [f.agent, f.customer, f.otherAdmin, f.stranger, f.arbiter]) {
        await expect(f.desk.connect(caller).setPolicy(1n, custom(caller.address)))
          .to.be.revertedWithCustomError(f.desk, "DeskNotMerchantAdmin")
          .withArgs(1n, caller.address);
      }
    });

    it("reverts for an unknown merchant", async function () {
      const f = await loadFixture(deployDeskFixture);
      await expect(f.desk.connect(f.admin).setPolicy(3n, custom(f.arbiter.address)))
        .to.be.revertedWithCustomError(f.desk, "DeskUnknownMerchant")
        .withArgs(3n);
      await expect(f.desk.policyOf(3n))
        .to.be.revertedWithCustomError(f.desk, "DeskUnknownMerchant")
        .withArgs(3n);
    });
  });

  describe("setSlaCompensation", function () {
    it("sets terms that need no reserve (no compensation) and emits SlaCompensationSet", async function () {
      const f = await loadFixture(deployDeskFixture);
      const terms = {
        token: ZeroAddress,
        firstResponseAmount: 0n,
        resolutionAmount: 0n,
        autoPay: true,
      };
      await expect(f.desk.connect(f.admin).setSlaCompensation(1n, terms))
        .to.emit(f.desk, "SlaCompensationSet")
        .withArgs(1n, [ZeroAddress, 0n, 0n, true], f.admin.address);
      expect(values(await f.desk.slaCompensationOf(1n))).to.deep.equal([ZeroAddress, 0n, 0n, true]);
    });

    it("reverts when anyone but the admin calls it", async function () {
      const f = await loadFixture(deployDeskFixture);
      const terms = {
        token: ZeroAddress,
        firstResponseAmount: 0n,
        resolutionAmount: 0n,
        autoPay: false,
      };
      for (const caller of [f.agent, f.customer, f.otherAdmin, f.stranger]) {
        await expect(f.desk.connect(caller).setSlaCompensation(1n, terms))
          .to.be.revertedWithCustomError(f.desk, "DeskNotMerchantAdmin")
          .withArgs(1n, caller.address);
      }
    });
  });

  /*//////////////////////////////////////////////////////////////
                             TICKETS
  //////////////////////////////////////////////////////////////*/

  describe("openTicket", function () {
    it("opens a ticket with its deadlines and emits TicketOpened (no status event)", async function () {
      const f = await loadFixture(deployDeskFixture);
      const orderRef = commitment("order 42");
      const content = commitment("my parcel never arrived");
      expect(
        await f.desk.connect(f.customer).openTicket.staticCall(1n, orderRef, content, 2),
      ).to.equal(1n);
      const t = await pinNext(connection);
      const tx = f.desk.connect(f.customer).openTicket(1n, orderRef, content, 2);
      await expect(tx)
        .to.emit(f.desk, "TicketOpened")
        .withArgs(1n, 1n, f.customer.address, orderRef, content, 2);
      await expect(tx).not.to.emit(f.desk, "TicketStatusChanged");
      await expect(tx).not.to.emit(f.desk, "SlaDeadlineSettled");
      expect(await f.desk.ticketCount()).to.equal(1n);
      expect(await f.desk.statusOf(1n)).to.equal(Status.Open);
      expect(await f.desk.customerOf(1n)).to.equal(f.customer.address);
      expect(await f.desk.merchantOf(1n)).to.equal(1n);
      expect(values(await f.desk.ticketCore(1n))).to.deep.equal([
        f.customer.address,
        1n,
        Status.Open,
      ]);
      expect(values(await f.desk.refundContext(1n))).to.deep.equal([
        f.customer.address,
        1n,
        Status.Open,
        false,
        BigInt(3 * DAY),
        0n,
      ]);
      expect(values(await f.desk.ticketFacts(1n))).to.deep.equal([
        f.customer.address,
        1n,
        Status.Open,
        false,
      ]);
      expect(values(await f.desk.receiptOf(1n))).to.deep.equal([
        false,
        ZeroHash,
        ZeroAddress,
        0n,
        0n,
      ]);
      expect(fields(await f.desk.getTicket(1n))).to.deep.equal({
        customer: f.customer.address,
        merchantId: 1n,
        status: Status.Open,
        priority: 2n,
        assignee: ZeroAddress,
        firstResponseDueAt: BigInt(t + DAY),
        resolutionDueAt: BigInt(t + 3 * DAY),
        resolvedAt: 0n,
        firstResponded: false,
        firstResponseMissed: false,
        resolutionMissed: false,
        firstResponseCompensated: false,
        resolutionCompensated: false,
        verified: false,
        termsVersion: 0n,
      });
    });

    it("numbers tickets across customers and merchants", async function () {
      const f = await loadFixture(deployDeskFixture);
      const a = await openTicket(f, f.customer, 1n, "a");
      const b = await openTicket(f, f.customer2, 2n, "b");
      const c = await openTicket(f, f.customer, 2n, "c");
      expect([a.id, b.id, c.id]).to.deep.equal([1n, 2n, 3n]);
      expect(await f.desk.merchantOf(2n)).to.equal(2n);
      expect(await f.desk.customerOf(2n)).to.equal(f.customer2.address);
      expect(await f.desk.merchantOf(3n)).to.equal(2n);
      expect(await f.desk.ticketCount()).to.equal(3n);
    });

    for (const priority of [0, 1, 2, 3]) {
      it(`accepts priority ${priority}`, async function () {
        const f = await loadFixture(deployDeskFixture);
        await f.desk.connect(f.customer).openTicket(1n, ZeroHash, commitment("p"), priority);
        expect((await f.desk.getTicket(1n)).priority).to.equal(BigInt(priority));
      });
    }

    for (const priority of [4, 255]) {
      it(`reverts for priority ${priority} (DeskInvalidPriority)`, async function () {
        const f = await loadFixture(deployDeskFixture);
        await expect(f.desk.connect(f.customer).openTicket(1n, ZeroHash, commitment("p"), priority))
          .to.be.revertedWithCustomError(f.desk, "DeskInvalidPriority")
          .withArgs(priority);
      });
    }

    it("reverts for an unknown merchant", async function () {
      const f = await loadFixture(deployDeskFixture);
      for (const id of [0n, 3n, 2n ** 32n - 1n]) {
        await expect(f.desk.connect(f.customer).openTicket(id, ZeroHash, commitment("m"), 1))
          .to.be.revertedWithCustomError(f.desk, "DeskUnknownMerchant")
          .withArgs(id);
      }
    });
  });

  describe("postMessage", function () {
    it("records the first staff message as the first response and starts work", async function () {
      const f = await loadFixture(deployDeskFixture);
      const { id, openedAt } = await openTicket(f, f.customer);
      const content = commitment("we are on it");
      const tx = f.desk.connect(f.agent2).postMessage(id, content);
      await expect(tx).to.emit(f.desk, "MessagePosted").withArgs(id, f.agent2.address, content);
      await expect(tx)
        .to.emit(f.desk, "TicketStatusChanged")
        .withArgs(id, Status.Open, Status.InProgress, f.agent2.address, content);
      await expect(tx)
        .to.emit(f.desk, "SlaDeadlineSettled")
        .withArgs(id, 1n, Deadline.FirstResponse, openedAt + DAY, true);
      const ticket = await f.desk.getTicket(id);
      expect(ticket.firstResponded).to.equal(true);
      expect(ticket.firstResponseMissed).to.equal(false);
      expect(ticket.firstResponseDueAt).to.equal(0n);
      expect(values(await f.desk.firstResponseDeadline(id))).to.deep.equal([0n, false]);
      expect(ticket.resolutionDueAt).to.equal(BigInt(openedAt + 3 * DAY));
    });

    it("does not count the customer's own messages as a response", async function () {
      const f = await loadFixture(deployDeskFixture);
      const { id, openedAt } = await openTicket(f, f.customer);
      const tx = f.desk.connect(f.customer).postMessage(id, commitment("any news?"));
      await expect(tx)
        .to.emit(f.desk, "MessagePosted")
        .withArgs(id, f.customer.address, commitment("any news?"));
      await expect(tx).not.to.emit(f.desk, "TicketStatusChanged");
      await expect(tx).not.to.emit(f.desk, "SlaDeadlineSettled");
      const ticket = await f.desk.getTicket(id);
      expect(ticket.firstResponded).to.equal(false);
      expect(ticket.firstResponseDueAt).to.equal(BigInt(openedAt + DAY));
    });

    it("records a staff message on an escalated ticket as the response, and it stays Escalated", async function () {
      const { f, ticket } = await loadFixture(stateFixtures.Escalated);
      const tx = f.desk.connect(f.agent).postMessage(ticket.id, commitment("sorry"));
      await expect(tx)
        .to.emit(f.desk, "MessagePosted")
        .withArgs(ticket.id, f.agent.address, commitment("sorry"));
      await expect(tx).not.to.emit(f.desk, "TicketStatusChanged");
      // The miss was already counted when the customer escalated.
      await expect(tx).not.to.emit(f.desk, "SlaDeadlineSettled");
      const view = await f.desk.getTicket(ticket.id);
      expect(view.status).to.equal(Status.Escalated);
      expect(view.firstResponded).to.equal(true);
      expect(view.firstResponseMissed).to.equal(true);
    });

    it("keeps the resolution clock stopped while staff write to an awaiting ticket", async function () {
      const { f, ticket } = await loadFixture(stateFixtures.AwaitingCustomer);
      await expect(f.desk.connect(f.agent).postMessage(ticket.id, commitment("reminder")))
        .to.emit(f.desk, "MessagePosted")
        .withArgs(ticket.id, f.agent.address, commitment("reminder"));
      expect(await f.desk.statusOf(ticket.id)).to.equal(Status.AwaitingCustomer);
      expect((await f.desk.resolutionDeadline(ticket.id)).paused).to.equal(true);
    });
  });

  describe("assignTicket", function () {
    it("assigns without changing the state or counting as a response", async function () {
      const f = await loadFixture(deployDeskFixture);
      const { id, openedAt } = await openTicket(f, f.customer);
      const tx = f.desk.connect(f.agent).assignTicket(id, f.agent2);
      await expect(tx)
        .to.emit(f.desk, "TicketAssigned")
        .withArgs(id, f.agent2.address, f.agent.address);
      await expect(tx).not.to.emit(f.desk, "TicketStatusChanged");
      await expect(tx).not.to.emit(f.desk, "SlaDeadlineSettled");
      const ticket = await f.desk.getTicket(id);
      expect(ticket.assignee).to.equal(f.agent2.address);
      expect(ticket.status).to.equal(Status.Open);
      expect(ticket.firstResponded).to.equal(false);
      expect(ticket.firstResponseDueAt).to.equal(BigInt(openedAt + DAY));
    });

    it("assigns to the admin, and unassigns with address(0)", async function () {
      const f = await loadFixture(deployDeskFixture);
      const { id } = await openTicket(f, f.customer);
      await expect(f.desk.connect(f.agent).assignTicket(id, f.admin))
        .to.emit(f.desk, "TicketAssigned")
        .withArgs(id, f.admin.address, f.agent.address);
      expect((await f.desk.getTicket(id)).assignee).to.equal(f.admin.address);
      await expect(f.desk.connect(f.admin).assignTicket(id, ZeroAddress))
        .to.emit(f.desk, "TicketAssigned")
        .withArgs(id, ZeroAddress, f.admin.address);
      expect((await f.desk.getTicket(id)).assignee).to.equal(ZeroAddress);
    });

    it("reverts when the assignee is not staff of the ticket's merchant", async function () {
      const f = await loadFixture(deployDeskFixture);
      const { id } = await openTicket(f, f.customer);
      for (const who of [f.stranger, f.customer, f.otherAdmin]) {
        await expect(f.desk.connect(f.agent).assignTicket(id, who))
          .to.be.revertedWithCustomError(f.desk, "DeskNotAnAgent")
          .withArgs(1n, who.address);
      }
    });

    it("marks the ticket as worked: the customer can no longer cancel it, even once unassigned", async function () {
      const f = await loadFixture(deployDeskFixture);
      const { id } = await openTicket(f, f.customer);
      await f.desk.connect(f.agent).assignTicket(id, f.agent);
      await f.desk.connect(f.agent).assignTicket(id, ZeroAddress);
      await expect(f.desk.connect(f.customer).cancelTicket(id))
        .to.be.revertedWithCustomError(f.desk, "DeskTicketAlreadyWorked")
        .withArgs(id);
    });
  });

  describe("cancelTicket", function () {
    it("cancels an untouched ticket, even after the customer wrote again", async function () {
      const f = await loadFixture(deployDeskFixture);
      const { id } = await openTicket(f, f.customer);
      await f.desk.connect(f.customer).postMessage(id, commitment("more details"));
      const tx = f.desk.connect(f.customer).cancelTicket(id);
      await expect(tx)
        .to.emit(f.desk, "TicketStatusChanged")
        .withArgs(id, Status.Open, Status.Cancelled, f.customer.address, ZeroHash);
      await expect(tx).not.to.emit(f.desk, "SlaDeadlineSettled");
      const ticket = await f.desk.getTicket(id);
      expect(ticket.status).to.equal(Status.Cancelled);
      expect(ticket.firstResponseDueAt).to.equal(0n);
      expect(ticket.resolutionDueAt).to.equal(0n);
    });

    it("refuses a reopened ticket: it was worked in an earlier cycle", async function () {
      const { f, ticket } = await loadFixture(stateFixtures.OpenReopened);
      await expect(f.desk.connect(f.customer).cancelTicket(ticket.id))
        .to.be.revertedWithCustomError(f.desk, "DeskTicketAlreadyWorked")
        .withArgs(ticket.id);
    });

    it("makes the ticket terminal", async function () {
      const { f, ticket } = await loadFixture(stateFixtures.Cancelled);
      await expect(f.desk.connect(f.customer).postMessage(ticket.id, commitment("wait")))
        .to.be.revertedWithCustomError(f.desk, "DeskInvalidTransition")
        .withArgs(ticket.id, Status.Cancelled, f.customer.address);
    });
  });

  describe("confirmResolution", function () {
    it("closes the ticket and makes it terminal", async function () {
      const { f, ticket } = await loadFixture(stateFixtures.Resolved);
      await expect(f.desk.connect(f.customer).confirmResolution(ticket.id))
        .to.emit(f.desk, "TicketStatusChanged")
        .withArgs(ticket.id, Status.Resolved, Status.Closed, f.customer.address, ZeroHash);
      const view = await f.desk.getTicket(ticket.id);
      expect(view.resolvedAt).to.equal(BigInt(ticket.resolvedAt ?? 0));
      expect(view.resolutionDueAt).to.equal(0n);
      await expect(f.desk.connect(f.customer).reopenTicket(ticket.id, commitment("again")))
        .to.be.revertedWithCustomError(f.desk, "DeskInvalidTransition")
        .withArgs(ticket.id, Status.Closed, f.customer.address);
    });
  });

  describe("resolveTicket", function () {
    it("records when the ticket was resolved and clears its running deadlines", async function () {
      const { f, ticket } = await loadFixture(stateFixtures.InProgress);
      const { timestamp } = await mined(
        f.desk.connect(f.admin).resolveTicket(ticket.id, commitment("refunded")),
      );
      const view = await f.desk.getTicket(ticket.id);
      expect(view.status).to.equal(Status.Resolved);
      expect(view.resolvedAt).to.equal(BigInt(timestamp));
      expect(view.firstResponseDueAt).to.equal(0n);
      expect(view.resolutionDueAt).to.equal(0n);
      expect(view.resolutionMissed).to.equal(false);
    });
  });

  /*//////////////////////////////////////////////////////////////
                        MERCHANT ISOLATION
  //////////////////////////////////////////////////////////////*/

  describe("merchant isolation", function () {
    async function isolationFixture(): Promise<{
      f: DeskFixture;
      otherAgent: HardhatEthersSigner;
      ticket1: bigint;
      ticket2: bigint;
    }> {
      const f = await deployDeskFixture();
      const signers = await connection.ethers.getSigners();
      const otherAgent = signers[10];
      if (otherAgent === undefined) throw new Error("needs 11 accounts");
      await f.desk.connect(f.otherAdmin).setAgent(2n, otherAgent, true);
      const ticket1 = (await openTicket(f, f.customer, 1n, "at merchant 1")).id;
      const ticket2 = (await openTicket(f, f.customer, 2n, "at merchant 2")).id;
      return { f, otherAgent, ticket1, ticket2 };
    }

    it("keeps merchant 2's staff off merchant 1's tickets", async function () {
      const { f, otherAgent, ticket1 } = await loadFixture(isolationFixture);
      for (const who of [f.otherAdmin, otherAgent]) {
        const desk = f.desk.connect(who);
        await expect(desk.postMessage(ticket1, commitment("x")))
          .to.be.revertedWithCustomError(f.desk, "DeskNotParticipant")
          .withArgs(ticket1, who.address);
        for (const send of [
          () => desk.assignTicket(ticket1, who),
          () => desk.awaitCustomer(ticket1, commitment("x")),
          () => desk.resolveTicket(ticket1, commitment("x")),
        ]) {
          await expect(send())
            .to.be.revertedWithCustomError(f.desk, "DeskNotMerchantStaff")
            .withArgs(1n, who.address);
        }
        expect(await f.desk.isAgent(1n, who)).to.equal(false);
      }
    });

    it("keeps merchant 1's staff off merchant 2's tickets and settings", async function () {
      const { f, ticket2 } = await loadFixture(isolationFixture);
      for (const who of [f.admin, f.agent]) {
        await expect(f.desk.connect(who).resolveTicket(ticket2, commitment("x")))
          .to.be.revertedWithCustomError(f.desk, "DeskNotMerchantStaff")
          .withArgs(2n, who.address);
        await expect(f.desk.connect(who).postMessage(ticket2, commitment("x")))
          .to.be.revertedWithCustomError(f.desk, "DeskNotParticipant")
          .withArgs(ticket2, who.address);
      }
      await expect(f.desk.connect(f.admin).setAgent(2n, f.agent, true))
        .to.be.revertedWithCustomError(f.desk, "DeskNotMerchantAdmin")
        .withArgs(2n, f.admin.address);
      await expect(f.desk.connect(f.admin).setPolicy(2n, defaultPolicy(ZeroAddress)))
        .to.be.revertedWithCustomError(f.desk, "DeskNotMerchantAdmin")
        .withArgs(2n, f.admin.address);
      await expect(f.desk.connect(f.admin).transferMerchantAdmin(2n, f.admin))
        .to.be.revertedWithCustomError(f.desk, "DeskNotMerchantAdmin")
        .withArgs(2n, f.admin.address);
    });

    it("refuses to assign another merchant's staff", async function () {
      const { f, otherAgent, ticket1, ticket2 } = await loadFixture(isolationFixture);
      await expect(f.desk.connect(f.admin).assignTicket(ticket1, otherAgent))
        .to.be.revertedWithCustomError(f.desk, "DeskNotAnAgent")
        .withArgs(1n, otherAgent.address);
      await expect(f.desk.connect(f.otherAdmin).assignTicket(ticket2, f.agent))
        .to.be.revertedWithCustomError(f.desk, "DeskNotAnAgent")
        .withArgs(2n, f.agent.address);
      await expect(f.desk.connect(f.otherAdmin).assignTicket(ticket2, otherAgent))
        .to.emit(f.desk, "TicketAssigned")
        .withArgs(ticket2, otherAgent.address, f.otherAdmin.address);
    });

    it("keeps policies and service records per merchant", async function () {
      const { f, ticket1, ticket2 } = await loadFixture(isolationFixture);
      const dueAt2 = (await f.desk.getTicket(ticket2)).firstResponseDueAt;
      await f.desk
        .connect(f.otherAdmin)
        .setPolicy(2n, { ...defaultPolicy(f.arbiter.address), firstResponseTime: 3_600 });
      // Running cycles keep their terms; merchant 1 is untouched.
      expect((await f.desk.getTicket(ticket2)).firstResponseDueAt).to.equal(dueAt2);
      expect((await f.desk.policyOf(1n)).firstResponseTime).to.equal(BigInt(DAY));
      const t1 = await f.desk.getTicket(ticket1);
      const opened3 = await pinNext(connection);
      await f.desk.connect(f.customer).openTicket(2n, commitment("o3"), commitment("t3"), 1);
      const ticket3 = await f.desk.ticketCount();
      await pinAt(connection, opened3 + 3_601);
      await f.desk.connect(f.otherAdmin).postMessage(ticket3, commitment("late"));
      await f.desk.connect(f.agent).postMessage(ticket1, commitment("on time"));
      expect(values(await f.desk.slaStatsOf(1n))).to.deep.equal([1n, 0n, 0n, 0n]);
      expect(values(await f.desk.slaStatsOf(2n))).to.deep.equal([0n, 1n, 0n, 0n]);
      expect(await f.desk.slaHitRateBps(1n)).to.equal(10_000n);
      expect(await f.desk.slaHitRateBps(2n)).to.equal(0n);
      expect(t1.firstResponseDueAt).to.be.greaterThan(0n);
    });
  });

  /*//////////////////////////////////////////////////////////////
                          VIEWS AND HOOKS
  //////////////////////////////////////////////////////////////*/

  describe("views", function () {
    it("reports a semver version", async function () {
      const f = await loadFixture(deployDeskFixture);
      expect(await f.desk.version()).to.match(/^\d+\.\d+\.\d+$/);
    });

    it("answers None for an unknown ticket's status and reverts its other views", async function () {
      const f = await loadFixture(deployDeskFixture);
      expect(await f.desk.statusOf(0n)).to.equal(Status.None);
      expect(await f.desk.statusOf(1n)).to.equal(Status.None);
      for (const view of [
        () => f.desk.customerOf(1n),
        () => f.desk.merchantOf(1n),
        () => f.desk.getTicket(1n),
        () => f.desk.ticketCore(1n),
        () => f.desk.refundContext(1n),
        () => f.desk.firstResponseDeadline(1n),
        () => f.desk.resolutionDeadline(1n),
      ]) {
        await expect(view())
          .to.be.revertedWithCustomError(f.desk, "DeskUnknownTicket")
          .withArgs(1n);
      }
    });

    it("treats the admin as staff, and nobody as staff of an unknown merchant", async function () {
      const f = await loadFixture(deployDeskFixture);
      expect(await f.desk.isAgent(1n, f.admin)).to.equal(true);
      expect(await f.desk.isAgent(1n, f.agent)).to.equal(true);
      expect(await f.desk.isAgent(1n, f.stranger)).to.equal(false);
      expect(await f.desk.isAgent(3n, f.admin)).to.equal(false);
      expect(await f.desk.merchantAdmin(3n)).to.equal(ZeroAddress);
    });
  });

  describe("escrow hooks", function () {
    it("refuses to bind the zero address as the escrow (DeskInvalidEscrow)", async function () {
      const f = await loadFixture(deployDeskFixture);
      const fresh = await new SupportDesk__factory(f.deployer).deploy(ZeroAddress, f.arbiter);
      await expect(fresh.bindEscrow(ZeroAddress))
        .to.be.revertedWithCustomError(fresh, "DeskInvalidEscrow")
        .withArgs(ZeroAddress);
      expect(await fresh.escrow()).to.equal(ZeroAddress);
    });

    it("is bound to the deployment's escrow, once", async function () {
      const f = await loadFixture(deployDeskFixture);
      expect(await f.desk.escrow()).to.equal(await f.escrow.getAddress());
      for (const caller of [f.deployer, f.stranger]) {
        await expect(f.desk.connect(caller).bindEscrow(caller))
          .to.be.revertedWithCustomError(f.desk, "DeskEscrowBindingLocked")
          .withArgs(caller.address);
      }
    });

    it("lets nobody but the escrow resolve a ticket or claim its missed deadlines", async function () {
      const f = await loadFixture(deployDeskFixture);
      const { id } = await openTicket(f, f.customer);
      for (const caller of [f.deployer, f.admin, f.agent, f.customer, f.stranger]) {
        await expect(f.desk.connect(caller).resolveByEscrow(id, caller, commitment("paid")))
          .to.be.revertedWithCustomError(f.desk, "DeskNotEscrow")
          .withArgs(caller.address);
        await expect(f.desk.connect(caller).claimMissedDeadlines(id))
          .to.be.revertedWithCustomError(f.desk, "DeskNotEscrow")
          .withArgs(caller.address);
      }
    });

    it("lets the escrow resolve an active ticket in the paying agent's name", async function () {
      const { f, ticket } = await loadFixture(stateFixtures.InProgress);
      const escrow = await impersonate(f, await f.escrow.getAddress());
      const note = commitment("refund paid");
      expect(
        await f.desk.connect(escrow).resolveByEscrow.staticCall(ticket.id, f.agent2, note),
      ).to.equal(true);
      await expect(f.desk.connect(escrow).resolveByEscrow(ticket.id, f.agent2, note))
        .to.emit(f.desk, "TicketStatusChanged")
        .withArgs(ticket.id, Status.InProgress, Status.Resolved, f.agent2.address, note);
      expect(await f.desk.statusOf(ticket.id)).to.equal(Status.Resolved);
    });

    it("leaves a ticket that is not active as it is when the escrow resolves it", async function () {
      const { f, ticket } = await loadFixture(stateFixtures.Closed);
      const escrow = await impersonate(f, await f.escrow.getAddress());
      expect(
        await f.desk
          .connect(escrow)
          .resolveByEscrow.staticCall(ticket.id, f.agent, commitment("paid")),
      ).to.equal(false);
      await expect(
        f.desk.connect(escrow).resolveByEscrow(ticket.id, f.agent, commitment("paid")),
      ).not.to.emit(f.desk, "TicketStatusChanged");
      expect(await f.desk.statusOf(ticket.id)).to.equal(Status.Closed);
    });
  });
});
