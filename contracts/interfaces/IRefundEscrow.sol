// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISupportDesk} from "./ISupportDesk.sol";

/// @title IRefundEscrow
/// @notice Merchant-funded refund reserves per token (ETH as `address(0)`, any ERC-20), refunds locked
/// on request and paid on approval, on the merchant's silence, or on an arbiter's ruling, and deadline
/// compensation paid from the same reserves. Nothing is ever lost: for every token the escrow holds at
/// least the sum of available reserves, locked refunds, unpaid credits and covered-but-unpaid owed
/// compensation.
interface IRefundEscrow {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice A refund's state.
    enum RefundStatus {
        None,
        Requested,
        Paid,
        Rejected,
        Disputed,
        Cancelled
    }

    /// @notice A refund as the views return it.
    /// @param ticketId The ticket (and so the order) it refunds.
    /// @param merchantId The merchant whose reserve pays it.
    /// @param customer Who is paid (the ticket's customer).
    /// @param token The ERC-20 paid, or `address(0)` for ETH.
    /// @param amount The amount locked and paid.
    /// @param status Its state.
    /// @param deadline While `Requested`: the merchant's response deadline (the last second at which it
    /// may approve or reject; anyone may execute the refund after it). While `Rejected`: the last second
    /// of the dispute window, or 0 once the rejection is final and the lock went back to the reserve.
    /// Otherwise 0.
    /// @param termsVersion The merchant's terms version when it was requested (its dispute window and
    /// arbiter apply to it, whatever the merchant changes later).
    struct Refund {
        uint256 ticketId;
        uint32 merchantId;
        address customer;
        address token;
        uint256 amount;
        RefundStatus status;
        uint64 deadline;
        uint16 termsVersion;
    }

    /// @notice What an agent may pay out of a merchant's reserve in one token per period.
    /// @param limited Whether a limit is set (otherwise the agent is not limited).
    /// @param limit What the agent may pay per period (issued refunds and approvals together).
    /// @param period The period's length in seconds; a period starts with the first payout after the
    /// previous one ended.
    /// @param spent What the agent paid in the running period.
    /// @param periodEndsAt When the running period ends (0 if none is running).
    struct RefundAllowance {
        bool limited;
        uint256 limit;
        uint32 period;
        uint256 spent;
        uint64 periodEndsAt;
    }

