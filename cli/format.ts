/**
 * Reading and writing the values people type and read: durations, times, token amounts, addresses.
 */
import { Contract, ZeroAddress, formatUnits, getAddress, isAddress, parseUnits } from "ethers";
import type { ContractRunner, Provider } from "ethers";

import { TaskError } from "./errors.js";

/** `0xab12…cd34`. */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** `0x1234ab…` for hashes. */
export function shortHash(hash: string): string {
  return hash.length > 14 ? `${hash.slice(0, 10)}…` : hash;
}

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ["d", 86_400],
  ["h", 3_600],
  ["min", 60],
  ["s", 1],
];

/** `3 d 4 h`, `15 min`, `45 s`: the two largest non-zero units. */
export function formatDuration(totalSeconds: number | bigint): string {
  let rest = Number(totalSeconds);
  if (rest <= 0) return "0 s";
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      parts.push(`${count} ${unit}`);
      rest -= count * size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}

/** `7 days`, `1 day`, `2 hours`, `90 seconds`: for sentences. */
export function formatDurationWords(totalSeconds: number | bigint): string {
  const seconds = Number(totalSeconds);
  const plural = (count: number, word: string): string =>
    `${count} ${word}${count === 1 ? "" : "s"}`;
  if (seconds % 86_400 === 0) return plural(seconds / 86_400, "day");
  if (seconds % 3_600 === 0) return plural(seconds / 3_600, "hour");
  if (seconds % 60 === 0) return plural(seconds / 60, "minute");
  return plural(seconds, "second");
}

const DURATION = /^(\d+)\s*(s|sec|m|min|h|d|w)?$/i;
const DURATION_UNITS: Record<string, number> = {
  s: 1,
  sec: 1,
  m: 60,
  min: 60,
  h: 3_600,
  d: 86_400,
  w: 604_800,
};

/** Parses `90s`, `15m`, `2h`, `3d`, `1w` or plain seconds. */
export function parseDuration(text: string, option: string): number {
  const match = DURATION.exec(text.trim());
  const unit = (match?.[2] ?? "s").toLowerCase();
  const size = DURATION_UNITS[unit];
  if (match === null || size === undefined) {
    throw new TaskError(
      `--${option} "${text}" is not a duration: write seconds, or a number with s, m, h, d or w (e.g. 2h, 3d)`,
    );
  }
  return Number(match[1]) * size;
}

/** `2025-11-25 16:11:05 UTC`. */
/**
 * The hint after "X #n does not exist": which ids do exist, e.g. " (tickets here are #1 to #3)", or
 * " (no ticket was opened yet)" when there is none.
 */
export function existingIds(count: bigint, plural: string, none: string): string {
  return count === 0n ? ` (${none})` : ` (${plural} here are #1 to #${count})`;
}

export function formatTime(unixSeconds: number | bigint): string {
  return `${new Date(Number(unixSeconds) * 1000).toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

/** `in 3 h 2 min` / `3 h 2 min ago`, relative to `now`. */
export function formatRelative(unixSeconds: number | bigint, now: number): string {
  const delta = Number(unixSeconds) - now;
  return delta >= 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
}

/** `1,234.5`: units with thousands separators and no trailing zeros. */
export function formatUnitsTrim(amount: bigint, decimals: number): string {
  const negative = amount < 0n;
  const [whole = "0", fraction = ""] = formatUnits(negative ? -amount : amount, decimals).split(
    ".",
  );
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const trimmed = fraction.replace(/0+$/, "");
  return `${negative ? "-" : ""}${grouped}${trimmed === "" ? "" : `.${trimmed}`}`;
}

export interface TokenInfo {
  /** `address(0)` for ETH. */
  address: string;
  symbol: string;
  decimals: number;
}

export const ETH: TokenInfo = { address: ZeroAddress, symbol: "ETH", decimals: 18 };

/** The ERC-20 calls the tasks make on a reserve token (a standard interface, not a CareLedger ABI). */
export const ERC20_ABI = [
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
  "function balanceOf(address account) view returns (uint256)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
  "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
] as const;

/** An ERC-20 contract with the calls above. */
export function erc20(address: string, runner: ContractRunner): Contract {
  return new Contract(address, ERC20_ABI, runner);
}

/** `eth` (or `0x0…0`) or an ERC-20 address, as given to `--token`. */
export function parseToken(text: string): string {
  const value = text.trim();
  if (value.toLowerCase() === "eth") return ZeroAddress;
  if (!isAddress(value)) {
    throw new TaskError(
      `--token "${text}" is neither "eth" nor an ERC-20 address (0x… 40 hex digits)`,
    );
  }
  return getAddress(value);
}

const tokenCache = new Map<string, TokenInfo>();

/** The symbol and decimals of `token` (`address(0)`: ETH); `TaskError` if it is not an ERC-20. */
export async function tokenInfo(provider: Provider, token: string): Promise<TokenInfo> {
  if (token === ZeroAddress) return ETH;
  const network = await provider.getNetwork();
  const key = `${network.chainId}:${token.toLowerCase()}`;
  const cached = tokenCache.get(key);
  if (cached !== undefined) return cached;
  if ((await provider.getCode(token)) === "0x") {
    throw new TaskError(
      `there is no contract at ${token} on this network, so it is not an ERC-20 token`,
    );
  }
  const contract = erc20(token, provider);
  let decimals: number;
  let symbol: string;
  try {
    decimals = Number(await contract.getFunction("decimals")());
  } catch {
    throw new TaskError(`${token} does not answer decimals(): it is not an ERC-20 token`);
  }
  try {
    symbol = String(await contract.getFunction("symbol")());
  } catch {
    symbol = shortAddress(token);
  }
  const info = { address: getAddress(token), symbol, decimals };
  tokenCache.set(key, info);
  return info;
}

/** `1.5` of `token` in its smallest unit. */
export function parseAmount(
  text: string,
  token: TokenInfo,
  option = "amount",
  allowZero = false,
): bigint {
  let amount: bigint;
  try {
    amount = parseUnits(text.trim(), token.decimals);
  } catch {
    throw new TaskError(
      `${option} "${text}" is not an amount of ${token.symbol} (up to ${token.decimals} decimals, e.g. 1.5)`,
    );
  }
  if (amount < 0n || (amount === 0n && !allowZero)) {
    throw new TaskError(`${option} must be more than 0 ${token.symbol}`);
  }
  return amount;
}

/** `1.5 ETH`. */
export function formatAmount(amount: bigint, token: TokenInfo): string {
  return `${formatUnitsTrim(amount, token.decimals)} ${token.symbol}`;
}

/** An id given on the command line (ticket, refund, merchant): a positive integer. */
export function parseId(text: string | bigint | number, what: string): bigint {
  const value = String(text).trim().replace(/^#/, "");
  if (!/^\d+$/.test(value) || BigInt(value) === 0n) {
    throw new TaskError(`${what} "${String(text)}" is not an id (ids are whole numbers from 1)`);
  }
  return BigInt(value);
}

/** An address given on the command line. */
export function parseAddress(text: string, what: string): string {
  if (!isAddress(text.trim())) {
    throw new TaskError(`${what} "${text}" is not an address (0x followed by 40 hex digits)`);
  }
  return getAddress(text.trim());
}
