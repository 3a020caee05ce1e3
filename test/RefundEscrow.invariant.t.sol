// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {RefundEscrow} from "../contracts/RefundEscrow.sol";
import {SupportDesk} from "../contracts/SupportDesk.sol";
import {IRefundEscrow} from "../contracts/interfaces/IRefundEscrow.sol";
import {ISupportDesk} from "../contracts/interfaces/ISupportDesk.sol";
import {FeeOnTransferToken} from "../contracts/test/FeeOnTransferToken.sol";
import {TestToken} from "../contracts/test/TestToken.sol";
import {WalletMock} from "../contracts/test/WalletMock.sol";
import {TestBase} from "./utils/TestBase.sol";
import {Vm} from "./utils/Vm.sol";

/// @notice The shared world of the escrow's invariant test: the real SupportDesk and RefundEscrow, three
/// merchants (1: ETH compensation claimed by hand, 2: TUSD compensation paid automatically, 3: none),
/// three tokens (ETH, TUSD with a blocklist, FEE with a 1% transfer fee), four customers (one is a
/// contract wallet that refuses ETH, one is blocklisted by TUSD, so payouts to them become credits).
contract EscrowWorld {
    Vm internal constant _VM = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    uint256 internal constant MERCHANTS = 3;
    uint256 internal constant TOKENS = 3;
    uint256 internal constant CUSTOMERS = 4;

    SupportDesk public desk;
    RefundEscrow public escrow;
    TestToken public tusd;
    FeeOnTransferToken public fee;
    WalletMock public wallet;
    address public arbiter;
    address public sink;
    address[MERCHANTS] internal _admins;
    address[CUSTOMERS] internal _customers;

    function _token(uint256 index) internal view returns (address) {
        if (index == 0) return address(0);
        if (index == 1) return address(tusd);
        return address(fee);
    }

    function _balanceOf(address token, address account) internal view returns (uint256) {
        return token == address(0) ? account.balance : IERC20(token).balanceOf(account);
    }
}

