// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IRefundEscrow} from "../interfaces/IRefundEscrow.sol";
import {ISupportDesk} from "../interfaces/ISupportDesk.sol";

/// @title RefundEscrowStorage
/// @notice The state of a CareLedger refund escrow, shared by `RefundEscrow` and the module it delegates
/// reserve withdrawals, allowances and deadline compensation to
/// (`RefundEscrowReserves`).
/// @dev Both contracts inherit this contract first, and no base of either declares state variables
/// before these (the reentrancy guard lives in a transient slot), so the layout below is the same in the
/// escrow and in the module that runs in the escrow's storage. Add state here only, and only at the end.
/// `test/ContractModules.ts` compares the two compiled layouts.
abstract contract RefundEscrowStorage {
    using SafeERC20 for IERC20;

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev A refund's hot fields, one slot:
    /// slot 0: ticketId (48) | merchantId (32) | status (8) | deadline (40) | amount (112) | terms (16)
    /// `terms` is the merchant's terms version at request (its dispute window and arbiter). Ticket ids fit
    /// 48 bits: each costs a transaction, and 2^48 of them is beyond any chain's lifetime (SafeCast checks).
    /// Its token lives in `_refundTokens` (the refund's second slot), written only for ERC-20 refunds, so an
    /// ETH refund writes one new slot.
    struct RefundCore {
        uint48 ticketId;
        uint32 merchantId;
        IRefundEscrow.RefundStatus status;
        uint40 deadline;
        uint112 amount;
        uint16 terms;
    }

    /// @dev A limited agent's allowance in one token, one slot:
    /// slot 0: limit (96) | spent (96) | periodStart (32) | period (32)
    /// `period` 0 means no limit is set. `spent` counts payouts since `periodStart`.
    struct Allowance {
        uint96 limit;
        uint96 spent;
        uint32 periodStart;
        uint32 period;
    }

    /// @dev A merchant's books for one token, one slot: available (128) | locked (128).
    struct Reserve {
        uint128 available;
        uint128 locked;
    }

    /// @dev A merchant's owed compensation in one token.
    /// slot 0: total (128) | covered (128)   cumulative amounts owed, and covered by deposits (FIFO)
    /// slot 1: settled (128) | spare (128)   cumulative amount paid out of `covered`
    struct OwedBook {
        uint128 total;
        uint128 covered;
        uint128 settled;
    }

    /// @dev An owed compensation claim.
    /// slot 0: customer (160) | merchantId (32) | ticketId (48) | paid (8) | spare (8)
    /// slot 1: token (160) | spare (96)
    /// slot 2: amount (128) | coveredAt (128)
    /// `paid` shares the customer's slot, which is never zero: marking a claim paid updates a slot instead of
    /// creating one (for an ETH claim the token slot is all zeros), 17,100 gas less per settlement.
    struct OwedRecord {
        address customer;
        uint32 merchantId;
        uint48 ticketId;
        bool paid;
        address token;
        uint128 amount;
        uint128 coveredAt;
    }

    /// @dev Gas forwarded with an ETH payout to a customer. 2,300 (`transfer`) is too little for today's
    /// contract wallets: a Safe is a proxy whose `receive` makes a cold DELEGATECALL (2,600) to its
    /// singleton and emits an event, and ERC-4337 accounts behind proxies read cold storage (2,100 per
    /// slot); they need roughly 5,000-15,000. 50,000 leaves them ample headroom while bounding what a
    /// gas-burning receiver can cost the payer (an approving agent, or a keeper executing a refund).
    /// A receiver that fails within it gets the amount as a credit instead (`RefundPaid(..., true)`).
    uint256 internal constant _ETH_PUSH_GAS = 50_000;

    /// @dev Gas a compensation payout in an ERC-20 may use. Compensation is paid inside calls that protect the
    /// customer (escalating, cancelling, reopening) or by keepers; a merchant's token that burns all the gas
    /// it is given must not make those calls cost millions of gas. A plain ERC-20 transfer needs 30,000 to
    /// 60,000 (a cold balance slot and a proxy hop included); 100,000 leaves headroom, and a token that needs
    /// more pays the customer through a credit instead (`credited`), withdrawn with all the gas it needs.
    uint256 internal constant _TOKEN_PUSH_GAS = 100_000;

    /// @dev The longest allowance period, and the largest limit (96 bits of the allowance slot).
    uint32 internal constant _MAX_ALLOWANCE_PERIOD = 365 days;
    uint256 internal constant _MAX_ALLOWANCE = type(uint96).max;

    /// @dev The largest refund amount (112 bits of the refund slot).
    uint256 internal constant _MAX_REFUND = type(uint112).max;

    /// @dev The largest `available + locked` of one merchant and token (two 128-bit halves of one slot).
    uint256 internal constant _MAX_RESERVE = type(uint128).max;

    ISupportDesk internal immutable _DESK;

    uint256 internal _refundCount;
    uint256 internal _owedCount;

    mapping(uint256 refundId => RefundCore refund) internal _refunds;
    mapping(uint256 refundId => address token) internal _refundTokens;
    mapping(uint256 refundId => address arbiter) internal _disputeArbiters;
    mapping(uint32 merchantId => mapping(address token => Reserve reserve)) internal _reserves;
    mapping(address account => mapping(address token => uint256 amount)) internal _credits;
    mapping(uint32 merchantId => mapping(address token => OwedBook book)) internal _owedBooks;
    mapping(uint256 owedId => OwedRecord claim) internal _owedClaims;
    mapping(uint32 merchantId => mapping(bytes32 orderRef => uint256 amount)) internal _orderRefunded;
    mapping(uint32 merchantId => mapping(address agent => mapping(address token => Allowance allowance)))
        internal _allowances;

    /// @param desk_ The support desk whose tickets and merchants this escrow serves.
    constructor(ISupportDesk desk_) {
        _DESK = desk_;
    }

    /*//////////////////////////////////////////////////////////////
                             SHARED PAYOUTS
    //////////////////////////////////////////////////////////////*/

    /// @dev Pushes a payout that must not get stuck: ETH with a bounded gas stipend and without copying
    /// return data (a returndata bomb cannot make the payer run out of gas), ERC-20 through
    /// `trySafeTransfer`. If the receiver or the token refuses, the amount becomes the receiver's credit.
    /// The payer (an approving agent, a keeper, the arbiter) cannot be griefed for ETH, nor for a plain
    /// ERC-20, whose transfer never calls the receiver. `trySafeTransfer` forwards all remaining gas, and
    /// that is not capped on purpose (a legitimate token behind a proxy, with fees or blocklists, may need
    /// much of it); so a token that calls the receiver on a transfer (ERC-777-style `tokensReceived`
    /// hooks) lets the receiver burn nearly all the payer's gas, or make the payout run out of gas and
    /// revert. Such tokens are not supported as reserve tokens.
    /// The caller holds the reentrancy guard, so the receiver cannot re-enter before the credit is booked.
    /// A caller cannot starve a receiver into a credit either: a call that runs out of gas leaves the
    /// caller 1/64 of what it had, and booking the credit (an SSTORE of at least 5,000 gas, plus the
    /// event) needs that 1/64 to exceed ~8,000, so the call must have been offered over 500,000 gas: the
    /// full ETH stipend, and far more than any ERC-20 transfer needs.
    function _push(address to, address token, uint256 amount) internal returns (bool credited) {
        bool success;
        if (token == address(0)) {
            assembly ("memory-safe") {
                success := call(_ETH_PUSH_GAS, to, amount, 0, 0, 0, 0)
            }
        } else {
            success = IERC20(token).trySafeTransfer(to, amount);
        }
        if (!success) {
            _credits[to][token] += amount;
            credited = true;
        }
    }

    /// @dev Sends a withdrawal the caller directed (reserve or credit): all gas, reverts on failure.
    function _send(address to, address token, uint256 amount) internal {
        if (token == address(0)) {
            bool success;
            assembly ("memory-safe") {
                success := call(gas(), to, amount, 0, 0, 0, 0)
            }
            if (!success) revert IRefundEscrow.EscrowTransferFailed(to, address(0), amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }
}
