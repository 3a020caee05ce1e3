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
import {Receipts} from "./utils/Receipts.sol";
import {TestBase} from "./utils/TestBase.sol";
import {Vm} from "./utils/Vm.sol";

/// @notice The shared world of the escrow's invariant test: the real SupportDesk and RefundEscrow, three
/// merchants (1: ETH compensation claimed by hand, 2: TUSD compensation paid automatically, 3: none),
/// three tokens (ETH, TUSD with a blocklist, FEE with a 1% transfer fee), four customers (one is a
/// contract wallet that refuses ETH, one is blocklisted by TUSD, so payouts to them become credits), and
/// four orders with receipts from one checkout key that every merchant accepts (`_orderReceipt`).
contract EscrowWorld {
    Vm internal constant _VM = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    uint256 internal constant MERCHANTS = 3;
    uint256 internal constant TOKENS = 3;
    uint256 internal constant CUSTOMERS = 4;
    uint256 internal constant ORDERS = 4;
    /// @dev The checkout key every merchant accepts order receipts from.
    uint256 internal constant ORDER_SIGNER_KEY = 0x5167;
    /// @dev Support never ends in these runs (time only moves forward by days).
    uint64 internal constant SUPPORT_UNTIL = type(uint64).max;

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

    /// @dev Order `index`'s receipt: merchant 1 sold 2 ETH to customer 0 (who compensates in ETH too, so
    /// refunds and compensation share a reserve), merchant 2 sold 300 TUSD to the customer TUSD blocklists,
    /// merchant 3 sold 200 FEE to customer 2, and merchant 1 sold 1 ETH to the wallet that refuses ETH.
    function _orderReceipt(uint256 index) internal view returns (ISupportDesk.OrderReceipt memory) {
        bytes32 orderRef = keccak256(abi.encode("order", index));
        if (index == 0)
            return Receipts.receipt(1, _customers[0], orderRef, address(0), 2 ether, SUPPORT_UNTIL);
        if (index == 1)
            return Receipts.receipt(2, _customers[1], orderRef, address(tusd), 3e20, SUPPORT_UNTIL);
        if (index == 2)
            return Receipts.receipt(3, _customers[2], orderRef, address(fee), 2e20, SUPPORT_UNTIL);
        return Receipts.receipt(1, _customers[3], orderRef, address(0), 1 ether, SUPPORT_UNTIL);
    }

    /// @dev The compensation terms each merchant promises in setUp (merchant 3 promises none). The handler
    /// checks every compensation against these, not against what the desk reports.
    function _terms(uint32 merchantId) internal view returns (ISupportDesk.SlaCompensation memory terms) {
        if (merchantId == 1) return ISupportDesk.SlaCompensation(address(0), 0.1 ether, 0.2 ether, false);
        if (merchantId == 2) return ISupportDesk.SlaCompensation(address(tusd), 5e18, 1e19, true);
    }
}

