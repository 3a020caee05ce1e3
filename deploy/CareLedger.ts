import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * CareLedger: one ERC-2771 forwarder that the three contracts trust, the support desk, the refund
 * escrow and the feedback attestations, wired together.
 *
 * Parameters (see `deploy/parameters.json`):
 * - `defaultArbiter`: the arbiter new merchants get in their default policy. `address(0)` (the
 *   default) means new merchants have no arbiter until they set one, so their refunds cannot be
 *   disputed, and `disputeRefund` says so (`EscrowNoArbiter`).
 */
export default buildModule("CareLedger", (m) => {
  const defaultArbiter = m.getParameter(
    "defaultArbiter",
    "0x0000000000000000000000000000000000000000",
  );

  // OpenZeppelin's forwarder; its EIP-712 domain name is what relayers and wallets sign against.
  const forwarder = m.contract("ERC2771Forwarder", ["CareLedger"], { id: "Forwarder" });

  const desk = m.contract("SupportDesk", [forwarder, defaultArbiter], { id: "SupportDesk" });
  // Fully qualified: OpenZeppelin 4's RefundEscrow (a gas benchmark reference) has the same name.
  const escrow = m.contract("contracts/RefundEscrow.sol:RefundEscrow", [desk, forwarder], {
    id: "RefundEscrow",
  });
  const feedback = m.contract("FeedbackAttestations", [desk, forwarder], {
    id: "FeedbackAttestations",
  });

  // The desk lets only this escrow resolve tickets on payment and consume missed deadlines.
  m.call(desk, "bindEscrow", [escrow], { id: "BindEscrow" });

  return { forwarder, desk, escrow, feedback };
});
