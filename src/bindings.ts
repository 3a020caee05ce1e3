/**
 * TypeChain (ethers v6) bindings of CareLedger's production contracts, generated at build time. Test
 * contracts and mocks are never part of the package.
 */
export type {
  SupportDesk,
  SupportDeskInterface,
} from "./generated/typechain/contracts/SupportDesk.js";
export type {
  RefundEscrow,
  RefundEscrowInterface,
} from "./generated/typechain/contracts/RefundEscrow.js";
export type {
  FeedbackAttestations,
  FeedbackAttestationsInterface,
} from "./generated/typechain/contracts/FeedbackAttestations.js";
export type {
  ISupportDesk,
  ISupportDeskInterface,
} from "./generated/typechain/contracts/interfaces/ISupportDesk.js";
export type {
  IRefundEscrow,
  IRefundEscrowInterface,
} from "./generated/typechain/contracts/interfaces/IRefundEscrow.js";
export type {
  IFeedbackAttestations,
  IFeedbackAttestationsInterface,
} from "./generated/typechain/contracts/interfaces/IFeedbackAttestations.js";
export type {
  ERC2771Forwarder,
  ERC2771ForwarderInterface,
} from "./generated/typechain/@openzeppelin/contracts/metatx/ERC2771Forwarder.js";
export type {
  TypedContractEvent,
  TypedContractMethod,
  TypedDeferredTopicFilter,
  TypedEventLog,
  TypedListener,
  TypedLogDescription,
} from "./generated/typechain/common.js";

export { SupportDesk__factory } from "./generated/typechain/factories/contracts/SupportDesk__factory.js";
export { RefundEscrow__factory } from "./generated/typechain/factories/contracts/RefundEscrow__factory.js";
export { FeedbackAttestations__factory } from "./generated/typechain/factories/contracts/FeedbackAttestations__factory.js";
export { ISupportDesk__factory } from "./generated/typechain/factories/contracts/interfaces/ISupportDesk__factory.js";
export { IRefundEscrow__factory } from "./generated/typechain/factories/contracts/interfaces/IRefundEscrow__factory.js";
export { IFeedbackAttestations__factory } from "./generated/typechain/factories/contracts/interfaces/IFeedbackAttestations__factory.js";
export { ERC2771Forwarder__factory } from "./generated/typechain/factories/@openzeppelin/contracts/metatx/ERC2771Forwarder__factory.js";
