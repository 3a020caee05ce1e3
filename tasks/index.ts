/**
 * CareLedger's Hardhat tasks, for merchants, customers and anyone. Registered in hardhat.config.ts
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
  .addOption({
    name: "relayer",
    description: "Open it gaslessly: this account (address or index) relays and pays the gas",
    defaultValue: "",
  })
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
  .setAction(lazyAction("ticket:message", () => import("./actions/ticket-message.js")))
  .build();

const ticketConfirm = withAccount(
  task("ticket:confirm", "[customer] Confirm a resolution: the ticket closes"),
)
  .addPositionalArgument({ name: "ticketId", description: "The ticket's id" })
  .setAction(lazyAction("ticket:confirm", () => import("./actions/ticket-confirm.js")))
  .build();

const ticketReopen = withCommitments(
  withAccount(
    task("ticket:reopen", "[customer] Reopen a resolved ticket, within the reopen window"),
  ),
)
  .addPositionalArgument({ name: "ticketId", description: "The ticket's id" })
  .addPositionalArgument({ name: "reason", description: "Why (committed on chain)" })
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
  .setAction(lazyAction("refund:request", () => import("./actions/refund-request.js")))
  .build();

const refundExecute = withAccount(
  task(
    "refund:execute",
    "[customer] Pay out a refund the merchant left unanswered past its deadline",
  ),
)
  .addPositionalArgument({ name: "refundId", description: "The refund's id" })
  .setAction(lazyAction("refund:execute", () => import("./actions/refund-execute.js")))
  .build();

const refundDispute = withCommitments(
  withAccount(
    task("refund:dispute", "[customer] Dispute a rejected refund before the merchant's arbiter"),
  ),
)
  .addPositionalArgument({ name: "refundId", description: "The refund's id" })
  .addPositionalArgument({ name: "reason", description: "Why (committed on chain)" })
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
  .setAction(lazyAction("feedback:give", () => import("./actions/feedback-give.js")))
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
  .setAction(lazyAction("sla:claim", () => import("./actions/sla-claim.js")))
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
  ticketOpen,
  ticketMessage,
  ticketConfirm,
  ticketReopen,
  refundRequest,
  refundExecute,
  refundDispute,
  feedbackGive,
  ticketShow,
  merchantReport,
  slaClaim,
];
