import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  AbiCoder,
  type ContractTransactionResponse,
  type Log,
  type Result,
  type TransactionReceipt,
  keccak256,
  toUtf8Bytes,
} from "ethers";

import { ISupportDesk__factory, type ISupportDesk } from "../../typechain-types/index.js";
import { careLedgerFixture, type CareLedgerFixture, type Connection } from "./fixture.js";

/*//////////////////////////////////////////////////////////////
                          CONSTANTS
//////////////////////////////////////////////////////////////*/

/** `ISupportDesk.Status`, in declaration order (views and events return it as a bigint). */
export const Status = {
  None: 0n,
  Open: 1n,
  InProgress: 2n,
  AwaitingCustomer: 3n,
  Resolved: 4n,
  Closed: 5n,
  Escalated: 6n,
  Cancelled: 7n,
} as const;
export type StatusName = keyof typeof Status;
export type StatusValue = (typeof Status)[StatusName];

/** The name of a status value, for readable test titles and messages. */
export function statusName(value: bigint): StatusName {
  const entry = Object.entries(Status).find(([, v]) => v === value);
  if (entry === undefined) throw new Error(`no Status ${value}`);
  return entry[0] as StatusName;
}

export const HOUR = 3_600;
export const DAY = 86_400;
/** The longest policy time `setPolicy` accepts. */
export const MAX_POLICY_TIME = 365 * DAY;

/** `SlaDeadlineSettled.deadline`: which deadline of a cycle was counted. */
export const Deadline = { FirstResponse: 1n, Resolution: 2n } as const;

/** The default reopen window: the customer may reopen up to and including `resolvedAt + 7 days`. */
export const REOPEN_WINDOW = 7 * DAY;
/** The default auto-close delay: anyone may close from `resolvedAt + 7 days` on (never before the
 * reopen window ends; `setPolicy` refuses an auto-close delay shorter than the reopen window). */
export const AUTO_CLOSE_DELAY = 7 * DAY;

/** How long after resolution anyone may close a ticket: the auto-close delay, and never before the reopen
 * window's last second has passed (with the two equal, one second after it). */
export function closableAfter(reopenWindow: number, autoCloseDelay: number): number {
  return Math.max(autoCloseDelay, reopenWindow + 1);
}

/** `closableAfter` for the default policy. */
export const CLOSABLE_AFTER = closableAfter(REOPEN_WINDOW, AUTO_CLOSE_DELAY);

/** The policy a new merchant gets (decided by the lead); `arbiter` is the deployment's default. */
export function defaultPolicy(arbiter: string): ISupportDesk.PolicyStruct {
  return {
    firstResponseTime: DAY,
    resolutionTime: 3 * DAY,
    reopenWindow: REOPEN_WINDOW,
    autoCloseDelay: AUTO_CLOSE_DELAY,
    refundResponseTime: 3 * DAY,
    disputeWindow: 7 * DAY,
    arbiter,
  };
}

/** The names of `Policy`'s time fields, in order (their index is `DeskInvalidPolicyTime.field`). */
export const POLICY_TIME_FIELDS = [
  "firstResponseTime",
  "resolutionTime",
  "reopenWindow",
  "autoCloseDelay",
  "refundResponseTime",
  "disputeWindow",
] as const;

/**
 * A 32-byte commitment as CareLedger makes them, `keccak256(abi.encode(salt, contentDigest))`; the
 * tests use a fixed salt derived from the label so that every label gives a distinct, stable hash.
 */
export function commitment(label: string): string {
  const salt = keccak256(toUtf8Bytes(`salt:${label}`));
  const digest = keccak256(toUtf8Bytes(label));
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32"], [salt, digest]));
}

/*//////////////////////////////////////////////////////////////
                           FIXTURE
//////////////////////////////////////////////////////////////*/

/** The shared fixture with the desk typed by its interface (the spec) and two merchants registered. */
export type DeskFixture = Omit<CareLedgerFixture, "desk"> & {
  desk: ISupportDesk;
  /** Merchant 1: admin `admin`, agents `agent` and `agent2`. */
  merchantId: bigint;
  /** Merchant 2: admin `otherAdmin`, no agents. */
  otherMerchantId: bigint;
  connection: Connection;
};