    /// @notice A deadline compensation the reserve could not cover when it was claimed.
    /// @param ticketId The ticket whose deadline was missed.
    /// @param merchantId The merchant who owes it.
    /// @param customer Who is owed.
    /// @param token What is owed.
    /// @param amount How much.
    /// @param coveredAt The merchant's cumulative owed total at which this claim is fully covered.
    /// @param paid Whether it was paid.
    struct OwedClaim {
        uint256 ticketId;
        uint32 merchantId;
        address customer;
        address token;
        uint256 amount;
        uint256 coveredAt;
        bool paid;
    }

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice An amount of `token` (`address(0)` for ETH) was 0: deposits, withdrawals and refunds move
    /// a positive amount.
    error EscrowZeroAmount(address token);
    /// @notice `to` cannot receive a withdrawal (it is the zero address, where the amount would be lost).
    error EscrowInvalidRecipient(address to);
    /// @notice For ETH `msg.value` must equal `amount`, and for ERC-20 it must be 0.
    error EscrowWrongValue(uint256 value, uint256 amount);
    /// @notice The ERC-20 transfer credited nothing (a token that took everything as a fee).
    error EscrowNothingReceived(address token);
    /// @notice Merchant `merchantId` does not exist.
    error EscrowUnknownMerchant(uint32 merchantId);
    /// @notice No refund has id `refundId`.
    error EscrowUnknownRefund(uint256 refundId);
    /// @notice No owed claim has id `owedId`.
    error EscrowUnknownOwedClaim(uint256 owedId);
    /// @notice The reserve's available part is smaller than what was asked for.
    error InsufficientReserve(uint256 available, uint256 requested);
    /// @notice `caller` is not the admin of merchant `merchantId`.
    error EscrowNotMerchantAdmin(uint32 merchantId, address caller);
    /// @notice `caller` is neither the admin nor an agent of merchant `merchantId`.
    error EscrowNotMerchantStaff(uint32 merchantId, address caller);
    /// @notice `caller` is not the customer of ticket `ticketId`.
    error EscrowNotCustomer(uint256 ticketId, address caller);
    /// @notice `caller` is not the arbiter of merchant `merchantId` (`arbiter`).
    error EscrowNotArbiter(uint32 merchantId, address caller, address arbiter);
    /// @notice Merchant `merchantId` has no arbiter in its policy, so its refunds cannot be disputed.
    error EscrowNoArbiter(uint32 merchantId);
    /// @notice Ticket `ticketId` is `status`; refunds need a ticket that is not `Cancelled`.
    error EscrowTicketNotRefundable(uint256 ticketId, ISupportDesk.Status status);
    /// @notice Refund `refundId` is `status`, from which this move is not possible.
    error EscrowInvalidRefundStatus(uint256 refundId, RefundStatus status);
    /// @notice The merchant's response deadline of refund `refundId` passed at `deadline`: it can only
    /// be executed now.
    error EscrowResponseDeadlinePassed(uint256 refundId, uint64 deadline);
    /// @notice Refund `refundId` can be executed only after `deadline`.
    error EscrowResponseDeadlineNotReached(uint256 refundId, uint64 deadline);
    /// @notice The dispute window of refund `refundId` closed at `deadline`.
    error EscrowDisputeWindowClosed(uint256 refundId, uint64 deadline);
    /// @notice The dispute window of refund `refundId` is open until `deadline`.
    error EscrowDisputeWindowOpen(uint256 refundId, uint64 deadline);
    /// @notice `account` has no credit in `token`.
    error EscrowNoCredit(address account, address token);
    /// @notice The amount does not fit the escrow's books (`max` is the largest that does).
    error EscrowAmountTooLarge(uint256 amount, uint256 max);
    /// @notice Merchant `merchantId` offers no compensation for the deadlines ticket `ticketId` missed.
    error EscrowNoSlaCompensation(uint32 merchantId, uint256 ticketId);
    /// @notice Owed claim `owedId` is covered only once the merchant's deposits reach `coveredAt`
    /// (`covered` so far).
    error EscrowOwedNotCovered(uint256 owedId, uint256 covered, uint256 coveredAt);
    /// @notice Owed claim `owedId` was paid already.
    error EscrowOwedAlreadyPaid(uint256 owedId);
    /// @notice The withdrawal would leave merchant `merchantId`'s deadline promise unbacked:
    /// `required` of `token` must stay available.
    error EscrowWithdrawUnbacksSla(uint32 merchantId, address token, uint256 required);
    /// @notice Only the support desk may call this hook; `caller` is not it.
    error EscrowNotDesk(address caller);
    /// @notice Sending `amount` of `token` to `to` failed (a withdrawal the caller directed, so it reverts
    /// instead of becoming a credit).
    error EscrowTransferFailed(address to, address token, uint256 amount);
    /// @notice `token` is not a contract, so it cannot be an ERC-20.
    error EscrowTokenNotContract(address token);
    /// @notice The rejection of refund `refundId` is final: its lock went back to the reserve already.
    error EscrowRejectionFinal(uint256 refundId);
    /// @notice Ticket `ticketId` is verified: its refunds are paid in the order's token `expected`, not `token`.
    error EscrowWrongOrderToken(uint256 ticketId, address expected, address token);
    /// @notice Order `orderRef` of merchant `merchantId` has `left` that may still be refunded (its receipt's
    /// amount less what its refunds locked or paid); `requested` is more.
    error EscrowOrderRefundExceeded(uint32 merchantId, bytes32 orderRef, uint256 left, uint256 requested);
    /// @notice Issuing this refund would leave merchant `merchantId`'s deadline promise unbacked: `required`
    /// of `token` must stay available.
    error EscrowIssueUnbacksSla(uint32 merchantId, address token, uint256 required);
    /// @notice Agent `agent` may pay `left` more of `token` at merchant `merchantId` in this period;
    /// `requested` is more (the admin may pay it, or raise the allowance).
    error EscrowAllowanceExceeded(
        uint32 merchantId,
        address agent,
        address token,
        uint256 left,
        uint256 requested
    );
    /// @notice A refund allowance's period must be 1 second to 365 days; `period` is not.
    error EscrowInvalidAllowancePeriod(uint32 period);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice `from` added `amount` (as received) of `token` to merchant `merchantId`'s reserve.
    event ReserveDeposited(
        uint32 indexed merchantId,
        address indexed token,
        address indexed from,
        uint256 amount
    );
    /// @notice The merchant's admin took `amount` of `token` out of the reserve, to `to`.
    event ReserveWithdrawn(
        uint32 indexed merchantId,
        address indexed token,
        address indexed to,
        uint256 amount
    );
    /// @notice Refund `refundId` of `amount` of `token` on ticket `ticketId` was requested (and locked).
    event RefundRequested(
        uint256 indexed refundId,
        uint256 indexed ticketId,
        address indexed customer,
        address token,
        uint256 amount,
        bytes32 reasonHash
    );
    /// @notice Refund `refundId` was issued directly by `actor`, a member of the merchant's staff.
    event RefundIssued(
        uint256 indexed refundId,
        uint256 indexed ticketId,
        address indexed actor,
        bytes32 reasonHash
    );
    /// @notice Refund `refundId` paid `amount` of `token` to `to`; `credited` if the push was refused and
    /// the amount is kept as `to`'s credit.
    event RefundPaid(
        uint256 indexed refundId,
        address indexed to,
        address token,
        uint256 amount,
        bool credited
    );
    /// @notice Refund `refundId` was approved by `actor` (the payment follows as `RefundPaid`).
    event RefundApproved(uint256 indexed refundId, address indexed actor);
    /// @notice Refund `refundId` was executed by `actor` after the merchant's deadline passed.
    event RefundExecuted(uint256 indexed refundId, address indexed actor);
    /// @notice Refund `refundId` was rejected by `actor`; the customer may dispute until `disputeDeadline`.
    event RefundRejected(
        uint256 indexed refundId,
        address indexed actor,
        bytes32 reasonHash,
        uint64 disputeDeadline
    );
    /// @notice The rejection of refund `refundId` became final and its lock went back to the reserve.
    event RejectionFinalized(uint256 indexed refundId, address indexed actor);
    /// @notice The customer disputed refund `refundId` before `arbiter`.
    event RefundDisputed(uint256 indexed refundId, address indexed arbiter, bytes32 reasonHash);
    /// @notice `arbiter` ruled on refund `refundId`: paid to the customer, or released to the reserve.
    event DisputeResolved(uint256 indexed refundId, address indexed arbiter, bool payCustomer);
    /// @notice The merchant's `actor` conceded disputed refund `refundId` (it follows `RefundApproved`, and
    /// `RefundPaid` follows it): the case before `arbiter` ended without a ruling, and `resolveDispute`
    /// now reverts.
    event DisputeConceded(uint256 indexed refundId, address indexed arbiter, address indexed actor);
    /// @notice The customer cancelled refund `refundId`; its lock went back to the reserve.
    event RefundCancelled(uint256 indexed refundId);
    /// @notice `account` withdrew its credit of `amount` of `token`, sent to `to` (usually itself).
    event CreditWithdrawn(address indexed account, address indexed token, uint256 amount, address to);
    /// @notice `customer` was compensated `amount` of `token` for the missed deadlines of ticket
    /// `ticketId` (mask: 1 first response, 2 resolution); `credited` as in `RefundPaid`.
    event SlaCompensationPaid(
        uint256 indexed ticketId,
        uint32 indexed merchantId,
        address indexed customer,
        uint8 deadlines,
        address token,
        uint256 amount,
        bool credited
    );
    /// @notice The reserve could not cover a compensation: `amount` of `token` is owed to `customer` as
    /// claim `owedId`, paid first from the merchant's next deposits.
    event SlaCompensationOwed(
        uint256 indexed owedId,
        uint256 indexed ticketId,
        address indexed customer,
        uint32 merchantId,
        uint8 deadlines,
        address token,
        uint256 amount
    );
    /// @notice The admin `actor` limited what `agent` may pay of `token` at merchant `merchantId` to `limit`
    /// per `period` seconds (`period` 0: no limit).
    event RefundAllowanceSet(
        uint32 indexed merchantId,
        address indexed agent,
        address indexed token,
        uint256 limit,
        uint32 period,
        address actor
    );
    /// @notice Limited agent `agent` paid `amount` of `token` at merchant `merchantId` (refund `refundId`);
    /// `left` remains in the running period.
    event RefundAllowanceSpent(
        uint32 indexed merchantId,
        address indexed agent,
        uint256 indexed refundId,
        address token,
        uint256 amount,
        uint256 left
    );
    /// @notice `amount` of a deposit went to cover merchant `merchantId`'s owed compensation in `token`.
    event OwedCompensationCovered(uint32 indexed merchantId, address indexed token, uint256 amount);
    /// @notice Owed claim `owedId` was paid to `customer`; `credited` as in `RefundPaid`.
    event OwedCompensationPaid(
        uint256 indexed owedId,
        address indexed customer,
        address token,
        uint256 amount,
        bool credited
    );

