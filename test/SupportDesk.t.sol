// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "./utils/TestBase.sol";
import {ISupportDesk} from "../contracts/interfaces/ISupportDesk.sol";
import {SupportDesk} from "../contracts/SupportDesk.sol";
import {Receipts} from "./utils/Receipts.sol";

/// @notice A stand-in for the refund escrow: reports whatever reserve the test sets, so that
/// compensation terms can be offered, and calls the desk's hooks as the bound escrow.
contract StubEscrow {
    uint256 private _reserve;

    /// @notice Sets the reserve every merchant is reported to hold, in every token.
    function setReserve(uint256 reserve) external {
        _reserve = reserve;
    }

    /// @notice The reserve the desk reads when compensation terms are set.
    function reserveOf(uint32, address) external view returns (uint256) {
        return _reserve;
    }
}

/// @notice Unit and fuzz tests of SupportDesk's inputs and clock rules: priorities, policy times,
/// time jumps against the deadline views, commitments, and the escrow hooks' claim rules.
contract SupportDeskTest is TestBase {
    uint256 internal constant DAY = 1 days;
    uint32 internal constant MAX_TIME = 365 days;
    uint256 internal constant START = 1_700_000_000;

    address internal constant FORWARDER = address(0xF0F0);
    address internal constant ARBITER = address(0xA4B1);
    address internal constant ADMIN = address(0xAD01);
    address internal constant AGENT = address(0xA6E1);
    address internal constant OTHER_ADMIN = address(0xAD02);
    address internal constant CUSTOMER = address(0xC001);
    address internal constant STRANGER = address(0x5742);
    /// @dev The key of merchant 1's checkout, whose order receipts the admin accepts in setUp.
    uint256 internal constant ORDER_SIGNER_KEY = 0x5167;

    ISupportDesk internal desk;
    StubEscrow internal escrow;

    function setUp() public {
        vm.warp(START);
        desk = ISupportDesk(address(new SupportDesk(FORWARDER, ARBITER)));
        escrow = new StubEscrow();
        desk.bindEscrow(address(escrow));
        desk.registerMerchant(ADMIN, keccak256("m1"));
        desk.registerMerchant(OTHER_ADMIN, keccak256("m2"));
        vm.startPrank(ADMIN);
        desk.setAgent(1, AGENT, true);
        desk.setOrderSigner(1, vm.addr(ORDER_SIGNER_KEY), true);
        vm.stopPrank();
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev A fuzzed wait: anywhere in [0, max], or (half the time) within one second of `edge`, so the
    /// boundary of every clock rule is hit in every run.
    function _wait(uint256 seed, uint256 edge, uint256 max) internal pure returns (uint256) {
        if (seed % 2 == 0) return edge - 1 + ((seed >> 1) % 3);
        return _bound(seed >> 1, 0, max);
    }

    function _open() internal returns (uint256 id) {
        vm.prank(CUSTOMER);
        id = desk.openTicket(1, keccak256("order"), keccak256("question"), 1);
    }

    /// @dev Opens a verified ticket at merchant 1 with a receipt its checkout signed (only verified tickets
    /// are compensated for missed deadlines).
    function _openVerified() internal returns (uint256 id) {
        ISupportDesk.OrderReceipt memory receipt = Receipts.receipt(
            1,
            CUSTOMER,
            keccak256("order"),
            address(0),
            1 ether,
            uint64(block.timestamp + 90 days)
        );
        bytes memory signature = Receipts.sign(ORDER_SIGNER_KEY, address(desk), receipt);
        vm.prank(CUSTOMER);
        id = desk.openTicketWithReceipt(receipt, signature, keccak256("question"), 1);
    }

    /// @dev When a stranger may first close a ticket resolved under `reopenWindow` and `autoCloseDelay`:
    /// once the auto-close delay has passed and never in the reopen window's last second, which stays the
    /// customer's (so the later of the delay and the window plus one second).
    function _closableAfter(uint32 reopenWindow, uint32 autoCloseDelay) internal pure returns (uint256) {
        uint256 afterWindow = uint256(reopenWindow) + 1;
        return autoCloseDelay > afterWindow ? autoCloseDelay : afterWindow;
    }

    function _policy(uint32 time) internal pure returns (ISupportDesk.Policy memory policy) {
        policy = ISupportDesk.Policy(time, time, time, time, time, time, ARBITER);
    }

    function _setField(ISupportDesk.Policy memory policy, uint256 field, uint32 value) internal pure {
        if (field == 0) policy.firstResponseTime = value;
        else if (field == 1) policy.resolutionTime = value;
        else if (field == 2) policy.reopenWindow = value;
        else if (field == 3) policy.autoCloseDelay = value;
        else if (field == 4) policy.refundResponseTime = value;
        else policy.disputeWindow = value;
    }

    function _setPolicy(uint32 firstResponse, uint32 resolution, uint32 reopen, uint32 autoClose) internal {
        vm.prank(ADMIN);
        desk.setPolicy(
            1,
            ISupportDesk.Policy(firstResponse, resolution, reopen, autoClose, 1 days, 1 days, ARBITER)
        );
    }

    function _answer(uint256 id) internal {
        vm.prank(AGENT);
        desk.postMessage(id, keccak256("answer"));
    }

    function _resolve(uint256 id) internal {
        vm.prank(AGENT);
        desk.resolveTicket(id, keccak256("resolved"));
    }

    function _offerCompensation(uint96 firstResponseAmount, uint96 resolutionAmount) internal {
        escrow.setReserve(type(uint256).max);
        vm.prank(ADMIN);
        desk.setSlaCompensation(
            1,
            ISupportDesk.SlaCompensation(address(0), firstResponseAmount, resolutionAmount, false)
        );
    }

    function _claim(uint256 id) internal returns (uint8 deadlines) {
        vm.prank(address(escrow));
        (, , deadlines, ) = desk.claimMissedDeadlines(id);
    }

    /*//////////////////////////////////////////////////////////////
                               PRIORITY
    //////////////////////////////////////////////////////////////*/

    function testFuzz_openTicket_acceptsOnlyPriorities0To3(uint8 priority) public {
        vm.prank(CUSTOMER);
        if (priority > 3) {
            vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskInvalidPriority.selector, priority));
            desk.openTicket(1, bytes32(0), keccak256("q"), priority);
            vm.assertEq(desk.ticketCount(), 0, "no ticket opened");
            return;
        }
        uint256 id = desk.openTicket(1, bytes32(0), keccak256("q"), priority);
        vm.assertEq(desk.getTicket(id).priority, priority, "priority stored");
    }

    /*//////////////////////////////////////////////////////////////
                              COMMITMENTS
    //////////////////////////////////////////////////////////////*/

    function testFuzz_openTicket_logsAnyCommitments(
        bytes32 orderRef,
        bytes32 contentHash,
        uint8 priority
    ) public {
        priority = uint8(_bound(priority, 0, 3));
        vm.expectEmit(true, true, true, true, address(desk));
        emit ISupportDesk.TicketOpened(1, 1, CUSTOMER, orderRef, contentHash, priority);
        vm.prank(CUSTOMER);
        desk.openTicket(1, orderRef, contentHash, priority);
    }

    function testFuzz_postMessage_logsAnyCommitment(bytes32 contentHash, bool byStaff) public {
        uint256 id = _open();
        address author = byStaff ? AGENT : CUSTOMER;
        vm.expectEmit(true, true, true, true, address(desk));
        emit ISupportDesk.MessagePosted(id, author, contentHash);
        vm.prank(author);
        desk.postMessage(id, contentHash);
    }

    function testFuzz_resolveTicket_logsAnyNote(bytes32 noteHash) public {
        uint256 id = _open();
        vm.expectEmit(true, true, true, true, address(desk));
        emit ISupportDesk.TicketStatusChanged(
            id,
            ISupportDesk.Status.Open,
            ISupportDesk.Status.Resolved,
            AGENT,
            noteHash
        );
        vm.prank(AGENT);
        desk.resolveTicket(id, noteHash);
    }

    /*//////////////////////////////////////////////////////////////
                              POLICY TIMES
    //////////////////////////////////////////////////////////////*/

    function testFuzz_setPolicy_acceptsOnlyTimesFrom1sTo365Days(uint256 field, uint32 value) public {
        field = _bound(field, 0, 5);
        ISupportDesk.Policy memory policy = _policy(1 days);
        _setField(policy, field, value);
        vm.prank(ADMIN);
        if (value == 0 || value > MAX_TIME) {
            // forge-lint: the field index is at most 5, so it fits uint8.
            vm.expectRevert(
                abi.encodeWithSelector(ISupportDesk.DeskInvalidPolicyTime.selector, uint8(field), value)
            );
            desk.setPolicy(1, policy);
            return;
        }
        if (policy.autoCloseDelay < policy.reopenWindow) {
            // A valid time that puts the auto-close before the end of the reopen window (both 1 day
            // otherwise): a longer reopen window or a shorter auto-close delay.
            vm.expectRevert(
                abi.encodeWithSelector(
                    ISupportDesk.DeskAutoCloseBeforeReopenWindow.selector,
                    policy.autoCloseDelay,
                    policy.reopenWindow
                )
            );
            desk.setPolicy(1, policy);
            return;
        }
        desk.setPolicy(1, policy);
        ISupportDesk.Policy memory stored = desk.policyOf(1);
        vm.assertEq(stored.firstResponseTime, policy.firstResponseTime, "firstResponseTime");
        vm.assertEq(stored.resolutionTime, policy.resolutionTime, "resolutionTime");
        vm.assertEq(stored.reopenWindow, policy.reopenWindow, "reopenWindow");
        vm.assertEq(stored.autoCloseDelay, policy.autoCloseDelay, "autoCloseDelay");
        vm.assertEq(stored.refundResponseTime, policy.refundResponseTime, "refundResponseTime");
        vm.assertEq(stored.disputeWindow, policy.disputeWindow, "disputeWindow");
    }

    function testFuzz_setPolicy_roundTrips(uint32[6] memory times, address arbiter) public {
        ISupportDesk.Policy memory policy = _policy(1);
        policy.arbiter = arbiter;
        for (uint256 i = 0; i < 6; i++) {
            // forge-lint: bounded to at most 365 days, which fits uint32.
            _setField(policy, i, uint32(_bound(times[i], 1, MAX_TIME)));
        }
        // forge-lint: bounded to at most 365 days, which fits uint32.
        policy.autoCloseDelay = uint32(_bound(policy.autoCloseDelay, policy.reopenWindow, MAX_TIME));
        vm.prank(ADMIN);
        desk.setPolicy(1, policy);
        ISupportDesk.Policy memory stored = desk.policyOf(1);
        vm.assertEq(keccak256(abi.encode(stored)), keccak256(abi.encode(policy)), "policy stored as given");
        vm.assertEq(desk.policyOf(2).firstResponseTime, 1 days, "other merchant untouched");
    }

    function test_registerMerchant_defaultPolicy() public view {
        ISupportDesk.Policy memory policy = desk.policyOf(1);
        vm.assertEq(policy.firstResponseTime, 1 days, "first response 1 day");
        vm.assertEq(policy.resolutionTime, 3 days, "resolution 3 days");
        vm.assertEq(policy.reopenWindow, 7 days, "reopen window 7 days");
        vm.assertEq(policy.autoCloseDelay, 7 days, "auto close 7 days, the reopen window");
        vm.assertEq(policy.refundResponseTime, 3 days, "refund response 3 days");
        vm.assertEq(policy.disputeWindow, 7 days, "dispute window 7 days");
        vm.assertEq(policy.arbiter, ARBITER, "default arbiter");
    }

    function testFuzz_setPolicy_revertWhen_autoCloseBeforeReopenWindow(
        uint32 reopenWindow,
        uint32 autoCloseDelay
    ) public {
        // forge-lint: bounded to at most 365 days, which fits uint32.
        reopenWindow = uint32(_bound(reopenWindow, 1, MAX_TIME));
        // forge-lint: bounded to at most 365 days, which fits uint32.
        autoCloseDelay = uint32(_bound(autoCloseDelay, 1, MAX_TIME));
        ISupportDesk.Policy memory before = desk.policyOf(1);
        if (autoCloseDelay < reopenWindow) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ISupportDesk.DeskAutoCloseBeforeReopenWindow.selector,
                    autoCloseDelay,
                    reopenWindow
                )
            );
        }
        _setPolicy(1 days, 3 days, reopenWindow, autoCloseDelay);
        ISupportDesk.Policy memory stored = desk.policyOf(1);
        bool accepted = autoCloseDelay >= reopenWindow;
        vm.assertEq(stored.reopenWindow, accepted ? reopenWindow : before.reopenWindow, "reopenWindow");
        vm.assertEq(
            stored.autoCloseDelay,
            accepted ? autoCloseDelay : before.autoCloseDelay,
            "autoCloseDelay"
        );
    }

    function test_setPolicy_acceptsAutoCloseEqualToReopenWindow() public {
        _setPolicy(1 days, 3 days, 14 days, 14 days);
        vm.assertEq(desk.policyOf(1).autoCloseDelay, 14 days, "auto close 14 days");
        vm.assertEq(desk.policyOf(1).reopenWindow, 14 days, "reopen window 14 days");
    }

    /*//////////////////////////////////////////////////////////////
                         DEADLINES UNDER TIME JUMPS
    //////////////////////////////////////////////////////////////*/

    function testFuzz_firstResponseDeadline_missedOnlyAfterDueAt(
        uint32 firstResponseTime,
        uint256 jump
    ) public {
        // forge-lint: bounded to at most 365 days, which fits uint32.
        firstResponseTime = uint32(_bound(firstResponseTime, 1, MAX_TIME));
        _setPolicy(firstResponseTime, MAX_TIME, 7 days, 7 days);
        uint256 id = _open();
        uint256 dueAt = START + firstResponseTime;
        jump = _wait(jump, firstResponseTime, 2 * uint256(MAX_TIME));
        vm.warp(START + jump);

        (uint64 viewDueAt, bool missed) = desk.firstResponseDeadline(id);
        vm.assertEq(viewDueAt, dueAt, "dueAt = opened + firstResponseTime");
        vm.assertEq(missed, block.timestamp > dueAt, "missed iff now > dueAt");
        vm.assertEq(desk.getTicket(id).firstResponseMissed, missed, "getTicket agrees");

        vm.prank(CUSTOMER);
        if (!missed) {
            vm.expectRevert(
                abi.encodeWithSelector(ISupportDesk.DeskNoDeadlineMissed.selector, id, uint64(dueAt))
            );
        }
        desk.escalateTicket(id, keccak256("escalate"));
        if (missed) vm.assertEq(uint8(desk.statusOf(id)), uint8(ISupportDesk.Status.Escalated), "escalated");
    }

    function testFuzz_postMessage_firstResponseMetIffAtOrBeforeDueAt(uint256 jump) public {
        uint256 id = _open();
        uint256 dueAt = START + DAY;
        jump = _wait(jump, DAY, 3 * DAY);
        vm.warp(START + jump);
        bool met = block.timestamp <= dueAt;
        vm.expectEmit(true, true, true, true, address(desk));
        emit ISupportDesk.SlaDeadlineSettled(id, 1, 1, uint64(dueAt), met);
        _answer(id);
        ISupportDesk.SlaStats memory stats = desk.slaStatsOf(1);
        vm.assertEq(stats.firstResponseMet, met ? 1 : 0, "met counted");
        vm.assertEq(stats.firstResponseMissed, met ? 0 : 1, "missed counted");
    }

    function testFuzz_resolutionDeadline_pauseMovesDueAtExactly(
        uint32 resolutionTime,
        uint256 pauseAfter,
        uint256 pausedFor
    ) public {
        // forge-lint: bounded to at most 365 days, which fits uint32.
        resolutionTime = uint32(_bound(resolutionTime, 2, MAX_TIME));
        _setPolicy(1, resolutionTime, 7 days, 7 days);
        uint256 id = _open();
        _answer(id);
        uint256 dueAt = START + resolutionTime;
        // Pause while the deadline is still met (at the latest at dueAt itself).
        pauseAfter = _bound(pauseAfter, 0, resolutionTime);
        pausedFor = _bound(pausedFor, 0, 2 * uint256(MAX_TIME));
        vm.warp(START + pauseAfter);
        vm.prank(AGENT);
        desk.awaitCustomer(id, keccak256("question"));

        vm.warp(START + pauseAfter + pausedFor);
        (uint64 whilePaused, bool missedWhilePaused, bool paused) = desk.resolutionDeadline(id);
        vm.assertEq(whilePaused, dueAt + pausedFor, "while paused: due if the customer answered now");
        vm.assertEq(missedWhilePaused, false, "never missed while paused");
        vm.assertEq(paused, true, "paused");

        vm.prank(CUSTOMER);
        desk.postMessage(id, keccak256("answer"));
        (uint64 moved, bool missed, bool stillPaused) = desk.resolutionDeadline(id);
        vm.assertEq(moved, dueAt + pausedFor, "moved by exactly the time awaited");
        vm.assertEq(missed, block.timestamp > moved, "missed iff now > dueAt");
        vm.assertEq(stillPaused, false, "clock restarted");
    }

    function testFuzz_resolutionDeadline_missBeforePauseStaysMissed(
        uint256 lateBy,
        uint256 pausedFor
    ) public {
        uint256 id = _open();
        _answer(id);
        lateBy = _bound(lateBy, 1, 30 days);
        pausedFor = _bound(pausedFor, 0, 365 days);
        vm.warp(START + 3 * DAY + lateBy);
        vm.prank(AGENT);
        desk.awaitCustomer(id, keccak256("late question"));
        vm.warp(block.timestamp + pausedFor);
        (, bool missedWhilePaused, ) = desk.resolutionDeadline(id);
        vm.assertTrue(missedWhilePaused, "missed while paused");
        vm.prank(CUSTOMER);
        desk.postMessage(id, keccak256("answer"));
        (, bool missed, ) = desk.resolutionDeadline(id);
        vm.assertTrue(missed, "missed after the pause");
        vm.assertTrue(desk.getTicket(id).resolutionMissed, "getTicket agrees");
    }

    function testFuzz_reopenTicket_onlyWithinWindow(uint32 window, uint256 wait) public {
        // forge-lint: bounded to at most 365 days, which fits uint32.
        window = uint32(_bound(window, 1, MAX_TIME));
        _setPolicy(1 days, 3 days, window, window);
        uint256 id = _open();
        _resolve(id);
        wait = _wait(wait, window, 2 * uint256(MAX_TIME));
        vm.warp(START + wait);
        vm.prank(CUSTOMER);
        if (wait > window) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ISupportDesk.DeskReopenWindowClosed.selector,
                    id,
                    uint64(START + window)
                )
            );
        }
        desk.reopenTicket(id, keccak256("again"));
        if (wait <= window) {
            ISupportDesk.TicketView memory t = desk.getTicket(id);
            vm.assertEq(uint8(t.status), uint8(ISupportDesk.Status.Open), "reopened");
            vm.assertEq(t.firstResponseDueAt, block.timestamp + 1 days, "new first-response deadline");
            vm.assertEq(t.resolutionDueAt, block.timestamp + 3 days, "new resolution deadline");
        }
    }

    function testFuzz_closeTicket_onlyAfterAutoCloseDelay(
        uint32 delay,
        uint32 reopenWindow,
        uint256 wait
    ) public {
        // forge-lint: bounded to at most 365 days, which fits uint32.
        delay = uint32(_bound(delay, 1, MAX_TIME));
        // forge-lint: bounded to at most the delay, which fits uint32.
        reopenWindow = uint32(_bound(reopenWindow, 1, delay));
        _setPolicy(1 days, 3 days, reopenWindow, delay);
        uint256 id = _open();
        _resolve(id);
        uint256 closableAfter = _closableAfter(reopenWindow, delay);
        wait = _wait(wait, closableAfter, 2 * uint256(MAX_TIME));
        vm.warp(START + wait);
        vm.prank(STRANGER);
        if (wait < closableAfter) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ISupportDesk.DeskAutoCloseNotDue.selector,
                    id,
                    uint64(START + closableAfter)
                )
            );
        }
        desk.closeTicket(id);
        ISupportDesk.Status expected =
            wait >= closableAfter ? ISupportDesk.Status.Closed : ISupportDesk.Status.Resolved;
        vm.assertEq(uint8(desk.statusOf(id)), uint8(expected), "closed exactly once closable");
    }

    /// @dev Tries the given reopen window and auto-close delay (refused when the delay is shorter) and returns
    /// the policy in force, checked to close no sooner than the reopen window.
    function _trySetWindows(
        uint32 reopenWindow,
        uint32 autoCloseDelay
    ) internal returns (ISupportDesk.Policy memory policy) {
        vm.prank(ADMIN);
        try
            desk.setPolicy(
                1,
                ISupportDesk.Policy(1 days, 3 days, reopenWindow, autoCloseDelay, 1 days, 1 days, ARBITER)
            )
        {} catch {}
        policy = desk.policyOf(1);
        vm.assertGe(policy.autoCloseDelay, policy.reopenWindow, "the policy in force closes after reopening");
    }

    /// @dev Review findings R4 and 2: whatever policy `setPolicy` accepts, a stranger's close never comes
    /// before the end of the customer's reopen window, its last second included; until then the customer
    /// can still reopen.
    function testFuzz_closeTicket_neverBeforeTheReopenWindowEnds(
        uint32 reopenWindow,
        uint32 autoCloseDelay,
        uint256 wait
    ) public {
        // forge-lint: bounded to at most 365 days, which fits uint32.
        reopenWindow = uint32(_bound(reopenWindow, 1, MAX_TIME));
        // forge-lint: bounded to at most 365 days, which fits uint32.
        autoCloseDelay = uint32(_bound(autoCloseDelay, 1, MAX_TIME));
        ISupportDesk.Policy memory policy = _trySetWindows(reopenWindow, autoCloseDelay);
        uint256 id = _open();
        _resolve(id);
        uint256 closableAfter = _closableAfter(policy.reopenWindow, policy.autoCloseDelay);
        wait = _wait(
            wait,
            (wait >> 128) % 2 == 0 ? policy.reopenWindow : closableAfter,
            2 * uint256(MAX_TIME)
        );
        vm.warp(START + wait);
        vm.prank(STRANGER);
        if (wait < closableAfter) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ISupportDesk.DeskAutoCloseNotDue.selector,
                    id,
                    uint64(START + closableAfter)
                )
            );
            desk.closeTicket(id);
            if (wait <= policy.reopenWindow) {
                vm.prank(CUSTOMER);
                desk.reopenTicket(id, keccak256("again"));
                vm.assertEq(
                    uint8(desk.statusOf(id)),
                    uint8(ISupportDesk.Status.Open),
                    "the customer reopened"
                );
            }
            return;
        }
        desk.closeTicket(id);
        vm.assertGe(
            wait,
            uint256(policy.reopenWindow) + 1,
            "closed by a stranger only after the reopen window"
        );
    }

    /// @dev Review finding 2, at the default policy (reopen window = auto-close delay = 7 days): in the
    /// window's last second the stranger's close is refused and the customer's reopen accepted.
    function test_closeTicket_revertWhen_lastSecondOfTheReopenWindow() public {
        uint256 id = _open();
        _resolve(id);
        vm.warp(START + 7 days);
        vm.prank(STRANGER);
        vm.expectRevert(
            abi.encodeWithSelector(ISupportDesk.DeskAutoCloseNotDue.selector, id, uint64(START + 7 days + 1))
        );
        desk.closeTicket(id);
        vm.prank(CUSTOMER);
        desk.reopenTicket(id, keccak256("just in time"));
        vm.assertEq(uint8(desk.statusOf(id)), uint8(ISupportDesk.Status.Open), "reopened in the last second");
    }

    /// @notice A resolved ticket keeps the reopen window and auto-close delay in force at resolution: a
    /// shorter policy set afterwards neither closes its window early nor lets a stranger close it sooner.
    function test_closeTicket_keepsTheWindowsInForceAtResolution() public {
        uint256 id = _open();
        _resolve(id);
        _setPolicy(1 days, 3 days, 1 hours, 1 hours);
        vm.warp(START + 7 days);
        vm.prank(STRANGER);
        vm.expectRevert(
            abi.encodeWithSelector(ISupportDesk.DeskAutoCloseNotDue.selector, id, uint64(START + 7 days + 1))
        );
        desk.closeTicket(id);
        vm.warp(START + 7 days + 1);
        vm.prank(STRANGER);
        desk.closeTicket(id);
        vm.assertEq(
            uint8(desk.statusOf(id)),
            uint8(ISupportDesk.Status.Closed),
            "closed under the old terms"
        );
    }

    function testFuzz_slaHitRateBps_isMetOverCounted(uint8 onTime, uint8 late) public {
        onTime = uint8(_bound(onTime, 0, 6));
        late = uint8(_bound(late, 0, 6));
        for (uint256 i = 0; i < onTime; i++) _answer(_open());
        uint256[] memory lateIds = new uint256[](late);
        for (uint256 i = 0; i < late; i++) lateIds[i] = _open();
        vm.warp(START + DAY + 1);
        for (uint256 i = 0; i < late; i++) _answer(lateIds[i]);
        uint256 counted = uint256(onTime) + late;
        uint256 expected = counted == 0 ? 10_000 : (uint256(onTime) * 10_000) / counted;
        vm.assertEq(desk.slaHitRateBps(1), expected, "met / counted in basis points");
        vm.assertEq(desk.slaHitRateBps(2), 10_000, "other merchant untouched");
    }

    /*//////////////////////////////////////////////////////////////
                      COMPENSATION TERMS AND CLAIMS
    //////////////////////////////////////////////////////////////*/

    function test_setSlaCompensation_backedAtExactlyOneTicketsWorth() public {
        escrow.setReserve(30);
        ISupportDesk.SlaCompensation memory terms = ISupportDesk.SlaCompensation(
            address(0xE4C),
            10,
            20,
            true
        );
        vm.prank(ADMIN);
        desk.setSlaCompensation(1, terms);
        ISupportDesk.SlaCompensation memory stored = desk.slaCompensationOf(1);
        vm.assertEq(stored.token, address(0xE4C), "token");
        vm.assertEq(stored.firstResponseAmount, 10, "first response amount");
        vm.assertEq(stored.resolutionAmount, 20, "resolution amount");
        vm.assertEq(stored.autoPay, true, "autoPay");
    }

    function test_setSlaCompensation_revertWhen_unbacked() public {
        escrow.setReserve(29);
        vm.prank(ADMIN);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISupportDesk.DeskSlaCompensationUnbacked.selector,
                uint32(1),
                address(0xE4C),
                29,
                30
            )
        );
        desk.setSlaCompensation(1, ISupportDesk.SlaCompensation(address(0xE4C), 10, 20, false));
    }

    function test_claimMissedDeadlines_revertWhen_notTheEscrow() public {
        uint256 id = _open();
        vm.warp(START + DAY + 1);
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskNotEscrow.selector, STRANGER));
        desk.claimMissedDeadlines(id);
    }

    function test_claimMissedDeadlines_revertWhen_dueAtNotPassed() public {
        _offerCompensation(1, 2);
        uint256 id = _openVerified();
        vm.warp(START + DAY);
        vm.prank(address(escrow));
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskNothingToCompensate.selector, id));
        desk.claimMissedDeadlines(id);
    }

    function test_claimMissedDeadlines_firstResponseOneSecondLate() public {
        _offerCompensation(1, 2);
        uint256 id = _openVerified();
        vm.warp(START + DAY + 1);
        vm.expectEmit(true, true, true, true, address(desk));
        emit ISupportDesk.SlaDeadlineSettled(id, 1, 1, uint64(START + DAY), false);
        vm.prank(address(escrow));
        (
            address customer,
            uint32 merchantId,
            uint8 deadlines,
            ISupportDesk.SlaCompensation memory terms
        ) = desk.claimMissedDeadlines(id);
        vm.assertEq(customer, CUSTOMER, "pays the customer");
        vm.assertEq(merchantId, 1, "from merchant 1");
        vm.assertEq(deadlines, 1, "first response");
        vm.assertEq(terms.firstResponseAmount, 1, "terms");
        vm.assertTrue(desk.getTicket(id).firstResponseCompensated, "marked compensated");
        vm.assertEq(desk.slaStatsOf(1).firstResponseMissed, 1, "counted as missed");

        vm.prank(address(escrow));
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskNothingToCompensate.selector, id));
        desk.claimMissedDeadlines(id);
    }

    function test_claimMissedDeadlines_bothDeadlinesAtOnce() public {
        _offerCompensation(1, 2);
        uint256 id = _openVerified();
        vm.warp(START + 3 * DAY + 1);
        vm.assertEq(_claim(id), 3, "both deadlines");
        ISupportDesk.TicketView memory t = desk.getTicket(id);
        vm.assertTrue(t.firstResponseCompensated && t.resolutionCompensated, "both compensated");
        ISupportDesk.SlaStats memory stats = desk.slaStatsOf(1);
        vm.assertEq(stats.firstResponseMissed, 1, "first response missed once");
        vm.assertEq(stats.resolutionMissed, 1, "resolution missed once");
        // The merchant's later answer and resolution count nothing more.
        _answer(id);
        _resolve(id);
        stats = desk.slaStatsOf(1);
        vm.assertEq(stats.firstResponseMet + stats.firstResponseMissed, 1, "first response counted once");
        vm.assertEq(stats.resolutionMet + stats.resolutionMissed, 1, "resolution counted once");
    }

    function test_claimMissedDeadlines_eachDeadlineOncePerCycle() public {
        _offerCompensation(1, 2);
        uint256 id = _openVerified();
        vm.warp(START + DAY + 1);
        vm.assertEq(_claim(id), 1, "first response");
        vm.warp(START + 3 * DAY + 1);
        vm.assertEq(_claim(id), 2, "then resolution only");
        vm.prank(address(escrow));
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskNothingToCompensate.selector, id));
        desk.claimMissedDeadlines(id);
    }

    function test_claimMissedDeadlines_notForTimeAwaitingTheCustomer() public {
        _offerCompensation(1, 2);
        uint256 id = _openVerified();
        _answer(id);
        vm.prank(AGENT);
        desk.awaitCustomer(id, keccak256("question"));
        vm.warp(START + 30 * DAY);
        vm.prank(address(escrow));
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskNothingToCompensate.selector, id));
        desk.claimMissedDeadlines(id);
    }

    function test_claimMissedDeadlines_newCycleAfterReopen() public {
        _offerCompensation(1, 2);
        uint256 id = _openVerified();
        vm.warp(START + DAY + 1);
        vm.assertEq(_claim(id), 1, "first cycle");
        _resolve(id);
        vm.prank(CUSTOMER);
        desk.reopenTicket(id, keccak256("again"));
        uint256 reopenedAt = block.timestamp;
        vm.assertEq(desk.getTicket(id).firstResponseCompensated, false, "new cycle not compensated");
        vm.warp(reopenedAt + DAY);
        vm.prank(address(escrow));
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskNothingToCompensate.selector, id));
        desk.claimMissedDeadlines(id);
        vm.warp(reopenedAt + DAY + 1);
        vm.assertEq(_claim(id), 1, "second cycle");
    }

    /// @notice Finding 1: a ticket anyone can open (no receipt) is no claim on the reserve, however late.
    function test_claimMissedDeadlines_revertWhen_notVerified() public {
        _offerCompensation(1, 2);
        uint256 id = _open();
        vm.warp(START + 3 * DAY + 1);
        ISupportDesk.TicketView memory t = desk.getTicket(id);
        vm.assertTrue(t.firstResponseMissed && t.resolutionMissed, "both deadlines missed");
        vm.assertEq(t.verified, false, "not verified");
        vm.prank(address(escrow));
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskNothingToCompensate.selector, id));
        desk.claimMissedDeadlines(id);
    }

    /// @notice A cycle keeps the compensation in force when it started: a promise withdrawn afterwards
    /// still pays the cycle's misses, and one made afterwards does not apply to it.
    function test_claimMissedDeadlines_termsOfTheCycleStart() public {
        _offerCompensation(1, 2);
        uint256 promised = _openVerified();
        _offerCompensation(0, 0);
        uint256 unpromised = _openVerified();
        _offerCompensation(5, 7);
        vm.warp(START + DAY + 1);
        vm.prank(address(escrow));
        (, , uint8 deadlines, ISupportDesk.SlaCompensation memory terms) = desk.claimMissedDeadlines(
            promised
        );
        vm.assertEq(deadlines, 1, "first response of the promised cycle");
        vm.assertEq(terms.firstResponseAmount, 1, "the amount promised when the cycle started");
        vm.assertEq(terms.resolutionAmount, 2, "the resolution amount promised when the cycle started");
        vm.prank(address(escrow));
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskNothingToCompensate.selector, unpromised));
        desk.claimMissedDeadlines(unpromised);
    }

    function testFuzz_claimMissedDeadlines_matchesTheViews(uint256 jump, bool answered) public {
        _offerCompensation(1, 2);
        uint256 id = _openVerified();
        if (answered) _answer(id);
        jump = _wait(jump, (jump >> 8) % 2 == 0 ? DAY : 3 * DAY, 10 * DAY);
        vm.warp(START + jump);
        ISupportDesk.TicketView memory t = desk.getTicket(id);
        uint8 expected = (t.firstResponseMissed ? 1 : 0) | (t.resolutionMissed ? 2 : 0);
        vm.prank(address(escrow));
        if (expected == 0) {
            vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskNothingToCompensate.selector, id));
            desk.claimMissedDeadlines(id);
            return;
        }
        (, , uint8 deadlines, ) = desk.claimMissedDeadlines(id);
        vm.assertEq(deadlines, expected, "claims exactly the missed deadlines");
    }

    /*//////////////////////////////////////////////////////////////
                                 HOOKS
    //////////////////////////////////////////////////////////////*/

    function test_bindEscrow_revertWhen_boundAgain() public {
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskEscrowBindingLocked.selector, address(this)));
        desk.bindEscrow(address(0xBEEF));
        vm.assertEq(desk.escrow(), address(escrow), "still the first escrow");
    }

    function test_bindEscrow_revertWhen_zeroAddress() public {
        SupportDesk fresh = new SupportDesk(FORWARDER, ARBITER);
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskInvalidEscrow.selector, address(0)));
        fresh.bindEscrow(address(0));
        vm.assertEq(fresh.escrow(), address(0), "still unbound");
    }

    function test_bindEscrow_revertWhen_notTheDeployer() public {
        SupportDesk fresh = new SupportDesk(FORWARDER, ARBITER);
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskEscrowBindingLocked.selector, STRANGER));
        fresh.bindEscrow(address(escrow));
    }

    function test_resolveByEscrow_revertWhen_notTheEscrow() public {
        uint256 id = _open();
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskNotEscrow.selector, ADMIN));
        desk.resolveByEscrow(id, ADMIN, keccak256("paid"));
    }

    function test_resolveByEscrow_resolvesAnActiveTicket() public {
        uint256 id = _open();
        vm.prank(address(escrow));
        bool resolved = desk.resolveByEscrow(id, AGENT, keccak256("paid"));
        vm.assertTrue(resolved, "resolved");
        vm.assertEq(uint8(desk.statusOf(id)), uint8(ISupportDesk.Status.Resolved), "status");
        vm.prank(address(escrow));
        vm.assertEq(desk.resolveByEscrow(id, AGENT, keccak256("paid")), false, "not active any more");
    }
}
