/**
 * Turns what went wrong into a sentence that says what to do: CareLedger's custom errors (decoded by
 * the package's `decodeRevert`), a standard ERC-20 error, a missing configuration variable, an
 * unreachable node, an account without gas money.
 */
import { Interface, ZeroAddress } from "ethers";

import {
  RefundStatus,
  TicketStatus,
  decodeRevert,
  type CareLedgerClient,
  type DecodedRevert,
} from "../../src/index.js";

import { TaskError } from "./errors.js";
import {
  ERC20_ABI,
  existingIds,
  formatAmount,
  formatDurationWords,
  formatRelative,
  formatTime,
  shortAddress,
  tokenInfo,
  type TokenInfo,
} from "./format.js";

/** What the failing task was doing, to phrase the sentence. */
export interface ExplainContext {
  /** The network's name as given to `--network`. */
  networkName: string;
  /** The connected client, once there is one (look-ups make sentences precise). */
  client?: CareLedgerClient;
  /** What the caller tried, as a verb phrase: "reopen", "confirm", "approve". */
  action?: string;
  /** The account that signed. */
  from?: string;
  /** The token the task moves, to write amounts in it. */
  token?: TokenInfo;
}

const POLICY_FIELDS = [
  "first-response time",
  "resolution time",
  "reopen window",
  "auto-close delay",
  "refund response time",
  "dispute window",
] as const;

/**
 * The `TaskError` for `error`, or `undefined` if it is not an expected failure (a bug: let it throw
 * with its stack trace).
 */
export async function explainError(
  error: unknown,
  context: ExplainContext,
): Promise<TaskError | undefined> {
  if (error instanceof TaskError) return error;

  const variable = missingConfigVariable(error);
  if (variable !== undefined) return new TaskError(missingVariableSentence(variable, context));

  const message = messageOf(error);
  if (/Cannot connect to the network/i.test(message)) {
    return new TaskError(
      `cannot reach the node of network "${context.networkName}"` +
        (context.networkName === "localhost"
          ? ": start one with `npm run node` in another terminal"
          : ": check RPC_URL and your connection"),
      { cause: error },
    );
  }

  const decoded = decodeRevert(error);
  if (decoded !== undefined) {
    const sentence = await explainRevert(decoded, context);
    return new TaskError(sentence, { detail: describeDecoded(decoded), cause: error });
  }

  const tokenError = decodeTokenError(error);
  if (tokenError !== undefined) return new TaskError(tokenError, { cause: error });

  if (/insufficient funds|doesn't have enough funds/i.test(message)) {
    return new TaskError(
      `${context.from ?? "the sending account"} has not enough ETH on network "${context.networkName}" ` +
        "to pay for this transaction (gas and value): fund it first",
      { cause: error },
    );
  }

  if (isCallException(error)) {
    return new TaskError(
      "the transaction was reverted without a reason CareLedger knows (is the address right, and the " +
        "contract a CareLedger contract?)",
      { detail: message.split("\n")[0], cause: error },
    );
  }

  return undefined;
}

/** `RPC_URL` when Hardhat could not find that configuration variable, else undefined. */
export function missingConfigVariable(error: unknown): string | undefined {
  const match =
    /Configuration Variable "([A-Za-z0-9_]+)" not found|Key "([A-Za-z0-9_]+)" not found/.exec(
      messageOf(error),
    );
  return match?.[1] ?? match?.[2];
}

function missingVariableSentence(variable: string, context: ExplainContext): string {
  const what =
    variable === "RPC_URL"
      ? "the JSON-RPC endpoint of the chain"
      : variable === "DEPLOYER_PRIVATE_KEY"
        ? "the private key (0x…) of the account that signs"
        : "a configuration variable";
  return (
    `${variable} is not set, and network "${context.networkName}" needs it (${what}): ` +
    `put ${variable}=… in .env (see .env.example), export it, or run \`npx hardhat keystore set ${variable}\``
  );
}

