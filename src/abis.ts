/**
 * The ABIs of CareLedger's contracts as `as const` literals (`careledger/abis` imports nothing else,
 * so viem and wagmi users get full types without ethers).
 */
export {
  erc2771ForwarderAbi,
  feedbackAttestationsAbi,
  iFeedbackAttestationsAbi,
  iRefundEscrowAbi,
  iSupportDeskAbi,
  refundEscrowAbi,
  supportDeskAbi,
} from "./generated/abis.js";
