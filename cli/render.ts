/**
 * Text renderings shared by `ticket:show`, `merchant:report` and the demo: a ticket's timeline as
 * the package's `ticketTimeline` rebuilds it from events, and the package's `merchantReport`.
 */
import { ZeroAddress, type Provider } from "ethers";

import {
  PRIORITY_NAMES,
  TicketStatus,
  type MerchantReport,
  type TimelineEntry,
} from "../src/index.js";

import { formatAmount, formatUnitsTrim, shortHash, tokenInfo, type TokenInfo } from "./format.js";
import { pad, type Style } from "./style.js";

export interface RenderOptions {
  style: Style;
  /** A person's name for an address (or the short address). */
  name(address: string): string;
  /** A block time as the reader wants it. */
  time(timestamp: number): string;
  /** Token metadata by address (`address(0)` is ETH); resolve them first with `resolveTokens`. */
  tokens: ReadonlyMap<string, TokenInfo>;
  /** The merchant's deadline compensation terms, in words (see `describeCompensation`). */
  compensationTerms?: { promised: boolean; description: string };
}

/** A merchant's `slaCompensationOf` terms in words. */
export function describeCompensation(
  terms: { token: string; firstResponseAmount: bigint; resolutionAmount: bigint; autoPay: boolean },
  tokens: ReadonlyMap<string, TokenInfo>,
): { promised: boolean; description: string } {
  if (terms.firstResponseAmount === 0n && terms.resolutionAmount === 0n) {
    return { promised: false, description: "none promised" };
  }
  const info = tokens.get(terms.token.toLowerCase()) ?? {
    address: terms.token,
    symbol: "units",
    decimals: 0,
  };
  return {
    promised: true,
    description:
      `${formatAmount(terms.firstResponseAmount, info)} per late first reply, ` +
      `${formatAmount(terms.resolutionAmount, info)} per late resolution, ` +
      (terms.autoPay ? "paid automatically" : "paid on claim"),
  };
}

/** Looks up every token the entries or the report mention, so rendering stays synchronous. */
export async function resolveTokens(
  provider: Provider,
  addresses: Iterable<string | undefined>,
): Promise<Map<string, TokenInfo>> {
  const tokens = new Map<string, TokenInfo>();
  for (const address of addresses) {
    const key = (address ?? ZeroAddress).toLowerCase();
    if (tokens.has(key)) continue;
    try {
      tokens.set(key, await tokenInfo(provider, address ?? ZeroAddress));
    } catch {
      tokens.set(key, { address: address ?? ZeroAddress, symbol: "units", decimals: 0 });
    }
  }
  return tokens;
}

function amountOf(
  options: RenderOptions,
  token: string | undefined,
  amount: bigint | undefined,
): string {
  if (amount === undefined) return "";
  const info = options.tokens.get((token ?? ZeroAddress).toLowerCase()) ?? {
    address: token ?? ZeroAddress,
    symbol: "units",
    decimals: 0,
  };
  return formatAmount(amount, info);
}

function stars(rating: number | undefined): string {
  if (rating === undefined) return "";
  return `${"★".repeat(rating)}${"☆".repeat(Math.max(0, 5 - rating))} (${rating})`;
}

function statusName(status: TicketStatus | undefined): string {
  return status === undefined ? "?" : (TicketStatus[status] ?? String(status));
}

/** One line of description for a timeline entry. */
export function describeEntry(entry: TimelineEntry, options: RenderOptions): string {
  const { style } = options;
  const refund = entry.refundId === undefined ? "refund" : `refund #${entry.refundId}`;
  const feedback = entry.feedbackId === undefined ? "feedback" : `feedback #${entry.feedbackId}`;
  const amount = amountOf(options, entry.token, entry.amount);
  const to = (address: string | undefined): string =>
    address === undefined ? "" : ` to ${options.name(address)}`;
  const credited = entry.credited === true ? " (kept as a credit: the address refused it)" : "";
  switch (entry.kind) {
    case "verified":
      return style.green(
        `verified by a receipt of ${options.name(entry.signer ?? "")}: ${amount} paid for the order`,
      );
    case "opened":
      return `${style.bold("opened")}${
        entry.priority === undefined
          ? ""
          : `, priority ${PRIORITY_NAMES[entry.priority] ?? entry.priority}`
      }`;
    case "status":
      return `${statusName(entry.from)} → ${style.bold(statusName(entry.to))}`;
    case "message":
      return "message";
    case "assigned":
      return entry.agent === undefined || entry.agent === ZeroAddress
        ? "unassigned"
        : `assigned to ${options.name(entry.agent)}`;
    case "sla-settled": {
      const which = entry.deadline === "resolution" ? "resolution" : "first response";
      return entry.met === true
        ? style.green(`${which} deadline met`)
        : style.yellow(`${which} deadline missed`);
    }
    case "refund-requested":
      return `${refund} requested: ${amount}`;
    case "refund-issued":
      return `${refund} issued by staff: ${amount}`;
    case "refund-approved":
      return `${refund} approved`;
    case "refund-rejected":
      return style.yellow(`${refund} rejected`);
    case "refund-disputed":
      return style.yellow(`${refund} disputed before the arbiter`);
    case "dispute-resolved":
      return entry.payCustomer === true
        ? `${refund}: arbiter ruled for the customer`
        : `${refund}: arbiter ruled for the merchant`;
    case "dispute-conceded":
      return `${refund}: the merchant conceded the dispute`;
    case "refund-cancelled":
      return `${refund} cancelled`;
    case "refund-executed":
      return `${refund} executed after the merchant's deadline`;
    case "refund-paid":
      return style.green(`${refund} paid: ${amount}${to(entry.recipient)}${credited}`);
    case "rejection-finalized":
      return `${refund}: rejection final, lock released`;
    case "sla-compensation-paid":
      return style.green(`compensation paid: ${amount}${to(entry.recipient)}${credited}`);
    case "sla-compensation-owed":
      return style.yellow(`compensation owed: ${amount}${to(entry.recipient)}`);
    case "feedback":
      return `${feedback}: ${stars(entry.rating)}`;
    case "feedback-amended":
      return `${feedback} amended: ${stars(entry.previousRating)} → ${stars(entry.rating)}`;
    case "feedback-replied":
      return `merchant replied to ${feedback}`;
    default:
      return String(entry.kind);
  }
}