    /*//////////////////////////////////////////////////////////////
                                RESERVES
    //////////////////////////////////////////////////////////////*/

    /// @notice Adds to merchant `merchantId`'s reserve the amount actually received; anyone may fund.
    /// Owed compensation is covered first. For ETH (`token == address(0)`) `msg.value` must equal `amount`.
    /// Plain ERC-20s (fee-on-transfer ones included) are supported; tokens that call the receiver on a
    /// transfer (ERC-777-style hooks) are not: a payout in one lets the receiver burn the payer's gas.
    function deposit(uint32 merchantId, address token, uint256 amount) external payable;

    /// @notice Sends `amount` of the unlocked reserve to `to`; merchant admin only.
    function withdrawReserve(uint32 merchantId, address token, uint256 amount, address to) external;

    /*//////////////////////////////////////////////////////////////
                                REFUNDS
    //////////////////////////////////////////////////////////////*/

    /// @notice Limits what `agent` may pay of `token` at merchant `merchantId` (issued refunds and approvals,
    /// concessions included) to `limit` per `period` seconds; `period` 0 removes the limit. Admin only; the
    /// admin itself is never limited. An agent without a limit is not limited. A change keeps what the
    /// agent spent in the running period.
    function setRefundAllowance(
        uint32 merchantId,
        address agent,
        address token,
        uint256 limit,
        uint32 period
    ) external;

