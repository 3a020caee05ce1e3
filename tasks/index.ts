/**
 * CareLedger's Hardhat tasks, for merchants, customers, arbiters and anyone, and one to move a local
 * chain's clock. Registered in hardhat.config.ts
 * (`tasks: careLedgerTasks`), listed by `npx hardhat --help`, run on any network with `--network`.
 * Each action is imported only when its task runs, so the config stays fast to load and loads before
 * anything is compiled: this file must import nothing from the package (src/) or the bindings.
 */
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";
import type { NewTaskDefinitionBuilder, TaskArguments, TaskDefinition } from "hardhat/types/tasks";

import { DEFAULT_COMMITMENTS_FILE } from "./lib/defaults.js";
import { lazyAction } from "./lib/load.js";

/** The options every CareLedger task has: the signing account, the addresses, confirmations. */
function withAccount<ArgsT extends TaskArguments>(builder: NewTaskDefinitionBuilder<ArgsT>) {
  return builder
    .addOption({
      name: "from",
      description: "Account that signs: an address or an index into the network's accounts",
      defaultValue: "",
    })
    .addOption({
      name: "addresses",
      description:
        "CareLedger's addresses: a deployed_addresses.json or inline JSON; default: what Ignition recorded for the chain",
      defaultValue: "",
    })
    .addOption({
      name: "confirmations",
      description: "Confirmations to wait for",
      type: ArgumentType.INT,
      defaultValue: 1,
    });
}

/** The option of tasks that turn texts into commitments. */
function withCommitments<ArgsT extends TaskArguments>(builder: NewTaskDefinitionBuilder<ArgsT>) {
  return builder.addOption({
    name: "commitments",
    description: "File keeping each text and its salt, so you can prove what you wrote",
    defaultValue: DEFAULT_COMMITMENTS_FILE,
  });
}

/** Read-only tasks: addresses and where to start reading logs. */
function withReading<ArgsT extends TaskArguments>(builder: NewTaskDefinitionBuilder<ArgsT>) {
  return builder
    .addOption({
      name: "addresses",
      description:
        "CareLedger's addresses: a deployed_addresses.json or inline JSON; default: what Ignition recorded for the chain",
      defaultValue: "",
    })
    .addOption({
      name: "fromBlock",
      description:
        "First block to read events from (default: the SDK's; set it if your RPC limits log ranges)",
      type: ArgumentType.INT,
      defaultValue: 0,
    });
}

const tokenOption = {
  name: "token",
  description: 'Token: "eth" or an ERC-20 address',
  defaultValue: "eth",
} as const;

/**
 * `--relayer`, on every task a customer may run: every customer call can be gasless (the customer
 * signs an ERC-2771 request, the relayer submits it through CareLedger's forwarder and pays the gas).
 */
const relayerOption = {
  name: "relayer",
  description:
    "Send it gaslessly: --from signs, this account (address or index) relays it and pays the gas",
  defaultValue: "",
} as const;

/* ------------------------------------------------------------------------------------------------
 * merchant
 * --------------------------------------------------------------------------------------------- */

const merchantRegister = withCommitments(
  withAccount(
    task("merchant:register", "[merchant] Register a merchant (with the default policy)"),
  ),
)
  .addOption({
    name: "admin",
    description: "Its admin (default: the signing account)",
    defaultValue: "",
  })
  .addOption({
    name: "profile",
    description: "Public profile text, committed on chain",
    defaultValue: "",
  })
  .setAction(lazyAction("merchant:register", () => import("./actions/merchant-register.js")))
  .build();

const merchantAgent = withAccount(
  task("merchant:agent", "[merchant] Add (or --remove) a support agent; admin only"),
)
  .addPositionalArgument({ name: "merchantId", description: "The merchant's id" })
  .addPositionalArgument({ name: "agent", description: "The agent's address" })
  .addFlag({ name: "remove", description: "Take the agent role away instead" })
  .setAction(lazyAction("merchant:agent", () => import("./actions/merchant-agent.js")))
  .build();

