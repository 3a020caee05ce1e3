// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {ISupportDesk} from "./interfaces/ISupportDesk.sol";
import {IRefundEscrow} from "./interfaces/IRefundEscrow.sol";
import {ModuleHost} from "./utils/ModuleHost.sol";
import {SupportDeskStorage} from "./desk/SupportDeskStorage.sol";
import {SupportDeskMerchants} from "./desk/SupportDeskMerchants.sol";

/// @title SupportDesk
/// @notice CareLedger's multi-tenant support desk. See {ISupportDesk} for the rules, including the
/// service-level clock rules.
/// @dev Storage keeps only what the contract must check; the timeline (messages, notes, reasons,
/// assignments, policy changes) lives in events. Customers act directly or through the trusted
/// ERC-2771 forwarder; OpenZeppelin 5's `Multicall` is ERC-2771-aware, so batching keeps the signer.
contract SupportDesk is SupportDeskStorage, ISupportDesk, ERC2771Context, EIP712, Multicall, ModuleHost {
    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev State, its packed layouts and the shared checks are in `SupportDeskStorage`.

    /// @dev Ticket flags (TicketRecord.flags). WORKED never clears; the others describe the current cycle.
    uint8 private constant _WORKED = 1 << 0; // assigned or answered by staff at least once
    uint8 private constant _RESPONDED = 1 << 1; // the cycle's first response was made
    uint8 private constant _FR_SETTLED = 1 << 2; // the first-response deadline was counted
    uint8 private constant _FR_MISSED = 1 << 3; // ... as missed
    uint8 private constant _RES_SETTLED = 1 << 4; // the resolution deadline was counted
    uint8 private constant _RES_MISSED = 1 << 5; // ... as missed
    uint8 private constant _FR_COMPENSATED = 1 << 6; // the first-response miss was compensated
    uint8 private constant _RES_COMPENSATED = 1 << 7; // the resolution miss was compensated
    /// @dev Flags that a reopen keeps: everything else belongs to the cycle that ended.
    uint8 private constant _CYCLE_INDEPENDENT = _WORKED;

    /// @dev Ticket word layout (see `TicketRecord`).
    uint256 private constant _MERCHANT_SHIFT = 160;
    uint256 private constant _STATE_SHIFT = 192;
    uint256 private constant _FLAGS_SHIFT = 200;
    uint256 private constant _CLOCK_SHIFT = 208;
    uint256 private constant _TERMS_SHIFT = 240;
    uint256 private constant _STATUS_MASK = 0x7;
    uint256 private constant _PRIORITY_SHIFT = 3;
    uint256 private constant _VERIFIED_BIT = 1 << 5;

    /// @dev EIP-712 type hash of `OrderReceipt` (shared/INTERFACE.md gives the type string).
    bytes32 private constant _ORDER_RECEIPT_TYPEHASH = keccak256(
        "OrderReceipt(uint32 merchantId,address customer,bytes32 orderRef,address token,uint256 amount,bytes32 itemsHash,uint64 purchasedAt,uint64 supportUntil)"
    );

    /// @dev Deadline ids, as bits of a mask.
    uint8 private constant _FIRST_RESPONSE = 1;
    uint8 private constant _RESOLUTION = 2;

    uint8 private constant _MAX_PRIORITY = 3;
    uint256 private constant _BPS = 10_000;

    /// @dev The module that runs merchant administration in this contract's storage (see `ModuleHost`).
    address private immutable _MERCHANTS;
    address private immutable _DEPLOYER;

    /*//////////////////////////////////////////////////////////////
                               CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param trustedForwarder The ERC-2771 forwarder whose relayed calls act for their signer.
    /// @param defaultArbiter The arbiter new merchants get in their default policy (`address(0)`: none,
    /// so their refunds cannot be disputed until they set one).
    constructor(
        address trustedForwarder,
        address defaultArbiter
    ) ERC2771Context(trustedForwarder) EIP712("CareLedger", "1") {
        _MERCHANTS = address(new SupportDeskMerchants(trustedForwarder, defaultArbiter));
        _DEPLOYER = msg.sender;
    }

    /*//////////////////////////////////////////////////////////////
                                MERCHANTS
    //////////////////////////////////////////////////////////////*/

    // Merchant administration runs in the `SupportDeskMerchants` module (see `ModuleHost`): these
    // declarations keep the desk's ABI whole, and each forwards its call data unchanged.

    /// @inheritdoc ISupportDesk
    function registerMerchant(address, bytes32) external returns (uint32) {
        _delegateTo(_MERCHANTS);
    }

    /// @inheritdoc ISupportDesk
    function setAgent(uint32, address, bool) external {
        _delegateTo(_MERCHANTS);
    }

    /// @inheritdoc ISupportDesk
    function transferMerchantAdmin(uint32, address) external {
        _delegateTo(_MERCHANTS);
    }

    /// @inheritdoc ISupportDesk
    function acceptMerchantAdmin(uint32) external {
        _delegateTo(_MERCHANTS);
    }

    /// @inheritdoc ISupportDesk
    function setPolicy(uint32, Policy calldata) external {
        _delegateTo(_MERCHANTS);
    }

    /// @inheritdoc ISupportDesk
    function setSlaCompensation(uint32, SlaCompensation calldata) external {
        _delegateTo(_MERCHANTS);
    }

    /// @inheritdoc ISupportDesk
    function setOrderSigner(uint32, address, bool) external {
        _delegateTo(_MERCHANTS);
    }

    /// @inheritdoc ISupportDesk
    function setReceiptRequired(uint32, bool) external {
        _delegateTo(_MERCHANTS);
    }

    /// @inheritdoc ISupportDesk
    function merchantModule() external view returns (address) {
        return _MERCHANTS;
    }

    /*//////////////////////////////////////////////////////////////
                                 TICKETS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISupportDesk
    function openTicket(
        uint32 merchantId,
        bytes32 orderRef,
        bytes32 contentHash,
        uint8 priority
    ) external returns (uint256 ticketId) {
        Merchant storage merchant = _openable(merchantId, priority);
        if (merchant.receiptRequired) revert DeskReceiptRequired(merchantId);
        address customer = _msgSender();
        ticketId = _newTicket(merchantId, merchant, customer, priority, false);
        emit TicketOpened(ticketId, merchantId, customer, orderRef, contentHash, priority);
    }

    /// @inheritdoc ISupportDesk
    function openTicketWithReceipt(
        OrderReceipt calldata receipt,
        bytes calldata signature,
        bytes32 contentHash,
        uint8 priority
    ) external returns (uint256 ticketId) {
        uint32 merchantId = receipt.merchantId;
        Merchant storage merchant = _openable(merchantId, priority);
        address customer = _msgSender();
        if (customer != receipt.customer) revert DeskReceiptNotForCaller(receipt.customer, customer);
        if (block.timestamp > receipt.supportUntil) revert DeskReceiptExpired(receipt.supportUntil);
        if (receipt.orderRef == 0) revert DeskInvalidOrderRef(receipt.orderRef);
        address signer = _receiptSigner(merchantId, _hashTypedDataV4(_receiptStructHash(receipt)), signature);
        _recordOrder(receipt);

        ticketId = _newTicket(merchantId, merchant, customer, priority, true);
        _ticketOrders[ticketId] = receipt.orderRef;
        emit TicketOpened(ticketId, merchantId, customer, receipt.orderRef, contentHash, priority);
        emit TicketVerified(ticketId, receipt.orderRef, signer, receipt.token, receipt.amount);
    }

    /// @inheritdoc ISupportDesk
    function postMessage(uint256 ticketId, bytes32 contentHash) external {
        TicketRecord memory ticket = _ticket(ticketId);
        address sender = _msgSender();

        if (sender == ticket.customer) {
            if (!_isActive(ticket.status)) revert DeskInvalidTransition(ticketId, ticket.status, sender);
            if (ticket.status == Status.AwaitingCustomer) {
                // The customer answered: the resolution clock runs again from where it stopped.
                _resumeClock(ticket);
                ticket.status = Status.InProgress;
                _storeTicket(ticketId, ticket);
                emit TicketStatusChanged(
                    ticketId,
                    Status.AwaitingCustomer,
                    Status.InProgress,
                    sender,
                    contentHash
                );
            }
            emit MessagePosted(ticketId, sender, contentHash);
            return;
        }

        if (_roles[ticket.merchantId][sender] == 0) revert DeskNotParticipant(ticketId, sender);
        if (!_isActive(ticket.status)) revert DeskInvalidTransition(ticketId, ticket.status, sender);

        Merchant storage merchant = _merchants[ticket.merchantId];
        uint8 missed;
        if (ticket.flags & _RESPONDED == 0) missed = _respond(ticketId, ticket, merchant);
        Status from = ticket.status;
        if (from == Status.Open) ticket.status = Status.InProgress;
        ticket.flags |= _WORKED;
        (uint8 compensate, SlaCompensation memory compensation) = _autoCompensation(ticket, merchant, missed);
        _storeTicket(ticketId, ticket);

        if (from == Status.Open)
            emit TicketStatusChanged(ticketId, from, Status.InProgress, sender, contentHash);
        emit MessagePosted(ticketId, sender, contentHash);
        _payCompensation(ticketId, ticket, compensation, compensate);
    }

    /// @inheritdoc ISupportDesk
    function assignTicket(uint256 ticketId, address agent) external {
        TicketRecord memory ticket = _ticket(ticketId);
        address sender = _requireStaff(ticket.merchantId);
        if (!_isActive(ticket.status)) revert DeskInvalidTransition(ticketId, ticket.status, sender);
        if (agent != address(0) && _roles[ticket.merchantId][agent] == 0) {
            revert DeskNotAnAgent(ticket.merchantId, agent);
        }

        _assignees[ticketId] = agent;
        if (ticket.flags & _WORKED == 0) {
            ticket.flags |= _WORKED;
            _storeTicket(ticketId, ticket);
        }
        emit TicketAssigned(ticketId, agent, sender);
    }

    /// @inheritdoc ISupportDesk
    function awaitCustomer(uint256 ticketId, bytes32 noteHash) external {
        TicketRecord memory ticket = _ticket(ticketId);
        address sender = _requireStaff(ticket.merchantId);
        if (ticket.status != Status.InProgress) revert DeskInvalidTransition(ticketId, ticket.status, sender);

        // The clock stops: keep how much resolution time the cycle has used so far.
        ticket.clock = uint32(block.timestamp - ticket.clock); // at most the timestamp, which _now() bounds
        ticket.status = Status.AwaitingCustomer;
        _storeTicket(ticketId, ticket);

        emit TicketStatusChanged(ticketId, Status.InProgress, Status.AwaitingCustomer, sender, noteHash);
    }

    /// @inheritdoc ISupportDesk
    function resolveTicket(uint256 ticketId, bytes32 resolutionHash) external {
        TicketRecord memory ticket = _ticket(ticketId);
        address sender = _requireStaff(ticket.merchantId);
        if (!_isActive(ticket.status)) revert DeskInvalidTransition(ticketId, ticket.status, sender);
        _resolve(ticketId, ticket, sender, resolutionHash);
    }

    /// @inheritdoc ISupportDesk
    function confirmResolution(uint256 ticketId) external {
        TicketRecord memory ticket = _ticket(ticketId);
        address sender = _requireCustomer(ticketId, ticket);
        if (ticket.status != Status.Resolved) revert DeskInvalidTransition(ticketId, ticket.status, sender);

        ticket.status = Status.Closed; // clock keeps the resolution time
        _storeTicket(ticketId, ticket);

        emit TicketStatusChanged(ticketId, Status.Resolved, Status.Closed, sender, bytes32(0));
    }

    /// @inheritdoc ISupportDesk
    function reopenTicket(uint256 ticketId, bytes32 reasonHash) external {
        TicketRecord memory ticket = _ticket(ticketId);
        address sender = _requireCustomer(ticketId, ticket);
        if (ticket.status != Status.Resolved) revert DeskInvalidTransition(ticketId, ticket.status, sender);
        Merchant storage merchant = _merchants[ticket.merchantId];
        (uint32 reopenWindow, ) = _resolutionTerms(ticket, merchant);
        uint64 closedAt = uint64(ticket.clock) + reopenWindow;
        if (block.timestamp > closedAt) revert DeskReopenWindowClosed(ticketId, closedAt);

        // The ended cycle's misses that nobody claimed are paid now, whatever the auto-pay setting: the
        // reopen would otherwise forfeit them, since compensation is per cycle.
        SlaCompensation memory compensation;
        uint8 compensate;
        if (ticket.flags & (_FR_MISSED | _RES_MISSED) != 0 && _escrow != address(0)) {
            compensation = _cycleCompensation(ticket, merchant);
            compensate = _compensable(ticket, compensation);
        }

        // A new service cycle: new deadlines from now under the current terms, nothing of the old cycle's
        // counting carries over.
        ticket.status = Status.Open;
        ticket.clock = _now();
        ticket.flags &= _CYCLE_INDEPENDENT;
        ticket.terms = merchant.termsVersion;
        _storeTicket(ticketId, ticket);

        emit TicketStatusChanged(ticketId, Status.Resolved, Status.Open, sender, reasonHash);
        _payCompensation(ticketId, ticket, compensation, compensate);
    }

    /// @inheritdoc ISupportDesk
    function escalateTicket(uint256 ticketId, bytes32 reasonHash) external {
        TicketRecord memory ticket = _ticket(ticketId);
        address sender = _requireCustomer(ticketId, ticket);
        Status from = ticket.status;
        if (from != Status.Open && from != Status.InProgress && from != Status.AwaitingCustomer) {
            revert DeskInvalidTransition(ticketId, from, sender);
        }

        Merchant storage merchant = _merchants[ticket.merchantId];
        uint8 missed = _settleMisses(ticketId, ticket, merchant);
        if (ticket.flags & (_FR_MISSED | _RES_MISSED) == 0) {
            revert DeskNoDeadlineMissed(ticketId, _nextDueAt(ticket, merchant));
        }
        if (from == Status.AwaitingCustomer) _resumeClock(ticket);
        ticket.status = Status.Escalated;
        (uint8 compensate, SlaCompensation memory compensation) = _autoCompensation(ticket, merchant, missed);
        _storeTicket(ticketId, ticket);

        emit TicketStatusChanged(ticketId, from, Status.Escalated, sender, reasonHash);
        _payCompensation(ticketId, ticket, compensation, compensate);
    }

    /// @inheritdoc ISupportDesk
    function cancelTicket(uint256 ticketId) external {
        TicketRecord memory ticket = _ticket(ticketId);
        address sender = _requireCustomer(ticketId, ticket);
        if (ticket.status != Status.Open) revert DeskInvalidTransition(ticketId, ticket.status, sender);
        if (ticket.flags & _WORKED != 0) revert DeskTicketAlreadyWorked(ticketId);

        // A deadline the merchant had already missed still counts against it.
        Merchant storage merchant = _merchants[ticket.merchantId];
        uint8 missed = _settleMisses(ticketId, ticket, merchant);
        ticket.status = Status.Cancelled;
        (uint8 compensate, SlaCompensation memory compensation) = _autoCompensation(ticket, merchant, missed);
        _storeTicket(ticketId, ticket);

        emit TicketStatusChanged(ticketId, Status.Open, Status.Cancelled, sender, bytes32(0));
        _payCompensation(ticketId, ticket, compensation, compensate);
    }

    /// @inheritdoc ISupportDesk
    function closeTicket(uint256 ticketId) external {
        TicketRecord memory ticket = _ticket(ticketId);
        address sender = _msgSender();
        if (ticket.status != Status.Resolved) revert DeskInvalidTransition(ticketId, ticket.status, sender);
        // Only once the customer's reopen window has ended (its last second included) and the auto-close
        // delay has passed: with the two equal, closing at the window's last second would cut it short.
        (uint32 reopenWindow, uint32 autoCloseDelay) = _resolutionTerms(
            ticket,
            _merchants[ticket.merchantId]
        );
        uint32 delay = autoCloseDelay > reopenWindow ? autoCloseDelay : reopenWindow + 1;
        uint64 closableAt = uint64(ticket.clock) + delay;
        if (block.timestamp < closableAt) revert DeskAutoCloseNotDue(ticketId, closableAt);

        ticket.status = Status.Closed;
        _storeTicket(ticketId, ticket);

        emit TicketStatusChanged(ticketId, Status.Resolved, Status.Closed, sender, bytes32(0));
    }

    /*//////////////////////////////////////////////////////////////
                              ESCROW HOOKS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISupportDesk
    function bindEscrow(address escrow_) external {
        // msg.sender, not _msgSender(): binding is a deployment step, never relayed.
        if (msg.sender != _DEPLOYER || _escrow != address(0)) revert DeskEscrowBindingLocked(msg.sender);
        if (escrow_ == address(0)) revert DeskInvalidEscrow(escrow_);
        _escrow = escrow_;
        emit EscrowBound(escrow_);
    }

    /// @inheritdoc ISupportDesk
    function resolveByEscrow(
        uint256 ticketId,
        address actor,
        bytes32 resolutionHash
    ) external returns (bool resolved) {
        _requireEscrow();
        TicketRecord memory ticket = _ticket(ticketId);
        if (!_isActive(ticket.status)) return false;
        _resolve(ticketId, ticket, actor, resolutionHash);
        return true;
    }

    /// @inheritdoc ISupportDesk
    function claimMissedDeadlines(
        uint256 ticketId
    )
        external
        returns (address customer, uint32 merchantId, uint8 deadlines, SlaCompensation memory compensation)
    {
        _requireEscrow();
        TicketRecord memory ticket = _ticket(ticketId);
        Merchant storage merchant = _merchants[ticket.merchantId];
        if (_isActive(ticket.status)) _settleMisses(ticketId, ticket, merchant);

        compensation = _cycleCompensation(ticket, merchant);
        deadlines = _compensable(ticket, compensation);
        if (deadlines == 0) revert DeskNothingToCompensate(ticketId);
        ticket.flags |= _compensatedFlags(deadlines);
        _storeTicket(ticketId, ticket);

        return (ticket.customer, ticket.merchantId, deadlines, compensation);
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISupportDesk
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    /// @inheritdoc ISupportDesk
    function escrow() external view returns (address) {
        return _escrow;
    }

    /// @inheritdoc ISupportDesk
    function merchantCount() external view returns (uint32) {
        return _merchantCount;
    }

    /// @inheritdoc ISupportDesk
    function ticketCount() external view returns (uint256) {
        return _ticketCount;
    }

    /// @inheritdoc ISupportDesk
    function statusOf(uint256 ticketId) external view returns (Status) {
        return Status((_tickets[ticketId] >> _STATE_SHIFT) & _STATUS_MASK);
    }

    /// @inheritdoc ISupportDesk
    function customerOf(uint256 ticketId) external view returns (address) {
        return _ticket(ticketId).customer;
    }

    /// @inheritdoc ISupportDesk
    function merchantOf(uint256 ticketId) external view returns (uint32) {
        return _ticket(ticketId).merchantId;
    }

    /// @inheritdoc ISupportDesk
    function getTicket(uint256 ticketId) external view returns (TicketView memory view_) {
        TicketRecord memory ticket = _ticket(ticketId);
        Merchant storage merchant = _merchants[ticket.merchantId];
        (uint64 firstResponseDueAt, bool firstResponseMissed) = _firstResponseState(ticket, merchant);
        (uint64 resolutionDueAt, bool resolutionMissed, ) = _resolutionState(ticket, merchant);
        bool resolved = ticket.status == Status.Resolved || ticket.status == Status.Closed;

        view_.customer = ticket.customer;
        view_.merchantId = ticket.merchantId;
        view_.status = ticket.status;
        view_.priority = ticket.priority;
        view_.assignee = _assignees[ticketId];
        view_.firstResponseDueAt = firstResponseDueAt;
        view_.resolutionDueAt = resolutionDueAt;
        view_.resolvedAt = resolved ? ticket.clock : 0;
        view_.firstResponded = ticket.flags & _RESPONDED != 0;
        view_.firstResponseMissed = firstResponseMissed;
        view_.resolutionMissed = resolutionMissed;
        view_.firstResponseCompensated = ticket.flags & _FR_COMPENSATED != 0;
        view_.resolutionCompensated = ticket.flags & _RES_COMPENSATED != 0;
        view_.verified = ticket.verified;
        view_.termsVersion = ticket.terms;
    }

    /// @inheritdoc ISupportDesk
    function ticketCore(
        uint256 ticketId
    ) external view returns (address customer, uint32 merchantId, Status status) {
        TicketRecord memory ticket = _ticket(ticketId);
        return (ticket.customer, ticket.merchantId, ticket.status);
    }

    /// @inheritdoc ISupportDesk
    function ticketFacts(
        uint256 ticketId
    ) external view returns (address customer, uint32 merchantId, Status status, bool verified) {
        TicketRecord memory ticket = _ticket(ticketId);
        return (ticket.customer, ticket.merchantId, ticket.status, ticket.verified);
    }

    /// @inheritdoc ISupportDesk
    function refundContext(
        uint256 ticketId
    )
        external
        view
        returns (
            address customer,
            uint32 merchantId,
            Status status,
            bool verified,
            uint32 refundResponseTime,
            uint16 termsVersion
        )
    {
        TicketRecord memory ticket = _ticket(ticketId);
        Merchant storage merchant = _merchants[ticket.merchantId];
        return (
            ticket.customer,
            ticket.merchantId,
            ticket.status,
            ticket.verified,
            merchant.refundResponseTime,
            merchant.termsVersion
        );
    }

    /// @inheritdoc ISupportDesk
    function receiptOf(
        uint256 ticketId
    )
        external
        view
        returns (bool verified, bytes32 orderRef, address token, uint256 amount, uint64 supportUntil)
    {
        TicketRecord memory ticket = _ticket(ticketId);
        if (!ticket.verified) return (false, 0, address(0), 0, 0);
        orderRef = _ticketOrders[ticketId];
        OrderRecord storage order = _orders[ticket.merchantId][orderRef];
        return (true, orderRef, order.token, order.amount, order.supportUntil);
    }

    /// @inheritdoc ISupportDesk
    function isOrderSigner(uint32 merchantId, address signer) external view returns (bool) {
        return _orderSigners[merchantId][signer];
    }

    /// @inheritdoc ISupportDesk
    function receiptRequired(uint32 merchantId) external view returns (bool) {
        return _merchants[merchantId].receiptRequired;
    }

    /// @inheritdoc ISupportDesk
    function disputeTermsAt(
        uint32 merchantId,
        uint16 version
    ) external view returns (uint32 disputeWindow, address arbiter) {
        Merchant storage merchant = _merchants[merchantId];
        if (version == merchant.termsVersion) return (merchant.disputeWindow, merchant.arbiter);
        Policy storage policy = _archivedTerms[merchantId][version].policy;
        return (policy.disputeWindow, policy.arbiter);
    }

    /// @inheritdoc ISupportDesk
    function termsVersionOf(uint32 merchantId) external view returns (uint16) {
        return _merchants[merchantId].termsVersion;
    }

    /// @inheritdoc ISupportDesk
    function merchantAdmin(uint32 merchantId) external view returns (address) {
        return _merchants[merchantId].admin;
    }

    /// @inheritdoc ISupportDesk
    function pendingMerchantAdmin(uint32 merchantId) external view returns (address) {
        return _merchants[merchantId].pendingAdmin;
    }

    /// @inheritdoc ISupportDesk
    function isAgent(uint32 merchantId, address account) external view returns (bool) {
        return _roles[merchantId][account] != 0;
    }

    /// @inheritdoc ISupportDesk
    function policyOf(uint32 merchantId) external view returns (Policy memory) {
        _requireMerchant(merchantId);
        return _policy(_merchants[merchantId]);
    }

    /// @inheritdoc ISupportDesk
    function slaCompensationOf(uint32 merchantId) external view returns (SlaCompensation memory) {
        return _merchants[merchantId].compensation;
    }

    /// @inheritdoc ISupportDesk
    function slaStatsOf(uint32 merchantId) external view returns (SlaStats memory) {
        Merchant storage merchant = _merchants[merchantId];
        return
            SlaStats({
                firstResponseMet: merchant.firstResponseMet,
                firstResponseMissed: merchant.firstResponseMissed,
                resolutionMet: merchant.resolutionMet,
                resolutionMissed: merchant.resolutionMissed
            });
    }

    /// @inheritdoc ISupportDesk
    function slaHitRateBps(uint32 merchantId) external view returns (uint256) {
        Merchant storage merchant = _merchants[merchantId];
        uint256 met = uint256(merchant.firstResponseMet) + merchant.resolutionMet;
        uint256 counted = met + merchant.firstResponseMissed + merchant.resolutionMissed;
        return counted == 0 ? _BPS : (met * _BPS) / counted;
    }

    /// @inheritdoc ISupportDesk
    function firstResponseDeadline(uint256 ticketId) external view returns (uint64 dueAt, bool missed) {
        TicketRecord memory ticket = _ticket(ticketId);
        return _firstResponseState(ticket, _merchants[ticket.merchantId]);
    }

    /// @inheritdoc ISupportDesk
    function resolutionDeadline(
        uint256 ticketId
    ) external view returns (uint64 dueAt, bool missed, bool paused) {
        TicketRecord memory ticket = _ticket(ticketId);
        return _resolutionState(ticket, _merchants[ticket.merchantId]);
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Moves an active ticket to Resolved; resolving also answers a ticket nobody answered yet.
    /// The resolved ticket then runs under the terms version in force now (its reopen window and auto-close
    /// delay). If that is not the version its cycle ran under, the cycle's misses are settled first under the
    /// cycle's own terms: what they promised and nobody was paid yet is paid now, and a miss they did not
    /// compensate is marked so that no later claim is paid under the newer terms.
    function _resolve(
        uint256 ticketId,
        TicketRecord memory ticket,
        address actor,
        bytes32 resolutionHash
    ) private {
        Merchant storage merchant = _merchants[ticket.merchantId];
        uint8 missed;
        if (ticket.flags & _RESPONDED == 0) missed = _respond(ticketId, ticket, merchant);
        if (ticket.flags & _RES_SETTLED == 0) {
            (uint64 dueAt, bool late, ) = _resolutionState(ticket, merchant);
            missed |= _count(ticketId, ticket, merchant, _RESOLUTION, dueAt, !late);
        }

        Status from = ticket.status;
        ticket.status = Status.Resolved;
        ticket.clock = _now();
        ticket.flags |= _WORKED;
        (uint8 compensate, SlaCompensation memory compensation) = _autoCompensation(ticket, merchant, missed);
        uint16 current = merchant.termsVersion;
        if (ticket.terms != current) {
            if (ticket.flags & (_FR_MISSED | _RES_MISSED) != 0 && _escrow != address(0)) {
                compensation = _cycleCompensation(ticket, merchant);
                compensate |= _compensable(ticket, compensation);
            }
            // Every miss of the ended cycle is now settled under its own terms.
            ticket.flags |= _compensatedFlags(_missedDeadlines(ticket.flags));
            ticket.terms = current;
        }
        _storeTicket(ticketId, ticket);

        emit TicketStatusChanged(ticketId, from, Status.Resolved, actor, resolutionHash);
        _payCompensation(ticketId, ticket, compensation, compensate);
    }

    /// @dev Records the cycle's first response and, unless already counted, counts its deadline.
    /// Only called while the first response is pending, so the clock is the cycle's start.
    function _respond(
        uint256 ticketId,
        TicketRecord memory ticket,
        Merchant storage merchant
    ) private returns (uint8 missed) {
        ticket.flags |= _RESPONDED;
        if (ticket.flags & _FR_SETTLED != 0) return 0;
        (uint32 firstResponseTime, ) = _cycleTimes(ticket, merchant);
        uint64 dueAt = uint64(ticket.clock) + firstResponseTime;
        return _count(ticketId, ticket, merchant, _FIRST_RESPONSE, dueAt, block.timestamp <= dueAt);
    }

    /// @dev Counts every deadline of the running cycle that is missed and not counted yet, as missed.
    function _settleMisses(
        uint256 ticketId,
        TicketRecord memory ticket,
        Merchant storage merchant
    ) private returns (uint8 missed) {
        if (ticket.flags & _FR_SETTLED == 0) {
            (uint64 dueAt, bool late) = _firstResponseState(ticket, merchant);
            if (late) missed = _count(ticketId, ticket, merchant, _FIRST_RESPONSE, dueAt, false);
        }
        if (ticket.flags & _RES_SETTLED == 0) {
            (uint64 dueAt, bool late, ) = _resolutionState(ticket, merchant);
            if (late) missed |= _count(ticketId, ticket, merchant, _RESOLUTION, dueAt, false);
        }
    }

    /// @dev Counts one deadline in the merchant's public record and on the ticket.
    /// @return missed The deadline's bit if it was missed, else 0.
    function _count(
        uint256 ticketId,
        TicketRecord memory ticket,
        Merchant storage merchant,
        uint8 deadline,
        uint64 dueAt,
        bool met
    ) private returns (uint8 missed) {
        // The 48-bit counters cannot overflow: each count costs a transaction.
        if (deadline == _FIRST_RESPONSE) {
            ticket.flags |= met ? _FR_SETTLED : _FR_SETTLED | _FR_MISSED;
            if (met) ++merchant.firstResponseMet;
            else ++merchant.firstResponseMissed;
        } else {
            ticket.flags |= met ? _RES_SETTLED : _RES_SETTLED | _RES_MISSED;
            if (met) ++merchant.resolutionMet;
            else ++merchant.resolutionMissed;
        }
        emit SlaDeadlineSettled(ticketId, ticket.merchantId, deadline, dueAt, met);
        return met ? 0 : deadline;
    }

    /// @dev Which of the `missed` deadlines are paid right away (auto-pay) under the cycle's terms, marked
    /// compensated on the ticket before it is stored, so the escrow is called only after every effect.
    function _autoCompensation(
        TicketRecord memory ticket,
        Merchant storage merchant,
        uint8 missed
    ) private view returns (uint8 compensate, SlaCompensation memory compensation) {
        if (missed == 0 || !ticket.verified || _escrow == address(0)) return (0, compensation);
        compensation = _cycleCompensation(ticket, merchant);
        if (!compensation.autoPay) return (0, compensation);
        compensate = _compensable(ticket, compensation) & missed;
        ticket.flags |= _compensatedFlags(compensate);
    }

    /// @dev Calls the escrow to pay compensation for `compensate` under `compensation` (the interaction,
    /// after all effects).
    function _payCompensation(
        uint256 ticketId,
        TicketRecord memory ticket,
        SlaCompensation memory compensation,
        uint8 compensate
    ) private {
        if (compensate == 0) return;
        IRefundEscrow(_escrow).paySlaCompensation(
            ticketId,
            ticket.merchantId,
            ticket.customer,
            compensate,
            compensation
        );
    }

    /// @dev Deadlines of the cycle that were missed, are not compensated yet, and carry an amount; only a
    /// verified ticket is compensated (a ticket anyone can open must not be a claim on the reserve).
    function _compensable(
        TicketRecord memory ticket,
        SlaCompensation memory compensation
    ) private pure returns (uint8 deadlines) {
        if (!ticket.verified) return 0;
        if (
            ticket.flags & (_FR_MISSED | _FR_COMPENSATED) == _FR_MISSED &&
            compensation.firstResponseAmount != 0
        ) deadlines = _FIRST_RESPONSE;
        if (
            ticket.flags & (_RES_MISSED | _RES_COMPENSATED) == _RES_MISSED &&
            compensation.resolutionAmount != 0
        ) {
            deadlines |= _RESOLUTION;
        }
    }

    /// @dev The mask of the cycle's missed deadlines.
    function _missedDeadlines(uint8 flags) private pure returns (uint8 deadlines) {
        if (flags & _FR_MISSED != 0) deadlines = _FIRST_RESPONSE;
        if (flags & _RES_MISSED != 0) deadlines |= _RESOLUTION;
    }

    function _compensatedFlags(uint8 deadlines) private pure returns (uint8 flags) {
        if (deadlines & _FIRST_RESPONSE != 0) flags = _FR_COMPENSATED;
        if (deadlines & _RESOLUTION != 0) flags |= _RES_COMPENSATED;
    }

    /// @dev Restarts a paused clock so that the used resolution time is kept.
    function _resumeClock(TicketRecord memory ticket) private view {
        ticket.clock = uint32(block.timestamp - ticket.clock); // elapsed <= now, so no underflow
    }

    /// @dev The first response's due time while it is pending (0 otherwise) and whether it is missed.
    function _firstResponseState(
        TicketRecord memory ticket,
        Merchant storage merchant
    ) private view returns (uint64 dueAt, bool missed) {
        missed = ticket.flags & _FR_MISSED != 0;
        // Pending only before the first response, in Open or Escalated, where the clock is the cycle start.
        if (ticket.flags & _RESPONDED != 0 || !_isActive(ticket.status)) return (0, missed);
        (uint32 firstResponseTime, ) = _cycleTimes(ticket, merchant);
        dueAt = uint64(ticket.clock) + firstResponseTime;
        missed = missed || block.timestamp > dueAt;
    }

    /// @dev The resolution's due time while the cycle runs (0 once resolved or cancelled), whether it is
    /// missed, and whether its clock is stopped.
    function _resolutionState(
        TicketRecord memory ticket,
        Merchant storage merchant
    ) private view returns (uint64 dueAt, bool missed, bool paused) {
        missed = ticket.flags & _RES_MISSED != 0;
        if (!_isActive(ticket.status)) return (0, missed, false);
        (, uint32 resolutionTime) = _cycleTimes(ticket, merchant);
        if (ticket.status == Status.AwaitingCustomer) {
            // clock holds the resolution time used; it would fall due this much after the customer answers.
            uint256 used = ticket.clock;
            dueAt = uint64(block.timestamp + resolutionTime - used);
            return (dueAt, missed || used > resolutionTime, true);
        }
        dueAt = uint64(ticket.clock) + resolutionTime;
        missed = missed || block.timestamp > dueAt;
    }

    /// @dev The earliest deadline still pending (for the "escalate from" hint).
    function _nextDueAt(TicketRecord memory ticket, Merchant storage merchant) private view returns (uint64) {
        (uint64 firstResponseDueAt, ) = _firstResponseState(ticket, merchant);
        (uint64 resolutionDueAt, , ) = _resolutionState(ticket, merchant);
        if (firstResponseDueAt != 0 && firstResponseDueAt < resolutionDueAt) return firstResponseDueAt;
        return resolutionDueAt;
    }

    function _ticket(uint256 ticketId) private view returns (TicketRecord memory ticket) {
        ticket = _unpack(_tickets[ticketId]);
        if (ticket.status == Status.None) revert DeskUnknownTicket(ticketId);
    }

    /// @dev Decodes a ticket word (layout at `TicketRecord`).
    function _unpack(uint256 word) private pure returns (TicketRecord memory ticket) {
        uint256 state = uint8(word >> _STATE_SHIFT);
        ticket.customer = address(uint160(word));
        ticket.merchantId = uint32(word >> _MERCHANT_SHIFT);
        ticket.status = Status(state & _STATUS_MASK); // 3 bits: 0..7, every one a Status
        ticket.priority = uint8((state >> _PRIORITY_SHIFT) & _MAX_PRIORITY);
        ticket.verified = state & _VERIFIED_BIT != 0;
        ticket.flags = uint8(word >> _FLAGS_SHIFT);
        ticket.clock = uint32(word >> _CLOCK_SHIFT);
        ticket.terms = uint16(word >> _TERMS_SHIFT);
    }

    /// @dev Encodes and writes a ticket word (layout at `TicketRecord`); priority <= 3 is checked on open.
    function _storeTicket(uint256 ticketId, TicketRecord memory ticket) private {
        uint256 state =
            uint256(ticket.status) |
                (uint256(ticket.priority) << _PRIORITY_SHIFT) |
                (ticket.verified ? _VERIFIED_BIT : 0);
        _tickets[ticketId] =
            uint256(uint160(ticket.customer)) |
            (uint256(ticket.merchantId) << _MERCHANT_SHIFT) |
            (state << _STATE_SHIFT) |
            (uint256(ticket.flags) << _FLAGS_SHIFT) |
            (uint256(ticket.clock) << _CLOCK_SHIFT) |
            (uint256(ticket.terms) << _TERMS_SHIFT);
    }

    /// @dev Now, as a ticket clock (reverts after 2106 instead of wrapping).
    function _now() private view returns (uint32) {
        return SafeCast.toUint32(block.timestamp);
    }

    /// @dev Checks what every ticket opening checks and returns the merchant.
    function _openable(uint32 merchantId, uint8 priority) private view returns (Merchant storage merchant) {
        if (priority > _MAX_PRIORITY) revert DeskInvalidPriority(priority);
        if (merchantId == 0 || merchantId > _merchantCount) revert DeskUnknownMerchant(merchantId);
        return _merchants[merchantId];
    }

    /// @dev Writes a new ticket whose first cycle starts now under the merchant's current terms.
    function _newTicket(
        uint32 merchantId,
        Merchant storage merchant,
        address customer,
        uint8 priority,
        bool verified
    ) private returns (uint256 ticketId) {
        ticketId = ++_ticketCount; // 2^64 tickets before this reverts
        _storeTicket(
            ticketId,
            TicketRecord({
                customer: customer,
                merchantId: merchantId,
                status: Status.Open,
                priority: priority,
                verified: verified,
                flags: 0,
                clock: _now(),
                terms: merchant.termsVersion
            })
        );
    }

    /// @dev The first-response and resolution times of the ticket's cycle (its terms version).
    function _cycleTimes(
        TicketRecord memory ticket,
        Merchant storage merchant
    ) private view returns (uint32 firstResponseTime, uint32 resolutionTime) {
        if (ticket.terms == merchant.termsVersion)
            return (merchant.firstResponseTime, merchant.resolutionTime);
        Policy storage policy = _archivedTerms[ticket.merchantId][ticket.terms].policy;
        return (policy.firstResponseTime, policy.resolutionTime);
    }

    /// @dev The compensation terms of the ticket's cycle (its terms version).
    function _cycleCompensation(
        TicketRecord memory ticket,
        Merchant storage merchant
    ) private view returns (SlaCompensation memory) {
        if (ticket.terms == merchant.termsVersion) return merchant.compensation;
        return _archivedTerms[ticket.merchantId][ticket.terms].compensation;
    }

    /// @dev The reopen window and auto-close delay of a resolved ticket (the version in force at resolution).
    function _resolutionTerms(
        TicketRecord memory ticket,
        Merchant storage merchant
    ) private view returns (uint32 reopenWindow, uint32 autoCloseDelay) {
        if (ticket.terms == merchant.termsVersion) return (merchant.reopenWindow, merchant.autoCloseDelay);
        Policy storage policy = _archivedTerms[ticket.merchantId][ticket.terms].policy;
        return (policy.reopenWindow, policy.autoCloseDelay);
    }

    /// @dev The first verified ticket of an order fixes its terms; later receipts must agree (a later
    /// `supportUntil` extends the order's support).
    function _recordOrder(OrderReceipt calldata receipt) private {
        OrderRecord storage order = _orders[receipt.merchantId][receipt.orderRef];
        uint64 knownUntil = order.supportUntil;
        if (knownUntil == 0) {
            order.token = receipt.token;
            order.supportUntil = receipt.supportUntil;
            order.amount = receipt.amount;
            return;
        }
        if (order.token != receipt.token || order.amount != receipt.amount) {
            revert DeskOrderTermsMismatch(receipt.merchantId, receipt.orderRef, order.token, order.amount);
        }
        if (receipt.supportUntil > knownUntil) order.supportUntil = receipt.supportUntil;
    }

    /// @dev The EIP-712 struct hash of a receipt (every field is static, so the struct encodes in place).
    function _receiptStructHash(OrderReceipt calldata receipt) private pure returns (bytes32) {
        return keccak256(abi.encode(_ORDER_RECEIPT_TYPEHASH, receipt));
    }

    /// @dev The accepted order signer that signed `digest`: an EOA (ECDSA, low-s only), or an ERC-1271
    /// contract named by the signature's first 20 bytes.
    function _receiptSigner(
        uint32 merchantId,
        bytes32 digest,
        bytes calldata signature
    ) private view returns (address signer) {
        address recovered;
        if (signature.length == 65) {
            ECDSA.RecoverError error;
            (recovered, error, ) = ECDSA.tryRecoverCalldata(digest, signature);
            if (error == ECDSA.RecoverError.NoError && _orderSigners[merchantId][recovered]) return recovered;
        }
        if (signature.length > 20) {
            signer = address(bytes20(signature[:20]));
            if (
                _orderSigners[merchantId][signer] &&
                SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, signature[20:])
            ) return signer;
        }
        if (recovered != address(0)) revert DeskNotOrderSigner(merchantId, recovered);
        revert DeskInvalidReceiptSignature(merchantId, digest);
    }

    function _isActive(Status status) private pure returns (bool) {
        return
            status == Status.Open ||
            status == Status.InProgress ||
            status == Status.AwaitingCustomer ||
            status == Status.Escalated;
    }

    function _requireStaff(uint32 merchantId) private view returns (address sender) {
        sender = _msgSender();
        if (_roles[merchantId][sender] == 0) revert DeskNotMerchantStaff(merchantId, sender);
    }

    function _requireCustomer(
        uint256 ticketId,
        TicketRecord memory ticket
    ) private view returns (address sender) {
        sender = _msgSender();
        if (sender != ticket.customer) revert DeskNotCustomer(ticketId, sender);
    }

    /// @dev Hooks are called contract to contract, never relayed: msg.sender is the caller.
    function _requireEscrow() private view {
        if (msg.sender != _escrow) revert DeskNotEscrow(msg.sender); // never true before binding: _escrow is 0
    }

    /*//////////////////////////////////////////////////////////////
                          ERC-2771 / CONTEXT GLUE
    //////////////////////////////////////////////////////////////*/

    /// @dev The signer of a relayed call, else the caller.
    function _msgSender() internal view override(Context, ERC2771Context) returns (address) {
        return ERC2771Context._msgSender();
    }

    /// @dev The calldata without the forwarder's appended signer.
    function _msgData() internal view override(Context, ERC2771Context) returns (bytes calldata) {
        return ERC2771Context._msgData();
    }

    /// @dev 20 bytes of signer address appended by the forwarder.
    function _contextSuffixLength() internal view override(Context, ERC2771Context) returns (uint256) {
        return ERC2771Context._contextSuffixLength();
    }
}
