// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Context} from "@openzeppelin/contracts/utils/Context.sol";

import {ISupportDesk} from "../interfaces/ISupportDesk.sol";

/// @title SupportDeskStorage
/// @notice The state of a CareLedger support desk, shared by `SupportDesk` and the module it delegates merchant
/// administration to (`SupportDeskMerchants`).
/// @dev Both contracts inherit this contract first, and it is the only base of either that declares state
/// variables before them (OpenZeppelin's `EIP712` keeps its two fallback strings after these), so the layout
/// below is the same in the desk and in the module that runs in the desk's storage. Add state here only,
/// and only at the end. `test/ContractModules.ts` compares the two compiled layouts.
abstract contract SupportDeskStorage is Context {
    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev A ticket's hot fields, unpacked in memory. In storage they are one word (`_tickets`), so that a
    /// customer's message reads one slot and a status change writes one:
    /// word: customer (160) | merchantId (32) | state (8) | flags (8) | clock (32) | terms (16)
    ///       bits 0..159    | 160..191        | 192..199  | 200..207  | 208..239   | 240..255
    /// state: status (3, bits 0..2) | priority (2, bits 3..4) | verified (1, bit 5) | spare (2)
    /// `clock` depends on the status: in Open, InProgress and Escalated it is when the running service
    /// cycle's clock started (moved forward by every pause); in AwaitingCustomer it is how many seconds
    /// of resolution time the cycle had used when it paused; in Resolved and Closed it is when the
    /// ticket was resolved; in Cancelled it is left as it was. Times are 32-bit unix seconds (until 2106;
    /// `SafeCast` reverts after that rather than wrap).
    /// `terms` is the merchant's terms version the current cycle started under; from resolution on, the
    /// version in force at resolution (whose reopen window and auto-close delay then apply).
    struct TicketRecord {
        address customer;
        uint32 merchantId;
        ISupportDesk.Status status;
        uint8 priority;
        bool verified;
        uint8 flags;
        uint32 clock;
        uint16 terms;
    }

    /// @dev A merchant, laid out so that each hot path reads and writes as few slots as it can:
    /// slot 0: firstResponseTime (32) | resolutionTime (32) | firstResponseMet (40) | firstResponseMissed (40)
    ///         | resolutionMet (40) | resolutionMissed (40) | termsVersion (16) | receiptRequired (8) | spare (8)
    ///         (read to open a ticket, and to settle a deadline, which also counts it)
    /// slot 1: admin (160) | reopenWindow (32) | autoCloseDelay (32) | refundResponseTime (32)
    /// slot 2: arbiter (160) | disputeWindow (32) | spare (64)
    /// slot 3: pendingAdmin (160) | spare (96)
    /// slot 4: compensation.token (160) | compensation.firstResponseAmount (96)
    /// slot 5: compensation.resolutionAmount (96) | compensation.autoPay (8) | spare (152)
    /// The 40-bit counters cannot overflow: each count costs a transaction (2^40 is 10^12 of them).
    struct Merchant {
        uint32 firstResponseTime;
        uint32 resolutionTime;
        uint40 firstResponseMet;
        uint40 firstResponseMissed;
        uint40 resolutionMet;
        uint40 resolutionMissed;
        uint16 termsVersion;
        bool receiptRequired;
        address admin;
        uint32 reopenWindow;
        uint32 autoCloseDelay;
        uint32 refundResponseTime;
        address arbiter;
        uint32 disputeWindow;
        address pendingAdmin;
        ISupportDesk.SlaCompensation compensation;
    }

    /// @dev An archived terms version (written once, when the merchant moves on to the next version):
    /// slot 0: firstResponseTime (32) | resolutionTime (32) | reopenWindow (32) | autoCloseDelay (32)
    ///         | refundResponseTime (32) | disputeWindow (32) | spare (64)
    /// slot 1: arbiter (160) | spare (96)
    /// slot 2-3: compensation, as in `Merchant`
    struct Terms {
        ISupportDesk.Policy policy;
        ISupportDesk.SlaCompensation compensation;
    }

    /// @dev The order behind verified tickets, fixed by its first verified ticket:
    /// slot 0: token (160) | supportUntil (64) | spare (32)   (supportUntil != 0 marks a known order)
    /// slot 1: amount (256)
    struct OrderRecord {
        address token;
        uint64 supportUntil;
        uint256 amount;
    }

    /// @dev Roles per merchant and account: the admin also holds every agent right.
    uint8 internal constant _ROLE_AGENT = 1 << 0;
    uint8 internal constant _ROLE_ADMIN = 1 << 1;

    // slot: escrow (160) | ticketCount (64) | merchantCount (32). Opening a ticket checks the merchant
    // id against merchantCount and bumps ticketCount in this one slot.
    address internal _escrow;
    uint64 internal _ticketCount;
    uint32 internal _merchantCount;

    mapping(uint32 merchantId => Merchant merchant) internal _merchants;
    mapping(uint32 merchantId => mapping(address account => uint8 roles)) internal _roles;
    mapping(uint256 ticketId => uint256 packed) internal _tickets;
    mapping(uint256 ticketId => address agent) internal _assignees;
    mapping(uint32 merchantId => mapping(uint16 version => Terms terms)) internal _archivedTerms;
    mapping(uint32 merchantId => mapping(address signer => bool allowed)) internal _orderSigners;
    mapping(uint32 merchantId => mapping(bytes32 orderRef => OrderRecord order)) internal _orders;
    /// @dev Written for verified tickets only (a verified receipt's orderRef is never 0).
    mapping(uint256 ticketId => bytes32 orderRef) internal _ticketOrders;

    /*//////////////////////////////////////////////////////////////
                             SHARED CHECKS
    //////////////////////////////////////////////////////////////*/

    function _requireMerchant(uint32 merchantId) internal view {
        if (merchantId == 0 || merchantId > _merchantCount)
            revert ISupportDesk.DeskUnknownMerchant(merchantId);
    }

    function _requireAdmin(uint32 merchantId) internal view returns (address sender) {
        _requireMerchant(merchantId);
        sender = _msgSender();
        if (_roles[merchantId][sender] & _ROLE_ADMIN == 0) {
            revert ISupportDesk.DeskNotMerchantAdmin(merchantId, sender);
        }
    }

    /// @dev A merchant's current policy, as the interface shows it.
    function _policy(Merchant storage merchant) internal view returns (ISupportDesk.Policy memory) {
        return
            ISupportDesk.Policy({
                firstResponseTime: merchant.firstResponseTime,
                resolutionTime: merchant.resolutionTime,
                reopenWindow: merchant.reopenWindow,
                autoCloseDelay: merchant.autoCloseDelay,
                refundResponseTime: merchant.refundResponseTime,
                disputeWindow: merchant.disputeWindow,
                arbiter: merchant.arbiter
            });
    }
}
