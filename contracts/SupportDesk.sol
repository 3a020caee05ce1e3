// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";

import {ISupportDesk} from "./interfaces/ISupportDesk.sol";
import {IRefundEscrow} from "./interfaces/IRefundEscrow.sol";

/// @title SupportDesk
/// @notice CareLedger's multi-tenant support desk. See {ISupportDesk} for the rules, including the
/// service-level clock rules.
/// @dev Storage keeps only what the contract must check; the timeline (messages, notes, reasons,
/// assignments, policy changes) lives in events. Customers act directly or through the trusted
/// ERC-2771 forwarder; OpenZeppelin 5's `Multicall` is ERC-2771-aware, so batching keeps the signer.
contract SupportDesk is ISupportDesk, ERC2771Context, Multicall {
    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev A ticket's hot fields, in one slot so that a customer's message reads one slot and a status
    /// change writes one:
    /// slot 0: customer (160) | merchantId (32) | status (8) | priority (8) | flags (8) | clock (40)
    /// `clock` depends on the status: in Open, InProgress and Escalated it is when the running service
    /// cycle's clock started (moved forward by every pause); in AwaitingCustomer it is how many seconds
    /// of resolution time the cycle had used when it paused; in Resolved and Closed it is when the
    /// ticket was resolved; in Cancelled it is left as it was.
    struct TicketRecord {
        address customer;
        uint32 merchantId;
        Status status;
        uint8 priority;
        uint8 flags;
        uint40 clock;
    }

    /// @dev A merchant, laid out so that each hot path reads and writes as few slots as it can:
    /// slot 0: firstResponseTime (32) | resolutionTime (32) | firstResponseMet (48) | firstResponseMissed (48)
    ///         | resolutionMet (48) | resolutionMissed (48)   (read to settle a deadline, which also counts it)
    /// slot 1: admin (160) | reopenWindow (32) | autoCloseDelay (32) | refundResponseTime (32)
    /// slot 2: arbiter (160) | disputeWindow (32) | spare (64)
    /// slot 3: pendingAdmin (160) | spare (96)
    /// slot 4: compensation.token (160) | compensation.firstResponseAmount (96)
    /// slot 5: compensation.resolutionAmount (96) | compensation.autoPay (8) | spare (152)
    struct Merchant {
        uint32 firstResponseTime;
        uint32 resolutionTime;
        uint48 firstResponseMet;
        uint48 firstResponseMissed;
        uint48 resolutionMet;
        uint48 resolutionMissed;
        address admin;
        uint32 reopenWindow;
        uint32 autoCloseDelay;
        uint32 refundResponseTime;
        address arbiter;
        uint32 disputeWindow;
        address pendingAdmin;
        SlaCompensation compensation;
    }

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

    /// @dev Deadline ids, as bits of a mask.
    uint8 private constant _FIRST_RESPONSE = 1;
    uint8 private constant _RESOLUTION = 2;

    /// @dev Roles per merchant and account: the admin also holds every agent right.
    uint8 private constant _ROLE_AGENT = 1 << 0;
    uint8 private constant _ROLE_ADMIN = 1 << 1;

    uint8 private constant _MAX_PRIORITY = 3;
    uint32 private constant _MAX_POLICY_TIME = 365 days;
    uint256 private constant _BPS = 10_000;

    /// @dev The defaults a new merchant starts with (its arbiter is the deployment's default arbiter).
    uint32 private constant _DEFAULT_FIRST_RESPONSE_TIME = 1 days;
    uint32 private constant _DEFAULT_RESOLUTION_TIME = 3 days;
    uint32 private constant _DEFAULT_REOPEN_WINDOW = 7 days;
    /// @dev Equal to the reopen window: a stranger may close a resolved ticket only once its customer
    /// can no longer reopen it (`setPolicy` keeps `autoCloseDelay >= reopenWindow`).
    uint32 private constant _DEFAULT_AUTO_CLOSE_DELAY = 7 days;
    uint32 private constant _DEFAULT_REFUND_RESPONSE_TIME = 3 days;
    uint32 private constant _DEFAULT_DISPUTE_WINDOW = 7 days;

    address private immutable _DEFAULT_ARBITER;
    address private immutable _DEPLOYER;

    // slot: escrow (160) | ticketCount (64) | merchantCount (32). Opening a ticket checks the merchant
    // id against merchantCount and bumps ticketCount in this one slot.
    address private _escrow;
    uint64 private _ticketCount;
    uint32 private _merchantCount;

    mapping(uint32 merchantId => Merchant merchant) private _merchants;
    mapping(uint32 merchantId => mapping(address account => uint8 roles)) private _roles;
    mapping(uint256 ticketId => TicketRecord ticket) private _tickets;
    mapping(uint256 ticketId => address agent) private _assignees;

    /*//////////////////////////////////////////////////////////////
                               CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param trustedForwarder The ERC-2771 forwarder whose relayed calls act for their signer.
    /// @param defaultArbiter The arbiter new merchants get in their default policy (`address(0)`: none,
    /// so their refunds cannot be disputed until they set one).
    constructor(address trustedForwarder, address defaultArbiter) ERC2771Context(trustedForwarder) {
        _DEFAULT_ARBITER = defaultArbiter;
        _DEPLOYER = msg.sender;
    }

    /*//////////////////////////////////////////////////////////////
                                MERCHANTS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISupportDesk
    function registerMerchant(address admin, bytes32 profileHash) external returns (uint32 merchantId) {
        if (admin == address(0)) revert DeskInvalidAdmin(admin);
        merchantId = ++_merchantCount; // 4 billion merchants before this reverts

        Merchant storage merchant = _merchants[merchantId];
        merchant.firstResponseTime = _DEFAULT_FIRST_RESPONSE_TIME;
        merchant.resolutionTime = _DEFAULT_RESOLUTION_TIME;
        merchant.admin = admin;
        merchant.reopenWindow = _DEFAULT_REOPEN_WINDOW;
        merchant.autoCloseDelay = _DEFAULT_AUTO_CLOSE_DELAY;
        merchant.refundResponseTime = _DEFAULT_REFUND_RESPONSE_TIME;
        merchant.arbiter = _DEFAULT_ARBITER;
        merchant.disputeWindow = _DEFAULT_DISPUTE_WINDOW;
        _roles[merchantId][admin] = _ROLE_ADMIN;

        emit MerchantRegistered(merchantId, admin, profileHash);
        emit PolicySet(merchantId, _policy(merchant), _msgSender());
    }

    /// @inheritdoc ISupportDesk
    function setAgent(uint32 merchantId, address agent, bool enabled) external {
        address sender = _requireAdmin(merchantId);
        if (agent == address(0)) revert DeskInvalidAgent(agent);
        uint8 roles = _roles[merchantId][agent];
        _roles[merchantId][agent] = enabled ? roles | _ROLE_AGENT : roles & ~_ROLE_AGENT;
        emit AgentSet(merchantId, agent, enabled, sender);
    }

    /// @inheritdoc ISupportDesk
    function transferMerchantAdmin(uint32 merchantId, address newAdmin) external {
        address sender = _requireAdmin(merchantId);
        _merchants[merchantId].pendingAdmin = newAdmin;
        emit MerchantAdminTransferStarted(merchantId, sender, newAdmin);
    }

    /// @inheritdoc ISupportDesk
    function acceptMerchantAdmin(uint32 merchantId) external {
        _requireMerchant(merchantId);
        address sender = _msgSender();
        Merchant storage merchant = _merchants[merchantId];
        if (sender != merchant.pendingAdmin) revert DeskNotPendingAdmin(merchantId, sender);

        address previousAdmin = merchant.admin;
        merchant.admin = sender;
        delete merchant.pendingAdmin;
        _roles[merchantId][previousAdmin] &= ~_ROLE_ADMIN;
        _roles[merchantId][sender] |= _ROLE_ADMIN;

        emit MerchantAdminTransferred(merchantId, previousAdmin, sender);
    }

    /// @inheritdoc ISupportDesk
    function setPolicy(uint32 merchantId, Policy calldata policy) external {
        address sender = _requireAdmin(merchantId);
        _checkPolicyTime(0, policy.firstResponseTime);
        _checkPolicyTime(1, policy.resolutionTime);
        _checkPolicyTime(2, policy.reopenWindow);
        _checkPolicyTime(3, policy.autoCloseDelay);
        _checkPolicyTime(4, policy.refundResponseTime);
        _checkPolicyTime(5, policy.disputeWindow);
        if (policy.autoCloseDelay < policy.reopenWindow) {
            revert DeskAutoCloseBeforeReopenWindow(policy.autoCloseDelay, policy.reopenWindow);
        }

        Merchant storage merchant = _merchants[merchantId];
        merchant.firstResponseTime = policy.firstResponseTime;
        merchant.resolutionTime = policy.resolutionTime;
        merchant.reopenWindow = policy.reopenWindow;
        merchant.autoCloseDelay = policy.autoCloseDelay;
        merchant.refundResponseTime = policy.refundResponseTime;
        merchant.arbiter = policy.arbiter;
        merchant.disputeWindow = policy.disputeWindow;

        emit PolicySet(merchantId, policy, sender);
    }

    /// @inheritdoc ISupportDesk
    function setSlaCompensation(uint32 merchantId, SlaCompensation calldata compensation) external {
        address sender = _requireAdmin(merchantId);
        uint256 required = uint256(compensation.firstResponseAmount) + compensation.resolutionAmount;
        if (required != 0) {
            address escrow_ = _escrow;
            uint256 available =
                escrow_ == address(0) ? 0 : IRefundEscrow(escrow_).reserveOf(merchantId, compensation.token);
            if (available < required) {
                revert DeskSlaCompensationUnbacked(merchantId, compensation.token, available, required);
            }
        }
        _merchants[merchantId].compensation = compensation;
        emit SlaCompensationSet(merchantId, compensation, sender);
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
        if (priority > _MAX_PRIORITY) revert DeskInvalidPriority(priority);
        if (merchantId == 0 || merchantId > _merchantCount) revert DeskUnknownMerchant(merchantId);
        address customer = _msgSender();
        ticketId = ++_ticketCount; // 2^64 tickets before this reverts

        _tickets[ticketId] = TicketRecord({
            customer: customer,
            merchantId: merchantId,
            status: Status.Open,
            priority: priority,
            flags: 0,
            clock: uint40(block.timestamp) // seconds fit 40 bits for 34,000 years
        });

        emit TicketOpened(ticketId, merchantId, customer, orderRef, contentHash, priority);
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
                _tickets[ticketId] = ticket;
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
        uint8 compensate = _autoCompensation(ticket, merchant, missed);
        _tickets[ticketId] = ticket;

        if (from == Status.Open)
            emit TicketStatusChanged(ticketId, from, Status.InProgress, sender, contentHash);
        emit MessagePosted(ticketId, sender, contentHash);
        _payCompensation(ticketId, ticket, merchant, compensate);
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
            _tickets[ticketId] = ticket;
        }
        emit TicketAssigned(ticketId, agent, sender);
    }

    /// @inheritdoc ISupportDesk
    function awaitCustomer(uint256 ticketId, bytes32 noteHash) external {
        TicketRecord memory ticket = _ticket(ticketId);
        address sender = _requireStaff(ticket.merchantId);
        if (ticket.status != Status.InProgress) revert DeskInvalidTransition(ticketId, ticket.status, sender);

        // The clock stops: keep how much resolution time the cycle has used so far.
        ticket.clock = uint40(block.timestamp - ticket.clock); // at most the timestamp itself
        ticket.status = Status.AwaitingCustomer;
        _tickets[ticketId] = ticket;

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
        _tickets[ticketId] = ticket;

        emit TicketStatusChanged(ticketId, Status.Resolved, Status.Closed, sender, bytes32(0));
    }

    /// @inheritdoc ISupportDesk
    function reopenTicket(uint256 ticketId, bytes32 reasonHash) external {
        TicketRecord memory ticket = _ticket(ticketId);
        address sender = _requireCustomer(ticketId, ticket);
        if (ticket.status != Status.Resolved) revert DeskInvalidTransition(ticketId, ticket.status, sender);
        uint64 closedAt = uint64(ticket.clock) + _merchants[ticket.merchantId].reopenWindow;
        if (block.timestamp > closedAt) revert DeskReopenWindowClosed(ticketId, closedAt);

        // The ended cycle's misses that nobody claimed are paid now, whatever the auto-pay setting: the
        // reopen would otherwise forfeit them, since compensation is per cycle.
        Merchant storage merchant = _merchants[ticket.merchantId];
        uint8 compensate;
        if (ticket.flags & (_FR_MISSED | _RES_MISSED) != 0 && _escrow != address(0)) {
            compensate = _compensable(ticket, merchant.compensation);
        }

        // A new service cycle: new deadlines from now, nothing of the old cycle's counting carries over.
        ticket.status = Status.Open;
        ticket.clock = uint40(block.timestamp);
        ticket.flags &= _CYCLE_INDEPENDENT;
        _tickets[ticketId] = ticket;

        emit TicketStatusChanged(ticketId, Status.Resolved, Status.Open, sender, reasonHash);
        _payCompensation(ticketId, ticket, merchant, compensate);
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
        uint8 compensate = _autoCompensation(ticket, merchant, missed);
        _tickets[ticketId] = ticket;

        emit TicketStatusChanged(ticketId, from, Status.Escalated, sender, reasonHash);
        _payCompensation(ticketId, ticket, merchant, compensate);
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
        uint8 compensate = _autoCompensation(ticket, merchant, missed);
        _tickets[ticketId] = ticket;

        emit TicketStatusChanged(ticketId, Status.Open, Status.Cancelled, sender, bytes32(0));
        _payCompensation(ticketId, ticket, merchant, compensate);
    }

    /// @inheritdoc ISupportDesk
    function closeTicket(uint256 ticketId) external {
        TicketRecord memory ticket = _ticket(ticketId);
        address sender = _msgSender();
        if (ticket.status != Status.Resolved) revert DeskInvalidTransition(ticketId, ticket.status, sender);
        uint64 closableAt = uint64(ticket.clock) + _merchants[ticket.merchantId].autoCloseDelay;
        if (block.timestamp < closableAt) revert DeskAutoCloseNotDue(ticketId, closableAt);

        ticket.status = Status.Closed;
        _tickets[ticketId] = ticket;

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

        compensation = merchant.compensation;
        deadlines = _compensable(ticket, compensation);
        if (deadlines == 0) revert DeskNothingToCompensate(ticketId);
        ticket.flags |= _compensatedFlags(deadlines);
        _tickets[ticketId] = ticket;

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
        return _tickets[ticketId].status;
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
    }

    /// @inheritdoc ISupportDesk
    function ticketCore(
        uint256 ticketId
    ) external view returns (address customer, uint32 merchantId, Status status) {
        TicketRecord memory ticket = _ticket(ticketId);
        return (ticket.customer, ticket.merchantId, ticket.status);
    }

    /// @inheritdoc ISupportDesk
    function refundContext(
        uint256 ticketId
    ) external view returns (address customer, uint32 merchantId, Status status, uint32 refundResponseTime) {
        TicketRecord memory ticket = _ticket(ticketId);
        return (
            ticket.customer,
            ticket.merchantId,
            ticket.status,
            _merchants[ticket.merchantId].refundResponseTime
        );
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
        ticket.clock = uint40(block.timestamp);
        ticket.flags |= _WORKED;
        uint8 compensate = _autoCompensation(ticket, merchant, missed);
        _tickets[ticketId] = ticket;

        emit TicketStatusChanged(ticketId, from, Status.Resolved, actor, resolutionHash);
        _payCompensation(ticketId, ticket, merchant, compensate);
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
        uint64 dueAt = uint64(ticket.clock) + merchant.firstResponseTime;
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

    /// @dev Which of the `missed` deadlines are paid right away (auto-pay), marked compensated on the
    /// ticket before it is stored, so the escrow is called only after every effect.
    function _autoCompensation(
        TicketRecord memory ticket,
        Merchant storage merchant,
        uint8 missed
    ) private view returns (uint8 compensate) {
        if (missed == 0 || _escrow == address(0)) return 0;
        SlaCompensation memory compensation = merchant.compensation;
        if (!compensation.autoPay) return 0;
        compensate = _compensable(ticket, compensation) & missed;
        ticket.flags |= _compensatedFlags(compensate);
    }

    /// @dev Calls the escrow to pay auto-paid compensation (the interaction, after all effects).
    function _payCompensation(
        uint256 ticketId,
        TicketRecord memory ticket,
        Merchant storage merchant,
        uint8 compensate
    ) private {
        if (compensate == 0) return;
        IRefundEscrow(_escrow).paySlaCompensation(
            ticketId,
            ticket.merchantId,
            ticket.customer,
            compensate,
            merchant.compensation
        );
    }

    /// @dev Deadlines of the cycle that were missed, are not compensated yet, and carry an amount.
    function _compensable(
        TicketRecord memory ticket,
        SlaCompensation memory compensation
    ) private pure returns (uint8 deadlines) {
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

    function _compensatedFlags(uint8 deadlines) private pure returns (uint8 flags) {
        if (deadlines & _FIRST_RESPONSE != 0) flags = _FR_COMPENSATED;
        if (deadlines & _RESOLUTION != 0) flags |= _RES_COMPENSATED;
    }

    /// @dev Restarts a paused clock so that the used resolution time is kept.
    function _resumeClock(TicketRecord memory ticket) private view {
        ticket.clock = uint40(block.timestamp - ticket.clock); // elapsed <= now, so no underflow
    }

    /// @dev The first response's due time while it is pending (0 otherwise) and whether it is missed.
    function _firstResponseState(
        TicketRecord memory ticket,
        Merchant storage merchant
    ) private view returns (uint64 dueAt, bool missed) {
        missed = ticket.flags & _FR_MISSED != 0;
        // Pending only before the first response, in Open or Escalated, where the clock is the cycle start.
        if (ticket.flags & _RESPONDED != 0 || !_isActive(ticket.status)) return (0, missed);
        dueAt = uint64(ticket.clock) + merchant.firstResponseTime;
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
        if (ticket.status == Status.AwaitingCustomer) {
            // clock holds the resolution time used; it would fall due this much after the customer answers.
            uint256 used = ticket.clock;
            dueAt = uint64(block.timestamp + merchant.resolutionTime - used);
            return (dueAt, missed || used > merchant.resolutionTime, true);
        }
        dueAt = uint64(ticket.clock) + merchant.resolutionTime;
        missed = missed || block.timestamp > dueAt;
    }

    /// @dev The earliest deadline still pending (for the "escalate from" hint).
    function _nextDueAt(TicketRecord memory ticket, Merchant storage merchant) private view returns (uint64) {
        (uint64 firstResponseDueAt, ) = _firstResponseState(ticket, merchant);
        (uint64 resolutionDueAt, , ) = _resolutionState(ticket, merchant);
        if (firstResponseDueAt != 0 && firstResponseDueAt < resolutionDueAt) return firstResponseDueAt;
        return resolutionDueAt;
    }

    function _policy(Merchant storage merchant) private view returns (Policy memory) {
        return
            Policy({
                firstResponseTime: merchant.firstResponseTime,
                resolutionTime: merchant.resolutionTime,
                reopenWindow: merchant.reopenWindow,
                autoCloseDelay: merchant.autoCloseDelay,
                refundResponseTime: merchant.refundResponseTime,
                disputeWindow: merchant.disputeWindow,
                arbiter: merchant.arbiter
            });
    }

    function _ticket(uint256 ticketId) private view returns (TicketRecord memory ticket) {
        ticket = _tickets[ticketId];
        if (ticket.status == Status.None) revert DeskUnknownTicket(ticketId);
    }

    function _isActive(Status status) private pure returns (bool) {
        return
            status == Status.Open ||
            status == Status.InProgress ||
            status == Status.AwaitingCustomer ||
            status == Status.Escalated;
    }

    function _requireMerchant(uint32 merchantId) private view {
        if (merchantId == 0 || merchantId > _merchantCount) revert DeskUnknownMerchant(merchantId);
    }

    function _requireAdmin(uint32 merchantId) private view returns (address sender) {
        _requireMerchant(merchantId);
        sender = _msgSender();
        if (_roles[merchantId][sender] & _ROLE_ADMIN == 0) revert DeskNotMerchantAdmin(merchantId, sender);
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

    function _checkPolicyTime(uint8 field, uint32 value) private pure {
        if (value == 0 || value > _MAX_POLICY_TIME) revert DeskInvalidPolicyTime(field, value);
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