const merchantPolicy = withAccount(
  task("merchant:policy", "[merchant] Show the service policy, or change parts of it; admin only"),
)
  .addPositionalArgument({ name: "merchantId", description: "The merchant's id" })
  .addOption({
    name: "firstResponse",
    description: "First reply within (e.g. 4h)",
    defaultValue: "",
  })
  .addOption({ name: "resolution", description: "Resolution within (e.g. 3d)", defaultValue: "" })
  .addOption({
    name: "reopenWindow",
    description: "Customers may reopen within (e.g. 7d)",
    defaultValue: "",
  })
  .addOption({
    name: "autoClose",
    description: "Anyone may close a resolved ticket after (at least the reopen window)",
    defaultValue: "",
  })
  .addOption({
    name: "refundResponse",
    description: "Time to answer a refund request",
    defaultValue: "",
  })
  .addOption({
    name: "disputeWindow",
    description: "Customers may dispute a rejection within",
    defaultValue: "",
  })
  .addOption({
    name: "arbiter",
    description: 'Arbiter of disputes (an address, or "none")',
    defaultValue: "",
  })
  .setAction(lazyAction("merchant:policy", () => import("./actions/merchant-policy.js")))
  .build();

const merchantSla = withAccount(
  task(
    "merchant:sla",
    "[merchant] Promise compensation for missed deadlines, paid from the reserve; admin only",
  ),
)
  .addPositionalArgument({ name: "merchantId", description: "The merchant's id" })
  .addOption(tokenOption)
  .addOption({
    name: "firstResponse",
    description: "Paid when a first reply is late",
    defaultValue: "0",
  })
  .addOption({
    name: "resolution",
    description: "Paid when a resolution is late",
    defaultValue: "0",
  })
  .addFlag({
    name: "autoPay",
    description: "Pay in the transaction that records the miss, unclaimed",
  })
  .setAction(lazyAction("merchant:sla", () => import("./actions/merchant-sla.js")))
  .build();

const merchantSigner = withAccount(
  task(
    "merchant:signer",
    "[merchant] Accept (or revoke) an order signer whose receipts open verified tickets; admin only",
  ),
)
  .addPositionalArgument({ name: "merchantId", description: "The merchant's id" })
  .addPositionalArgument({
    name: "signer",
    description: "The checkout's signing address (an EOA or an ERC-1271 contract such as a Safe)",
  })
  .addFlag({ name: "remove", description: "Revoke the signer instead" })
  .addOption({
    name: "requireReceipts",
    description: '"yes" to require a receipt for every ticket, "no" to stop requiring one',
    defaultValue: "",
  })
  .setAction(lazyAction("merchant:signer", () => import("./actions/merchant-signer.js")))
  .build();

const merchantReceipt = withCommitments(
  withAccount(
    task(
      "merchant:receipt",
      "[merchant] Sign an order receipt (as a shop's checkout does) and write it to a JSON file; nothing goes on chain",
    ),
  ),
)
  .addPositionalArgument({ name: "merchantId", description: "The merchant's id" })
  .addOption({ name: "customer", description: "Who may open tickets with it", defaultValue: "" })
  .addOption({
    name: "order",
    description: "The order's reference (kept private: committed)",
    defaultValue: "",
  })
  .addOption({
    name: "items",
    description: "What was sold: serial numbers, batch ids (kept private: committed)",
    defaultValue: "",
  })
  .addOption({ name: "amount", description: "What the customer paid", defaultValue: "0" })
  .addOption(tokenOption)
  .addOption({
    name: "support",
    description: "How long tickets may be opened with it (e.g. 30d)",
    defaultValue: "30d",
  })
  .addOption({
    name: "out",
    description: "Where to write it (default: receipts/receipt-<merchant>-<order>.json)",
    defaultValue: "",
  })
  .setAction(lazyAction("merchant:receipt", () => import("./actions/merchant-receipt.js")))
  .build();