/// @notice Bounded random actions on the escrow (and the desk moves that pay compensation), with ghost
/// variables for what the invariants check. Compensation is counted from the escrow's own events, recorded
/// around every action (`recorded`), so it is seen whatever paid it: a claim, the desk's auto-pay nested in
/// a desk or refund call, or an owed claim settled later.
contract EscrowHandler is EscrowWorld {
    /// @notice What the handler saw of one owed claim, from its `SlaCompensationOwed` and
    /// `OwedCompensationPaid` events.
    /// @param ticketId The ticket it compensates.
    /// @param merchantId Who owes it.
    /// @param customer Who is owed.
    /// @param token What is owed.
    /// @param amount How much.
    /// @param coveredAt The merchant's cumulative owed total in `token` once this claim is counted, summed
    /// by the handler from the events (FIFO coverage must reach it before the claim is paid).
    /// @param payouts How many times it was paid.
    /// @param paidAmount How much was paid for it in all.
    /// @param coveredWhenPaid The merchant's cumulative covered total in `token` when it was last paid.
    /// @param paidElsewhere Whether a payout went to another customer or in another token.
    struct GhostOwed {
        uint256 ticketId;
        uint32 merchantId;
        address customer;
        address token;
        uint256 amount;
        uint256 coveredAt;
        uint256 payouts;
        uint256 paidAmount;
        uint256 coveredWhenPaid;
        bool paidElsewhere;
    }

    /// @dev One compensation being read from the logs: an `SlaCompensationOwed` and the
    /// `SlaCompensationPaid` right after it (same ticket and deadlines) are the two parts of one.
    struct Compensation {
        uint256 ticketId;
        uint32 merchantId;
        address customer;
        uint8 deadlines;
        address token;
        uint256 amount;
        bool open;
    }

    uint8 internal constant _FIRST_RESPONSE = 1;
    uint8 internal constant _RESOLUTION = 2;

    uint256[] internal _tickets;
    /// @dev The ticket reopened last (0 before any), picked more often so its new cycle gets worked on.
    uint256 internal _reopened;

    /// @notice How many times each refund was paid (must never exceed 1).
    mapping(uint256 refundId => uint256 count) public ghostPayouts;
    /// @notice Set if a customer ever received something other than the refund's amount (less a
    /// transfer fee) as payment or credit.
    bool public ghostWrongPayout;
    /// @notice Successful calls per action, to see that the handler exercises the escrow.
    mapping(bytes32 action => uint256 count) public ghostCalls;

    /// @notice Each ticket's service cycle as the handler counts it: 0 when opened, +1 on every reopen.
    mapping(uint256 ticketId => uint256 cycle) public ghostCycle;
    /// @notice Compensations seen per ticket, cycle and deadline (1 first response, 2 resolution),
    /// whether paid at once, recorded as owed, or both (a reserve that covered part of it).
    mapping(uint256 ticketId => mapping(uint256 cycle => mapping(uint8 deadline => uint256 count)))
        public ghostCompensations;
    /// @notice Compensations seen in all, and those seen in a reopened ticket's later cycle.
    uint256 public ghostCompensationCount;
    uint256 public ghostLaterCycleCompensations;
    /// @notice The first thing wrong with a compensation event (empty while none was wrong).
    string public ghostCompensationError;

    /// @notice Owed claims seen (`SlaCompensationOwed`), in id order.
    uint256 public ghostOwedCount;
    mapping(uint256 owedId => GhostOwed claim) internal _ghostOwed;
    /// @notice Per merchant and token: owed in all, covered by deposits and releases, and settled, summed
    /// from the events.
    mapping(uint32 merchantId => mapping(address token => uint256 amount)) public ghostOwedTotal;
    mapping(uint32 merchantId => mapping(address token => uint256 amount)) public ghostOwedCovered;
    mapping(uint32 merchantId => mapping(address token => uint256 amount)) public ghostOwedSettled;
    /// @notice The first thing wrong with an owed-claim event (empty while none was wrong).
    string public ghostOwedError;

    /// @notice 1 + the order each ticket was opened with a receipt of (0: a plain ticket).
    mapping(uint256 ticketId => uint256 orderPlusOne) public ticketOrder;
    /// @dev The tickets opened with each order's receipt.
    mapping(uint256 orderIndex => uint256[] ticketIds) internal _orderTickets;
    /// @notice Per order: what its refunds lock or paid, summed from the escrow's events (+ a request or an
    /// issued refund's payment, - a cancel, a final rejection, a ruling for the merchant).
    mapping(uint256 orderIndex => uint256 amount) public ghostOrderRefunded;
    /// @notice 1 + the order each refund counts against (0: a refund on a plain ticket).
    mapping(uint256 refundId => uint256 orderPlusOne) public refundOrder;
    mapping(uint256 refundId => uint256 amount) internal _orderRefundAmount;
    /// @dev The ticket of an issued refund whose payment (`RefundPaid`, with the amount) is still to come.
    mapping(uint256 refundId => uint256 ticketId) internal _issuedPending;
    /// @notice The first thing wrong with the orders' books (empty while none was wrong).
    string public ghostOrderError;

    /// @notice Each merchant's terms version as the handler counts it (one more per accepted `setPolicy`;
    /// compensation never changes after setUp) and each version's policy, as the handler set it.
    mapping(uint32 merchantId => uint16 version) public ghostVersion;
    mapping(uint32 merchantId => mapping(uint16 version => ISupportDesk.Policy policy)) internal _policyAt;
    /// @notice 1 + the version in force when each refund was requested (0: issued, never requested), its
    /// merchant, and when it was rejected.
    mapping(uint256 refundId => uint256 versionPlusOne) public requestedUnder;
    mapping(uint256 refundId => uint32 merchantId) internal _refundMerchant;
    mapping(uint256 refundId => uint256 at) public rejectedAt;
    /// @notice The first rejection or dispute that did not follow its request's terms (empty while none).
    string public ghostTermsError;

    /// @dev Records the escrow's events of the whole action and books them at its end. The recorder also
    /// keeps what reverted calls emitted, so every `catch` `_discard`s, and an action `_collect`s what its
    /// successful calls emitted before it tries another call that may fail.
    modifier recorded() {
        _VM.recordLogs();
        _;
        _collect();
    }

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
        _recordSetUpTerms();
    }

    /// @dev Takes the terms as setUp left them: compensation promised, the registration policy unchanged.
    function _recordSetUpTerms() internal {
        for (uint32 m = 1; m <= MERCHANTS; ++m) {
            uint16 version = desk.termsVersionOf(m);
            ghostVersion[m] = version;
            for (uint16 v = 0; v <= version; ++v) _policyAt[m][v] = desk.policyOf(m);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Funds a reserve; half of the time one that owes compensation, so owed claims get covered.
    function deposit(uint256 merchantSeed, uint256 tokenSeed, uint256 amount) external recorded {
        uint32 merchantId = uint32(_bound(merchantSeed, 1, MERCHANTS));
        address token = _token(tokenSeed % TOKENS);
        if (merchantSeed % 2 == 0) (merchantId, token) = _owingOr(merchantId, token);
        _deposit(merchantId, token, _bound(amount, 1, token == address(0) ? 100 ether : 1e24));
        ++ghostCalls["deposit"];
    }

    function withdrawReserve(uint256 merchantSeed, uint256 tokenSeed, uint256 amount) external recorded {
        uint32 merchantId = uint32(_bound(merchantSeed, 1, MERCHANTS));
        address token = _token(tokenSeed % TOKENS);
        uint256 available = escrow.reserveOf(merchantId, token);
        if (available == 0) return;
        amount = _bound(amount, 1, available);
        _VM.prank(_admins[merchantId - 1]);
        try escrow.withdrawReserve(merchantId, token, amount, sink) {
            ++ghostCalls["withdrawReserve"];
        } catch {
            _discard();
        }
    }

    function openTicket(uint256 customerSeed, uint256 merchantSeed) external recorded {
        address customer = _customers[customerSeed % CUSTOMERS];
        uint32 merchantId = uint32(_bound(merchantSeed, 1, MERCHANTS));
        _VM.prank(customer);
        _tickets.push(desk.openTicket(merchantId, bytes32(0), keccak256("ticket"), 1));
        ++ghostCalls["openTicket"];
    }

    /// @notice The customer of order `orderSeed` opens another ticket with its receipt (an order has several
    /// tickets: a return, then another complaint), up to four per order.
    function openVerifiedTicket(uint256 orderSeed) public recorded {
        uint256 orderIndex = orderSeed % ORDERS;
        if (_orderTickets[orderIndex].length >= 4) return;
        ISupportDesk.OrderReceipt memory receipt = _orderReceipt(orderIndex);
        bytes memory signature = Receipts.sign(ORDER_SIGNER_KEY, address(desk), receipt);
        _VM.prank(receipt.customer);
        uint256 ticketId = desk.openTicketWithReceipt(receipt, signature, keccak256("verified"), 1);
        _tickets.push(ticketId);
        ticketOrder[ticketId] = orderIndex + 1;
        _orderTickets[orderIndex].push(ticketId);
        ++ghostCalls["openVerifiedTicket"];
    }

    /// @notice The customer of an order asks for a refund on one of its tickets in the order's token: all
    /// the order has left, one unit more (to be refused), or part of it.
    function requestOrderRefund(uint256 orderSeed, uint256 ticketSeed, uint256 amountSeed) external recorded {
        (uint256 ticketId, ISupportDesk.OrderReceipt memory receipt, uint256 amount) = _orderRefund(
            orderSeed,
            ticketSeed,
            amountSeed
        );
        _VM.prank(receipt.customer);
        try escrow.requestRefund(ticketId, receipt.token, amount, keccak256("order refund")) {
            ++ghostCalls["requestOrderRefund"];
        } catch {
            _discard();
        }
    }

    /// @notice The merchant pays a refund on one of an order's tickets at once, amounts as above.
    function issueOrderRefund(
        uint256 orderSeed,
        uint256 ticketSeed,
        uint256 amountSeed,
        bool resolve
    ) external recorded {
        (uint256 ticketId, ISupportDesk.OrderReceipt memory receipt, uint256 amount) = _orderRefund(
            orderSeed,
            ticketSeed,
            amountSeed
        );
        uint256 before = _received(receipt.customer, receipt.token);
        _VM.prank(_admins[receipt.merchantId - 1]);
        if (resolve) {
            try escrow.issueRefundAndResolve(ticketId, receipt.token, amount, keccak256("order")) returns (
                uint256 refundId
            ) {
                ++ghostPayouts[refundId];
                ++ghostCalls["issueOrderRefundAndResolve"];
            } catch {
                _discard();
            }
        } else {
            try escrow.issueRefund(ticketId, receipt.token, amount, keccak256("order")) returns (
                uint256 refundId
            ) {
                ++ghostPayouts[refundId];
                _checkReceipt(receipt.customer, receipt.token, amount, before);
                ++ghostCalls["issueOrderRefund"];
            } catch {
                _discard();
            }
        }
    }

    /// @notice A merchant admin changes its policy: new response and dispute windows, and the default
    /// arbiter, another one, or none. It starts a new terms version; refunds requested earlier keep theirs.
    function setPolicy(uint256 merchantSeed, uint256 policySeed) public recorded {
        uint32 merchantId = uint32(_bound(merchantSeed, 1, MERCHANTS));
        uint32 reopenWindow = _policyTime(policySeed >> 32);
        ISupportDesk.Policy memory policy = ISupportDesk.Policy({
            firstResponseTime: _policyTime(policySeed >> 64),
            resolutionTime: _policyTime(policySeed >> 96),
            reopenWindow: reopenWindow,
            autoCloseDelay: reopenWindow + _policyTime(policySeed >> 128),
            refundResponseTime: _policyTime(policySeed >> 160),
            disputeWindow: _policyTime(policySeed >> 192),
            arbiter: policySeed % 5 == 0 ? address(0) : (policySeed % 2 == 0 ? arbiter : _VM.addr(0xA4B2))
        });
        _VM.prank(_admins[merchantId - 1]);
        try desk.setPolicy(merchantId, policy) {
            uint16 version = ++ghostVersion[merchantId];
            _policyAt[merchantId][version] = policy;
            ++ghostCalls["setPolicy"];
        } catch {
            _discard();
        }
    }

    /// @notice The merchant changes its terms while a refund waits for an answer, then rejects it, and the
    /// customer disputes half of the time: the rejection and the dispute must follow the request's terms.
    function changeTermsThenReject(uint256 refundSeed, uint256 policySeed, bool dispute) external {
        (uint256 refundId, IRefundEscrow.Refund memory refund) = _pickRefund(refundSeed);
        if (refundId == 0 || refund.status != IRefundEscrow.RefundStatus.Requested) return;
        if (block.timestamp > refund.deadline) return;
        setPolicy(refund.merchantId - 1, policySeed); // the seed that `setPolicy` maps to this merchant
        rejectRefund(refundSeed);
        if (dispute) disputeRefund(refundSeed);
    }

    function requestRefund(uint256 ticketSeed, uint256 tokenSeed, uint256 amount) external recorded {
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
        } catch {
            _discard();
        }
    }

    function issueRefund(
        uint256 ticketSeed,
        uint256 tokenSeed,
        uint256 amount,
        bool resolve
    ) external recorded {
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
            } catch {
                _discard();
            }
        } else {
            try escrow.issueRefund(ticketId, token, amount, keccak256("issued")) returns (uint256 refundId) {
                ++ghostPayouts[refundId];
                _checkReceipt(customer, token, amount, before);
                ++ghostCalls["issueRefund"];
            } catch {
                _discard();
            }
        }
    }

    function approveRefund(uint256 refundSeed, bool resolve) external recorded {
        (uint256 refundId, IRefundEscrow.Refund memory refund) = _pickRefund(refundSeed);
        if (refundId == 0) return;
        uint256 before = _received(refund.customer, refund.token);
        _VM.prank(_admins[refund.merchantId - 1]);
        if (resolve) {
            try escrow.approveRefundAndResolve(refundId, keccak256("resolved")) {
                ++ghostPayouts[refundId];
                ++ghostCalls["approveRefundAndResolve"];
            } catch {
                _discard();
            }
        } else {
            try escrow.approveRefund(refundId) {
                ++ghostPayouts[refundId];
                _checkReceipt(refund.customer, refund.token, refund.amount, before);
                ++ghostCalls["approveRefund"];
            } catch {
                _discard();
            }
        }
    }

    function rejectRefund(uint256 refundSeed) public recorded {
        (uint256 refundId, IRefundEscrow.Refund memory refund) = _pickRefund(refundSeed);
        if (refundId == 0) return;
        _VM.prank(_admins[refund.merchantId - 1]);
        try escrow.rejectRefund(refundId, keccak256("no")) {
            ++ghostCalls["rejectRefund"];
        } catch {
            _discard();
        }
    }

    /// @notice Jumps past the dispute window of a rejection (if it is one) and finalizes it.
    function finalizeRejection(uint256 refundSeed) external recorded {
        (uint256 refundId, IRefundEscrow.Refund memory refund) = _pickRefund(refundSeed);
        if (refundId == 0) return;
        if (refund.status == IRefundEscrow.RefundStatus.Rejected && block.timestamp <= refund.deadline) {
            _VM.warp(uint256(refund.deadline) + 1);
        }
        try escrow.finalizeRejection(refundId) {
            ++ghostCalls["finalizeRejection"];
        } catch {
            _discard();
        }
    }

    /// @notice Jumps past the response deadline of a request (if it is one) and executes it.
    function executeRefund(uint256 refundSeed) external recorded {
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
        } catch {
            _discard();
        }
    }

    function disputeRefund(uint256 refundSeed) public recorded {
        (uint256 refundId, IRefundEscrow.Refund memory refund) = _pickRefund(refundSeed);
        if (refundId == 0) return;
        _VM.prank(refund.customer);
        try escrow.disputeRefund(refundId, keccak256("unfair")) {
            ++ghostCalls["disputeRefund"];
        } catch {
            _discard();
        }
    }

    function resolveDispute(uint256 refundSeed, bool payCustomer) external recorded {
        (uint256 refundId, IRefundEscrow.Refund memory refund) = _pickRefund(refundSeed);
        if (refundId == 0) return;
        uint256 before = _received(refund.customer, refund.token);
        _VM.prank(_arbiterOf(refundId));
        try escrow.resolveDispute(refundId, payCustomer) {
            if (payCustomer) {
                ++ghostPayouts[refundId];
                _checkReceipt(refund.customer, refund.token, refund.amount, before);
            }
            ++ghostCalls["resolveDispute"];
        } catch {
            _discard();
        }
    }

    /// @notice The merchant concedes a rejected (not final) or disputed refund, found from a random start:
    /// `approveRefund` (or `approveRefundAndResolve`) on it pays the customer. A third of the time the
    /// customer first disputes a rejection still in its window (disputes are otherwise rare). Then the
    /// arbiter rules on the conceded case anyway and the merchant approves it again: a correct escrow
    /// refuses both, and a payout would be counted (so `invariant_refundPaidAtMostOnce` would see it).
    function concedeRefund(uint256 refundSeed, uint256 modeSeed, bool resolve) external recorded {
        (uint256 refundId, IRefundEscrow.Refund memory refund) = _pickConcedable(refundSeed);
        if (refundId == 0) return;
        if (modeSeed % 3 == 0) _disputeIfOpen(refundId, refund);
        bool disputed = refund.status == IRefundEscrow.RefundStatus.Disputed;
        address admin = _admins[refund.merchantId - 1];
        uint256 before = _received(refund.customer, refund.token);
        _VM.prank(admin);
        if (resolve) {
            try escrow.approveRefundAndResolve(refundId, keccak256("conceded")) {
                ++ghostPayouts[refundId];
                ++ghostCalls[
                    disputed ? bytes32("concedeDisputedAndResolve") : bytes32("concedeRejectedAndResolve")
                ];
            } catch {
                _discard();
                return;
            }
        } else {
            try escrow.approveRefund(refundId) {
                ++ghostPayouts[refundId];
                _checkReceipt(refund.customer, refund.token, refund.amount, before);
                ++ghostCalls[disputed ? bytes32("concedeDisputed") : bytes32("concedeRejected")];
            } catch {
                _discard();
                return;
            }
        }
        _collect(); // book what the concession emitted before the tries below, whose failures are discarded
        _payAgainAfterConcession(refundId, admin, (modeSeed / 3) % 2 == 0);
    }

    function cancelRefund(uint256 refundSeed) external recorded {
        (uint256 refundId, IRefundEscrow.Refund memory refund) = _pickRefund(refundSeed);
        if (refundId == 0) return;
        _VM.prank(refund.customer);
        try escrow.cancelRefund(refundId) {
            ++ghostCalls["cancelRefund"];
        } catch {
            _discard();
        }
    }

    function withdrawCredit(uint256 customerSeed, uint256 tokenSeed) external recorded {
        address customer = _customers[customerSeed % CUSTOMERS];
        address token = _token(tokenSeed % TOKENS);
        if (escrow.creditOf(customer, token) == 0) return;
        // Credits exist because the customer cannot receive the token: send them to the sink.
        _VM.prank(customer);
        escrow.withdrawCreditTo(token, sink);
        ++ghostCalls["withdrawCredit"];
    }

    /// @notice Anyone (here the handler) claims a ticket's missed deadlines; the customer must receive
    /// what the compensation events say was paid. With `drainFirst`, a refund request first locks all the
    /// merchant has in its compensation token, so the compensation becomes owed.
    function claimSlaCompensation(uint256 ticketSeed, bool drainFirst) external recorded {
        uint256 ticketId = _pickTicket(ticketSeed);
        if (drainFirst) _drainCompensationReserve(ticketId);
        (address customer, address token, uint256 before) = _compensationReceiver(ticketId);
        try escrow.claimSlaCompensation(ticketId) {
            _checkReceipt(customer, token, _collect(), before);
            ++ghostCalls["claimSlaCompensation"];
        } catch {
            _discard();
            return;
        }
        // A second claim in the same instant finds nothing new missed: refused, or counted if it pays.
        try escrow.claimSlaCompensation(ticketId) {
            _collect();
            ++ghostCalls["claimAgain"];
        } catch {
            _discard();
        }
    }

    /// @notice Settles an owed claim: tries the unpaid ones from a random start until one is covered.
    /// With `coverFirst`, the owing merchant first deposits what it owes (as a merchant would).
    function settleOwedCompensation(uint256 owedSeed, bool coverFirst) external recorded {
        uint256 count = escrow.owedClaimCount();
        if (count == 0) return;
        if (coverFirst) {
            (uint32 merchantId, address token) = _owingOr(0, address(0));
            if (merchantId != 0) {
                (uint256 uncovered, ) = escrow.owedOf(merchantId, token);
                _deposit(merchantId, token, uncovered);
                _collect(); // book the coverage before the tries below, whose failures are discarded
            }
        }
        uint256 start = _bound(owedSeed, 1, count);
        // First settle again the first paid claim from `start`, if any: that must be refused.
        for (uint256 i = 0; i < count; ++i) {
            uint256 owedId = ((start - 1 + i) % count) + 1;
            if (!escrow.getOwedClaim(owedId).paid) continue;
            _settleAgain(owedId);
            break;
        }
        for (uint256 i = 0; i < count; ++i) {
            uint256 owedId = ((start - 1 + i) % count) + 1;
            IRefundEscrow.OwedClaim memory claim = escrow.getOwedClaim(owedId);
            if (claim.paid) continue;
            uint256 before = _received(claim.customer, claim.token);
            try escrow.settleOwedCompensation(owedId) {
                _collect();
                _checkReceipt(claim.customer, claim.token, claim.amount, before);
                ++ghostCalls["settleOwedCompensation"];
                // And right away once more: that must be refused too.
                _settleAgain(owedId);
                return;
            } catch {
                _discard();
            }
        }
    }

    /// @notice A staff answer or resolution on the desk: late ones make the desk auto-pay (merchant 2).
    /// With `drainFirst`, as in `claimSlaCompensation`: the auto-paid compensation becomes owed.
    function deskStaffMove(uint256 ticketSeed, bool resolve, bool drainFirst) external recorded {
        uint256 ticketId = _pickTicket(ticketSeed);
        if (drainFirst) _drainCompensationReserve(ticketId);
        (, uint32 merchantId, ) = desk.ticketCore(ticketId);
        (address customer, address token, uint256 before) = _compensationReceiver(ticketId);
        _VM.prank(_admins[merchantId - 1]);
        if (resolve) {
            try desk.resolveTicket(ticketId, keccak256("done")) {
                _checkReceipt(customer, token, _collect(), before);
                ++ghostCalls["deskResolve"];
            } catch {
                _discard();
            }
        } else {
            try desk.postMessage(ticketId, keccak256("answer")) {
                _checkReceipt(customer, token, _collect(), before);
                ++ghostCalls["deskAnswer"];
            } catch {
                _discard();
            }
        }
    }

    /// @notice The customer escalates a late ticket (auto-pays at merchant 2).
    function escalate(uint256 ticketSeed) external recorded {
        uint256 ticketId = _pickTicket(ticketSeed);
        (address customer, address token, uint256 before) = _compensationReceiver(ticketId);
        _VM.prank(customer);
        try desk.escalateTicket(ticketId, keccak256("late")) {
            _checkReceipt(customer, token, _collect(), before);
            ++ghostCalls["escalate"];
        } catch {
            _discard();
        }
    }

    /// @notice The customer reopens a resolved ticket: a new service cycle, whose deadlines may be
    /// compensated again.
    function reopen(uint256 ticketSeed, bool thenWait) external recorded {
        // The first resolved ticket from a random start (resolved tickets are few).
        uint256 count = _tickets.length;
        uint256 ticketId;
        for (uint256 i = 0; i < count; ++i) {
            uint256 candidate = _tickets[(ticketSeed + i) % count];
            if (desk.statusOf(candidate) == ISupportDesk.Status.Resolved) {
                ticketId = candidate;
                break;
            }
        }
        if (ticketId == 0) return;
        (address customer, , ) = desk.ticketCore(ticketId);
        _VM.prank(customer);
        try desk.reopenTicket(ticketId, keccak256("again")) {
            _collect(); // anything before the reopen belongs to the cycle that ended
            ++ghostCycle[ticketId];
            _reopened = ticketId;
            ++ghostCalls["reopen"];
            if (thenWait) _VM.warp(block.timestamp + 1 days + 1);
        } catch {
            _discard();
        }
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

    function ticketAt(uint256 index) external view returns (uint256) {
        return _tickets[index];
    }

    function ghostOwedClaim(uint256 owedId) external view returns (GhostOwed memory) {
        return _ghostOwed[owedId];
    }

    /// @dev Books the escrow's compensation events recorded since the last `_collect` or `_discard`, in
    /// order; returns how much compensation they paid out at once (`SlaCompensationPaid`).
    function _collect() internal returns (uint256 paidOut) {
        Vm.Log[] memory logs = _VM.getRecordedLogs();
        Compensation memory current;
        for (uint256 i = 0; i < logs.length; ++i) {
            Vm.Log memory log = logs[i];
            if (log.emitter != address(escrow)) continue;
            bytes32 topic = log.topics[0];
            if (topic == IRefundEscrow.SlaCompensationPaid.selector) {
                (uint8 deadlines, address token, uint256 amount, ) = abi.decode(
                    log.data,
                    (uint8, address, uint256, bool)
                );
                Compensation memory paid = Compensation({
                    ticketId: uint256(log.topics[1]),
                    merchantId: uint32(uint256(log.topics[2])),
                    customer: address(uint160(uint256(log.topics[3]))),
                    deadlines: deadlines,
                    token: token,
                    amount: amount,
                    open: true
                });
                paidOut += amount;
                // The paid part of a compensation whose rest was just recorded as owed: the same one.
                if (_sameCompensation(current, paid)) {
                    current.amount += amount;
                } else {
                    _bookCompensation(current);
                    current = paid;
                }
                _bookCompensation(current);
            } else if (topic == IRefundEscrow.SlaCompensationOwed.selector) {
                _bookCompensation(current);
                current = _bookOwed(log);
            } else {
                _bookCompensation(current);
                if (topic == IRefundEscrow.OwedCompensationCovered.selector) {
                    uint32 merchantId = uint32(uint256(log.topics[1]));
                    address token = address(uint160(uint256(log.topics[2])));
                    ghostOwedCovered[merchantId][token] += abi.decode(log.data, (uint256));
                } else if (topic == IRefundEscrow.OwedCompensationPaid.selector) {
                    _bookOwedPaid(log);
                } else {
                    _bookRefundEvent(log, topic);
                }
            }
        }
        _bookCompensation(current);
    }

    /// @dev Drops what a reverted call emitted (the recorder keeps it).
    function _discard() internal {
        _VM.getRecordedLogs();
    }

    /// @dev Counts a compensation against its ticket's current cycle, once per deadline it covers, and
    /// checks it against the ticket and the terms: the amount (paid and owed together) is exactly the
    /// terms' amounts for its deadlines.
    function _bookCompensation(Compensation memory compensation) internal {
        if (!compensation.open) return;
        compensation.open = false;
        uint256 ticketId = compensation.ticketId;
        uint8 deadlines = compensation.deadlines;
        (address customer, uint32 merchantId, ) = desk.ticketCore(ticketId);
        ISupportDesk.SlaCompensation memory terms = _terms(merchantId);
        uint256 expected;
        if (deadlines & _FIRST_RESPONSE != 0) expected = terms.firstResponseAmount;
        if (deadlines & _RESOLUTION != 0) expected += terms.resolutionAmount;
        if (deadlines == 0 || deadlines > (_FIRST_RESPONSE | _RESOLUTION)) {
            _compensationError("deadlines are not 1, 2 or 3");
        } else if (ticketOrder[ticketId] == 0) {
            _compensationError("compensation on a ticket opened without a receipt");
        } else if (compensation.customer != customer || compensation.merchantId != merchantId) {
            _compensationError("compensation for another customer or merchant than the ticket's");
        } else if (compensation.token != terms.token) {
            _compensationError("compensation in another token than the terms'");
        } else if (compensation.amount != expected) {
            _compensationError("compensation differs from the terms for its deadlines");
        }
        uint256 cycle = ghostCycle[ticketId];
        if (deadlines & _FIRST_RESPONSE != 0) ++ghostCompensations[ticketId][cycle][_FIRST_RESPONSE];
        if (deadlines & _RESOLUTION != 0) ++ghostCompensations[ticketId][cycle][_RESOLUTION];
        ++ghostCompensationCount;
        if (cycle != 0) ++ghostLaterCycleCompensations;
    }

    /// @dev Books an `SlaCompensationOwed`: a new claim (ids must come in order), its place in the
    /// merchant's FIFO, and returns it as the start of a compensation (a paid part may follow).
    function _bookOwed(Vm.Log memory log) internal returns (Compensation memory compensation) {
        uint256 owedId = uint256(log.topics[1]);
        (uint32 merchantId, uint8 deadlines, address token, uint256 amount) = abi.decode(
            log.data,
            (uint32, uint8, address, uint256)
        );
        compensation = Compensation({
            ticketId: uint256(log.topics[2]),
            merchantId: merchantId,
            customer: address(uint160(uint256(log.topics[3]))),
            deadlines: deadlines,
            token: token,
            amount: amount,
            open: true
        });
        if (owedId != ++ghostOwedCount) _owedError("owed claim ids not in order");
        if (amount == 0) _owedError("an owed claim of 0");
        ghostOwedTotal[merchantId][token] += amount;
        _ghostOwed[owedId] = GhostOwed({
            ticketId: compensation.ticketId,
            merchantId: merchantId,
            customer: compensation.customer,
            token: token,
            amount: amount,
            coveredAt: ghostOwedTotal[merchantId][token],
            payouts: 0,
            paidAmount: 0,
            coveredWhenPaid: 0,
            paidElsewhere: false
        });
    }

    /// @dev Books an `OwedCompensationPaid` against the claim the handler recorded, with the merchant's
    /// covered total at that moment.
    function _bookOwedPaid(Vm.Log memory log) internal {
        uint256 owedId = uint256(log.topics[1]);
        (address token, uint256 amount, ) = abi.decode(log.data, (address, uint256, bool));
        if (owedId == 0 || owedId > ghostOwedCount) _owedError("paid an owed claim never recorded");
        GhostOwed storage claim = _ghostOwed[owedId];
        ++claim.payouts;
        claim.paidAmount += amount;
        claim.coveredWhenPaid = ghostOwedCovered[claim.merchantId][claim.token];
        if (address(uint160(uint256(log.topics[2]))) != claim.customer || token != claim.token) {
            claim.paidElsewhere = true;
        }
        ghostOwedSettled[claim.merchantId][claim.token] += amount;
    }

    /// @dev Books the refund events the orders' books and the terms depend on. Each branch reads only the
    /// topics its event has.
    function _bookRefundEvent(Vm.Log memory log, bytes32 topic) internal {
        if (topic == IRefundEscrow.RefundRequested.selector) {
            uint256 refundId = uint256(log.topics[1]);
            uint256 ticketId = uint256(log.topics[2]);
            (, uint256 amount, ) = abi.decode(log.data, (address, uint256, bytes32));
            (, uint32 merchantId, ) = desk.ticketCore(ticketId);
            requestedUnder[refundId] = uint256(ghostVersion[merchantId]) + 1;
            _refundMerchant[refundId] = merchantId;
            _countForOrder(refundId, ticketId, amount);
        } else if (topic == IRefundEscrow.RefundIssued.selector) {
            _issuedPending[uint256(log.topics[1])] = uint256(log.topics[2]);
        } else if (topic == IRefundEscrow.RefundPaid.selector) {
            uint256 refundId = uint256(log.topics[1]);
            uint256 ticketId = _issuedPending[refundId];
            if (ticketId == 0) return; // a requested refund's payment: counted at its request
            delete _issuedPending[refundId];
            (, uint256 amount, ) = abi.decode(log.data, (address, uint256, bool));
            _countForOrder(refundId, ticketId, amount);
        } else if (
            topic == IRefundEscrow.RefundCancelled.selector ||
            topic == IRefundEscrow.RejectionFinalized.selector
        ) {
            _releaseForOrder(uint256(log.topics[1]));
        } else if (topic == IRefundEscrow.DisputeResolved.selector) {
            if (!abi.decode(log.data, (bool))) _releaseForOrder(uint256(log.topics[1]));
        } else if (topic == IRefundEscrow.RefundRejected.selector) {
            uint256 refundId = uint256(log.topics[1]);
            (, uint64 disputeDeadline) = abi.decode(log.data, (bytes32, uint64));
            rejectedAt[refundId] = block.timestamp;
            if (disputeDeadline != block.timestamp + _requestTerms(refundId).disputeWindow) {
                _termsError("a rejection's dispute deadline is not now + the dispute window at request");
            }
        } else if (topic == IRefundEscrow.RefundDisputed.selector) {
            uint256 refundId = uint256(log.topics[1]);
            if (address(uint160(uint256(log.topics[2]))) != _requestTerms(refundId).arbiter) {
                _termsError("a dispute went to another arbiter than the one in force at request");
            }
        }
    }

    /// @dev Counts a refund of `amount` on ticket `ticketId` against its order, if it has one.
    function _countForOrder(uint256 refundId, uint256 ticketId, uint256 amount) internal {
        uint256 orderPlusOne = ticketOrder[ticketId];
        if (orderPlusOne == 0) return;
        refundOrder[refundId] = orderPlusOne;
        _orderRefundAmount[refundId] = amount;
        ghostOrderRefunded[orderPlusOne - 1] += amount;
    }

    /// @dev Gives a released refund's amount back to its order (released twice, or more than counted, is
    /// an error: the books would go below zero).
    function _releaseForOrder(uint256 refundId) internal {
        uint256 orderPlusOne = refundOrder[refundId];
        if (orderPlusOne == 0) return;
        uint256 amount = _orderRefundAmount[refundId];
        uint256 counted = ghostOrderRefunded[orderPlusOne - 1];
        if (amount > counted || amount == 0) {
            if (bytes(ghostOrderError).length == 0) ghostOrderError = "an order refund released twice";
            return;
        }
        ghostOrderRefunded[orderPlusOne - 1] = counted - amount;
        _orderRefundAmount[refundId] = 0; // a second release of the same refund is caught above
    }

    /// @notice The policy of merchant `merchantId`'s terms version `version`, as the handler set it.
    function policyAt(uint32 merchantId, uint16 version) external view returns (ISupportDesk.Policy memory) {
        return _policyAt[merchantId][version];
    }

    /// @dev The policy in force when refund `refundId` was requested.
    function _requestTerms(uint256 refundId) internal returns (ISupportDesk.Policy memory policy) {
        uint256 versionPlusOne = requestedUnder[refundId];
        if (versionPlusOne == 0) _termsError("rejected or disputed a refund never requested");
        else policy = _policyAt[_refundMerchant[refundId]][uint16(versionPlusOne - 1)];
    }

    function _termsError(string memory reason) internal {
        if (bytes(ghostTermsError).length == 0) ghostTermsError = reason;
    }

    /// @dev The arbiter refund `refundId` was disputed before, else the default one (whose ruling fails).
    function _arbiterOf(uint256 refundId) internal view returns (address) {
        address disputeArbiter = escrow.disputeArbiterOf(refundId);
        return disputeArbiter == address(0) ? arbiter : disputeArbiter;
    }

    /// @dev One of order `orderSeed`'s tickets, its receipt, and an amount: what the order has left (as the
    /// handler counts it), one unit more, or part of it.
    function _orderRefund(
        uint256 orderSeed,
        uint256 ticketSeed,
        uint256 amountSeed
    ) internal view returns (uint256 ticketId, ISupportDesk.OrderReceipt memory receipt, uint256 amount) {
        uint256 orderIndex = orderSeed % ORDERS;
        uint256[] storage tickets = _orderTickets[orderIndex];
        receipt = _orderReceipt(orderIndex);
        ticketId = tickets[ticketSeed % tickets.length]; // setUp opens one per order
        uint256 refunded = ghostOrderRefunded[orderIndex];
        uint256 left = refunded < receipt.amount ? receipt.amount - refunded : 0;
        uint256 mode = amountSeed % 3;
        if (mode == 0) amount = left;
        else if (mode == 1) amount = left + 1;
        else amount = _bound(amountSeed >> 2, 1, left == 0 ? 1 : left);
        if (amount == 0) amount = 1;
    }

    /// @dev A policy time from an hour to 10 days.
    function _policyTime(uint256 seed) internal pure returns (uint32) {
        // At most 10 days in seconds, which fits uint32.
        return uint32(_bound(seed, 1 hours, 10 days));
    }

    function _sameCompensation(Compensation memory a, Compensation memory b) internal pure returns (bool) {
        return
            a.open &&
            a.ticketId == b.ticketId &&
            a.merchantId == b.merchantId &&
            a.customer == b.customer &&
            a.deadlines == b.deadlines &&
            a.token == b.token;
    }

    function _compensationError(string memory reason) internal {
        if (bytes(ghostCompensationError).length == 0) ghostCompensationError = reason;
    }

    function _owedError(string memory reason) internal {
        if (bytes(ghostOwedError).length == 0) ghostOwedError = reason;
    }

    /// @dev Settles paid owed claim `owedId` again (refused by a correct escrow); books whatever it paid.
    function _settleAgain(uint256 owedId) internal {
        try escrow.settleOwedCompensation(owedId) {
            _collect();
            ++ghostCalls["settleOwedAgain"];
        } catch {
            _discard();
        }
    }

    /// @dev The ticket's customer requests a refund of all its merchant has available in the compensation
    /// token (locked until answered), so a compensation now is owed rather than paid.
    function _drainCompensationReserve(uint256 ticketId) internal {
        (address customer, uint32 merchantId, ) = desk.ticketCore(ticketId);
        address token = _terms(merchantId).token;
        uint256 available = escrow.reserveOf(merchantId, token);
        if (available == 0 || available > type(uint112).max) return;
        // An order's refunds are capped at its amount: drain through the customer's plain ticket there.
        if (ticketOrder[ticketId] != 0) ticketId = _plainTicket(customer, merchantId);
        _VM.prank(customer);
        try escrow.requestRefund(ticketId, token, available, keccak256("everything")) {
            _collect();
            ++ghostCalls["drain"];
        } catch {
            _discard();
        }
    }

    /// @dev Ticket `ticketId`'s customer, the token its merchant compensates in, and what the customer
    /// holds of it now (counting credit).
    function _compensationReceiver(
        uint256 ticketId
    ) internal view returns (address customer, address token, uint256 before) {
        uint32 merchantId;
        (customer, merchantId, ) = desk.ticketCore(ticketId);
        token = _terms(merchantId).token;
        before = _received(customer, token);
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

    /// @dev The plain ticket setUp opened for `customer` at `merchantId` (see `_openTickets`).
    function _plainTicket(address customer, uint32 merchantId) internal view returns (uint256) {
        uint256 c;
        while (c < CUSTOMERS - 1 && _customers[c] != customer) ++c;
        return _tickets[c * MERCHANTS + merchantId - 1];
    }

    /// @dev A ticket at random; a quarter of the time the one reopened last, if any.
    function _pickTicket(uint256 seed) internal view returns (uint256) {
        if (_reopened != 0 && seed % 4 == 0) return _reopened;
        return _tickets[(seed / 4) % _tickets.length];
    }

    function _pickRefund(
        uint256 seed
    ) internal view returns (uint256 refundId, IRefundEscrow.Refund memory refund) {
        uint256 count = escrow.refundCount();
        if (count == 0) return (0, refund);
        refundId = _bound(seed, 1, count);
        refund = escrow.getRefund(refundId);
    }

    /// @dev The customer disputes `refund` if it is a rejection still in its window; updates its status.
    function _disputeIfOpen(uint256 refundId, IRefundEscrow.Refund memory refund) internal {
        if (refund.status != IRefundEscrow.RefundStatus.Rejected || block.timestamp > refund.deadline) return;
        _VM.prank(refund.customer);
        try escrow.disputeRefund(refundId, keccak256("unfair")) {
            refund.status = IRefundEscrow.RefundStatus.Disputed;
            _collect();
            ++ghostCalls["disputeRefund"];
        } catch {
            _discard();
        }
    }

    /// @dev After a concession: the arbiter rules on the case anyway, and `admin` approves the refund again.
    /// A correct escrow refuses both; a payout is counted (and books whatever it emitted).
    function _payAgainAfterConcession(uint256 refundId, address admin, bool payCustomer) internal {
        _VM.prank(_arbiterOf(refundId));
        try escrow.resolveDispute(refundId, payCustomer) {
            if (payCustomer) ++ghostPayouts[refundId];
            _collect();
            ++ghostCalls["ruleAfterConcession"];
        } catch {
            _discard();
        }
        _VM.prank(admin);
        try escrow.approveRefund(refundId) {
            ++ghostPayouts[refundId];
            _collect();
            ++ghostCalls["approveAfterConcession"];
        } catch {
            _discard();
        }
    }

    /// @dev The first refund from a random start that the merchant may concede: `Rejected` with its lock
    /// still held (deadline not 0), or `Disputed`; id 0 if there is none.
    function _pickConcedable(
        uint256 seed
    ) internal view returns (uint256 refundId, IRefundEscrow.Refund memory refund) {
        uint256 count = escrow.refundCount();
        if (count == 0) return (0, refund);
        uint256 start = _bound(seed, 1, count);
        for (uint256 i = 0; i < count; ++i) {
            uint256 id = ((start - 1 + i) % count) + 1;
            refund = escrow.getRefund(id);
            if (
                refund.status == IRefundEscrow.RefundStatus.Disputed ||
                (refund.status == IRefundEscrow.RefundStatus.Rejected && refund.deadline != 0)
            ) return (id, refund);
        }
        return (0, refund);
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
        _promise(1);
        _promise(2);
        for (uint256 i = 0; i < MERCHANTS; ++i) {
            vm.prank(_admins[i]);
            // The merchant ids are 1..3, which fit uint32.
            desk.setOrderSigner(uint32(i + 1), vm.addr(ORDER_SIGNER_KEY), true);
        }
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
        // One verified ticket per order from the start (under the promised terms), more as the runs go.
        for (uint256 i = 0; i < ORDERS; ++i) _handler.openVerifiedTicket(i);
        _targetContract(address(_handler));
    }

    /// @notice The handler itself: an order refunded in full refuses one unit more; a policy change between
    /// request and answer changes neither the dispute window nor the arbiter of that refund; a ruling for the
    /// merchant gives the amount back to the order. The books agree with the escrow at every step.
    function test_handler_booksOrdersAndRequestTerms() public {
        ISupportDesk.OrderReceipt memory order = _orderReceipt(0); // merchant 1, 2 ETH
        _handler.requestOrderRefund(0, 0, 0); // all that is left: 2 ETH, refund 1
        _handler.requestOrderRefund(0, 0, 1); // one wei more than is left: refused
        vm.assertEq(_handler.ghostCalls("requestOrderRefund"), 1, "only the first request accepted");
        vm.assertEq(escrow.refundedForOrder(1, order.orderRef), 2 ether, "the whole order counted");
        vm.assertEq(_handler.ghostOrderRefunded(0), 2 ether, "booked from the events");

        // New terms: a 2-day (+1 hour) dispute window and another arbiter; then the rejection and dispute.
        _handler.changeTermsThenReject(0, (uint256(2 days) << 192) | 1, false);
        vm.assertEq(desk.termsVersionOf(1), 2, "a new terms version");
        vm.assertEq(desk.policyOf(1).arbiter, vm.addr(0xA4B2), "another arbiter now");
        IRefundEscrow.Refund memory refund = escrow.getRefund(1);
        vm.assertEq(uint8(refund.status), uint8(IRefundEscrow.RefundStatus.Rejected), "rejected");
        vm.assertEq(refund.deadline, block.timestamp + 7 days, "the dispute window at request");
        _handler.disputeRefund(0);
        vm.assertEq(escrow.disputeArbiterOf(1), arbiter, "the arbiter at request");
        vm.assertEq(bytes(_handler.ghostTermsError()).length, 0, "the handler saw no terms error");

        _handler.resolveDispute(0, false); // for the merchant: the order may be refunded again
        vm.assertEq(escrow.refundedForOrder(1, order.orderRef), 0, "released");
        vm.assertEq(_handler.ghostOrderRefunded(0), 0, "released in the books");
        vm.assertEq(bytes(_handler.ghostOrderError()).length, 0, "the handler saw no order error");
    }

    /// @notice For every order: what its refunds lock or paid (`refundedForOrder`) never exceeds the
    /// receipt's amount, equals the sum the handler books from the escrow's events, and equals the sum over
    /// its refunds still locked (requested, rejected in the window, disputed) or paid.
    function invariant_orderRefundsWithinReceipt() public view {
        string memory error = _handler.ghostOrderError();
        vm.assertTrue(bytes(error).length == 0, error);
        uint256[ORDERS] memory fromRecords;
        uint256 count = escrow.refundCount();
        for (uint256 id = 1; id <= count; ++id) {
            uint256 orderPlusOne = _handler.refundOrder(id);
            if (orderPlusOne == 0) continue;
            IRefundEscrow.Refund memory refund = escrow.getRefund(id);
            bool counts =
                refund.status == IRefundEscrow.RefundStatus.Requested ||
                    refund.status == IRefundEscrow.RefundStatus.Disputed ||
                    refund.status == IRefundEscrow.RefundStatus.Paid ||
                    (refund.status == IRefundEscrow.RefundStatus.Rejected && refund.deadline != 0);
            if (counts) fromRecords[orderPlusOne - 1] += refund.amount;
        }
        for (uint256 i = 0; i < ORDERS; ++i) {
            ISupportDesk.OrderReceipt memory receipt = _orderReceipt(i);
            uint256 refunded = escrow.refundedForOrder(receipt.merchantId, receipt.orderRef);
            vm.assertLe(refunded, receipt.amount, "an order's refunds exceed its receipt's amount");
            vm.assertEq(refunded, _handler.ghostOrderRefunded(i), "refundedForOrder differs from the events");
            vm.assertEq(
                refunded,
                fromRecords[i],
                "refundedForOrder differs from its locked and paid refunds"
            );
        }
    }

    /// @notice A refund keeps the terms in force when it was requested: its terms version is the one the
    /// handler's policy changes had reached; a rejection's dispute deadline is the rejection time plus that
    /// version's dispute window; a dispute goes to that version's arbiter (never to one set later). And
    /// every policy change started exactly one terms version.
    function invariant_refundTermsFixedAtRequest() public view {
        string memory error = _handler.ghostTermsError();
        vm.assertTrue(bytes(error).length == 0, error);
        for (uint32 m = 1; m <= MERCHANTS; ++m) {
            vm.assertEq(
                desk.termsVersionOf(m),
                _handler.ghostVersion(m),
                "terms versions differ from the changes"
            );
        }
        uint256 count = escrow.refundCount();
        for (uint256 id = 1; id <= count; ++id) {
            uint256 versionPlusOne = _handler.requestedUnder(id);
            if (versionPlusOne == 0) continue; // issued: never requested, never rejected
            IRefundEscrow.Refund memory refund = escrow.getRefund(id);
            // A version is at most the number of policy changes (far below 2^16).
            uint16 version = uint16(versionPlusOne - 1);
            vm.assertEq(
                refund.termsVersion,
                version,
                "a refund's terms version is not the one at its request"
            );
            ISupportDesk.Policy memory terms = _handler.policyAt(refund.merchantId, version);
            if (refund.status == IRefundEscrow.RefundStatus.Rejected && refund.deadline != 0) {
                vm.assertEq(
                    refund.deadline,
                    _handler.rejectedAt(id) + terms.disputeWindow,
                    "a dispute deadline is not the rejection time + the dispute window at request"
                );
            }
            address disputeArbiter = escrow.disputeArbiterOf(id);
            if (disputeArbiter != address(0)) {
                vm.assertEq(
                    disputeArbiter,
                    terms.arbiter,
                    "a dispute went to another arbiter than at request"
                );
            }
        }
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

    /// @notice Every deadline of every ticket is compensated at most once per service cycle, whatever
    /// paid it (claim, auto-pay in a desk or refund call, owed then settled), each compensation is the
    /// terms' amount for the deadlines it covers (paid and owed parts together), in the terms' token, to
    /// the ticket's customer; and the desk marks a deadline of the current cycle compensated exactly when
    /// it was (nothing marked but never paid or owed).
    function invariant_compensationPaidAtMostOncePerDeadline() public view {
        string memory error = _handler.ghostCompensationError();
        vm.assertTrue(bytes(error).length == 0, error);
        uint256 count = _handler.ticketCount();
        for (uint256 i = 0; i < count; ++i) {
            uint256 ticketId = _handler.ticketAt(i);
            uint256 cycle = _handler.ghostCycle(ticketId);
            for (uint256 c = 0; c <= cycle; ++c) {
                vm.assertLe(
                    _handler.ghostCompensations(ticketId, c, 1),
                    1,
                    "first response compensated twice in one cycle"
                );
                vm.assertLe(
                    _handler.ghostCompensations(ticketId, c, 2),
                    1,
                    "resolution compensated twice in one cycle"
                );
            }
            _assertCompensatedFlags(ticketId, cycle);
        }
    }

    /// @dev The desk marks a deadline of the current cycle compensated exactly when a compensation was seen;
    /// except that a cycle resolved under newer terms has its misses marked settled even where nothing was
    /// payable (a ticket without a receipt, or terms that pay 0 for it), so no later terms pay them. Such a
    /// mark must come with no compensation at all.
    function _assertCompensatedFlags(uint256 ticketId, uint256 cycle) internal view {
        ISupportDesk.TicketView memory ticket = desk.getTicket(ticketId);
        ISupportDesk.SlaCompensation memory terms = _terms(ticket.merchantId);
        bool verified = _handler.ticketOrder(ticketId) != 0;
        bool ended =
            ticket.status == ISupportDesk.Status.Resolved || ticket.status == ISupportDesk.Status.Closed;
        uint256 firstResponse = _handler.ghostCompensations(ticketId, cycle, 1);
        uint256 resolution = _handler.ghostCompensations(ticketId, cycle, 2);
        if (verified && terms.firstResponseAmount != 0) {
            vm.assertEq(
                ticket.firstResponseCompensated,
                firstResponse == 1,
                "desk's first-response compensated flag disagrees with the compensations seen"
            );
        } else {
            vm.assertEq(firstResponse, 0, "a first response compensated where nothing was payable");
            if (!ended)
                vm.assertEq(ticket.firstResponseCompensated, false, "marked compensated in a running cycle");
        }
        if (verified && terms.resolutionAmount != 0) {
            vm.assertEq(
                ticket.resolutionCompensated,
                resolution == 1,
                "desk's resolution compensated flag disagrees with the compensations seen"
            );
        } else {
            vm.assertEq(resolution, 0, "a resolution compensated where nothing was payable");
            if (!ended)
                vm.assertEq(ticket.resolutionCompensated, false, "marked compensated in a running cycle");
        }
    }

    /// @notice Every owed claim the events recorded exists in the escrow as recorded, is paid at most
    /// once, for exactly its amount, to its customer in its token, and only once the merchant's
    /// cumulative coverage (summed from the events) reached it; the escrow's owed books equal the
    /// events' sums.
    function invariant_owedSettledAtMostOnce() public view {
        string memory error = _handler.ghostOwedError();
        vm.assertTrue(bytes(error).length == 0, error);
        uint256 count = escrow.owedClaimCount();
        vm.assertEq(count, _handler.ghostOwedCount(), "owed claims without an event, or events without one");
        for (uint256 id = 1; id <= count; ++id) {
            EscrowHandler.GhostOwed memory seen = _handler.ghostOwedClaim(id);
            IRefundEscrow.OwedClaim memory claim = escrow.getOwedClaim(id);
            vm.assertEq(claim.amount, seen.amount, "owed claim's amount differs from its event");
            vm.assertEq(claim.customer, seen.customer, "owed claim's customer differs from its event");
            vm.assertEq(claim.token, seen.token, "owed claim's token differs from its event");
            vm.assertEq(claim.ticketId, seen.ticketId, "owed claim's ticket differs from its event");
            vm.assertEq(claim.coveredAt, seen.coveredAt, "owed claim's place in the FIFO is off");
            vm.assertLe(seen.payouts, 1, "owed claim paid more than once");
            vm.assertEq(claim.paid, seen.payouts == 1, "owed claim's paid flag disagrees with its payouts");
            if (seen.payouts == 0) continue;
            vm.assertEq(seen.paidAmount, seen.amount, "owed claim paid another amount than owed");
            vm.assertEq(seen.paidElsewhere, false, "owed claim paid to another customer or in another token");
            vm.assertGe(seen.coveredWhenPaid, seen.coveredAt, "owed claim paid before deposits covered it");
        }
        for (uint32 m = 1; m <= MERCHANTS; ++m) {
            for (uint256 t = 0; t < TOKENS; ++t) {
                address token = _token(t);
                uint256 total = _handler.ghostOwedTotal(m, token);
                uint256 covered = _handler.ghostOwedCovered(m, token);
                uint256 settled = _handler.ghostOwedSettled(m, token);
                vm.assertLe(covered, total, "covered more than was owed");
                vm.assertLe(settled, covered, "settled more than was covered");
                (uint256 uncovered, uint256 coveredUnpaid) = escrow.owedOf(m, token);
                vm.assertEq(uncovered, total - covered, "uncovered owed differs from the events");
                vm.assertEq(coveredUnpaid, covered - settled, "covered-unpaid owed differs from the events");
            }
        }
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

    /// @dev Merchant `merchantId` promises its `_terms` (its reserve must already back them).
    function _promise(uint32 merchantId) internal {
        vm.prank(_admins[merchantId - 1]);
        desk.setSlaCompensation(merchantId, _terms(merchantId));
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