    /// @notice Requests a refund on the caller's ticket; locks `amount` of the reserve at once. On a
    /// verified ticket the refund is in the order's token, and all refunds of the order together (locked or
    /// paid) stay within the receipt's amount (`EscrowOrderRefundExceeded` names what is left).
    /// @return refundId The new refund's id (from 1).
    function requestRefund(
        uint256 ticketId,
        address token,
        uint256 amount,
        bytes32 reasonHash
    ) external returns (uint256 refundId);

    /// @notice Pays the ticket's customer at once from the reserve (a processed return); staff only, within
    /// a limited agent's allowance, never below one ticket's worth of the merchant's deadline compensation
    /// (`EscrowIssueUnbacksSla`), and within the order's amount on a verified ticket.
    function issueRefund(
        uint256 ticketId,
        address token,
        uint256 amount,
        bytes32 reasonHash
    ) external returns (uint256 refundId);

    /// @notice Like `issueRefund`, and resolves the ticket in the same transaction.
    function issueRefundAndResolve(
        uint256 ticketId,
        address token,
        uint256 amount,
        bytes32 reasonHash
    ) external returns (uint256 refundId);

    /// @notice Approves a refund and pays the customer in this transaction; staff only: before the
    /// response deadline for a `Requested` refund; at any time for a `Rejected` (not final) or `Disputed`
    /// one, which concedes it (a disputed one also emits `DisputeConceded`, ending the arbiter's case).
    /// A rejection is final once `finalizeRejection` or the arbiter released its lock.
    function approveRefund(uint256 refundId) external;

    /// @notice Like `approveRefund` (a `Requested` refund before its response deadline, or a `Rejected`
    /// (not final) or `Disputed` one at any time, conceding it), and resolves the ticket (note
    /// `resolutionHash`) in the same transaction.
    function approveRefundAndResolve(uint256 refundId, bytes32 resolutionHash) external;

    /// @notice Rejects a `Requested` refund, before the response deadline; staff only. The amount stays
    /// locked through the dispute window.
    function rejectRefund(uint256 refundId, bytes32 reasonHash) external;

    /// @notice Releases the lock of an undisputed rejection once its dispute window ended; anyone.
    function finalizeRejection(uint256 refundId) external;

    /// @notice Pays a refund still `Requested` after its response deadline; anyone (the customer or a keeper).
    function executeRefund(uint256 refundId) external;

    /// @notice Disputes a rejection before the merchant's arbiter, within the dispute window; customer only.
    function disputeRefund(uint256 refundId, bytes32 reasonHash) external;

    /// @notice Rules on a disputed refund: pay the customer, or release the lock; the merchant's arbiter only.
    /// A dispute the merchant conceded (`approveRefund`) is `Paid` already, so a ruling on it reverts.
    function resolveDispute(uint256 refundId, bool payCustomer) external;

    /// @notice Withdraws a `Requested` refund and releases its lock; customer only.
    function cancelRefund(uint256 refundId) external;