/** A ticket's timeline as a tree: time, what happened, who, and the transaction. */
export function renderTimeline(
  entries: readonly TimelineEntry[],
  options: RenderOptions,
): string[] {
  const { style } = options;
  const rows = entries.map((entry) => ({
    time: options.time(entry.timestamp),
    what: describeEntry(entry, options),
    who: entry.actor === undefined ? "" : options.name(entry.actor),
    tx: shortHash(entry.transactionHash),
  }));
  const timeWidth = Math.max(0, ...rows.map((row) => row.time.length));
  const whatWidth = Math.max(0, ...rows.map((row) => row.what.length));
  const whoWidth = Math.max(0, ...rows.map((row) => row.who.length));
  return rows.map((row, index) => {
    const branch = index === rows.length - 1 ? "└─" : "├─";
    return `${style.dim(branch)} ${style.dim(pad(row.time, timeWidth))}  ${pad(row.what, whatWidth)}  ${pad(
      row.who,
      whoWidth,
    )}  ${style.dim(row.tx)}`.trimEnd();
  });
}

/** The merchant's report: tickets, service levels, compensation, refunds, ratings. */
export function renderReport(report: MerchantReport, options: RenderOptions): string[] {
  const { style } = options;
  const lines: string[] = [];
  const label = (text: string): string => style.dim(pad(text, 16));
  const indent = " ".repeat(18);

  lines.push(
    `${style.bold(`Merchant #${report.merchantId}`)}  admin ${options.name(report.admin)}`,
  );

  const byStatus = Object.entries(report.ticketsByStatus).filter(
    ([name, count]) => name !== "None" && count > 0,
  );
  const total = byStatus.reduce((sum, [, count]) => sum + count, 0);
  lines.push(
    `  ${label("tickets")}${total}${byStatus.length === 0 ? "" : ": "}${byStatus
      .map(([name, count]) => `${count} ${name}`)
      .join(" · ")}`,
  );

  const { sla } = report;
  const hitRate = `${(sla.hitRateBps / 100).toFixed(2)} %`;
  lines.push(
    `  ${label("service levels")}first response ${sla.firstResponseMet} met · ${sla.firstResponseMissed} missed; ` +
      `resolution ${sla.resolutionMet} met · ${sla.resolutionMissed} missed`,
  );
  lines.push(
    `  ${label("hit rate")}${sla.hitRateBps >= 9_000 ? style.green(hitRate) : style.yellow(hitRate)} of deadlines met`,
  );

  const compensation = Object.entries(report.compensation.perToken);
  const terms = options.compensationTerms;
  const promise =
    terms === undefined || terms.promised
      ? report.compensation.backed
        ? style.green("backed by the reserve")
        : style.yellow("not backed by the reserve")
      : "";
  lines.push(
    `  ${label("compensation")}${terms === undefined ? "promise" : terms.description}` +
      `${promise === "" ? "" : ` · ${promise}`}${compensation.length === 0 ? " · none paid or owed" : ""}`,
  );
  for (const [token, entry] of compensation) {
    const info = options.tokens.get(token.toLowerCase());
    lines.push(
      `${indent}${pad(info?.symbol ?? token, 6)} paid ${amountOf(options, token, entry.paid)} · ` +
        `owed ${amountOf(options, token, entry.owedUncovered)} (not covered yet) · ` +
        `${amountOf(options, token, entry.coveredUnpaid)} covered by deposits, to settle`,
    );
  }

  const { refunds } = report;
  lines.push(
    `  ${label("refunds")}${refunds.requested} requested · ${refunds.paid} paid · ${refunds.rejected} rejected · ` +
      `${refunds.disputed} disputed · ${refunds.cancelled} cancelled`,
  );
  for (const [token, entry] of Object.entries(refunds.perToken)) {
    const info = options.tokens.get(token.toLowerCase());
    lines.push(
      `${indent}${pad(info?.symbol ?? token, 6)} requested ${amountOf(options, token, entry.requested)} · ` +
        `paid ${amountOf(options, token, entry.paid)} · locked ${amountOf(options, token, entry.locked)} · ` +
        `reserve available ${amountOf(options, token, entry.available)}`,
    );
  }

  const { ratings } = report;
  lines.push(
    `  ${label("ratings")}${ratings.count} rating${ratings.count === 1 ? "" : "s"}` +
      (ratings.average === null ? "" : ` · average ${ratings.average.toFixed(2)} ★`),
  );
  const most = Math.max(1, ...ratings.histogram);
  for (let stars_ = 5; stars_ >= 1; stars_--) {
    const count = ratings.histogram[stars_ - 1] ?? 0;
    const bar = "█".repeat(Math.round((count / most) * 20));
    lines.push(`${indent}${stars_} ★ ${style.cyan(pad(bar, 20))} ${count}`);
  }
  return lines;
}

/** `1,234` for gas. */
export function formatGas(gas: bigint | undefined): string {
  return gas === undefined ? "—" : formatUnitsTrim(gas, 0);
}