const merchantAllowance = withAccount(
  task(
    "merchant:allowance",
    "[merchant] Limit what an agent may pay out in refunds per period (above it the admin approves); admin only",
  ),
)
  .addPositionalArgument({ name: "merchantId", description: "The merchant's id" })
  .addPositionalArgument({ name: "agent", description: "The agent's address" })
  .addOption(tokenOption)
  .addOption({ name: "limit", description: "What it may pay per period", defaultValue: "0" })
  .addOption({ name: "period", description: "The period (e.g. 1d, 12h)", defaultValue: "1d" })
  .addFlag({ name: "remove", description: "Remove the limit" })
  .setAction(lazyAction("merchant:allowance", () => import("./actions/merchant-allowance.js")))
  .build();

const escrowDeposit = withAccount(
  task("escrow:deposit", "[merchant] Fund a merchant's refund reserve"),
)
  .addPositionalArgument({ name: "merchantId", description: "The merchant's id" })
  .addPositionalArgument({
    name: "amount",
    description: "Amount, e.g. 0.5 (in ETH or whole tokens)",
  })
  .addOption(tokenOption)
  .setAction(lazyAction("escrow:deposit", () => import("./actions/escrow-deposit.js")))
  .build();

const escrowWithdraw = withAccount(
  task("escrow:withdraw", "[merchant] Take unlocked funds out of the reserve; admin only"),
)
  .addPositionalArgument({ name: "merchantId", description: "The merchant's id" })
  .addPositionalArgument({ name: "amount", description: "Amount, e.g. 0.5" })
  .addOption(tokenOption)
  .addOption({
    name: "to",
    description: "Recipient (default: the signing account)",
    defaultValue: "",
  })
  .setAction(lazyAction("escrow:withdraw", () => import("./actions/escrow-withdraw.js")))
  .build();

const refundApprove = withCommitments(
  withAccount(
    task(
      "refund:approve",
      "[merchant] Approve a refund request, or concede a rejected or disputed one: the customer is paid at once",
    ),
  ),
)
  .addPositionalArgument({ name: "refundId", description: "The refund's id" })
  .addOption({
    name: "resolve",
    description: "Also resolve the ticket, with this note",
    defaultValue: "",
  })
  .setAction(lazyAction("refund:approve", () => import("./actions/refund-approve.js")))
  .build();

const refundReject = withCommitments(
  withAccount(
    task("refund:reject", "[merchant] Reject a refund request (the customer may dispute it)"),
  ),
)
  .addPositionalArgument({ name: "refundId", description: "The refund's id" })
  .addPositionalArgument({ name: "reason", description: "Why (committed on chain)" })
  .setAction(lazyAction("refund:reject", () => import("./actions/refund-reject.js")))
  .build();

const ticketResolve = withCommitments(
  withAccount(task("ticket:resolve", "[merchant] Resolve a ticket; staff only")),
)
  .addPositionalArgument({ name: "ticketId", description: "The ticket's id" })
  .addPositionalArgument({
    name: "resolution",
    description: "Resolution note (committed on chain)",
    defaultValue: "",
  })
  .setAction(lazyAction("ticket:resolve", () => import("./actions/ticket-resolve.js")))
  .build();

const merchantTransfer = withAccount(
  task(
    "merchant:transfer",
    "[merchant] Offer the merchant's admin role to another account (it accepts with merchant:accept); admin only",
  ),
)
  .addPositionalArgument({ name: "merchantId", description: "The merchant's id" })
  .addPositionalArgument({ name: "newAdmin", description: "The new admin's address" })
  .setAction(lazyAction("merchant:transfer", () => import("./actions/merchant-transfer.js")))
  .build();

const merchantAccept = withAccount(
  task("merchant:accept", "[merchant] Accept the admin role offered to you (--from)"),
)
  .addPositionalArgument({ name: "merchantId", description: "The merchant's id" })
  .setAction(lazyAction("merchant:accept", () => import("./actions/merchant-accept.js")))
  .build();

const ticketAssign = withAccount(
  task("ticket:assign", "[merchant] Assign a ticket to an agent; staff only"),
)
  .addPositionalArgument({ name: "ticketId", description: "The ticket's id" })
  .addPositionalArgument({
    name: "agent",
    description: "The agent's address (default: the signing account)",
    defaultValue: "",
  })
  .setAction(lazyAction("ticket:assign", () => import("./actions/ticket-assign.js")))
  .build();

