// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RefundEscrow} from "../contracts/RefundEscrow.sol";
import {SupportDesk} from "../contracts/SupportDesk.sol";
import {IRefundEscrow} from "../contracts/interfaces/IRefundEscrow.sol";
import {ISupportDesk} from "../contracts/interfaces/ISupportDesk.sol";
import {FeeOnTransferToken} from "../contracts/test/FeeOnTransferToken.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Fuzz and unit tests of the escrow's arithmetic against the real SupportDesk.
contract RefundEscrowTest is TestBase {
    uint256 internal constant RESERVE = 10 ether;
    uint32 internal constant MERCHANT = 1;

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
        vm.prank(_customer);
        _ticket = _desk.openTicket(MERCHANT, bytes32(0), keccak256("ticket"), 1);
        vm.prank(_other);
        _otherTicket = _desk.openTicket(MERCHANT, bytes32(0), keccak256("other"), 1);
        vm.deal(_admin, RESERVE);
        vm.prank(_admin);
        _escrow.deposit{value: RESERVE}(MERCHANT, address(0), RESERVE);
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
        vm.prank(_other);
        _escrow.requestRefund(_otherTicket, address(0), RESERVE - left, keccak256("drain"));
        vm.warp(block.timestamp + 4 days); // both deadlines of the customer's ticket missed

        (uint256 paid, uint256 owed) = _escrow.claimSlaCompensation(_ticket);
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
}
