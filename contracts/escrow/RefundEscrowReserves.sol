// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IRefundEscrow} from "../interfaces/IRefundEscrow.sol";
import {ISupportDesk} from "../interfaces/ISupportDesk.sol";
import {DelegatedModule} from "../utils/DelegatedModule.sol";
import {RefundEscrowStorage} from "./RefundEscrowStorage.sol";

/// @title RefundEscrowReserves
/// @notice What a merchant's reserve in CareLedger's refund escrow does besides refunds: its admin's
/// withdrawals, the agents' refund allowances, and deadline compensation (claims, the desk's auto-pay hook,
/// owed claims settled once deposits cover them). See {IRefundEscrow} for the rules.
/// @dev `RefundEscrow` deploys this module in its constructor and runs these functions in its own storage
/// through DELEGATECALL (`ModuleHost`), because the escrow's refund paths at 10,000 optimizer runs and this
/// code together exceed EIP-170's 24,576 bytes. The escrow declares every function here and its ABI holds
/// the events and errors; called directly, they revert `ModuleNotDelegated`. The reentrancy guard is
/// OpenZeppelin's transient one, whose slot is the same in the escrow and here: the guard taken in this
/// module is the escrow's guard (the escrow's declarations of these functions do not take it themselves,
/// since a delegated call ends the escrow's frame before a modifier could release it).
contract RefundEscrowReserves is
    RefundEscrowStorage,
    ERC2771Context,
    ReentrancyGuardTransient,
    DelegatedModule
{
    /// @param desk_ The escrow's support desk.
    /// @param trustedForwarder The escrow's ERC-2771 forwarder (relayed withdrawals and allowances keep
    /// their signer: the forwarder's suffix is part of the delegated call data).
    constructor(
        ISupportDesk desk_,
        address trustedForwarder
    ) RefundEscrowStorage(desk_) ERC2771Context(trustedForwarder) {}

    /// @notice {IRefundEscrow-withdrawReserve}, run in the escrow's storage.
    function withdrawReserve(
        uint32 merchantId,
        address token,
        uint256 amount,
        address to
    ) external onlyDelegated nonReentrant {
        address sender = _msgSender();
        address admin = _DESK.merchantAdmin(merchantId);
        if (admin == address(0)) revert IRefundEscrow.EscrowUnknownMerchant(merchantId);
        if (sender != admin) revert IRefundEscrow.EscrowNotMerchantAdmin(merchantId, sender);
        if (to == address(0)) revert IRefundEscrow.EscrowInvalidRecipient(to);
        if (amount == 0) revert IRefundEscrow.EscrowZeroAmount(token);
        Reserve memory reserve = _reserves[merchantId][token];
        if (amount > reserve.available) revert IRefundEscrow.InsufficientReserve(reserve.available, amount);
        ISupportDesk.SlaCompensation memory compensation = _DESK.slaCompensationOf(merchantId);
        if (compensation.token == token) {
            uint256 required = uint256(compensation.firstResponseAmount) + compensation.resolutionAmount;
            if (reserve.available - amount < required)
                revert IRefundEscrow.EscrowWithdrawUnbacksSla(merchantId, token, required);
        }
        // amount <= available (checked above), so it fits 128 bits and does not underflow.
        reserve.available -= uint128(amount);
        _reserves[merchantId][token] = reserve;
        emit IRefundEscrow.ReserveWithdrawn(merchantId, token, to, amount);
        _send(to, token, amount);
    }

    /// @notice {IRefundEscrow-setRefundAllowance}, run in the escrow's storage.
    function setRefundAllowance(
        uint32 merchantId,
        address agent,
        address token,
        uint256 limit,
        uint32 period
    ) external onlyDelegated {
        address sender = _msgSender();
        address admin = _DESK.merchantAdmin(merchantId);
        if (admin == address(0)) revert IRefundEscrow.EscrowUnknownMerchant(merchantId);
        if (sender != admin) revert IRefundEscrow.EscrowNotMerchantAdmin(merchantId, sender);
        if (period > _MAX_ALLOWANCE_PERIOD) revert IRefundEscrow.EscrowInvalidAllowancePeriod(period);
        if (limit > _MAX_ALLOWANCE) revert IRefundEscrow.EscrowAmountTooLarge(limit, _MAX_ALLOWANCE);
        Allowance storage allowance = _allowances[merchantId][agent][token];
        if (period == 0) {
            delete _allowances[merchantId][agent][token];
        } else {
            allowance.limit = uint96(limit); // checked above
            allowance.period = period;
        }
        emit IRefundEscrow.RefundAllowanceSet(
            merchantId,
            agent,
            token,
            period == 0 ? 0 : limit,
            period,
            sender
        );
    }

    /// @notice {IRefundEscrow-claimSlaCompensation}, run in the escrow's storage.
    function claimSlaCompensation(
        uint256 ticketId
    ) external onlyDelegated nonReentrant returns (uint256 paid, uint256 owed) {
        // The desk marks the deadlines compensated (reverting if there is none): a second claim finds
        // nothing. If the merchant offers nothing for them, the revert below undoes that mark.
        (
            address customer,
            uint32 merchantId,
            uint8 deadlines,
            ISupportDesk.SlaCompensation memory compensation
        ) = _DESK.claimMissedDeadlines(ticketId);
        uint256 amount = _compensationAmount(deadlines, compensation);
        if (amount == 0) revert IRefundEscrow.EscrowNoSlaCompensation(merchantId, ticketId);
        return _compensate(ticketId, merchantId, customer, deadlines, compensation.token, amount);
    }

    /// @notice {IRefundEscrow-settleOwedCompensation}, run in the escrow's storage.
    function settleOwedCompensation(uint256 owedId) external onlyDelegated nonReentrant {
        OwedRecord storage claim = _owedClaims[owedId];
        address customer = claim.customer;
        if (customer == address(0)) revert IRefundEscrow.EscrowUnknownOwedClaim(owedId);
        if (claim.paid) revert IRefundEscrow.EscrowOwedAlreadyPaid(owedId);
        OwedBook storage book = _owedBooks[claim.merchantId][claim.token];
        uint256 covered = book.covered;
        uint256 coveredAt = claim.coveredAt;
        if (covered < coveredAt) revert IRefundEscrow.EscrowOwedNotCovered(owedId, covered, coveredAt);
        address token = claim.token;
        uint128 amount = claim.amount;
        claim.paid = true;
        // Settled claims are disjoint slices (coveredAt - amount, coveredAt] of [0, covered], so the sum
        // settled never exceeds `covered`, a uint128.
        unchecked {
            book.settled += amount;
        }
        bool credited = _pushCompensation(customer, token, amount);
        emit IRefundEscrow.OwedCompensationPaid(owedId, customer, token, amount, credited);
    }

    /// @notice {IRefundEscrow-finishes}, run in the escrow's storage.
    /// @dev Called by the desk when a merchant with `autoPay` responds or resolves late. It can run nested
    /// inside this escrow's own guarded call: `approveRefundAndResolve` and `issueRefundAndResolve` call
    /// `desk.resolveByEscrow` with the guard held, and a late resolution makes the desk call back here. That
    /// is safe because every escrow function finishes its effects before it calls the desk (or pushes a
    /// payout), so the books read here are consistent; taking the guard again would revert and block the
    /// resolution. When the desk calls outside any escrow call (an agent answering late on the desk), the
    /// guard is free and is taken for the payout. The hook never reverts on the customer's side (a refused
    /// push is credited; what the reserve lacks is owed), so it cannot block the desk's transition.
    /// `msg.sender` on purpose: only the desk itself, never a forwarded request, may call it.
    function paySlaCompensation(
        uint256 ticketId,
        uint32 merchantId,
        address customer,
        uint8 deadlines,
        ISupportDesk.SlaCompensation calldata compensation
    ) external onlyDelegated {
        if (msg.sender != address(_DESK)) revert IRefundEscrow.EscrowNotDesk(msg.sender);
        uint256 amount = _compensationAmount(deadlines, compensation);
        if (amount == 0) return;
        if (_reentrancyGuardEntered()) {
            _compensate(ticketId, merchantId, customer, deadlines, compensation.token, amount);
        } else {
            _compensateGuarded(ticketId, merchantId, customer, deadlines, compensation.token, amount);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Pays `amount` to `customer` from the available reserve, as far as it goes, and records the rest
    /// as an owed claim, covered first by the merchant's next deposits in `token`.
    function _compensate(
        uint256 ticketId,
        uint32 merchantId,
        address customer,
        uint8 deadlines,
        address token,
        uint256 amount
    ) private returns (uint256 paid, uint256 owed) {
        Reserve storage reserve = _reserves[merchantId][token];
        uint256 available = reserve.available;
        paid = amount < available ? amount : available;
        owed = amount - paid;
        // paid <= available, a uint128.
        if (paid != 0) reserve.available = uint128(available - paid);
        if (owed != 0) {
            OwedBook storage book = _owedBooks[merchantId][token];
            uint128 coveredAt = SafeCast.toUint128(book.total + owed);
            book.total = coveredAt;
            uint256 owedId = ++_owedCount;
            _owedClaims[owedId] = OwedRecord({
                customer: customer,
                merchantId: merchantId,
                ticketId: SafeCast.toUint48(ticketId),
                token: token,
                paid: false,
                amount: uint128(owed), // owed <= amount < 2^97 (two uint96 terms)
                coveredAt: coveredAt
            });
            emit IRefundEscrow.SlaCompensationOwed(
                owedId,
                ticketId,
                customer,
                merchantId,
                deadlines,
                token,
                owed
            );
        }
        if (paid != 0) {
            bool credited = _pushCompensation(customer, token, paid);
            emit IRefundEscrow.SlaCompensationPaid(
                ticketId,
                merchantId,
                customer,
                deadlines,
                token,
                paid,
                credited
            );
        }
    }

    /// @dev `_compensate` holding the reentrancy guard (for the desk hook called outside any escrow call).
    function _compensateGuarded(
        uint256 ticketId,
        uint32 merchantId,
        address customer,
        uint8 deadlines,
        address token,
        uint256 amount
    ) private nonReentrant {
        _compensate(ticketId, merchantId, customer, deadlines, token, amount);
    }

    /// @dev Pushes a compensation payout like `_push`, but an ERC-20 transfer gets at most `_TOKEN_PUSH_GAS`:
    /// compensation is paid inside the customer's own protective calls and keepers' claims, which a
    /// gas-burning token must not make expensive. A transfer that fails or runs out of that gas becomes a
    /// credit. Return data is copied only up to one word (a returndata bomb costs the payer nothing), and
    /// read as `SafeERC20` does: no data from a contract, or `true`, is a success.
    function _pushCompensation(address to, address token, uint256 amount) private returns (bool credited) {
        if (token == address(0)) return _push(to, token, amount);
        bytes memory data = abi.encodeCall(IERC20.transfer, (to, amount));
        bool success;
        assembly ("memory-safe") {
            mstore(0, 0)
            success := call(_TOKEN_PUSH_GAS, token, 0, add(data, 0x20), mload(data), 0, 0x20)
            success := and(
                success,
                or(and(iszero(returndatasize()), gt(extcodesize(token), 0)), eq(mload(0), 1))
            )
        }
        if (!success) {
            // The caller holds the reentrancy guard (as for `_push`): the token cannot re-enter before this.
            // solhint-disable-next-line reentrancy
            _credits[to][token] += amount;
            credited = true;
        }
    }

    /// @dev The compensation for the deadlines in `mask` (1 first response, 2 resolution).
    function _compensationAmount(
        uint8 mask,
        ISupportDesk.SlaCompensation memory compensation
    ) private pure returns (uint256 amount) {
        if (mask & 1 != 0) amount = compensation.firstResponseAmount;
        if (mask & 2 != 0) amount += compensation.resolutionAmount;
    }
}