/** `DeskNotCustomer(ticketId: 7, caller: 0x…)`. */
export function describeDecoded(decoded: DecodedRevert): string {
  const args = Object.entries(decoded.args)
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join(", ");
  return `${decoded.contract}: ${decoded.name}(${args})`;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const parts = [error.message];
    let cause: unknown = error.cause;
    for (let depth = 0; depth < 5 && cause instanceof Error; depth++) {
      parts.push(cause.message);
      cause = cause.cause;
    }
    return parts.join("\n");
  }
  return String(error);
}

function isCallException(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    (error as { code: unknown }).code === "CALL_EXCEPTION"
  );
}

const erc20Interface = new Interface(ERC20_ABI);

/** A standard ERC-20 error (OpenZeppelin's ERC-6093 names) found in the error, as a sentence. */
function decodeTokenError(error: unknown): string | undefined {
  for (const data of revertData(error)) {
    let parsed;
    try {
      parsed = erc20Interface.parseError(data);
    } catch {
      continue;
    }
    if (parsed === null) continue;
    if (parsed.name === "ERC20InsufficientBalance") {
      return (
        `the token says ${shortAddress(String(parsed.args[0]))} holds ${String(parsed.args[1])} ` +
        `(smallest units) and ${String(parsed.args[2])} are needed: get more of the token first`
      );
    }
    return (
      `the token's allowance for ${shortAddress(String(parsed.args[0]))} is ${String(parsed.args[1])} ` +
      `(smallest units) and ${String(parsed.args[2])} are needed: approve it first`
    );
  }
  return undefined;
}

/** Every revert payload (`0x…` with a selector) found in an ethers error, nested ones included. */
function revertData(error: unknown, depth = 0): string[] {
  if (depth > 6 || typeof error !== "object" || error === null) return [];
  const found: string[] = [];
  const record = error as Record<string, unknown>;
  for (const key of ["data", "error", "info", "cause", "revert"]) {
    const value = record[key];
    if (typeof value === "string" && /^0x[0-9a-fA-F]{8}/.test(value)) found.push(value);
    else if (typeof value === "object" && value !== null)
      found.push(...revertData(value, depth + 1));
  }
  return found;
}

/* ------------------------------------------------------------------------------------------------
 * CareLedger's custom errors as sentences
 * --------------------------------------------------------------------------------------------- */

type Args = Record<string, unknown>;

function big(args: Args, name: string): bigint {
  const value = args[name];
  if (typeof value === "bigint") return value;
  if (typeof value === "number" || typeof value === "string") return BigInt(value);
  return 0n;
}

function address(args: Args, name: string): string {
  const value = args[name];
  return typeof value === "string" ? value : ZeroAddress;
}

/** Runs a look-up for a sentence; a failed look-up only makes the sentence shorter. */
async function look<T>(lookup: () => Promise<T>): Promise<T | undefined> {
  try {
    return await lookup();
  } catch {
    return undefined;
  }
}

async function chainNow(client: CareLedgerClient | undefined): Promise<number> {
  const provider = client?.desk.runner?.provider;
  const block = provider == null ? undefined : await look(() => provider.getBlock("latest"));
  return block?.timestamp ?? Math.floor(Date.now() / 1000);
}

async function token(client: CareLedgerClient | undefined, address_: string): Promise<TokenInfo> {
  const provider = client?.desk.runner?.provider;
  const fallback: TokenInfo = { address: address_, symbol: "units", decimals: 0 };
  if (provider == null) return fallback;
  return (await look(() => tokenInfo(provider, address_))) ?? fallback;
}

function statusName(status: bigint | number): string {
  return TicketStatus[Number(status)] ?? `status ${String(status)}`;
}

function refundStatusName(status: bigint | number): string {
  return RefundStatus[Number(status)] ?? `status ${String(status)}`;
}