const ticketAwait = withCommitments(
  withAccount(
    task(
      "ticket:await",
      "[merchant] Wait for the customer (InProgress -> AwaitingCustomer); staff only",
    ),
  ),
)
  .addPositionalArgument({ name: "ticketId", description: "The ticket's id" })
  .addPositionalArgument({
    name: "note",
    description: "What you asked the customer (committed on chain)",
    defaultValue: "",
  })
  .setAction(lazyAction("ticket:await", () => import("./actions/ticket-await.js")))
  .build();

const refundIssue = withCommitments(
  withAccount(
    task(
      "refund:issue",
      "[merchant] Refund a ticket's customer at once from the reserve (a processed return); staff only",
    ),
  ),
)
  .addPositionalArgument({ name: "ticketId", description: "The ticket (and so the customer)" })
  .addPositionalArgument({ name: "amount", description: "Amount, e.g. 0.05" })
  .addPositionalArgument({ name: "reason", description: "Why (committed on chain)" })
  .addOption(tokenOption)
  .addFlag({ name: "resolve", description: "Also resolve the ticket" })
  .setAction(lazyAction("refund:issue", () => import("./actions/refund-issue.js")))
  .build();

const feedbackReply = withCommitments(
  withAccount(task("feedback:reply", "[merchant] Answer a customer's feedback, once; staff only")),
)
  .addPositionalArgument({ name: "feedbackId", description: "The feedback's id" })
  .addPositionalArgument({ name: "reply", description: "The reply (committed on chain)" })
  .setAction(lazyAction("feedback:reply", () => import("./actions/feedback-reply.js")))
  .build();

/* ------------------------------------------------------------------------------------------------
 * customer
 * --------------------------------------------------------------------------------------------- */

const ticketOpen = withCommitments(
  withAccount(task("ticket:open", "[customer] Open a support ticket")),
)
  .addPositionalArgument({ name: "merchantId", description: "The merchant's id" })
  .addPositionalArgument({ name: "message", description: "What it is about (committed on chain)" })
  .addOption({
    name: "order",
    description: "Order reference (committed on chain)",
    defaultValue: "",
  })
  .addOption({
    name: "priority",
    description: "low, normal, high or urgent",
    defaultValue: "normal",
  })
  .addOption(relayerOption)
  .addOption({
    name: "receipt",
    description:
      "An order receipt file from the shop (JSON): opens a verified ticket for that order",
    defaultValue: "",
  })
  .setAction(lazyAction("ticket:open", () => import("./actions/ticket-open.js")))
  .build();

const ticketMessage = withCommitments(
  withAccount(task("ticket:message", "[customer] Post a message on a ticket (staff may too)")),
)
  .addPositionalArgument({ name: "ticketId", description: "The ticket's id" })
  .addPositionalArgument({ name: "message", description: "The message (committed on chain)" })
  .addOption(relayerOption)
  .setAction(lazyAction("ticket:message", () => import("./actions/ticket-message.js")))
  .build();

const ticketConfirm = withAccount(
  task("ticket:confirm", "[customer] Confirm a resolution: the ticket closes"),
)
  .addPositionalArgument({ name: "ticketId", description: "The ticket's id" })
  .addOption(relayerOption)
  .setAction(lazyAction("ticket:confirm", () => import("./actions/ticket-confirm.js")))
  .build();

const ticketReopen = withCommitments(
  withAccount(
    task("ticket:reopen", "[customer] Reopen a resolved ticket, within the reopen window"),
  ),
)
  .addPositionalArgument({ name: "ticketId", description: "The ticket's id" })
  .addPositionalArgument({ name: "reason", description: "Why (committed on chain)" })
  .addOption(relayerOption)
  .setAction(lazyAction("ticket:reopen", () => import("./actions/ticket-reopen.js")))
  .build();

