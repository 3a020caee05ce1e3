/**
 * `careledger`: typed bindings, ABIs, deployed addresses, commitment helpers and a small client SDK
 * (ethers v6) for CareLedger's contracts. Knows nothing of Hardhat.
 */
export * from "./bindings.js";
export * from "./abis.js";
export {
  addressesFor,
  addressesFromIgnition,
  deployments,
  type CareLedgerAddresses,
} from "./addresses.js";
export {
  commitmentOf,
  contentDigestOf,
  isBytes32,
  makeCommitment,
  verifyCommitment,
  type Commitment,
} from "./commitments.js";
export {
  PRIORITY_NAMES,
  RefundStatus,
  TICKET_STATUS_NAMES,
  TicketStatus,
  toTicketStatus,
  type PriorityName,
} from "./enums.js";
export {
  connect,
  type CareLedgerClient,
  type ConnectOptions,
  type LogReadOptions,
} from "./client.js";
export type { IndexerOptions } from "./indexer.js";

export {
  customerTickets,
  merchantQueue,
  type TicketListOptions,
  type TicketSummary,
} from "./tickets.js";
export { merchantRefunds, type MerchantRefund, type RefundListOptions } from "./refunds.js";
export { ticketTimeline, type TimelineEntry, type TimelineKind } from "./timeline.js";
export {
  merchantReport,
  type CompensationTokenReport,
  type MerchantReport,
  type RefundTokenReport,
} from "./report.js";
export {
  FORWARD_REQUEST_TYPES,
  forwarderDomain,
  forwarderDomainFor,
  relay,
  signForwardRequest,
  signForwardRequestFor,
  type ForwardRequestData,
  type ForwardRequestOptions,
  type RelayOptions,
  type RelayUrlOptions,
} from "./relay.js";
export {
  ORDER_RECEIPT_TYPES,
  contractSignature,
  encodeOrderReceipt,
  hashOrderReceipt,
  orderReceiptDomain,
  orderReceiptFromJson,
  orderReceiptToJson,
  signOrderReceipt,
  verifyOrderReceipt,
  type OrderReceipt,
  type ReceiptVerification,
  type SignedOrderReceipt,
} from "./receipts.js";
export { agentAllowance, setAgentAllowance, type AgentAllowance } from "./allowances.js";
export { CareLedgerError } from "./error.js";
export { decodeRevert, type CareLedgerContractName, type DecodedRevert } from "./revert.js";