/** What can still happen to a ticket in `status` (ticket `id`), for "is X; …" sentences. */
async function ticketOptions(client: CareLedgerClient | undefined, id: bigint, status: number) {
  switch (status as TicketStatus) {
    case TicketStatus.Resolved: {
      const window = await reopenWindow(client, id);
      return (
        `its customer can confirm it (\`ticket:confirm ${id}\`) or reopen it` +
        `${window === undefined ? "" : ` within ${formatDurationWords(window)} of resolution`}` +
        ` (\`ticket:reopen ${id} "<reason>"\`)`
      );
    }
    case TicketStatus.Closed:
      return "nothing more can happen on it: open a new ticket (`ticket:open`)";
    case TicketStatus.Cancelled:
      return "its customer cancelled it: open a new ticket (`ticket:open`)";
    case TicketStatus.AwaitingCustomer:
      return "it waits for the customer, whose next message moves it back to InProgress";
    case TicketStatus.None:
      return "it does not exist";
    default:
      return `staff can answer and resolve it (\`ticket:resolve ${id}\`)`;
  }
}

async function reopenWindow(client: CareLedgerClient | undefined, ticketId: bigint) {
  if (client === undefined) return undefined;
  return await look(async () => {
    const merchantId = await client.desk.merchantOf(ticketId);
    return (await client.desk.policyOf(merchantId)).reopenWindow;
  });
}

async function ticketCount(client: CareLedgerClient | undefined): Promise<string> {
  const count = client === undefined ? undefined : await look(() => client.desk.ticketCount());
  return count === undefined ? "" : existingIds(count, "tickets", "no ticket was opened yet");
}

async function merchantCount(client: CareLedgerClient | undefined): Promise<string> {
  const count = client === undefined ? undefined : await look(() => client.desk.merchantCount());
  return count === undefined
    ? ""
    : existingIds(count, "merchants", "no merchant is registered yet");
}

async function adminOf(client: CareLedgerClient | undefined, merchantId: bigint): Promise<string> {
  const admin =
    client === undefined ? undefined : await look(() => client.desk.merchantAdmin(merchantId));
  return admin === undefined || admin === ZeroAddress ? "" : ` (its admin is ${admin})`;
}

