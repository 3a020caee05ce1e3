/** How the app writes times, amounts, addresses and states. Pure functions: unit-tested. */
import { PRIORITY_NAMES, TICKET_STATUS_NAMES, TicketStatus } from "careledger";
import { formatEther } from "ethers";

/** `0x1234…abcd`. */
export function shortAddress(address: string): string {
  return address.length <= 12 ? address : `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** A duration in seconds as "2 d 3 h", "3 h 05 min", "4 min 09 s" or "12 s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3_600);
  const minutes = Math.floor((s % 3_600) / 60);
  const rest = s % 60;
  const two = (n: number): string => String(n).padStart(2, "0");
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${two(minutes)} min`;
  if (minutes > 0) return `${minutes} min ${two(rest)} s`;
  return `${rest} s`;
}

/** A deadline seen at `now`: what is left while it runs, "missed" once it has passed. */
export interface DeadlineView {
  text: string;
  missed: boolean;
}

/** A deadline (`dueAt`, unix seconds; 0: none) at `now`: "2 h 05 min left" or "missed 12 min ago". */
export function deadlineView(dueAt: number, now: number, met = false): DeadlineView {
  if (met) return { text: "met", missed: false };
  if (dueAt === 0) return { text: "no deadline", missed: false };
  if (dueAt >= now) return { text: `${formatDuration(dueAt - now)} left`, missed: false };
  return { text: `missed ${formatDuration(now - dueAt)} ago`, missed: true };
}

const STATUS_WORDS: Record<(typeof TICKET_STATUS_NAMES)[number], string> = {
  None: "None",
  Open: "Open",
  InProgress: "In progress",
  AwaitingCustomer: "Awaiting customer",
  Resolved: "Resolved",
  Closed: "Closed",
  Escalated: "Escalated",
  Cancelled: "Cancelled",
};

/** A ticket state's words: "In progress", "Awaiting customer"... */
export function statusLabel(status: TicketStatus | number): string {
  const name = TICKET_STATUS_NAMES[Number(status)];
  return name === undefined ? `Unknown (${String(status)})` : STATUS_WORDS[name];
}

/** A priority's name ("high"), or the number when unknown. */
export function priorityLabel(priority: number): string {
  return PRIORITY_NAMES[priority] ?? String(priority);
}

/** Wei as ETH with at most 6 decimals, trailing zeros trimmed: "0.25 ETH". */
export function formatEth(wei: bigint): string {
  const [whole = "0", fraction = ""] = formatEther(wei).split(".");
  const trimmed = fraction.slice(0, 6).replace(/0+$/, "");
  return `${whole}${trimmed === "" ? "" : `.${trimmed}`} ETH`;
}

/** Basis points as a percentage: 9250 → "92.5%". */
export function formatBps(bps: number): string {
  return `${(bps / 100).toFixed(bps % 100 === 0 ? 0 : 1)}%`;
}

/** Unix seconds as a short UTC date and time: "2026-12-01 09:05 UTC". */
export function formatTime(timestamp: number): string {
  return `${new Date(timestamp * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Ticket states a merchant still has work on. */
export const ACTIVE_STATUSES: ReadonlySet<TicketStatus> = new Set([
  TicketStatus.Open,
  TicketStatus.InProgress,
  TicketStatus.AwaitingCustomer,
  TicketStatus.Escalated,
]);