/// @notice Bounded random actions on the escrow (and the desk moves that pay compensation), with ghost
/// variables for what the invariants check.
contract EscrowHandler is EscrowWorld {
    uint256[] internal _tickets;

    /// @notice How many times each refund was paid (must never exceed 1).
    mapping(uint256 refundId => uint256 count) public ghostPayouts;
    /// @notice Set if a customer ever received something other than the refund's amount (less a
    /// transfer fee) as payment or credit.
    bool public ghostWrongPayout;
    /// @notice Successful calls per action, to see that the handler exercises the escrow.
    mapping(bytes32 action => uint256 count) public ghostCalls;

    constructor(
        SupportDesk desk_,
        RefundEscrow escrow_,
        TestToken tusd_,
        FeeOnTransferToken fee_,
        WalletMock wallet_,
        address arbiter_,
        address sink_,
        address[MERCHANTS] memory admins_,
        address[CUSTOMERS] memory customers_,
        uint256[] memory tickets_
    ) {
        desk = desk_;
        escrow = escrow_;
        tusd = tusd_;
        fee = fee_;
        wallet = wallet_;
        arbiter = arbiter_;
        sink = sink_;
        _admins = admins_;
        _customers = customers_;
        _tickets = tickets_;
    }

    /*//////////////////////////////////////////////////////////////
                                 ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Funds a reserve; half of the time one that owes compensation, so owed claims get covered.
    function deposit(uint256 merchantSeed, uint256 tokenSeed, uint256 amount) external {
        uint32 merchantId = uint32(_bound(merchantSeed, 1, MERCHANTS));
        address token = _token(tokenSeed % TOKENS);
        if (merchantSeed % 2 == 0) (merchantId, token) = _owingOr(merchantId, token);
        _deposit(merchantId, token, _bound(amount, 1, token == address(0) ? 100 ether : 1e24));
        ++ghostCalls["deposit"];
    }

    function withdrawReserve(uint256 merchantSeed, uint256 tokenSeed, uint256 amount) external {
        uint32 merchantId = uint32(_bound(merchantSeed, 1, MERCHANTS));
        address token = _token(tokenSeed % TOKENS);
        uint256 available = escrow.reserveOf(merchantId, token);
        if (available == 0) return;
        amount = _bound(amount, 1, available);
        _VM.prank(_admins[merchantId - 1]);
        try escrow.withdrawReserve(merchantId, token, amount, sink) {
            ++ghostCalls["withdrawReserve"];
        } catch {}
    }

    function openTicket(uint256 customerSeed, uint256 merchantSeed) external {
        address customer = _customers[customerSeed % CUSTOMERS];
        uint32 merchantId = uint32(_bound(merchantSeed, 1, MERCHANTS));
        _VM.prank(customer);
        _tickets.push(desk.openTicket(merchantId, bytes32(0), keccak256("ticket"), 1));
        ++ghostCalls["openTicket"];
    }

    function requestRefund(uint256 ticketSeed, uint256 tokenSeed, uint256 amount) external {
        uint256 ticketId = _pickTicket(ticketSeed);
        (address customer, uint32 merchantId, ) = desk.ticketCore(ticketId);
        address token = _token(tokenSeed % TOKENS);
        uint256 available = escrow.reserveOf(merchantId, token);
        if (available == 0) return;
        uint256 max = available < type(uint112).max ? available : type(uint112).max;
        // Half of the requests take all that is available: drained reserves make owed compensation.
        amount = amount % 2 == 0 ? max : _bound(amount, 1, max);
        _VM.prank(customer);
        try escrow.requestRefund(ticketId, token, amount, keccak256("reason")) {
            ++ghostCalls["requestRefund"];
        } catch {}
    }

    function issueRefund(uint256 ticketSeed, uint256 tokenSeed, uint256 amount, bool resolve) external {
        uint256 ticketId = _pickTicket(ticketSeed);
        (address customer, uint32 merchantId, ) = desk.ticketCore(ticketId);
        address token = _token(tokenSeed % TOKENS);
        uint256 available = escrow.reserveOf(merchantId, token);
        if (available == 0) return;
        amount = _bound(amount, 1, available < type(uint112).max ? available : type(uint112).max);
        uint256 before = _received(customer, token);
        _VM.prank(_admins[merchantId - 1]);
        if (resolve) {
            try escrow.issueRefundAndResolve(ticketId, token, amount, keccak256("issued")) returns (
                uint256 refundId
            ) {
                ++ghostPayouts[refundId];
                ++ghostCalls["issueRefundAndResolve"];
            } catch {}
        } else {
            try escrow.issueRefund(ticketId, token, amount, keccak256("issued")) returns (uint256 refundId) {
                ++ghostPayouts[refundId];
                _checkReceipt(customer, token, amount, before);
                ++ghostCalls["issueRefund"];
            } catch {}
        }
    }

    function approveRefund(uint256 refundSeed, bool resolve) external {
        (uint256 refundId, IRefundEscrow.Refund memory refund) = _pickRefund(refundSeed);
        if (refundId == 0) return;
        uint256 before = _received(refund.customer, refund.token);
        _VM.prank(_admins[refund.merchantId - 1]);
        if (resolve) {
            try escrow.approveRefundAndResolve(refundId, keccak256("resolved")) {
                ++ghostPayouts[refundId];
                ++ghostCalls["approveRefundAndResolve"];
            } catch {}
        } else {
            try escrow.approveRefund(refundId) {
                ++ghostPayouts[refundId];
                _checkReceipt(refund.customer, refund.token, refund.amount, before);
                ++ghostCalls["approveRefund"];
            } catch {}
        }
    }

    function rejectRefund(uint256 refundSeed) external {
        (uint256 refundId, IRefundEscrow.Refund memory refund) = _pickRefund(refundSeed);
        if (refundId == 0) return;
        _VM.prank(_admins[refund.merchantId - 1]);
        try escrow.rejectRefund(refundId, keccak256("no")) {
            ++ghostCalls["rejectRefund"];
        } catch {}
    }

    /// @notice Jumps past the dispute window of a rejection (if it is one) and finalizes it.
    function finalizeRejection(uint256 refundSeed) external {
        (uint256 refundId, IRefundEscrow.Refund memory refund) = _pickRefund(refundSeed);
        if (refundId == 0) return;
        if (refund.status == IRefundEscrow.RefundStatus.Rejected && block.timestamp <= refund.deadline) {
            _VM.warp(uint256(refund.deadline) + 1);
        }
        try escrow.finalizeRejection(refundId) {
            ++ghostCalls["finalizeRejection"];
        } catch {}
    }

    /// @notice Jumps past the response deadline of a request (if it is one) and executes it.
    function executeRefund(uint256 refundSeed) external {
        (uint256 refundId, IRefundEscrow.Refund memory refund) = _pickRefund(refundSeed);
        if (refundId == 0) return;
        if (refund.status == IRefundEscrow.RefundStatus.Requested && block.timestamp <= refund.deadline) {
            _VM.warp(uint256(refund.deadline) + 1);
        }
        uint256 before = _received(refund.customer, refund.token);
        try escrow.executeRefund(refundId) {
            ++ghostPayouts[refundId];
            _checkReceipt(refund.customer, refund.token, refund.amount, before);
            ++ghostCalls["executeRefund"];
        } catch {}
    }

    function disputeRefund(uint256 refundSeed) external {
        (uint256 refundId, IRefundEscrow.Refund memory refund) = _pickRefund(refundSeed);
        if (refundId == 0) return;
        _VM.prank(refund.customer);
        try escrow.disputeRefund(refundId, keccak256("unfair")) {
            ++ghostCalls["disputeRefund"];
        } catch {}
    }

    function resolveDispute(uint256 refundSeed, bool payCustomer) external {
        (uint256 refundId, IRefundEscrow.Refund memory refund) = _pickRefund(refundSeed);
        if (refundId == 0) return;
        uint256 before = _received(refund.customer, refund.token);
        _VM.prank(arbiter);
        try escrow.resolveDispute(refundId, payCustomer) {
            if (payCustomer) {
                ++ghostPayouts[refundId];
                _checkReceipt(refund.customer, refund.token, refund.amount, before);
            }
            ++ghostCalls["resolveDispute"];
        } catch {}
    }

    function cancelRefund(uint256 refundSeed) external {
        (uint256 refundId, IRefundEscrow.Refund memory refund) = _pickRefund(refundSeed);
        if (refundId == 0) return;
        _VM.prank(refund.customer);
        try escrow.cancelRefund(refundId) {
            ++ghostCalls["cancelRefund"];
        } catch {}
    }

    function withdrawCredit(uint256 customerSeed, uint256 tokenSeed) external {
        address customer = _customers[customerSeed % CUSTOMERS];
        address token = _token(tokenSeed % TOKENS);
        if (escrow.creditOf(customer, token) == 0) return;
        // Credits exist because the customer cannot receive the token: send them to the sink.
        _VM.prank(customer);
        escrow.withdrawCreditTo(token, sink);
        ++ghostCalls["withdrawCredit"];
    }

    function claimSlaCompensation(uint256 ticketSeed) external {
        uint256 ticketId = _pickTicket(ticketSeed);
        try escrow.claimSlaCompensation(ticketId) {
            ++ghostCalls["claimSlaCompensation"];
        } catch {}
    }

    /// @notice Settles an owed claim: tries the unpaid ones from a random start until one is covered.
    /// With `coverFirst`, the owing merchant first deposits what it owes (as a merchant would).
    function settleOwedCompensation(uint256 owedSeed, bool coverFirst) external {
        uint256 count = escrow.owedClaimCount();
        if (count == 0) return;
        if (coverFirst) {
            (uint32 merchantId, address token) = _owingOr(0, address(0));
            if (merchantId != 0) {
                (uint256 uncovered, ) = escrow.owedOf(merchantId, token);
                _deposit(merchantId, token, uncovered);
            }
        }
        uint256 start = _bound(owedSeed, 1, count);
        for (uint256 i = 0; i < count; ++i) {
            uint256 owedId = ((start - 1 + i) % count) + 1;
            IRefundEscrow.OwedClaim memory claim = escrow.getOwedClaim(owedId);
            if (claim.paid) continue;
            uint256 before = _received(claim.customer, claim.token);
            try escrow.settleOwedCompensation(owedId) {
                _checkReceipt(claim.customer, claim.token, claim.amount, before);
                ++ghostCalls["settleOwedCompensation"];
                return;
            } catch {}
        }
    }

    /// @notice A staff answer or resolution on the desk: late ones make the desk auto-pay (merchant 2).
    function deskStaffMove(uint256 ticketSeed, bool resolve) external {
        uint256 ticketId = _pickTicket(ticketSeed);
        (, uint32 merchantId, ) = desk.ticketCore(ticketId);
        _VM.prank(_admins[merchantId - 1]);
        if (resolve) {
            try desk.resolveTicket(ticketId, keccak256("done")) {
                ++ghostCalls["deskResolve"];
            } catch {}
        } else {
            try desk.postMessage(ticketId, keccak256("answer")) {
                ++ghostCalls["deskAnswer"];
            } catch {}
        }
    }

    /// @notice The customer escalates a late ticket (auto-pays at merchant 2).
    function escalate(uint256 ticketSeed) external {
        uint256 ticketId = _pickTicket(ticketSeed);
        (address customer, , ) = desk.ticketCore(ticketId);
        _VM.prank(customer);
        try desk.escalateTicket(ticketId, keccak256("late")) {
            ++ghostCalls["escalate"];
        } catch {}
    }

    function warp(uint256 secondsSeed) external {
        _VM.warp(block.timestamp + _bound(secondsSeed, 1, 4 days));
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    function ticketCount() external view returns (uint256) {
        return _tickets.length;
    }

    /// @dev The merchant's admin funds its reserve (the fee token delivers 1% less than `amount`).
    function _deposit(uint32 merchantId, address token, uint256 amount) internal {
        address admin = _admins[merchantId - 1];
        if (token == address(0)) {
            _VM.deal(admin, admin.balance + amount);
            _VM.prank(admin);
            escrow.deposit{value: amount}(merchantId, token, amount);
        } else {
            TestToken(token).mint(admin, amount);
            _VM.startPrank(admin);
            IERC20(token).approve(address(escrow), amount);
            escrow.deposit(merchantId, token, amount);
            _VM.stopPrank();
        }
    }

    /// @dev The first merchant and token with uncovered owed compensation, else the ones given.
    function _owingOr(uint32 merchantId, address token) internal view returns (uint32, address) {
        for (uint32 m = 1; m <= MERCHANTS; ++m) {
            for (uint256 t = 0; t < TOKENS; ++t) {
                (uint256 uncovered, ) = escrow.owedOf(m, _token(t));
                if (uncovered != 0) return (m, _token(t));
            }
        }
        return (merchantId, token);
    }

    function _pickTicket(uint256 seed) internal view returns (uint256) {
        return _tickets[seed % _tickets.length];
    }

    function _pickRefund(
        uint256 seed
    ) internal view returns (uint256 refundId, IRefundEscrow.Refund memory refund) {
        uint256 count = escrow.refundCount();
        if (count == 0) return (0, refund);
        refundId = _bound(seed, 1, count);
        refund = escrow.getRefund(refundId);
    }

    /// @dev What `customer` holds of `token`, counting its credit at the escrow.
    function _received(address customer, address token) internal view returns (uint256) {
        return _balanceOf(token, customer) + escrow.creditOf(customer, token);
    }

    /// @dev The customer got exactly `amount` (as a push, less the fee token's fee, or as a credit).
    function _checkReceipt(address customer, address token, uint256 amount, uint256 before) internal {
        uint256 delta = _received(customer, token) - before;
        uint256 pushedFee = token == address(fee) ? fee.feeOf(amount) : 0;
        if (delta != amount && delta != amount - pushedFee) ghostWrongPayout = true;
    }

    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        return min + (x % (max - min + 1));
    }
}

/// @notice Invariants of the escrow's books over random sequences of handler actions.
contract RefundEscrowInvariantTest is TestBase, EscrowWorld {
    EscrowHandler internal _handler;

    function setUp() public {
        _deployWorld();
        // Reserves, then the compensation promises they back.
        _fund(1, address(0), 10 ether);
        _fund(2, address(tusd), 1e21);
        _fund(3, address(fee), 1e21);
        _promise(1, address(0), 0.1 ether, 0.2 ether, false);
        _promise(2, address(tusd), 5e18, 1e19, true);
        _handler = new EscrowHandler(
            desk,
            escrow,
            tusd,
            fee,
            wallet,
            arbiter,
            sink,
            _admins,
            _customers,
            _openTickets()
        );
        _targetContract(address(_handler));
    }

    /// @notice For every token the escrow holds exactly (so at least) available + locked + covered-unpaid
    /// owed over all merchants, plus all credits.
    function invariant_reservesAreBacked() public view {
        for (uint256 t = 0; t < TOKENS; ++t) {
            address token = _token(t);
            uint256 books;
            for (uint32 m = 1; m <= MERCHANTS; ++m) {
                (, uint256 coveredUnpaid) = escrow.owedOf(m, token);
                books += escrow.reserveOf(m, token) + escrow.lockedOf(m, token) + coveredUnpaid;
            }
            for (uint256 c = 0; c < CUSTOMERS; ++c) books += escrow.creditOf(_customers[c], token);
            uint256 held = _balanceOf(token, address(escrow));
            vm.assertGe(held, books, "escrow holds less than its books");
            vm.assertEq(held, books, "escrow holds more than its books (something unaccounted)");
        }
    }

    /// @notice No refund is ever paid twice, and every payout delivered exactly the refund's amount.
    function invariant_refundPaidAtMostOnce() public view {
        uint256 count = escrow.refundCount();
        for (uint256 id = 1; id <= count; ++id) {
            uint256 payouts = _handler.ghostPayouts(id);
            vm.assertLe(payouts, 1, "refund paid more than once");
            bool paid = escrow.refundStatusOf(id) == IRefundEscrow.RefundStatus.Paid;
            vm.assertEq(payouts == 1, paid, "payout count disagrees with the status");
        }
        vm.assertEq(_handler.ghostWrongPayout(), false, "a customer received the wrong amount");
    }

    /// @notice Locked amounts are exactly the open refunds: Requested, Rejected within the window, Disputed.
    function invariant_lockedIsOpenRefunds() public view {
        uint256[TOKENS][MERCHANTS] memory open;
        uint256 count = escrow.refundCount();
        for (uint256 id = 1; id <= count; ++id) {
            IRefundEscrow.Refund memory refund = escrow.getRefund(id);
            bool isOpen =
                refund.status == IRefundEscrow.RefundStatus.Requested ||
                    refund.status == IRefundEscrow.RefundStatus.Disputed ||
                    (refund.status == IRefundEscrow.RefundStatus.Rejected && refund.deadline != 0);
            if (!isOpen) continue;
            uint256 t =
                refund.token == address(0)
                    ? 0
                    : refund.token == address(tusd)
                        ? 1
                        : 2;
            open[refund.merchantId - 1][t] += refund.amount;
        }
        for (uint32 m = 1; m <= MERCHANTS; ++m) {
            for (uint256 t = 0; t < TOKENS; ++t) {
                vm.assertEq(
                    escrow.lockedOf(m, _token(t)),
                    open[m - 1][t],
                    "locked differs from open refunds"
                );
            }
        }
    }

    /// @notice Owed compensation: covered never exceeds owed, and while anything is uncovered the
    /// merchant has nothing available in that token (deposits and releases cover owed first).
    function invariant_owedCoveredFirst() public view {
        for (uint32 m = 1; m <= MERCHANTS; ++m) {
            for (uint256 t = 0; t < TOKENS; ++t) {
                (uint256 uncovered, ) = escrow.owedOf(m, _token(t));
                if (uncovered != 0) vm.assertEq(escrow.reserveOf(m, _token(t)), 0, "available while owing");
            }
        }
    }

    /// @dev The desk and escrow (no forwarder), the tokens, three merchants and four customers: customer 1
    /// is blocklisted by TUSD and customer 3 is a contract wallet that refuses ETH.
    function _deployWorld() internal {
        arbiter = vm.addr(0xA4B1);
        sink = vm.addr(0x5151);
        desk = new SupportDesk(address(0), arbiter);
        escrow = new RefundEscrow(desk, address(0));
        desk.bindEscrow(address(escrow));
        tusd = new TestToken("Test USD", "TUSD");
        fee = new FeeOnTransferToken(100);
        wallet = new WalletMock();
        wallet.setMode(WalletMock.Mode.Revert);
        for (uint256 i = 0; i < MERCHANTS; ++i) {
            _admins[i] = vm.addr(0xAD00 + i);
            desk.registerMerchant(_admins[i], keccak256("profile"));
        }
        _customers[0] = vm.addr(0xC000);
        _customers[1] = vm.addr(0xC001);
        _customers[2] = vm.addr(0xC002);
        _customers[3] = address(wallet);
        tusd.setBlocked(_customers[1], true);
    }

    /// @dev Merchant `merchantId` promises compensation in `token` (its reserve must already back it).
    function _promise(
        uint32 merchantId,
        address token,
        uint96 first,
        uint96 resolution,
        bool autoPay
    ) internal {
        vm.prank(_admins[merchantId - 1]);
        desk.setSlaCompensation(
            merchantId,
            ISupportDesk.SlaCompensation({
                token: token,
                firstResponseAmount: first,
                resolutionAmount: resolution,
                autoPay: autoPay
            })
        );
    }

    /// @dev Every customer opens one ticket at every merchant.
    function _openTickets() internal returns (uint256[] memory tickets) {
        tickets = new uint256[](CUSTOMERS * MERCHANTS);
        for (uint256 c = 0; c < CUSTOMERS; ++c) {
            for (uint32 m = 1; m <= MERCHANTS; ++m) {
                vm.prank(_customers[c]);
                tickets[c * MERCHANTS + m - 1] = desk.openTicket(m, bytes32(0), keccak256("first"), 1);
            }
        }
    }

    function _fund(uint32 merchantId, address token, uint256 amount) internal {
        address admin = _admins[merchantId - 1];
        if (token == address(0)) {
            vm.deal(admin, amount);
            vm.prank(admin);
            escrow.deposit{value: amount}(merchantId, token, amount);
        } else {
            TestToken(token).mint(admin, amount);
            vm.startPrank(admin);
            IERC20(token).approve(address(escrow), amount);
            escrow.deposit(merchantId, token, amount);
            vm.stopPrank();
        }
    }
}