/** The sentence for a decoded CareLedger custom error. */
export async function explainRevert(
  decoded: DecodedRevert,
  context: ExplainContext,
): Promise<string> {
  const { client } = context;
  const args = decoded.args;
  const action = context.action ?? "do this to";
  const now = await chainNow(client);

  switch (decoded.name) {
    /* ---------------------------------------------------------------- desk */
    case "DeskUnknownMerchant":
    case "EscrowUnknownMerchant":
      return `merchant #${big(args, "merchantId")} does not exist on network "${context.networkName}"${await merchantCount(client)}; register one with \`merchant:register\``;
    case "DeskUnknownTicket":
      return `ticket #${big(args, "ticketId")} does not exist on network "${context.networkName}"${await ticketCount(client)}`;
    case "DeskInvalidAdmin":
      return "the admin given is the zero address (0x000…0): give a real account";
    case "DeskInvalidAgent":
      return "the agent given is the zero address (0x000…0): give a real account";
    case "DeskInvalidEscrow":
      return "an address given is the zero address (0x000…0): give a real account";
    case "EscrowInvalidRecipient": {
      const to = address(args, "to");
      return `the escrow cannot send money to ${to === ZeroAddress ? "the zero address (0x000…0), where it would be lost" : to}: give a real account to send it to`;
    }
    case "DeskNotMerchantAdmin":
    case "EscrowNotMerchantAdmin": {
      const merchantId = big(args, "merchantId");
      return `${address(args, "caller")} is not the admin of merchant #${merchantId}${await adminOf(client, merchantId)}: only the admin can ${action}; sign with the admin's account (\`--from\`)`;
    }
    case "DeskNotMerchantStaff":
    case "EscrowNotMerchantStaff":
    case "FeedbackNotMerchantStaff": {
      const merchantId = big(args, "merchantId");
      return `${address(args, "caller")} is neither the admin nor an agent of merchant #${merchantId}: only its staff can ${action}; the admin adds agents with \`merchant:agent ${merchantId} <address>\``;
    }
    case "DeskNotPendingAdmin":
      return `${address(args, "caller")} was not offered the admin role of merchant #${big(args, "merchantId")}`;
    case "DeskNotCustomer":
    case "EscrowNotCustomer":
    case "FeedbackNotCustomer": {
      const ticketId = big(args, "ticketId");
      const customer =
        client === undefined ? undefined : await look(() => client.desk.customerOf(ticketId));
      const status =
        client === undefined ? undefined : await look(() => client.desk.statusOf(ticketId));
      const window =
        context.action === "reopen" &&
        status !== undefined &&
        Number(status) === TicketStatus.Resolved
          ? await reopenWindow(client, ticketId)
          : undefined;
      const state =
        status === undefined
          ? `ticket #${ticketId}`
          : `ticket ${ticketId} is ${statusName(status)}`;
      return (
        `${state}; only the customer ${customer ?? "who opened it"} can ${action} it` +
        `${window === undefined ? "" : `, within ${formatDurationWords(window)} of resolution`}` +
        ` (${address(args, "caller")} is not its customer)`
      );
    }
    case "DeskNotParticipant":
      return `${address(args, "caller")} is neither the customer of ticket #${big(args, "ticketId")} nor staff of its merchant, so it cannot post on it`;
    case "DeskNotAnAgent":
      return `${address(args, "agent")} is not an agent of merchant #${big(args, "merchantId")}: add it first with \`merchant:agent ${big(args, "merchantId")} ${address(args, "agent")}\``;
    case "DeskInvalidTransition": {
      const ticketId = big(args, "ticketId");
      const status = Number(big(args, "status"));
      return `ticket ${ticketId} is ${statusName(status)}, so ${shortAddress(address(args, "caller"))} cannot ${action} it now: ${await ticketOptions(client, ticketId, status)}`;
    }
    case "DeskTicketAlreadyWorked":
      return `ticket #${big(args, "ticketId")} cannot be cancelled: an agent was assigned or answered already`;
    case "DeskInvalidPriority":
      return `priority ${big(args, "priority")} does not exist: use low, normal, high or urgent`;
    case "DeskInvalidPolicyTime": {
      const field = POLICY_FIELDS[Number(big(args, "field"))] ?? "a policy time";
      return `the ${field} of ${big(args, "value")} seconds is out of range: every policy time is between 1 second and 365 days`;
    }
    case "DeskAutoCloseBeforeReopenWindow": {
      const reopen = big(args, "reopenWindow");
      return `the auto-close delay of ${formatDurationWords(big(args, "autoCloseDelay"))} is shorter than the reopen window of ${formatDurationWords(reopen)}: anyone could close a resolved ticket while its customer may still reopen it; set \`--auto-close\` to at least ${formatDurationWords(reopen)}`;
    }
    case "DeskNoDeadlineMissed": {
      const dueAt = big(args, "dueAt");
      return `ticket #${big(args, "ticketId")} has missed no deadline yet: it can be escalated from ${formatTime(dueAt + 1n)} (${formatRelative(dueAt + 1n, now)})`;
    }
    case "DeskReopenWindowClosed":
      return `the reopen window of ticket #${big(args, "ticketId")} closed at ${formatTime(big(args, "closedAt"))}: open a new ticket instead (\`ticket:open\`)`;
    case "DeskAutoCloseNotDue":
      return `ticket #${big(args, "ticketId")} can be closed by anyone only from ${formatTime(big(args, "closableAt"))} (${formatRelative(big(args, "closableAt"), now)}); its customer can confirm it now`;
    case "DeskNothingToCompensate":
      return `ticket #${big(args, "ticketId")} has no missed deadline that is not compensated already (\`ticket:show ${big(args, "ticketId")}\` shows its deadlines)`;
    case "DeskSlaCompensationUnbacked": {
      const merchantId = big(args, "merchantId");
      const info = await token(client, address(args, "token"));
      const available = big(args, "available");
      const required = big(args, "required");
      return `merchant #${merchantId} holds ${formatAmount(available, info)} in reserve and this promise needs ${formatAmount(required, info)}: deposit ${formatAmount(required - available, info)} first (\`escrow:deposit ${merchantId} <amount> --token ${info.address === ZeroAddress ? "eth" : info.address}\`)`;
    }
    case "DeskNotEscrow":
    case "DeskEscrowBindingLocked":
    case "EscrowNotDesk":
      return "this function is wired between CareLedger's own contracts and cannot be called by an account";

    /* -------------------------------------------------------------- escrow */
    case "EscrowZeroAmount": {
      const tokenAddress = address(args, "token");
      const symbol =
        tokenAddress === ZeroAddress ? "ETH" : (await token(client, tokenAddress)).symbol;
      return `the amount must be more than 0 ${symbol === "units" ? `of token ${tokenAddress}` : symbol}`;
    }
    case "EscrowWrongValue":
      return `the ETH sent (${big(args, "value")} wei) must equal the amount (${big(args, "amount")} wei) for ETH, and be 0 for a token`;
    case "EscrowNothingReceived":
      return `the escrow received nothing from token ${address(args, "token")} (it took the whole transfer as a fee): use another token`;
    case "EscrowUnknownRefund": {
      const count =
        client === undefined ? undefined : await look(() => client.escrow.refundCount());
      return `refund #${big(args, "refundId")} does not exist on network "${context.networkName}"${count === undefined ? "" : existingIds(count, "refunds", "no refund was requested yet")}`;
    }
    case "EscrowUnknownOwedClaim":
      return `owed compensation claim #${big(args, "owedId")} does not exist`;
    case "InsufficientReserve": {
      const amount = (value: bigint): string =>
        context.token === undefined
          ? `${value} (smallest units)`
          : formatAmount(value, context.token);
      return `the merchant's reserve has only ${amount(big(args, "available"))} available and ${amount(big(args, "requested"))} was asked for: ask for less, or the merchant deposits more first (\`escrow:deposit\`)`;
    }
    case "EscrowNotArbiter":
      return `only merchant #${big(args, "merchantId")}'s arbiter ${address(args, "arbiter")} can rule on this dispute (${address(args, "caller")} is not)`;
    case "EscrowNoArbiter": {
      const merchantId = big(args, "merchantId");
      return `merchant #${merchantId} has no arbiter in its policy, so its refunds cannot be disputed; the merchant sets one with \`merchant:policy ${merchantId} --arbiter <address>\``;
    }
    case "EscrowTicketNotRefundable":
      return `ticket #${big(args, "ticketId")} is ${statusName(big(args, "status"))}: refunds need a ticket that was not cancelled`;
    case "EscrowInvalidRefundStatus": {
      const refundId = big(args, "refundId");
      const status = Number(big(args, "status")) as RefundStatus;
      const hints: Partial<Record<RefundStatus, string>> = {
        [RefundStatus.Requested]: `it waits for the merchant, who can approve or reject it until its deadline; after that anyone can execute it (\`refund:execute ${refundId}\`)`,
        [RefundStatus.Paid]: "it was paid already",
        [RefundStatus.Rejected]: `the customer can dispute it within the dispute window (\`refund:dispute ${refundId} "<reason>"\`), and until the rejection is final the merchant can still pay it (\`refund:approve ${refundId}\`)`,
        [RefundStatus.Disputed]: `the merchant's arbiter decides it now, unless the merchant concedes and pays it first (\`refund:approve ${refundId}\`)`,
        [RefundStatus.Cancelled]: "the customer cancelled it",
      };
      return `refund #${refundId} is ${refundStatusName(status)}, so it cannot be ${action === "do this to" ? "changed this way" : `${action}d`}: ${hints[status] ?? "nothing more can happen to it"}`;
    }
    case "EscrowResponseDeadlinePassed": {
      const refundId = big(args, "refundId");
      return `the merchant's time to answer refund #${refundId} ran out at ${formatTime(big(args, "deadline"))}: it can only be executed now (\`refund:execute ${refundId}\`), by anyone`;
    }
    case "EscrowResponseDeadlineNotReached": {
      const deadline = big(args, "deadline");
      return `refund #${big(args, "refundId")} can be executed only after ${formatTime(deadline)} (${formatRelative(deadline, now)}); until then the merchant may approve or reject it`;
    }
    case "EscrowDisputeWindowClosed":
      return `the dispute window of refund #${big(args, "refundId")} closed at ${formatTime(big(args, "deadline"))}: the rejection stands`;
    case "EscrowDisputeWindowOpen": {
      const deadline = big(args, "deadline");
      return `the customer may still dispute refund #${big(args, "refundId")} until ${formatTime(deadline)} (${formatRelative(deadline, now)}); the rejection can be finalized after that`;
    }
    case "EscrowNoCredit":
      return `${address(args, "account")} has no credit to withdraw in this token`;
    case "EscrowAmountTooLarge":
      return `the amount ${big(args, "amount")} is too large for the escrow's books (at most ${big(args, "max")})`;
    case "EscrowNoSlaCompensation": {
      const merchantId = big(args, "merchantId");
      return `merchant #${merchantId} offers no compensation for the deadlines ticket #${big(args, "ticketId")} missed (its admin sets some with \`merchant:sla ${merchantId}\`)`;
    }
    case "EscrowOwedNotCovered":
      return `owed claim #${big(args, "owedId")} is paid once the merchant's deposits reach ${big(args, "coveredAt")} (they are at ${big(args, "covered")})`;
    case "EscrowOwedAlreadyPaid":
      return `owed claim #${big(args, "owedId")} was paid already`;
    case "EscrowWithdrawUnbacksSla": {
      const info = await token(client, address(args, "token"));
      return `merchant #${big(args, "merchantId")} promised deadline compensation, so ${formatAmount(big(args, "required"), info)} must stay in its reserve: withdraw less, or lower the compensation first (\`merchant:sla\`)`;
    }

    case "EscrowIssueUnbacksSla": {
      const info = await token(client, address(args, "token"));
      return `merchant #${big(args, "merchantId")} promised deadline compensation, so ${formatAmount(big(args, "required"), info)} must stay in its reserve: issue less, or deposit more first (\`escrow:deposit\`)`;
    }
    case "EscrowOrderRefundExceeded": {
      const amount = (value: bigint): string =>
        context.token === undefined
          ? `${value} (smallest units)`
          : formatAmount(value, context.token);
      return `only ${amount(big(args, "left"))} of this order is left to refund (its receipt's amount less what its refunds locked or paid), and ${amount(big(args, "requested"))} was asked for: ask for at most what is left`;
    }
    case "EscrowWrongOrderToken": {
      const expected = await token(client, address(args, "expected"));
      return `ticket #${big(args, "ticketId")} was opened with a receipt for an order paid in ${expected.symbol}: its refunds are paid in ${expected.symbol} (\`--token ${expected.address === ZeroAddress ? "eth" : expected.address}\`)`;
    }
    case "EscrowAllowanceExceeded": {
      const info = await token(client, address(args, "token"));
      const merchantId = big(args, "merchantId");
      return `${address(args, "agent")} may pay out ${formatAmount(big(args, "left"), info)} more in this period and ${formatAmount(big(args, "requested"), info)} was asked for: the admin of merchant #${merchantId} can pay it, or raise the limit (\`merchant:allowance ${merchantId} <agent>\`)`;
    }
    case "EscrowInvalidAllowancePeriod":
      return `an allowance period must be 1 second to 365 days (${big(args, "period")} s was given)`;
    case "DeskReceiptRequired": {
      const merchantId = big(args, "merchantId");
      return `merchant #${merchantId} requires an order receipt for every ticket: open it with the receipt the shop gave you (\`ticket:open ${merchantId} "<message>" --receipt <file>\`)`;
    }
    case "DeskReceiptNotForCaller":
      return `this receipt is for ${address(args, "customer")}: only that account can open tickets with it (${address(args, "caller")} is not it)`;
    case "DeskReceiptExpired":
      return `the receipt allowed tickets until ${formatTime(big(args, "supportUntil"))}: its support period has ended`;
    case "DeskInvalidOrderRef":
      return "the receipt references no order (its orderRef is zero): ask the shop for a proper receipt";
    case "DeskNotOrderSigner": {
      const merchantId = big(args, "merchantId");
      return `the receipt was signed by ${address(args, "signer")}, which is not an order signer of merchant #${merchantId} (never named, revoked, or the receipt was altered after signing); its admin names signers with \`merchant:signer ${merchantId} <address>\``;
    }
    case "DeskInvalidReceiptSignature":
      return `the receipt's signature is not a valid signature of any order signer of merchant #${big(args, "merchantId")}: ask the shop for a new receipt`;
    case "DeskOrderTermsMismatch": {
      const info = await token(client, address(args, "token"));
      return `this order was first verified for ${formatAmount(big(args, "amount"), info)}: a receipt of the same order must carry the same token and amount`;
    }
    case "DeskInvalidOrderSigner":
      return "the order signer given is the zero address (0x000…0): give a real account";
    case "DeskTooManyTermsVersions":
      return `merchant #${big(args, "merchantId")} has changed its terms 65,535 times, the most a merchant can`;

    case "EscrowTransferFailed":
      return `the token refused to transfer ${big(args, "amount")} (smallest units) to ${address(args, "to")}: check the token and the balance`;
    case "EscrowTokenNotContract":
      return `${address(args, "token")} is not a contract on this network, so it is not an ERC-20 token: check --token`;
    case "EscrowRejectionFinal":
      return `the rejection of refund #${big(args, "refundId")} is final (its amount went back to the merchant's reserve): it can no longer be disputed or approved; the merchant can still refund the customer directly with \`issueRefund\``;

    /* ------------------------------------------------------------ feedback */
    case "FeedbackInvalidRating":
      return `a rating is 1 to 5 stars; ${big(args, "rating")} is not`;
    case "FeedbackTicketNotResolved":
      return `ticket #${big(args, "ticketId")} is ${statusName(big(args, "status"))}: feedback can be given once it is Resolved or Closed`;
    case "FeedbackAlreadyGiven": {
      const ticketId = big(args, "ticketId");
      return `ticket #${ticketId} already has feedback #${big(args, "feedbackId")}: amend it instead (\`feedback:give ${ticketId} <rating> --amend\`)`;
    }
    case "FeedbackUnknown":
      return `feedback #${big(args, "feedbackId")} does not exist`;
    case "FeedbackSuperseded":
      return `feedback #${big(args, "feedbackId")} was amended by #${big(args, "supersededBy")}: act on the current record`;
    case "FeedbackAlreadyReplied":
      return `feedback #${big(args, "feedbackId")} was answered already (a merchant replies once)`;
    case "FeedbackEmptyReply":
      return `a reply to feedback #${big(args, "feedbackId")} needs a text`;
    case "FeedbackTooManyAmendments":
      return `the feedback of ticket #${big(args, "ticketId")} was amended ${big(args, "max")} times, the most allowed`;

    /* ----------------------------------------------------------- forwarder */
    case "ERC2771ForwarderExpiredRequest":
      return `the signed request expired at ${formatTime(big(args, "deadline"))}: sign a new one`;
    case "ERC2771ForwarderInvalidSigner":
      return `the request was signed by ${address(args, "signer")}, not by ${address(args, "from")}: sign it with the right account`;
    case "ERC2771ForwarderMismatchedValue":
      return "the relayer must send exactly the value the signed request names";
    case "ERC2771UntrustfulTarget":
      return `${address(args, "target")} does not trust this forwarder, so it cannot be called gaslessly through it`;

    default:
      return `${decoded.contract} refused: ${decoded.name}`;
  }
}