/**
 * `deployCareLedgerFixture` plus merchant 1 (admin, agents agent & agent2) and merchant 2 (otherAdmin).
 * Wrap it in `loadFixture`, once per file.
 */
export function deskFixture(connection: Connection): () => Promise<DeskFixture> {
  const deployCareLedgerFixture = careLedgerFixture(connection);
  return async function deployDeskFixture(): Promise<DeskFixture> {
    const base = await deployCareLedgerFixture();
    const desk = ISupportDesk__factory.connect(await base.desk.getAddress(), base.deployer);
    await (await desk.connect(base.stranger).registerMerchant(base.admin, commitment("m1"))).wait();
    await (
      await desk.connect(base.stranger).registerMerchant(base.otherAdmin, commitment("m2"))
    ).wait();
    await (await desk.connect(base.admin).setAgent(1n, base.agent, true)).wait();
    await (await desk.connect(base.admin).setAgent(1n, base.agent2, true)).wait();
    return { ...base, desk, merchantId: 1n, otherMerchantId: 2n, connection };
  };
}

/** A view's returned struct or tuple as a plain array (TypeChain types it without ethers' helpers). */
export function values(result: object): unknown[] {
  return (result as Result).toArray();
}

/** A view's returned struct as a plain object keyed by field name. */
export function fields(result: object): Record<string, unknown> {
  return (result as Result).toObject();
}

/*//////////////////////////////////////////////////////////////
                        TIME AND RECEIPTS
//////////////////////////////////////////////////////////////*/

/** Pins the next block's timestamp to `latest + seconds` (default 1) and returns it. */
export async function pinNext(connection: Connection, seconds = 1): Promise<number> {
  const t = (await connection.networkHelpers.time.latest()) + seconds;
  await connection.networkHelpers.time.setNextBlockTimestamp(t);
  return t;
}

/** Pins the next block to exactly `t` (must be after the latest block). */
export async function pinAt(connection: Connection, t: number | bigint): Promise<number> {
  await connection.networkHelpers.time.setNextBlockTimestamp(t);
  return Number(t);
}

/** Mines one empty block at exactly `t`, so views evaluate at `t`. */
export async function mineAt(connection: Connection, t: number | bigint): Promise<void> {
  await connection.networkHelpers.time.increaseTo(t);
}

/** Waits for a transaction and returns its receipt and block timestamp. */
export async function mined(
  tx: Promise<ContractTransactionResponse>,
): Promise<{ receipt: TransactionReceipt; timestamp: number }> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("transaction was not mined");
  const block = await receipt.getBlock();
  return { receipt, timestamp: block.timestamp };
}

/** A decoded desk event: its name and its arguments as plain values (bigints, strings, booleans). */
export interface DeskEvent {
  name: string;
  args: unknown[];
}

function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

/** The desk's events in `logs`, decoded, in log order. Logs of other contracts are skipped. */
export function deskEvents(
  desk: ISupportDesk,
  deskAddress: string,
  logs: readonly Log[],
): DeskEvent[] {
  const out: DeskEvent[] = [];
  for (const log of logs) {
    if (log.address.toLowerCase() !== deskAddress.toLowerCase()) continue;
    const parsed = desk.interface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed === null) throw new Error(`undecodable desk log ${log.topics[0]}`);
    out.push({ name: parsed.name, args: plain(parsed.args.toArray(true)) as unknown[] });
  }
  return out;
}

/** A canonical string for an event list, independent of log order (for exact multiset comparisons). */
export function canonicalEvents(events: readonly DeskEvent[]): string[] {
  return events
    .map((e) =>
      JSON.stringify({ name: e.name, args: e.args }, (_k, v: unknown) =>
        typeof v === "bigint"
          ? v.toString()
          : typeof v === "string" && v.startsWith("0x")
            ? v.toLowerCase()
            : v,
      ),
    )
    .sort();
}

