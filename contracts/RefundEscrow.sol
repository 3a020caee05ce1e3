// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IRefundEscrow} from "./interfaces/IRefundEscrow.sol";
import {ISupportDesk} from "./interfaces/ISupportDesk.sol";
import {ModuleHost} from "./utils/ModuleHost.sol";
import {RefundEscrowStorage} from "./escrow/RefundEscrowStorage.sol";
import {RefundEscrowReserves} from "./escrow/RefundEscrowReserves.sol";

/// @title RefundEscrow
/// @notice Merchant-funded refund reserves (ETH and any ERC-20) that pay customers without trusting the
/// merchant: a request locks its amount at once; approval, the merchant's silence past the response
/// deadline, or an arbiter's ruling pays it. Deadline compensation promised on the desk is paid from the
/// same reserves, and what a reserve cannot cover is owed and paid first from the next deposits.
/// @dev Money rules:
/// - Per merchant and token the books hold `available + locked <= 2^128 - 1`, so moving amounts between
///   the two halves never overflows; refunds are at most 2^112 - 1.
/// - Whenever a merchant owes uncovered compensation in a token, its available reserve of that token is
///   0: what would make it grow (a deposit, a released lock) covers the owed total first.
/// - The escrow holds, per token, at least sum(available) + sum(locked) + sum(credits) + sum(covered but
///   unsettled owed compensation) (tested as an invariant).
/// - Payouts to customers never revert: a refused push becomes the receiver's credit. What a hostile
///   receiver can cost the payer is bounded for ETH (a gas stipend) and for plain ERC-20s (their transfer
///   does not call the receiver). Tokens that call the receiver on a transfer (ERC-777-style hooks) are
///   not supported as reserve tokens: see `_push`.
/// - Every external function that changes state holds the transient reentrancy guard, except the desk's
///   `paySlaCompensation` hook, which takes the guard only when it is free (see there).
contract RefundEscrow is
    RefundEscrowStorage,
    IRefundEscrow,
    ERC2771Context,
    ReentrancyGuardTransient,
    ModuleHost
{
    using SafeERC20 for IERC20;

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev State, its packed layouts, the payout limits and `_push` are in `RefundEscrowStorage`.

    /// @dev The module that runs reserve withdrawals, agents' allowances and deadline compensation in this
    /// contract's storage (see `ModuleHost`).
    address private immutable _RESERVES;

    /*//////////////////////////////////////////////////////////////
                               CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param desk_ The support desk whose tickets and merchants this escrow serves.
    /// @param trustedForwarder The ERC-2771 forwarder whose relayed calls act for their signer.
    constructor(
        ISupportDesk desk_,
        address trustedForwarder
    ) RefundEscrowStorage(desk_) ERC2771Context(trustedForwarder) {
        _RESERVES = address(new RefundEscrowReserves(desk_, trustedForwarder));
    }

    /*//////////////////////////////////////////////////////////////
                                RESERVES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRefundEscrow
    function deposit(uint32 merchantId, address token, uint256 amount) external payable nonReentrant {
        if (amount == 0) revert EscrowZeroAmount(token);
        if (merchantId == 0 || merchantId > _DESK.merchantCount()) revert EscrowUnknownMerchant(merchantId);
        address from = _msgSender();
        uint256 received;
        if (token == address(0)) {
            if (msg.value != amount) revert EscrowWrongValue(msg.value, amount);
            received = amount;
        } else {
            if (msg.value != 0) revert EscrowWrongValue(msg.value, amount);
            if (token.code.length == 0) revert EscrowTokenNotContract(token);
            // Credit what arrived, not what was asked: a fee-on-transfer token delivers less. The token
            // is the interaction, but nothing is booked before the balance difference is known, and the
            // guard keeps a token's callback from re-entering.
            uint256 before = IERC20(token).balanceOf(address(this));
            IERC20(token).safeTransferFrom(from, address(this), amount);
            received = IERC20(token).balanceOf(address(this)) - before;
            if (received == 0) revert EscrowNothingReceived(token);
        }
        uint256 covered = _addToAvailable(merchantId, token, received, 0);
        emit ReserveDeposited(merchantId, token, from, received);
        if (covered != 0) emit OwedCompensationCovered(merchantId, token, covered);
    }

    /// @inheritdoc IRefundEscrow
    function withdrawReserve(uint32, address, uint256, address) external {
        _delegateTo(_RESERVES);
    }

    /// @inheritdoc IRefundEscrow
    function setRefundAllowance(uint32, address, address, uint256, uint32) external {
        _delegateTo(_RESERVES);
    }

    /*//////////////////////////////////////////////////////////////
                                 REFUNDS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRefundEscrow
    function requestRefund(
        uint256 ticketId,
        address token,
        uint256 amount,
        bytes32 reasonHash
    ) external nonReentrant returns (uint256 refundId) {
        address sender = _msgSender();
        _checkRefundAmount(token, amount);
        uint32 merchantId;
        uint40 deadline;
        uint16 terms;
        {
            address customer;
            ISupportDesk.Status status;
            bool verified;
            uint32 responseTime;
            (customer, merchantId, status, verified, responseTime, terms) = _DESK.refundContext(ticketId);
            if (sender != customer) revert EscrowNotCustomer(ticketId, sender);
            _checkRefundable(ticketId, status);
            if (verified) _reserveForOrder(ticketId, merchantId, token, amount);
            deadline = SafeCast.toUint40(block.timestamp + responseTime);
        }
        _lock(merchantId, token, amount);
        refundId = _storeRefund(ticketId, merchantId, RefundStatus.Requested, deadline, amount, token, terms);
        emit RefundRequested(refundId, ticketId, sender, token, amount, reasonHash);
    }

    /// @inheritdoc IRefundEscrow
    function issueRefund(
        uint256 ticketId,
        address token,
        uint256 amount,
        bytes32 reasonHash
    ) external nonReentrant returns (uint256 refundId) {
        return _issue(ticketId, token, amount, reasonHash, false);
    }

    /// @inheritdoc IRefundEscrow
    function issueRefundAndResolve(
        uint256 ticketId,
        address token,
        uint256 amount,
        bytes32 reasonHash
    ) external nonReentrant returns (uint256 refundId) {
        return _issue(ticketId, token, amount, reasonHash, true);
    }

    /// @inheritdoc IRefundEscrow
    function approveRefund(uint256 refundId) external nonReentrant {
        _approve(refundId, false, bytes32(0));
    }

    /// @inheritdoc IRefundEscrow
    function approveRefundAndResolve(uint256 refundId, bytes32 resolutionHash) external nonReentrant {
        _approve(refundId, true, resolutionHash);
    }

    /// @inheritdoc IRefundEscrow
    function rejectRefund(uint256 refundId, bytes32 reasonHash) external nonReentrant {
        address sender = _msgSender();
        RefundCore memory refund = _loadRefund(refundId);
        _checkStaff(refund.merchantId, sender);
        if (refund.status != RefundStatus.Requested)
            revert EscrowInvalidRefundStatus(refundId, refund.status);
        if (block.timestamp > refund.deadline) revert EscrowResponseDeadlinePassed(refundId, refund.deadline);
        // The dispute window of the terms the refund was requested under, whatever changed since.
        (uint32 disputeWindow, ) = _DESK.disputeTermsAt(refund.merchantId, refund.terms);
        uint40 disputeDeadline = SafeCast.toUint40(block.timestamp + disputeWindow);
        refund.status = RefundStatus.Rejected;
        refund.deadline = disputeDeadline;
        _refunds[refundId] = refund;
        emit RefundRejected(refundId, sender, reasonHash, disputeDeadline);
    }

    /// @inheritdoc IRefundEscrow
    function finalizeRejection(uint256 refundId) external nonReentrant {
        RefundCore memory refund = _loadRefund(refundId);
        if (refund.status != RefundStatus.Rejected) revert EscrowInvalidRefundStatus(refundId, refund.status);
        if (refund.deadline == 0) revert EscrowRejectionFinal(refundId);
        if (block.timestamp <= refund.deadline) revert EscrowDisputeWindowOpen(refundId, refund.deadline);
        refund.deadline = 0;
        _refunds[refundId] = refund;
        address token = _refundTokens[refundId];
        _releaseForOrder(refund);
        uint256 covered = _addToAvailable(refund.merchantId, token, refund.amount, refund.amount);
        emit RejectionFinalized(refundId, _msgSender());
        if (covered != 0) emit OwedCompensationCovered(refund.merchantId, token, covered);
    }

    /// @inheritdoc IRefundEscrow
    function executeRefund(uint256 refundId) external nonReentrant {
        RefundCore memory refund = _loadRefund(refundId);
        if (refund.status != RefundStatus.Requested)
            revert EscrowInvalidRefundStatus(refundId, refund.status);
        if (block.timestamp <= refund.deadline)
            revert EscrowResponseDeadlineNotReached(refundId, refund.deadline);
        address token = _settleLocked(refundId, refund);
        emit RefundExecuted(refundId, _msgSender());
        _payRefund(refundId, refund.ticketId, token, refund.amount);
    }

    /// @inheritdoc IRefundEscrow
    function disputeRefund(uint256 refundId, bytes32 reasonHash) external nonReentrant {
        address sender = _msgSender();
        RefundCore memory refund = _loadRefund(refundId);
        (address customer, , ) = _DESK.ticketCore(refund.ticketId);
        if (sender != customer) revert EscrowNotCustomer(refund.ticketId, sender);
        if (refund.status != RefundStatus.Rejected) revert EscrowInvalidRefundStatus(refundId, refund.status);
        if (refund.deadline == 0) revert EscrowRejectionFinal(refundId);
        if (block.timestamp > refund.deadline) revert EscrowDisputeWindowClosed(refundId, refund.deadline);
        // The arbiter of the terms the refund was requested under, fixed for this dispute: changing or
        // removing the arbiter later cannot take a running refund's dispute away.
        (, address arbiter) = _DESK.disputeTermsAt(refund.merchantId, refund.terms);
        if (arbiter == address(0)) revert EscrowNoArbiter(refund.merchantId);
        refund.status = RefundStatus.Disputed;
        refund.deadline = 0;
        _refunds[refundId] = refund;
        _disputeArbiters[refundId] = arbiter;
        emit RefundDisputed(refundId, arbiter, reasonHash);
    }

    /// @inheritdoc IRefundEscrow
    function resolveDispute(uint256 refundId, bool payCustomer) external nonReentrant {
        address sender = _msgSender();
        RefundCore memory refund = _loadRefund(refundId);
        address arbiter = _disputeArbiters[refundId];
        if (refund.status != RefundStatus.Disputed) revert EscrowInvalidRefundStatus(refundId, refund.status);
        if (sender != arbiter) revert EscrowNotArbiter(refund.merchantId, sender, arbiter);
        if (payCustomer) {
            address token = _settleLocked(refundId, refund);
            emit DisputeResolved(refundId, sender, true);
            _payRefund(refundId, refund.ticketId, token, refund.amount);
        } else {
            // Back to a final rejection (deadline 0): the lock returns to the reserve.
            refund.status = RefundStatus.Rejected;
            _refunds[refundId] = refund;
            address token = _refundTokens[refundId];
            _releaseForOrder(refund);
            uint256 covered = _addToAvailable(refund.merchantId, token, refund.amount, refund.amount);
            emit DisputeResolved(refundId, sender, false);
            if (covered != 0) emit OwedCompensationCovered(refund.merchantId, token, covered);
        }
    }

    /// @inheritdoc IRefundEscrow
    function cancelRefund(uint256 refundId) external nonReentrant {
        address sender = _msgSender();
        RefundCore memory refund = _loadRefund(refundId);
        (address customer, , ) = _DESK.ticketCore(refund.ticketId);
        if (sender != customer) revert EscrowNotCustomer(refund.ticketId, sender);
        if (refund.status != RefundStatus.Requested)
            revert EscrowInvalidRefundStatus(refundId, refund.status);
        refund.status = RefundStatus.Cancelled;
        refund.deadline = 0;
        _refunds[refundId] = refund;
        address token = _refundTokens[refundId];
        _releaseForOrder(refund);
        uint256 covered = _addToAvailable(refund.merchantId, token, refund.amount, refund.amount);
        emit RefundCancelled(refundId);
        if (covered != 0) emit OwedCompensationCovered(refund.merchantId, token, covered);
    }

    /// @inheritdoc IRefundEscrow
    function withdrawCredit(address token) external nonReentrant {
        address sender = _msgSender();
        _withdrawCredit(sender, token, sender);
    }

    /// @inheritdoc IRefundEscrow
    function withdrawCreditTo(address token, address to) external nonReentrant {
        if (to == address(0)) revert EscrowInvalidRecipient(to);
        _withdrawCredit(_msgSender(), token, to);
    }

    /*//////////////////////////////////////////////////////////////
                            SLA COMPENSATION
    //////////////////////////////////////////////////////////////*/

    // Deadline compensation runs in the `RefundEscrowReserves` module, like withdrawals and allowances (see
    // `ModuleHost`): these declarations keep the escrow's ABI whole and forward their call data unchanged.
    // The module takes the reentrancy guard; a delegated call ends this frame, so no modifier here could
    // release it.

    /// @inheritdoc IRefundEscrow
    function claimSlaCompensation(uint256) external returns (uint256, uint256) {
        _delegateTo(_RESERVES);
    }

    /// @inheritdoc IRefundEscrow
    function settleOwedCompensation(uint256) external {
        _delegateTo(_RESERVES);
    }

    /// @inheritdoc IRefundEscrow
    /// @dev Called by the desk when a merchant with `autoPay` responds or resolves late; see the module for
    /// how it shares the reentrancy guard with the escrow call it may be nested in.
    function paySlaCompensation(
        uint256,
        uint32,
        address,
        uint8,
        ISupportDesk.SlaCompensation calldata
    ) external {
        _delegateTo(_RESERVES);
    }

    /// @inheritdoc IRefundEscrow
    function reservesModule() external view returns (address) {
        return _RESERVES;
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRefundEscrow
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    /// @inheritdoc IRefundEscrow
    function desk() external view returns (ISupportDesk) {
        return _DESK;
    }

    /// @inheritdoc IRefundEscrow
    function reserveOf(uint32 merchantId, address token) external view returns (uint256) {
        return _reserves[merchantId][token].available;
    }

    /// @inheritdoc IRefundEscrow
    function lockedOf(uint32 merchantId, address token) external view returns (uint256) {
        return _reserves[merchantId][token].locked;
    }

    /// @inheritdoc IRefundEscrow
    function creditOf(address account, address token) external view returns (uint256) {
        return _credits[account][token];
    }

    /// @inheritdoc IRefundEscrow
    function getRefund(uint256 refundId) external view returns (Refund memory) {
        RefundCore memory refund = _loadRefund(refundId);
        (address customer, , ) = _DESK.ticketCore(refund.ticketId);
        return
            Refund({
                ticketId: refund.ticketId,
                merchantId: refund.merchantId,
                customer: customer,
                token: _refundTokens[refundId],
                amount: refund.amount,
                status: refund.status,
                deadline: refund.deadline,
                termsVersion: refund.terms
            });
    }

    /// @inheritdoc IRefundEscrow
    function refundStatusOf(uint256 refundId) external view returns (RefundStatus) {
        return _refunds[refundId].status;
    }

    /// @inheritdoc IRefundEscrow
    function refundCount() external view returns (uint256) {
        return _refundCount;
    }

    /// @inheritdoc IRefundEscrow
    function disputeArbiterOf(uint256 refundId) external view returns (address) {
        return _disputeArbiters[refundId];
    }

    /// @inheritdoc IRefundEscrow
    function refundedForOrder(uint32 merchantId, bytes32 orderRef) external view returns (uint256) {
        return _orderRefunded[merchantId][orderRef];
    }

    /// @inheritdoc IRefundEscrow
    function refundAllowanceOf(
        uint32 merchantId,
        address agent,
        address token
    ) external view returns (RefundAllowance memory view_) {
        Allowance memory allowance = _allowances[merchantId][agent][token];
        if (allowance.period == 0) return view_;
        view_.limited = true;
        view_.limit = allowance.limit;
        view_.period = allowance.period;
        uint256 endsAt = uint256(allowance.periodStart) + allowance.period;
        if (allowance.periodStart != 0 && block.timestamp < endsAt) {
            view_.spent = allowance.spent;
            view_.periodEndsAt = uint64(endsAt);
        }
    }

    /// @inheritdoc IRefundEscrow
    function owedClaimCount() external view returns (uint256) {
        return _owedCount;
    }

    /// @inheritdoc IRefundEscrow
    function owedOf(
        uint32 merchantId,
        address token
    ) external view returns (uint256 uncovered, uint256 coveredUnpaid) {
        OwedBook memory book = _owedBooks[merchantId][token];
        return (book.total - book.covered, book.covered - book.settled);
    }

    /// @inheritdoc IRefundEscrow
    function getOwedClaim(uint256 owedId) external view returns (OwedClaim memory) {
        OwedRecord memory claim = _owedClaims[owedId];
        if (claim.customer == address(0)) revert EscrowUnknownOwedClaim(owedId);
        return
            OwedClaim({
                ticketId: claim.ticketId,
                merchantId: claim.merchantId,
                customer: claim.customer,
                token: claim.token,
                amount: claim.amount,
                coveredAt: claim.coveredAt,
                paid: claim.paid
            });
    }

    /// @inheritdoc IRefundEscrow
    function slaCompensationBacked(
        uint32 merchantId
    ) external view returns (bool backed, uint256 available, uint256 required) {
        ISupportDesk.SlaCompensation memory compensation = _DESK.slaCompensationOf(merchantId);
        required = uint256(compensation.firstResponseAmount) + compensation.resolutionAmount;
        available = _reserves[merchantId][compensation.token].available;
        OwedBook memory book = _owedBooks[merchantId][compensation.token];
        backed = available >= required && book.total == book.covered;
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Issues and pays a refund at once on behalf of the merchant's staff; optionally resolves the
    /// ticket (before the payout, so the ticket's state is final when the receiver runs).
    function _issue(
        uint256 ticketId,
        address token,
        uint256 amount,
        bytes32 reasonHash,
        bool resolve
    ) private returns (uint256 refundId) {
        address sender = _msgSender();
        _checkRefundAmount(token, amount);
        (address customer, uint32 merchantId, ISupportDesk.Status status, bool verified) = _DESK.ticketFacts(
            ticketId
        );
        _checkStaff(merchantId, sender);
        _checkRefundable(ticketId, status);
        if (verified) _reserveForOrder(ticketId, merchantId, token, amount);
        _takeAvailable(merchantId, token, amount);
        refundId = _storeRefund(ticketId, merchantId, RefundStatus.Paid, 0, amount, token, 0);
        _spendAllowance(merchantId, sender, token, amount, refundId);
        emit RefundIssued(refundId, ticketId, sender, reasonHash);
        if (resolve) _DESK.resolveByEscrow(ticketId, sender, reasonHash);
        bool credited = _push(customer, token, amount);
        emit RefundPaid(refundId, customer, token, amount, credited);
    }

    /// @dev Pays a refund on the merchant's word (staff) and optionally resolves the ticket first: a
    /// `Requested` refund before its response deadline (an approval), or a `Rejected` (not final) or
    /// `Disputed` one at any time (a concession: the merchant's way out of a case it no longer defends, so
    /// a lock never waits on a silent arbiter). All three hold their amount in `locked`. A concession only
    /// ever pays the customer, so allowing it at any time takes nothing from them.
    function _approve(uint256 refundId, bool resolve, bytes32 resolutionHash) private {
        address sender = _msgSender();
        RefundCore memory refund = _loadRefund(refundId);
        _checkStaff(refund.merchantId, sender);
        RefundStatus status = refund.status;
        if (status == RefundStatus.Requested) {
            if (block.timestamp > refund.deadline)
                revert EscrowResponseDeadlinePassed(refundId, refund.deadline);
        } else if (status == RefundStatus.Rejected) {
            // deadline 0: the lock went back to the reserve (finalized, or ruled for the merchant).
            if (refund.deadline == 0) revert EscrowRejectionFinal(refundId);
        } else if (status != RefundStatus.Disputed) {
            revert EscrowInvalidRefundStatus(refundId, status);
        }
        address token = _settleLocked(refundId, refund);
        _spendAllowance(refund.merchantId, sender, token, refund.amount, refundId);
        emit RefundApproved(refundId, sender);
        if (status == RefundStatus.Disputed)
            emit DisputeConceded(refundId, _disputeArbiters[refundId], sender);
        // Effects are done: a late resolution makes the desk call `paySlaCompensation` back, nested.
        if (resolve) _DESK.resolveByEscrow(refund.ticketId, sender, resolutionHash);
        _payRefund(refundId, refund.ticketId, token, refund.amount);
    }

    /// @dev Moves `amount` of merchant `merchantId`'s `token` from available to locked (a requested refund).
    function _lock(uint32 merchantId, address token, uint256 amount) private {
        Reserve memory reserve = _reserves[merchantId][token];
        if (amount > reserve.available) revert InsufficientReserve(reserve.available, amount);
        // amount <= available: no underflow; available + locked is unchanged, so locked fits 128 bits.
        unchecked {
            reserve.available -= uint128(amount);
            reserve.locked += uint128(amount);
        }
        _reserves[merchantId][token] = reserve;
    }

    /// @dev Takes `amount` out of the available reserve of `merchantId` in `token` (an issued refund), never
    /// below one ticket's worth of the merchant's deadline compensation: staff can open a ticket for any
    /// address of theirs, so an issued refund is a way out of the reserve just like a withdrawal.
    function _takeAvailable(uint32 merchantId, address token, uint256 amount) private {
        Reserve storage reserve = _reserves[merchantId][token];
        uint256 available = reserve.available;
        if (amount > available) revert InsufficientReserve(available, amount);
        ISupportDesk.SlaCompensation memory compensation = _DESK.slaCompensationOf(merchantId);
        if (compensation.token == token) {
            uint256 required = uint256(compensation.firstResponseAmount) + compensation.resolutionAmount;
            if (available - amount < required) revert EscrowIssueUnbacksSla(merchantId, token, required);
        }
        // amount <= available, a uint128.
        reserve.available = uint128(available - amount);
    }

    /// @dev Marks `refund` paid and takes its amount out of the merchant's locked reserve; returns its token.
    function _settleLocked(uint256 refundId, RefundCore memory refund) private returns (address token) {
        refund.status = RefundStatus.Paid;
        refund.deadline = 0;
        _refunds[refundId] = refund;
        token = _refundTokens[refundId];
        Reserve storage reserve = _reserves[refund.merchantId][token];
        // A refund that is Requested, Rejected (not final) or Disputed holds its amount in `locked`.
        unchecked {
            reserve.locked -= refund.amount;
        }
    }

    /// @dev Pays refund `refundId` to its ticket's customer (read from the desk) and records how.
    function _payRefund(uint256 refundId, uint256 ticketId, address token, uint256 amount) private {
        (address customer, , ) = _DESK.ticketCore(ticketId);
        bool credited = _push(customer, token, amount);
        emit RefundPaid(refundId, customer, token, amount, credited);
    }

    /// @dev Writes a new refund (one slot for ETH, two for an ERC-20) and returns its id.
    function _storeRefund(
        uint256 ticketId,
        uint32 merchantId,
        RefundStatus status,
        uint40 deadline,
        uint256 amount,
        address token,
        uint16 terms
    ) private returns (uint256 refundId) {
        refundId = ++_refundCount;
        _refunds[refundId] = RefundCore({
            ticketId: SafeCast.toUint48(ticketId),
            merchantId: merchantId,
            status: status,
            deadline: deadline,
            amount: uint112(amount), // checked by _checkRefundAmount
            terms: terms
        });
        if (token != address(0)) _refundTokens[refundId] = token;
    }

    /// @dev Adds `amount` to the available reserve of `merchantId` in `token`, of which `fromLocked` comes
    /// out of its locked part (a released lock). Owed compensation in that token is covered first; returns
    /// how much went to it.
    function _addToAvailable(
        uint32 merchantId,
        address token,
        uint256 amount,
        uint256 fromLocked
    ) private returns (uint256 covered) {
        OwedBook storage book = _owedBooks[merchantId][token];
        uint256 total = book.total;
        uint256 alreadyCovered = book.covered;
        if (total != alreadyCovered) {
            uint256 uncovered = total - alreadyCovered;
            covered = amount < uncovered ? amount : uncovered;
            // covered <= total - alreadyCovered, and total is a uint128.
            book.covered = uint128(alreadyCovered + covered);
        }
        Reserve memory reserve = _reserves[merchantId][token];
        uint256 rest = amount - covered;
        // fromLocked is a lock this merchant holds (<= locked), so nothing underflows; a new deposit must
        // keep available + locked within 128 bits.
        uint256 locked = reserve.locked - fromLocked;
        uint256 room = _MAX_RESERVE - reserve.available - locked;
        if (rest > room) revert EscrowAmountTooLarge(amount, room + covered);
        reserve.available += uint128(rest); // rest <= room, so the sum stays below 2^128
        reserve.locked = uint128(locked);
        _reserves[merchantId][token] = reserve;
    }

    /// @dev Counts `amount` against the order of verified ticket `ticketId`: in the order's token, within what
    /// its receipt's amount leaves.
    function _reserveForOrder(uint256 ticketId, uint32 merchantId, address token, uint256 amount) private {
        (, bytes32 orderRef, address orderToken, uint256 orderAmount, ) = _DESK.receiptOf(ticketId);
        if (token != orderToken) revert EscrowWrongOrderToken(ticketId, orderToken, token);
        uint256 refunded = _orderRefunded[merchantId][orderRef];
        // refunded <= orderAmount: every addition below is checked against what is left.
        uint256 left = orderAmount - refunded;
        if (amount > left) revert EscrowOrderRefundExceeded(merchantId, orderRef, left, amount);
        _orderRefunded[merchantId][orderRef] = refunded + amount;
    }

    /// @dev Gives a released lock (cancelled, finally rejected) back to its order's refundable amount.
    function _releaseForOrder(RefundCore memory refund) private {
        (bool verified, bytes32 orderRef, , , ) = _DESK.receiptOf(refund.ticketId);
        if (!verified) return;
        // The refund was counted when it was requested, so this never underflows.
        _orderRefunded[refund.merchantId][orderRef] -= refund.amount;
    }

    /// @dev Counts a payout by `agent` against its allowance in `token`, if it has one and is not the admin.
    function _spendAllowance(
        uint32 merchantId,
        address agent,
        address token,
        uint256 amount,
        uint256 refundId
    ) private {
        Allowance memory allowance = _allowances[merchantId][agent][token];
        if (allowance.period == 0) return; // no limit set
        if (agent == _DESK.merchantAdmin(merchantId)) return; // the admin is never limited
        uint256 spent = allowance.spent;
        if (block.timestamp >= uint256(allowance.periodStart) + allowance.period) {
            spent = 0;
            allowance.periodStart = SafeCast.toUint32(block.timestamp);
        }
        uint256 left = allowance.limit - spent; // spent <= limit, kept below
        if (amount > left) revert EscrowAllowanceExceeded(merchantId, agent, token, left, amount);
        allowance.spent = uint96(spent + amount); // <= limit, a uint96
        _allowances[merchantId][agent][token] = allowance;
        emit RefundAllowanceSpent(merchantId, agent, refundId, token, amount, left - amount);
    }

    /// @dev Sends `account`'s whole credit in `token` to `to`; reverts if the transfer fails.
    function _withdrawCredit(address account, address token, address to) private {
        uint256 amount = _credits[account][token];
        if (amount == 0) revert EscrowNoCredit(account, token);
        _credits[account][token] = 0;
        emit CreditWithdrawn(account, token, amount, to);
        _send(to, token, amount);
    }

    /// @dev Loads a refund; reverts for an unknown one.
    function _loadRefund(uint256 refundId) private view returns (RefundCore memory refund) {
        refund = _refunds[refundId];
        if (refund.status == RefundStatus.None) revert EscrowUnknownRefund(refundId);
    }

    /// @dev Reverts unless `account` is the admin or an agent of merchant `merchantId`.
    function _checkStaff(uint32 merchantId, address account) private view {
        if (!_DESK.isAgent(merchantId, account)) revert EscrowNotMerchantStaff(merchantId, account);
    }

    /// @dev Reverts for a zero amount (of `token`) or one that does not fit a refund's 112 bits.
    function _checkRefundAmount(address token, uint256 amount) private pure {
        if (amount == 0) revert EscrowZeroAmount(token);
        if (amount > _MAX_REFUND) revert EscrowAmountTooLarge(amount, _MAX_REFUND);
    }

    /// @dev Refunds need a ticket that exists and was not cancelled.
    function _checkRefundable(uint256 ticketId, ISupportDesk.Status status) private pure {
        if (status == ISupportDesk.Status.None || status == ISupportDesk.Status.Cancelled) {
            revert EscrowTicketNotRefundable(ticketId, status);
        }
    }
}