const refundRequest = withCommitments(
  withAccount(
    task("refund:request", "[customer] Ask for a refund; it is locked in the reserve at once"),
  ),
)
  .addPositionalArgument({ name: "ticketId", description: "The ticket (and so the order)" })
  .addPositionalArgument({ name: "amount", description: "Amount, e.g. 0.05" })
  .addPositionalArgument({ name: "reason", description: "Why (committed on chain)" })
  .addOption(tokenOption)
  .addOption(relayerOption)
  .setAction(lazyAction("refund:request", () => import("./actions/refund-request.js")))
  .build();

const refundExecute = withAccount(
  task(
    "refund:execute",
    "[customer] Pay out a refund the merchant left unanswered past its deadline",
  ),
)
  .addPositionalArgument({ name: "refundId", description: "The refund's id" })
  .addOption(relayerOption)
  .setAction(lazyAction("refund:execute", () => import("./actions/refund-execute.js")))
  .build();

const refundDispute = withCommitments(
  withAccount(
    task("refund:dispute", "[customer] Dispute a rejected refund before the merchant's arbiter"),
  ),
)
  .addPositionalArgument({ name: "refundId", description: "The refund's id" })
  .addPositionalArgument({ name: "reason", description: "Why (committed on chain)" })
  .addOption(relayerOption)
  .setAction(lazyAction("refund:dispute", () => import("./actions/refund-dispute.js")))
  .build();

const feedbackGive = withCommitments(
  withAccount(
    task("feedback:give", "[customer] Rate a resolved ticket 1-5 (or --amend your rating)"),
  ),
)
  .addPositionalArgument({ name: "ticketId", description: "The ticket's id" })
  .addPositionalArgument({ name: "rating", description: "1 to 5 stars", type: ArgumentType.INT })
  .addPositionalArgument({
    name: "comment",
    description: "Comment (committed on chain)",
    defaultValue: "",
  })
  .addFlag({ name: "amend", description: "Supersede your earlier feedback on this ticket" })
  .addOption(relayerOption)
  .setAction(lazyAction("feedback:give", () => import("./actions/feedback-give.js")))
  .build();

const ticketEscalate = withCommitments(
  withAccount(
    task("ticket:escalate", "[customer] Escalate a ticket once the merchant missed a deadline"),
  ),
)
  .addPositionalArgument({ name: "ticketId", description: "The ticket's id" })
  .addPositionalArgument({ name: "reason", description: "Why (committed on chain)" })
  .addOption(relayerOption)
  .setAction(lazyAction("ticket:escalate", () => import("./actions/ticket-escalate.js")))
  .build();

const ticketCancel = withAccount(
  task("ticket:cancel", "[customer] Cancel your ticket while it is Open and nobody worked on it"),
)
  .addPositionalArgument({ name: "ticketId", description: "The ticket's id" })
  .addOption(relayerOption)
  .setAction(lazyAction("ticket:cancel", () => import("./actions/ticket-cancel.js")))
  .build();

const refundCancel = withAccount(
  task(
    "refund:cancel",
    "[customer] Withdraw your refund request while the merchant has not answered",
  ),
)
  .addPositionalArgument({ name: "refundId", description: "The refund's id" })
  .addOption(relayerOption)
  .setAction(lazyAction("refund:cancel", () => import("./actions/refund-cancel.js")))
  .build();

/* ------------------------------------------------------------------------------------------------
 * arbiter
 * --------------------------------------------------------------------------------------------- */

const refundRule = withAccount(
  task(
    "refund:rule",
    "[arbiter] Rule on a disputed refund: pay the customer, or release it to the merchant",
  ),
)
  .addPositionalArgument({ name: "refundId", description: "The refund's id" })
  .addPositionalArgument({
    name: "decision",
    description: '"customer" (pay the refund) or "merchant" (release it to the reserve)',
  })
  .setAction(lazyAction("refund:rule", () => import("./actions/refund-rule.js")))
  .build();

/* ------------------------------------------------------------------------------------------------
 * anyone
 * --------------------------------------------------------------------------------------------- */