    /// @notice Sends the caller's whole credit in `token` (payouts its address refused earlier).
    function withdrawCredit(address token) external;

    /// @notice Sends the caller's whole credit in `token` to `to`: for an address that cannot receive
    /// the token itself (a contract wallet that refuses ETH, an address a token blocklists).
    function withdrawCreditTo(address token, address to) external;

    /*//////////////////////////////////////////////////////////////
                           SLA COMPENSATION
    //////////////////////////////////////////////////////////////*/

    /// @notice Pays ticket `ticketId`'s customer the merchant's compensation for every missed deadline
    /// of the current cycle not compensated yet; anyone may call, the customer is paid. What the reserve
    /// cannot cover is recorded as owed.
    /// @return paid The amount paid now.
    /// @return owed The amount recorded as owed.
    function claimSlaCompensation(uint256 ticketId) external returns (uint256 paid, uint256 owed);

    /// @notice Pays owed claim `owedId` once the merchant's deposits covered it; anyone may call.
    function settleOwedCompensation(uint256 owedId) external;

    /// @notice Desk hook for auto-paid compensation: pays (or records as owed) `deadlines` of ticket
    /// `ticketId` on `compensation` terms; only the support desk may call.
    function paySlaCompensation(
        uint256 ticketId,
        uint32 merchantId,
        address customer,
        uint8 deadlines,
        ISupportDesk.SlaCompensation calldata compensation
    ) external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The contract's version (semver).
    function version() external view returns (string memory);
    /// @notice The support desk this escrow serves.
    function desk() external view returns (ISupportDesk);
    /// @notice The module that holds the code of reserve withdrawals, refund allowances and deadline
    /// compensation (`withdrawReserve`, `setRefundAllowance`, `claimSlaCompensation`, `settleOwedCompensation`,
    /// `paySlaCompensation`), which this escrow deployed and runs in its own storage; published so that it can
    /// be verified like the escrow.
    function reservesModule() external view returns (address);
    /// @notice Merchant `merchantId`'s available (unlocked) reserve of `token`.
    function reserveOf(uint32 merchantId, address token) external view returns (uint256);
    /// @notice How much of merchant `merchantId`'s `token` is locked by open refunds.
    function lockedOf(uint32 merchantId, address token) external view returns (uint256);
    /// @notice `account`'s credit in `token` (refused payouts it may withdraw).
    function creditOf(address account, address token) external view returns (uint256);
    /// @notice Refund `refundId`; reverts for an unknown refund.
    function getRefund(uint256 refundId) external view returns (Refund memory);
    /// @notice Refund `refundId`'s state (`None` if it does not exist).
    function refundStatusOf(uint256 refundId) external view returns (RefundStatus);
    /// @notice How many refunds exist (ids are 1..count).
    function refundCount() external view returns (uint256);
    /// @notice The arbiter refund `refundId` was disputed before (`address(0)` if it never was): the
    /// merchant's arbiter at dispute time, fixed for that dispute.
    function disputeArbiterOf(uint256 refundId) external view returns (address);
    /// @notice What the refunds of order `orderRef` of merchant `merchantId` lock or paid together (verified
    /// tickets only); never more than the receipt's amount.
    function refundedForOrder(uint32 merchantId, bytes32 orderRef) external view returns (uint256);
    /// @notice `agent`'s allowance for `token` at merchant `merchantId`, with what it spent in the running
    /// period (0 once that period ended).
    function refundAllowanceOf(
        uint32 merchantId,
        address agent,
        address token
    ) external view returns (RefundAllowance memory);
    /// @notice How many owed claims exist (ids are 1..count).
    function owedClaimCount() external view returns (uint256);
    /// @notice Merchant `merchantId`'s compensation still owed in `token` (not yet covered by deposits),
    /// and what deposits covered but nobody has settled yet.
    function owedOf(
        uint32 merchantId,
        address token
    ) external view returns (uint256 uncovered, uint256 coveredUnpaid);
    /// @notice Owed claim `owedId`; reverts for an unknown claim.
    function getOwedClaim(uint256 owedId) external view returns (OwedClaim memory);
    /// @notice Whether merchant `merchantId`'s deadline promise is backed: its available reserve in the
    /// compensation token covers one ticket's worth (both deadlines) and nothing is owed.
    function slaCompensationBacked(
        uint32 merchantId
    ) external view returns (bool backed, uint256 available, uint256 required);
}
