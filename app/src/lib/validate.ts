/**
 * Form checks made before anything is signed: a form the contracts would refuse says why at once, in
 * the field's words. Each returns an error sentence, or undefined when the value is fine.
 */
import { isAddress, parseEther } from "ethers";

import { formatEth as formatWei } from "./format.ts";

/** A typed text: not empty, not absurdly long (it stays in the browser; only its hash goes on chain). */
export function checkText(text: string, what = "the message"): string | undefined {
  if (text.trim() === "") return `Write ${what} first.`;
  if (text.length > 5_000) return `Keep ${what} under 5,000 characters.`;
  return undefined;
}

/** An ETH amount typed by a person, in wei; undefined when it is not a positive amount. */
export function parseAmount(text: string): bigint | undefined {
  const trimmed = text.trim();
  if (!/^\d+(\.\d{1,18})?$/.test(trimmed)) return undefined;
  const wei = parseEther(trimmed);
  return wei > 0n ? wei : undefined;
}

/** A refund amount: positive, and no more than what the merchant's reserve holds. */
export function checkRefundAmount(text: string, available: bigint | undefined): string | undefined {
  const wei = parseAmount(text);
  if (wei === undefined) return "Enter an amount in ETH greater than 0, for example 0.05.";
  if (available !== undefined && wei > available) {
    return `The merchant's reserve holds only ${formatWei(available)}: ask for at most that.`;
  }
  return undefined;
}

/** A withdrawal or a deposit: positive, and (withdrawal) no more than `max`. */
export function checkAmount(text: string, max?: bigint): string | undefined {
  const wei = parseAmount(text);
  if (wei === undefined) return "Enter an amount in ETH greater than 0.";
  if (max !== undefined && wei > max) return `At most ${formatWei(max)} is available.`;
  return undefined;
}

/** A rating: a whole number of stars from 1 to 5. */
export function checkRating(value: number): string | undefined {
  return Number.isInteger(value) && value >= 1 && value <= 5
    ? undefined
    : "Choose a rating from 1 to 5 stars.";
}

/** An account address. */
export function checkAddress(text: string): string | undefined {
  return isAddress(text.trim()) ? undefined : "Enter an address: 0x followed by 40 hex digits.";
}

/** A merchant id: a whole number from 1. */
export function checkMerchantId(text: string): string | undefined {
  return /^[1-9]\d{0,9}$/.test(text.trim())
    ? undefined
    : "Enter the merchant's number (1, 2, ...).";
}

/** Claiming compensation needs a missed deadline: `dueAt` passed at `now`. */
export function checkDeadlinePassed(dueAt: number, now: number): string | undefined {
  if (dueAt === 0) return "This ticket has no running deadline.";
  return now > dueAt ? undefined : "No deadline has been missed yet: there is nothing to claim.";
}