/*//////////////////////////////////////////////////////////////
                       TICKETS IN A STATE
//////////////////////////////////////////////////////////////*/

/** What a test needs to know about a ticket that a builder brought into a state. */
export interface TicketContext {
  id: bigint;
  status: StatusValue;
  /** When its current cycle started (opened or reopened). */
  cycleStart: number;
  /** The current cycle's first-response due time. */
  firstResponseDueAt: number;
  /** The current cycle's resolution due time, without the running pause (if any). */
  resolutionDueAt: number;
  /** Whether the current cycle's first-response deadline was already counted in the hit rate. */
  firstResponseSettled: boolean;
  /** Whether the current cycle's resolution deadline was already counted in the hit rate. */
  resolutionSettled: boolean;
  /** When the running pause started (`AwaitingCustomer`), else undefined. */
  pausedAt?: number;
  /** When it was resolved (`Resolved`), else undefined. */
  resolvedAt?: number;
  /** Whether a staff member was assigned or answered (cancelling is then refused). */
  worked: boolean;
}

export const TICKET_STATES = [
  "Open",
  "OpenLate",
  "OpenAssigned",
  "OpenReopened",
  "InProgress",
  "InProgressLate",
  "AwaitingCustomer",
  "AwaitingCustomerLate",
  "Resolved",
  "ResolvedAutoCloseDue",
  "ResolvedReopenExpired",
  "Closed",
  "Escalated",
  "Cancelled",
] as const;
/**
 * A ticket state as the table-driven tests need it: a status plus what matters about time.
 * - `Open`: just opened. `OpenLate`: opened, its first response 1 s overdue (not yet counted).
 * - `OpenAssigned`: opened and assigned to `agent` (worked, not responded).
 * - `OpenReopened`: resolved, then reopened by the customer (a new cycle; worked before).
 * - `InProgress`: an agent answered on time. `InProgressLate`: the agent answered 1 s late.
 * - `AwaitingCustomer` / `AwaitingCustomerLate`: the above, then the agent awaits the customer.
 * - `Resolved`: just resolved. `ResolvedAutoCloseDue`: the auto-close delay will have passed at the
 *   next block, which is also the reopen window's last second (default policy: both 7 days).
 *   `ResolvedReopenExpired`: the reopen window will be closed at the next block.
 * - `Closed`: confirmed by the customer. `Escalated`: escalated once the first response was 1 s
 *   overdue. `Cancelled`: cancelled by the customer.
 */
export type TicketStateKey = (typeof TICKET_STATES)[number];

/** The customer of the builders' tickets and the agent who works them. */
export interface TicketActors {
  customer: HardhatEthersSigner;
  agent: HardhatEthersSigner;
}

/** Opens a ticket at `merchantId` as `customer`, returning its id and opening time. */
export async function openTicket(
  f: DeskFixture,
  customer: HardhatEthersSigner,
  merchantId: bigint = f.merchantId,
  label = "question",
  priority = 1,
): Promise<{ id: bigint; openedAt: number }> {
  const id = (await f.desk.ticketCount()) + 1n;
  const { timestamp } = await mined(
    f.desk
      .connect(customer)
      .openTicket(merchantId, commitment(`order:${label}`), commitment(label), priority),
  );
  return { id, openedAt: timestamp };
}