const ticketShow = withReading(
  task("ticket:show", "[anyone] Show a ticket, its deadlines and its timeline rebuilt from events"),
)
  .addPositionalArgument({ name: "ticketId", description: "The ticket's id" })
  .setAction(lazyAction("ticket:show", () => import("./actions/ticket-show.js")))
  .build();

const merchantReport = withReading(
  task(
    "merchant:report",
    "[anyone] A merchant's report: tickets, service levels, refunds, ratings",
  ),
)
  .addPositionalArgument({ name: "merchantId", description: "The merchant's id" })
  .setAction(lazyAction("merchant:report", () => import("./actions/merchant-report.js")))
  .build();

const slaClaim = withAccount(
  task(
    "sla:claim",
    "[anyone] Claim a ticket's compensation for missed deadlines (paid to its customer)",
  ),
)
  .addPositionalArgument({ name: "ticketId", description: "The ticket's id" })
  .addOption(relayerOption)
  .setAction(lazyAction("sla:claim", () => import("./actions/sla-claim.js")))
  .build();

const ticketClose = withAccount(
  task(
    "ticket:close",
    "[anyone] Close a ticket left Resolved past the merchant's auto-close delay",
  ),
)
  .addPositionalArgument({ name: "ticketId", description: "The ticket's id" })
  .addOption(relayerOption)
  .setAction(lazyAction("ticket:close", () => import("./actions/ticket-close.js")))
  .build();

const refundFinalize = withAccount(
  task(
    "refund:finalize",
    "[anyone] Make a rejection final once its dispute window has passed: the lock returns to the reserve",
  ),
)
  .addPositionalArgument({ name: "refundId", description: "The refund's id" })
  .addOption(relayerOption)
  .setAction(lazyAction("refund:finalize", () => import("./actions/refund-finalize.js")))
  .build();

const slaSettle = withAccount(
  task(
    "sla:settle",
    "[anyone] Pay an owed compensation claim once the merchant's deposits cover it",
  ),
)
  .addPositionalArgument({ name: "owedId", description: "The owed claim's id" })
  .addOption(relayerOption)
  .setAction(lazyAction("sla:settle", () => import("./actions/sla-settle.js")))
  .build();

const creditWithdraw = withAccount(
  task(
    "credit:withdraw",
    "[anyone] Withdraw your credit: a payment your address refused, kept for you by the escrow",
  ),
)
  .addOption(tokenOption)
  .addOption({
    name: "to",
    description: "Send it to this address (default: the signing account)",
    defaultValue: "",
  })
  .addOption(relayerOption)
  .setAction(lazyAction("credit:withdraw", () => import("./actions/credit-withdraw.js")))
  .build();

/* ------------------------------------------------------------------------------------------------
 * local development chain
 * --------------------------------------------------------------------------------------------- */

const timeAdvance = task(
  "time:advance",
  "[local] Move a local development chain's clock forward and mine a block (to pass deadlines)",
)
  .addPositionalArgument({
    name: "duration",
    description: "How far: seconds, or a number with s, m, h, d or w (e.g. 2h, 3d)",
  })
  .setAction(lazyAction("time:advance", () => import("./actions/time-advance.js")))
  .build();

/** Every CareLedger task, for the config's `tasks`. */
export const careLedgerTasks: TaskDefinition[] = [
  merchantRegister,
  merchantAgent,
  merchantPolicy,
  merchantSla,
  merchantSigner,
  merchantReceipt,
  merchantAllowance,
  escrowDeposit,
  escrowWithdraw,
  refundApprove,
  refundReject,
  ticketResolve,
  merchantTransfer,
  merchantAccept,
  ticketAssign,
  ticketAwait,
  refundIssue,
  feedbackReply,
  ticketOpen,
  ticketMessage,
  ticketConfirm,
  ticketReopen,
  refundRequest,
  refundExecute,
  refundDispute,
  feedbackGive,
  ticketEscalate,
  ticketCancel,
  refundCancel,
  refundRule,
  ticketShow,
  merchantReport,
  slaClaim,
  ticketClose,
  refundFinalize,
  slaSettle,
  creditWithdraw,
  timeAdvance,
];
