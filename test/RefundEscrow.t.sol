// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RefundEscrow} from "../contracts/RefundEscrow.sol";
import {SupportDesk} from "../contracts/SupportDesk.sol";
import {IRefundEscrow} from "../contracts/interfaces/IRefundEscrow.sol";
import {ISupportDesk} from "../contracts/interfaces/ISupportDesk.sol";
import {FeeOnTransferToken} from "../contracts/test/FeeOnTransferToken.sol";
import {Receipts} from "./utils/Receipts.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Fuzz and unit tests of the escrow's arithmetic against the real SupportDesk.
contract RefundEscrowTest is TestBase {
    uint256 internal constant RESERVE = 10 ether;
    uint32 internal constant MERCHANT = 1;
    /// @dev The key of the merchant's checkout, whose order receipts the admin accepts in setUp.
    uint256 internal constant ORDER_SIGNER_KEY = 0x5167;

    SupportDesk internal _desk;
    RefundEscrow internal _escrow;
    address internal _admin;
    address internal _customer;
    address internal _other;
    uint256 internal _ticket;
    uint256 internal _otherTicket;

    function setUp() public {
        _admin = vm.addr(0xAD);
        _customer = vm.addr(0xC0);
        _other = vm.addr(0xC1);
        _desk = new SupportDesk(address(0), vm.addr(0xA4B1));
        _escrow = new RefundEscrow(_desk, address(0));
        _desk.bindEscrow(address(_escrow));
        _desk.registerMerchant(_admin, keccak256("profile"));
        vm.prank(_admin);
        _desk.setOrderSigner(MERCHANT, vm.addr(ORDER_SIGNER_KEY), true);
        vm.prank(_customer);
        _ticket = _desk.openTicket(MERCHANT, bytes32(0), keccak256("ticket"), 1);
        vm.prank(_other);
        _otherTicket = _desk.openTicket(MERCHANT, bytes32(0), keccak256("other"), 1);
        vm.deal(_admin, RESERVE);
        vm.prank(_admin);
        _escrow.deposit{value: RESERVE}(MERCHANT, address(0), RESERVE);
    }

    /// @dev `customer` opens a verified ticket with a receipt of order `orderRef` (paid `amount` of `token`)
    /// that the merchant's checkout signed.
    function _openVerified(
        address customer,
        bytes32 orderRef,
        address token,
        uint256 amount
    ) internal returns (uint256 ticketId) {
        ISupportDesk.OrderReceipt memory receipt = Receipts.receipt(
            MERCHANT,
            customer,
            orderRef,
            token,
            amount,
            uint64(block.timestamp + 90 days)
        );
        bytes memory signature = Receipts.sign(ORDER_SIGNER_KEY, address(_desk), receipt);
        vm.prank(customer);
        ticketId = _desk.openTicketWithReceipt(receipt, signature, keccak256("verified"), 1);
    }

    function test_version() public view {
        vm.assertEq(keccak256(bytes(_escrow.version())), keccak256("1.0.0"), "version");
    }

    /// @notice Whatever the fee, the reserve grows by exactly what the escrow received.
    function testFuzz_deposit_creditsWhatArrived(uint256 amount, uint256 feeBps) public {
        amount = _bound(amount, 1, 1e30);
        feeBps = _bound(feeBps, 0, 10_000);
        FeeOnTransferToken token = new FeeOnTransferToken(feeBps);
        token.mint(_admin, amount);
        uint256 received = amount - token.feeOf(amount);
        vm.startPrank(_admin);
        token.approve(address(_escrow), amount);
        if (received == 0) {
            vm.expectRevert(
                abi.encodeWithSelector(IRefundEscrow.EscrowNothingReceived.selector, address(token))
            );
        }
        _escrow.deposit(MERCHANT, address(token), amount);
        vm.stopPrank();
        vm.assertEq(_escrow.reserveOf(MERCHANT, address(token)), received, "reserve is what arrived");
        vm.assertEq(token.balanceOf(address(_escrow)), received, "balance is what arrived");
    }

    /// @notice A request locks exactly its amount, or reverts naming what is available.
    function testFuzz_requestRefund_locksExactly(uint256 amount) public {
        amount = _bound(amount, 1, 2 * RESERVE);
        vm.prank(_customer);
        if (amount > RESERVE) {
            vm.expectRevert(
                abi.encodeWithSelector(IRefundEscrow.InsufficientReserve.selector, RESERVE, amount)
            );
        }
        _escrow.requestRefund(_ticket, address(0), amount, keccak256("reason"));
        uint256 locked = amount > RESERVE ? 0 : amount;
        vm.assertEq(_escrow.lockedOf(MERCHANT, address(0)), locked, "locked");
        vm.assertEq(_escrow.reserveOf(MERCHANT, address(0)), RESERVE - locked, "available");
    }

    /// @notice Around the response deadline: staff may act up to it, anyone may execute only after it.
    function testFuzz_responseDeadline_boundary(uint256 offset) public {
        vm.prank(_customer);
        uint256 approveId = _escrow.requestRefund(_ticket, address(0), 1 ether, keccak256("a"));
        vm.prank(_customer);
        uint256 executeId = _escrow.requestRefund(_ticket, address(0), 2 ether, keccak256("b"));
        uint64 deadline = _escrow.getRefund(approveId).deadline;
        uint256 at = uint256(deadline) - 5 + _bound(offset, 0, 10);
        vm.warp(at);

        bool passed = at > deadline;
        if (passed) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IRefundEscrow.EscrowResponseDeadlinePassed.selector,
                    approveId,
                    deadline
                )
            );
        }
        vm.prank(_admin);
        _escrow.approveRefund(approveId);

        if (!passed) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IRefundEscrow.EscrowResponseDeadlineNotReached.selector,
                    executeId,
                    deadline
                )
            );
        }
        _escrow.executeRefund(executeId);

        uint256 paid = (passed ? 0 : 1 ether) + (passed ? 2 ether : 0);
        vm.assertEq(_customer.balance, paid, "customer paid by whichever path was open");
    }

    /// @notice A claim pays what the reserve holds and owes the rest; the customer gets exactly the paid part.
    function testFuzz_claimSlaCompensation_paysThenOwes(
        uint256 left,
        uint256 first,
        uint256 resolution
    ) public {
        first = _bound(first, 1, 1 ether);
        resolution = _bound(resolution, 1, 1 ether);
        uint256 total = first + resolution;
        left = _bound(left, 0, total + 1);
        vm.prank(_admin);
        _desk.setSlaCompensation(
            MERCHANT,
            ISupportDesk.SlaCompensation({
                token: address(0),
                firstResponseAmount: uint96(first),
                resolutionAmount: uint96(resolution),
                autoPay: false
            })
        );
        // Only a verified ticket whose cycle started under the promise is compensated.
        uint256 ticketId = _openVerified(_customer, keccak256("order"), address(0), 1 ether);
        vm.prank(_other);
        _escrow.requestRefund(_otherTicket, address(0), RESERVE - left, keccak256("drain"));
        vm.warp(block.timestamp + 4 days); // both deadlines of the customer's ticket missed

        (uint256 paid, uint256 owed) = _escrow.claimSlaCompensation(ticketId);
        uint256 expectedPaid = left < total ? left : total;
        vm.assertEq(paid, expectedPaid, "paid what was available");
        vm.assertEq(owed, total - expectedPaid, "owed the rest");
        vm.assertEq(_customer.balance, expectedPaid, "customer received the paid part");
        (uint256 uncovered, uint256 coveredUnpaid) = _escrow.owedOf(MERCHANT, address(0));
        vm.assertEq(uncovered, owed, "uncovered");
        vm.assertEq(coveredUnpaid, 0, "nothing covered yet");
        vm.assertEq(address(_escrow).balance, RESERVE - expectedPaid, "escrow balance");
    }

    function test_withdrawReserve_revertWhen_unbacksSla() public {
        vm.startPrank(_admin);
        _desk.setSlaCompensation(
            MERCHANT,
            ISupportDesk.SlaCompensation({
                token: address(0),
                firstResponseAmount: 1 ether,
                resolutionAmount: 2 ether,
                autoPay: true
            })
        );
        vm.expectRevert(
            abi.encodeWithSelector(
                IRefundEscrow.EscrowWithdrawUnbacksSla.selector,
                MERCHANT,
                address(0),
                3 ether
            )
        );
        _escrow.withdrawReserve(MERCHANT, address(0), RESERVE - 3 ether + 1, _admin);
        _escrow.withdrawReserve(MERCHANT, address(0), RESERVE - 3 ether, _admin);
        vm.stopPrank();
        vm.assertEq(_escrow.reserveOf(MERCHANT, address(0)), 3 ether, "backing stays");
    }

    /// @notice Whenever the merchant concedes a dispute (even years after an arbiter went silent), the
    /// customer gets exactly the amount, the lock is gone, and the arbiter has nothing left to rule on.
    function testFuzz_approveRefund_concedesDisputeAtAnyTime(uint256 amount, uint256 wait) public {
        amount = _bound(amount, 1, RESERVE);
        wait = _bound(wait, 0, 10 * 365 days);
        address arbiter = _desk.policyOf(MERCHANT).arbiter;
        vm.prank(_customer);
        uint256 refundId = _escrow.requestRefund(_ticket, address(0), amount, keccak256("reason"));
        vm.prank(_admin);
        _escrow.rejectRefund(refundId, keccak256("no"));
        vm.prank(_customer);
        _escrow.disputeRefund(refundId, keccak256("unfair"));
        vm.warp(block.timestamp + wait);

        vm.expectEmit(true, true, true, true, address(_escrow));
        emit IRefundEscrow.DisputeConceded(refundId, arbiter, _admin);
        vm.prank(_admin);
        _escrow.approveRefund(refundId);

        vm.assertEq(_customer.balance, amount, "customer paid exactly the amount");
        vm.assertEq(address(_escrow).balance, RESERVE - amount, "escrow paid exactly the amount");
        vm.assertEq(_escrow.lockedOf(MERCHANT, address(0)), 0, "lock released");
        vm.assertEq(_escrow.reserveOf(MERCHANT, address(0)), RESERVE - amount, "reserve");
        vm.prank(arbiter);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRefundEscrow.EscrowInvalidRefundStatus.selector,
                refundId,
                IRefundEscrow.RefundStatus.Paid
            )
        );
        _escrow.resolveDispute(refundId, false);
    }

    function test_approveRefund_revertWhen_rejectionFinal() public {
        vm.prank(_customer);
        uint256 refundId = _escrow.requestRefund(_ticket, address(0), 1 ether, keccak256("reason"));
        vm.prank(_admin);
        _escrow.rejectRefund(refundId, keccak256("no"));
        vm.warp(uint256(_escrow.getRefund(refundId).deadline) + 1);
        _escrow.finalizeRejection(refundId);
        vm.prank(_admin);
        vm.expectRevert(abi.encodeWithSelector(IRefundEscrow.EscrowRejectionFinal.selector, refundId));
        _escrow.approveRefund(refundId);
        vm.assertEq(_escrow.reserveOf(MERCHANT, address(0)), RESERVE, "the lock went back, nothing paid");
    }

    function test_approveRefund_revertWhen_strangerConcedes() public {
        vm.prank(_customer);
        uint256 refundId = _escrow.requestRefund(_ticket, address(0), 1 ether, keccak256("reason"));
        vm.prank(_admin);
        _escrow.rejectRefund(refundId, keccak256("no"));
        vm.prank(_other);
        vm.expectRevert(
            abi.encodeWithSelector(IRefundEscrow.EscrowNotMerchantStaff.selector, MERCHANT, _other)
        );
        _escrow.approveRefund(refundId);
    }

    function test_deposit_revertWhen_zeroAmount() public {
        vm.prank(_admin);
        vm.expectRevert(abi.encodeWithSelector(IRefundEscrow.EscrowZeroAmount.selector, address(0)));
        _escrow.deposit(MERCHANT, address(0), 0);
    }

    function test_withdrawReserve_revertWhen_zeroRecipient() public {
        vm.prank(_admin);
        vm.expectRevert(abi.encodeWithSelector(IRefundEscrow.EscrowInvalidRecipient.selector, address(0)));
        _escrow.withdrawReserve(MERCHANT, address(0), 1, address(0));
    }

    function test_paySlaCompensation_revertWhen_notDesk() public {
        ISupportDesk.SlaCompensation memory terms = ISupportDesk.SlaCompensation({
            token: address(0),
            firstResponseAmount: 1 ether,
            resolutionAmount: 0,
            autoPay: true
        });
        vm.prank(_admin);
        vm.expectRevert(abi.encodeWithSelector(IRefundEscrow.EscrowNotDesk.selector, _admin));
        _escrow.paySlaCompensation(_ticket, MERCHANT, _customer, 1, terms);
    }

    function test_requestRefund_revertWhen_ticketCancelled() public {
        vm.startPrank(_customer);
        _desk.cancelTicket(_ticket);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRefundEscrow.EscrowTicketNotRefundable.selector,
                _ticket,
                ISupportDesk.Status.Cancelled
            )
        );
        _escrow.requestRefund(_ticket, address(0), 1, keccak256("reason"));
        vm.stopPrank();
    }

    /*//////////////////////////////////////////////////////////////
                             VERIFIED ORDERS
    //////////////////////////////////////////////////////////////*/

    /// @notice The refunds of one order, over all its tickets, stay within the receipt's amount: a request
    /// that would pass it reverts naming exactly what is left, and the order's count is what was locked.
    function testFuzz_requestRefund_withinTheOrderAmount(uint256 first, uint256 second) public {
        bytes32 orderRef = keccak256("order");
        uint256 orderAmount = 3 ether;
        first = _bound(first, 1, orderAmount);
        second = _bound(second, 1, orderAmount + 1);
        uint256 ticketA = _openVerified(_customer, orderRef, address(0), orderAmount);
        uint256 ticketB = _openVerified(_customer, orderRef, address(0), orderAmount);
        vm.prank(_customer);
        _escrow.requestRefund(ticketA, address(0), first, keccak256("part one"));
        uint256 left = orderAmount - first;
        vm.prank(_customer);
        if (second > left) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IRefundEscrow.EscrowOrderRefundExceeded.selector,
                    MERCHANT,
                    orderRef,
                    left,
                    second
                )
            );
        }
        _escrow.requestRefund(ticketB, address(0), second, keccak256("part two"));
        uint256 counted = second > left ? first : first + second;
        vm.assertEq(_escrow.refundedForOrder(MERCHANT, orderRef), counted, "counted against the order");
        vm.assertEq(_escrow.lockedOf(MERCHANT, address(0)), counted, "locked");
    }

    /// @notice A cancelled request and a final rejection give their amount back to the order; a paid
    /// refund keeps counting.
    function test_refundedForOrder_releasedOnCancelAndFinalRejection() public {
        bytes32 orderRef = keccak256("order");
        uint256 ticketId = _openVerified(_customer, orderRef, address(0), 3 ether);
        vm.startPrank(_customer);
        uint256 cancelled = _escrow.requestRefund(ticketId, address(0), 1 ether, keccak256("a"));
        uint256 rejected = _escrow.requestRefund(ticketId, address(0), 1 ether, keccak256("b"));
        uint256 paid = _escrow.requestRefund(ticketId, address(0), 1 ether, keccak256("c"));
        _escrow.cancelRefund(cancelled);
        vm.stopPrank();
        vm.assertEq(_escrow.refundedForOrder(MERCHANT, orderRef), 2 ether, "cancel released");
        vm.startPrank(_admin);
        _escrow.rejectRefund(rejected, keccak256("no"));
        _escrow.approveRefund(paid);
        vm.stopPrank();
        vm.assertEq(_escrow.refundedForOrder(MERCHANT, orderRef), 2 ether, "rejection still locks");
        vm.warp(uint256(_escrow.getRefund(rejected).deadline) + 1);
        _escrow.finalizeRejection(rejected);
        vm.assertEq(_escrow.refundedForOrder(MERCHANT, orderRef), 1 ether, "only the paid refund counts");
        vm.assertEq(_customer.balance, 1 ether, "paid once");
    }

    function test_requestRefund_revertWhen_notTheOrderToken() public {
        uint256 ticketId = _openVerified(_customer, keccak256("order"), address(0xE4C), 1 ether);
        vm.prank(_customer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRefundEscrow.EscrowWrongOrderToken.selector,
                ticketId,
                address(0xE4C),
                address(0)
            )
        );
        _escrow.requestRefund(ticketId, address(0), 1, keccak256("reason"));
    }

    function test_issueRefund_revertWhen_overTheOrderAmount() public {
        bytes32 orderRef = keccak256("order");
        uint256 ticketId = _openVerified(_customer, orderRef, address(0), 1 ether);
        vm.prank(_admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRefundEscrow.EscrowOrderRefundExceeded.selector,
                MERCHANT,
                orderRef,
                1 ether,
                1 ether + 1
            )
        );
        _escrow.issueRefund(ticketId, address(0), 1 ether + 1, keccak256("too much"));
    }

    /// @notice Finding 3: an issued refund, like a withdrawal, leaves one ticket's worth of the promise.
    function testFuzz_issueRefund_keepsTheCompensationBacked(uint256 amount) public {
        uint256 required = 3 ether;
        amount = _bound(amount, 1, RESERVE);
        vm.prank(_admin);
        _desk.setSlaCompensation(
            MERCHANT,
            ISupportDesk.SlaCompensation({
                token: address(0),
                firstResponseAmount: 1 ether,
                resolutionAmount: 2 ether,
                autoPay: false
            })
        );
        vm.prank(_admin);
        if (amount > RESERVE - required) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IRefundEscrow.EscrowIssueUnbacksSla.selector,
                    MERCHANT,
                    address(0),
                    required
                )
            );
        }
        _escrow.issueRefund(_ticket, address(0), amount, keccak256("goodwill"));
        uint256 paid = amount > RESERVE - required ? 0 : amount;
        vm.assertEq(_escrow.reserveOf(MERCHANT, address(0)), RESERVE - paid, "reserve");
        vm.assertEq(_customer.balance, paid, "customer paid");
    }
}