/** Opens a ticket at merchant 1 (default policy) for `f.customer` and brings it into `state`. */
export async function ticketIn(f: DeskFixture, state: TicketStateKey): Promise<TicketContext> {
  const { desk, customer, agent, connection } = f;
  const { id, openedAt } = await openTicket(f, customer, f.merchantId, `ticket in ${state}`);
  const t: TicketContext = {
    id,
    status: Status.Open,
    cycleStart: openedAt,
    firstResponseDueAt: openedAt + DAY,
    resolutionDueAt: openedAt + 3 * DAY,
    firstResponseSettled: false,
    resolutionSettled: false,
    worked: false,
  };
  const answer = async (late: boolean): Promise<void> => {
    if (late) await pinAt(connection, t.firstResponseDueAt + 1);
    await mined(desk.connect(agent).postMessage(id, commitment("first answer")));
    t.status = Status.InProgress;
    t.firstResponseSettled = true;
    t.worked = true;
  };
  const pause = async (): Promise<void> => {
    const { timestamp } = await mined(
      desk.connect(agent).awaitCustomer(id, commitment("need info")),
    );
    t.status = Status.AwaitingCustomer;
    t.pausedAt = timestamp;
  };
  const resolve = async (): Promise<void> => {
    const { timestamp } = await mined(desk.connect(agent).resolveTicket(id, commitment("fixed")));
    t.status = Status.Resolved;
    t.resolvedAt = timestamp;
    t.firstResponseSettled = true;
    t.resolutionSettled = true;
    t.worked = true;
  };
  switch (state) {
    case "Open":
      break;
    case "OpenLate":
      await mineAt(connection, t.firstResponseDueAt);
      break;
    case "OpenAssigned":
      await mined(desk.connect(agent).assignTicket(id, agent));
      t.worked = true;
      break;
    case "OpenReopened": {
      await resolve();
      const { timestamp } = await mined(
        desk.connect(customer).reopenTicket(id, commitment("still broken")),
      );
      t.status = Status.Open;
      t.cycleStart = timestamp;
      t.firstResponseDueAt = timestamp + DAY;
      t.resolutionDueAt = timestamp + 3 * DAY;
      t.firstResponseSettled = false;
      t.resolutionSettled = false;
      delete t.resolvedAt;
      break;
    }
    case "InProgress":
      await answer(false);
      break;
    case "InProgressLate":
      await answer(true);
      break;
    case "AwaitingCustomer":
      await answer(false);
      await pause();
      break;
    case "AwaitingCustomerLate":
      await answer(true);
      await pause();
      break;
    case "Resolved":
      await resolve();
      break;
    case "ResolvedAutoCloseDue":
      await resolve();
      await mineAt(connection, (t.resolvedAt ?? 0) + CLOSABLE_AFTER - 1);
      break;
    case "ResolvedReopenExpired":
      await resolve();
      await mineAt(connection, (t.resolvedAt ?? 0) + REOPEN_WINDOW);
      break;
    case "Closed":
      await resolve();
      await mined(desk.connect(customer).confirmResolution(id));
      t.status = Status.Closed;
      break;
    case "Escalated":
      await pinAt(connection, t.firstResponseDueAt + 1);
      await mined(desk.connect(customer).escalateTicket(id, commitment("no answer")));
      t.status = Status.Escalated;
      t.firstResponseSettled = true;
      break;
    case "Cancelled":
      await mined(desk.connect(customer).cancelTicket(id));
      t.status = Status.Cancelled;
      break;
  }
  return t;
}

/**
 * One `loadFixture`-able function per ticket state (stable references, so each state is built once
 * per file and restored from a snapshot afterwards).
 */
export function ticketStateFixtures(
  connection: Connection,
): Record<TicketStateKey, () => Promise<{ f: DeskFixture; ticket: TicketContext }>> {
  const deployDeskFixture = deskFixture(connection);
  const entries = TICKET_STATES.map((state) => {
    const fn = async (): Promise<{ f: DeskFixture; ticket: TicketContext }> => {
      const f = await deployDeskFixture();
      const ticket = await ticketIn(f, state);
      return { f, ticket };
    };
    Object.defineProperty(fn, "name", { value: `ticketIn${state}Fixture` });
    return [state, fn] as const;
  });
  return Object.fromEntries(entries) as Record<
    TicketStateKey,
    () => Promise<{ f: DeskFixture; ticket: TicketContext }>
  >;
}

/** A signer for `address` (for example the escrow contract, to call the desk's hooks), funded for gas. */
export async function impersonate(f: DeskFixture, address: string): Promise<HardhatEthersSigner> {
  await f.connection.networkHelpers.impersonateAccount(address);
  await f.connection.networkHelpers.setBalance(address, 10n ** 18n);
  return f.connection.ethers.getSigner(address);
}
