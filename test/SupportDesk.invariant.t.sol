// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "./utils/TestBase.sol";
import {Vm} from "./utils/Vm.sol";
import {ISupportDesk} from "../contracts/interfaces/ISupportDesk.sol";
import {SupportDesk} from "../contracts/SupportDesk.sol";

/// @notice Reports an unlimited reserve, so the handler's merchants can offer compensation, and lets
/// the handler call the desk's hooks as the bound escrow.
contract InvariantStubEscrow {
    /// @notice Every merchant holds plenty of every token.
    function reserveOf(uint32, address) external pure returns (uint256) {
        return type(uint128).max;
    }
}

/// @notice Performs random, bounded actions on a few tickets of two merchants with random actors
/// (mostly the ones allowed to act, sometimes anyone) and random time jumps, and records every
/// status change it observes (via `statusOf`) of every ticket after every action.
contract DeskHandler {
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    uint256 internal constant MAX_TICKETS = 8;
    uint256 internal constant STATUS_COUNT = 8;

    ISupportDesk public immutable desk;
    address public immutable escrow;

    address internal constant ADMIN1 = address(0xAD01);
    address internal constant AGENT1 = address(0xA6E1);
    address internal constant ADMIN2 = address(0xAD02);
    address internal constant AGENT2 = address(0xA6E2);
    address internal constant CUSTOMER1 = address(0xC001);
    address internal constant CUSTOMER2 = address(0xC002);
    address internal constant STRANGER = address(0x5742);

    address[7] internal _actors = [ADMIN1, AGENT1, ADMIN2, AGENT2, CUSTOMER1, CUSTOMER2, STRANGER];

    /// @dev Every ticket's status as last observed.
    mapping(uint256 ticketId => ISupportDesk.Status status) internal _lastStatus;
    /// @dev How often each (from, to) pair was observed.
    uint256[STATUS_COUNT][STATUS_COUNT] internal _observed;
    /// @dev Each merchant's service record as last observed.
    mapping(uint32 merchantId => ISupportDesk.SlaStats stats) internal _lastStats;

    /// @dev Each merchant's terms version as the handler counts it (one more per accepted `setPolicy`; the
    /// handler never changes compensation) and the policy of every version, as the handler set it.
    mapping(uint32 merchantId => uint16 version) internal _version;
    mapping(uint32 merchantId => mapping(uint16 version => ISupportDesk.Policy policy)) internal _policyAt;
    /// @dev The version in force when each ticket was last resolved (whose windows then apply to it).
    mapping(uint256 ticketId => uint16 version) internal _resolvedUnder;
    /// @dev Each ticket's service cycle (0 when opened, +1 per reopen), and for each deadline (1 first
    /// response, 2 resolution) 1 + the last cycle in which the views reported it missed (0: never).
    mapping(uint256 ticketId => uint256 cycle) internal _cycle;
    mapping(uint256 ticketId => mapping(uint8 deadline => uint256 cyclePlusOne)) internal _missedIn;

    /// @notice Observed pairs that are not edges of the state machine.
    uint256 public illegalTransitions;
    /// @notice The first illegal pair observed, as `from * 8 + to` (meaningful when the count is not 0).
    uint256 public firstIllegalPair;
    /// @notice Whether a Closed or Cancelled ticket was ever seen in another state afterwards.
    bool public terminalLeft;
    /// @notice Whether any hit-rate counter was ever seen to decrease.
    bool public statsDecreased;
    /// @notice Whether `closeTicket` ever closed a ticket inside its customer's reopen window, its last
    /// second included (review findings R4 and 2), under the windows in force when it was resolved.
    bool public closedInsideReopenWindow;
    /// @notice Whether `closeTicket` ever closed a ticket before the auto-close delay in force when it was
    /// resolved had passed.
    bool public closedBeforeAutoCloseDelay;
    /// @notice How often a deadline the views had reported missed was later reported met in the same cycle
    /// (after a policy change or any other call), and the first such ticket and deadline (`id * 4 + deadline`).
    uint256 public missedThenMet;
    uint256 public firstMissedThenMet;
    /// @notice Whether the desk's terms version ever differed from the handler's count.
    bool public versionDrift;
    /// @notice How many accepted policy changes found a deadline already missed (so the property is exercised).
    uint256 public policyChangesAfterAMiss;
    /// @notice How many calls the handler made that the desk accepted.
    uint256 public accepted;

    /// @dev Takes the desk as set up: both merchants registered, with their current terms.
    constructor(ISupportDesk desk_, address escrow_) {
        desk = desk_;
        escrow = escrow_;
        for (uint32 merchantId = 1; merchantId <= 2; merchantId++) {
            uint16 version = desk_.termsVersionOf(merchantId);
            _version[merchantId] = version;
            // Only the compensation changed in setUp: every version so far has the registration policy.
            for (uint16 v = 0; v <= version; v++) _policyAt[merchantId][v] = desk_.policyOf(merchantId);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice A customer (or, rarely, anyone) opens a ticket at merchant 1 or 2.
    function openTicket(
        uint256 actorSeed,
        uint256 merchantSeed,
        uint8 priority,
        bytes32 contentHash
    ) external {
        if (desk.ticketCount() >= MAX_TICKETS) return;
        address actor =
            actorSeed % 4 == 0 ? _anyone(actorSeed) : (actorSeed % 2 == 0 ? CUSTOMER1 : CUSTOMER2);
        // Mostly valid merchants and priorities; sometimes not (refused, and observed as no change).
        // The merchant id is 1, 2 or 3, so it fits uint32.
        uint32 merchantId = uint32(1 + (merchantSeed % 5 == 0 ? 2 : merchantSeed % 2));
        uint8 boundedPriority = priority % 8 == 0 ? priority : priority % 4;
        vm.prank(actor);
        try desk.openTicket(merchantId, keccak256(abi.encode(contentHash)), contentHash, boundedPriority) {
            accepted++;
        } catch {}
        _observe();
    }

    /// @notice The customer or staff (or anyone) posts a message.
    function postMessage(uint256 ticketSeed, uint256 actorSeed, bytes32 contentHash) external {
        uint256 id = _ticket(ticketSeed);
        if (id == 0) return;
        address actor = actorSeed % 2 == 0 ? _customerOf(id, actorSeed) : _staffOf(id, actorSeed);
        vm.prank(actor);
        try desk.postMessage(id, contentHash) {
            accepted++;
        } catch {}
        _observe();
    }

    /// @notice Staff (or anyone) assign the ticket to an agent, the admin, anyone, or nobody.
    function assignTicket(uint256 ticketSeed, uint256 actorSeed, uint256 assigneeSeed) external {
        uint256 id = _ticket(ticketSeed);
        if (id == 0) return;
        address assignee = assigneeSeed % 4 == 0 ? address(0) : _staffOf(id, assigneeSeed);
        vm.prank(_staffOf(id, actorSeed));
        try desk.assignTicket(id, assignee) {
            accepted++;
        } catch {}
        _observe();
    }

    /// @notice Staff (or anyone) await the customer.
    function awaitCustomer(uint256 ticketSeed, uint256 actorSeed) external {
        uint256 id = _ticket(ticketSeed);
        if (id == 0) return;
        vm.prank(_staffOf(id, actorSeed));
        try desk.awaitCustomer(id, keccak256("await")) {
            accepted++;
        } catch {}
        _observe();
    }

    /// @notice Staff (or anyone) resolve.
    function resolveTicket(uint256 ticketSeed, uint256 actorSeed) external {
        uint256 id = _ticket(ticketSeed);
        if (id == 0) return;
        vm.prank(_staffOf(id, actorSeed));
        try desk.resolveTicket(id, keccak256("resolve")) {
            accepted++;
        } catch {}
        _observe();
    }

    /// @notice The customer (or anyone) confirms the resolution.
    function confirmResolution(uint256 ticketSeed, uint256 actorSeed) external {
        uint256 id = _ticket(ticketSeed);
        if (id == 0) return;
        vm.prank(_customerOf(id, actorSeed));
        try desk.confirmResolution(id) {
            accepted++;
        } catch {}
        _observe();
    }

    /// @notice The customer (or anyone) reopens.
    function reopenTicket(uint256 ticketSeed, uint256 actorSeed) external {
        uint256 id = _ticket(ticketSeed);
        if (id == 0) return;
        vm.prank(_customerOf(id, actorSeed));
        try desk.reopenTicket(id, keccak256("reopen")) {
            accepted++;
        } catch {}
        _observe();
    }

    /// @notice The customer (or anyone) escalates.
    function escalateTicket(uint256 ticketSeed, uint256 actorSeed) external {
        uint256 id = _ticket(ticketSeed);
        if (id == 0) return;
        vm.prank(_customerOf(id, actorSeed));
        try desk.escalateTicket(id, keccak256("escalate")) {
            accepted++;
        } catch {}
        _observe();
    }

    /// @notice The customer (or anyone) cancels.
    function cancelTicket(uint256 ticketSeed, uint256 actorSeed) external {
        uint256 id = _ticket(ticketSeed);
        if (id == 0) return;
        vm.prank(_customerOf(id, actorSeed));
        try desk.cancelTicket(id) {
            accepted++;
        } catch {}
        _observe();
    }

    /// @notice Anyone closes; a third of the time in the last second of the reopen window, a third at the
    /// first second the rules allow (both under the windows in force at resolution, as the handler recorded).
    function closeTicket(uint256 ticketSeed, uint256 actorSeed) external {
        uint256 id = _ticket(ticketSeed);
        if (id == 0) return;
        uint256 resolvedAt = desk.getTicket(id).resolvedAt;
        ISupportDesk.Policy memory policy = _policyAt[desk.merchantOf(id)][_resolvedUnder[id]];
        uint256 reopenableUntil = resolvedAt + policy.reopenWindow;
        uint256 autoClosesAt = resolvedAt + policy.autoCloseDelay;
        uint256 closableAt = autoClosesAt > reopenableUntil ? autoClosesAt : reopenableUntil + 1;
        if (resolvedAt != 0) {
            uint256 to = actorSeed % 3 == 0 ? reopenableUntil : (actorSeed % 3 == 1 ? closableAt : 0);
            if (to > block.timestamp) vm.warp(to);
        }
        vm.prank(_anyone(actorSeed));
        try desk.closeTicket(id) {
            accepted++;
            if (block.timestamp <= reopenableUntil) closedInsideReopenWindow = true;
            if (block.timestamp < autoClosesAt) closedBeforeAutoCloseDelay = true;
        } catch {}
        _observe();
    }

    /// @notice The escrow resolves a ticket on a refund (or, sometimes, someone else tries to).
    function resolveByEscrow(uint256 ticketSeed, uint256 actorSeed) external {
        uint256 id = _ticket(ticketSeed);
        if (id == 0) return;
        vm.prank(actorSeed % 4 == 0 ? _anyone(actorSeed) : escrow);
        try desk.resolveByEscrow(id, _staffOf(id, actorSeed), keccak256("refund paid")) {
            accepted++;
        } catch {}
        _observe();
    }

    /// @notice The escrow claims a ticket's missed deadlines.
    function claimMissedDeadlines(uint256 ticketSeed) external {
        uint256 id = _ticket(ticketSeed);
        if (id == 0) return;
        vm.prank(escrow);
        try desk.claimMissedDeadlines(id) {
            accepted++;
        } catch {}
        _observe();
    }

    /// @notice A merchant admin changes its policy (times between 1 hour and 4 days), which starts a new
    /// terms version: what runs keeps its terms. Three times in four the auto-close delay is the reopen
    /// window plus up to 4 days, as setPolicy requires; otherwise it is any such time, and refused when
    /// shorter.
    function setPolicy(
        uint256 merchantSeed,
        uint32 firstResponse,
        uint32 resolution,
        uint32 windows
    ) external {
        uint32 merchantId = merchantSeed % 2 == 0 ? 1 : 2;
        uint32 reopenWindow = _time(windows);
        uint32 extra = _time(windows >> 8);
        ISupportDesk.Policy memory policy = ISupportDesk.Policy(
            _time(firstResponse),
            _time(resolution),
            reopenWindow,
            (windows >> 24) % 4 == 0 ? extra : reopenWindow + extra - 1 hours,
            1 days,
            1 days,
            address(0)
        );
        bool afterAMiss = _anyMissed(merchantId);
        vm.prank(merchantId == 1 ? ADMIN1 : ADMIN2);
        try desk.setPolicy(merchantId, policy) {
            accepted++;
            uint16 version = ++_version[merchantId];
            _policyAt[merchantId][version] = policy;
            if (afterAMiss) policyChangesAfterAMiss++;
        } catch {}
        _observe();
    }

    /// @notice Time passes: from a second to a few days (deadlines fall due and windows close).
    function warp(uint256 secondsSeed) external {
        uint256 jump = secondsSeed % 3 == 0 ? 1 + (secondsSeed % 3) : 1 + (secondsSeed % 4 days);
        vm.warp(block.timestamp + jump);
        _observe();
    }

    /*//////////////////////////////////////////////////////////////
                                 GHOSTS
    //////////////////////////////////////////////////////////////*/

    /// @notice How often `from` -> `to` was observed.
    function observed(ISupportDesk.Status from, ISupportDesk.Status to) external view returns (uint256) {
        return _observed[uint8(from)][uint8(to)];
    }

    /// @notice Whether `from` -> `to` is an edge of the ticket state machine.
    function isEdge(ISupportDesk.Status from, ISupportDesk.Status to) public pure returns (bool) {
        if (from == ISupportDesk.Status.None) return to == ISupportDesk.Status.Open;
        if (from == ISupportDesk.Status.Open) {
            return
                to == ISupportDesk.Status.InProgress ||
                to == ISupportDesk.Status.Resolved ||
                to == ISupportDesk.Status.Escalated ||
                to == ISupportDesk.Status.Cancelled;
        }
        if (from == ISupportDesk.Status.InProgress) {
            return
                to == ISupportDesk.Status.AwaitingCustomer ||
                to == ISupportDesk.Status.Resolved ||
                to == ISupportDesk.Status.Escalated;
        }
        if (from == ISupportDesk.Status.AwaitingCustomer) {
            return
                to == ISupportDesk.Status.InProgress ||
                to == ISupportDesk.Status.Resolved ||
                to == ISupportDesk.Status.Escalated;
        }
        if (from == ISupportDesk.Status.Escalated) return to == ISupportDesk.Status.Resolved;
        if (from == ISupportDesk.Status.Resolved) {
            return to == ISupportDesk.Status.Closed || to == ISupportDesk.Status.Open;
        }
        return false; // Closed and Cancelled are terminal.
    }

    /// @dev Compares every ticket's status and both merchants' records with what was last observed.
    function _observe() internal {
        uint256 count = desk.ticketCount();
        for (uint256 id = 1; id <= count; id++) {
            ISupportDesk.Status before = _lastStatus[id];
            ISupportDesk.Status current = desk.statusOf(id);
            if (current == before) continue;
            _observed[uint8(before)][uint8(current)]++;
            if (!isEdge(before, current)) {
                if (illegalTransitions == 0) firstIllegalPair = uint256(uint8(before)) * 8 + uint8(current);
                illegalTransitions++;
            }
            if (before == ISupportDesk.Status.Closed || before == ISupportDesk.Status.Cancelled)
                terminalLeft = true;
            if (before == ISupportDesk.Status.Resolved && current == ISupportDesk.Status.Open) _cycle[id]++;
            if (current == ISupportDesk.Status.Resolved) _resolvedUnder[id] = _version[desk.merchantOf(id)];
            _lastStatus[id] = current;
        }
        for (uint256 id = 1; id <= count; id++) _observeDeadlines(id);
        for (uint32 merchantId = 1; merchantId <= 2; merchantId++) {
            if (desk.termsVersionOf(merchantId) != _version[merchantId]) versionDrift = true;
        }
        for (uint32 merchantId = 1; merchantId <= 2; merchantId++) {
            ISupportDesk.SlaStats memory stats = desk.slaStatsOf(merchantId);
            ISupportDesk.SlaStats memory last = _lastStats[merchantId];
            if (
                stats.firstResponseMet < last.firstResponseMet ||
                stats.firstResponseMissed < last.firstResponseMissed ||
                stats.resolutionMet < last.resolutionMet ||
                stats.resolutionMissed < last.resolutionMissed
            ) statsDecreased = true;
            _lastStats[merchantId] = stats;
        }
    }

    /// @dev A deadline the views report missed must stay missed for the rest of its cycle, whatever the
    /// merchant changes (a reopen starts a new cycle with new deadlines).
    function _observeDeadlines(uint256 id) internal {
        uint256 cyclePlusOne = _cycle[id] + 1;
        (, bool firstResponseMissed) = desk.firstResponseDeadline(id);
        (, bool resolutionMissed, ) = desk.resolutionDeadline(id);
        _checkStillMissed(id, 1, firstResponseMissed, cyclePlusOne);
        _checkStillMissed(id, 2, resolutionMissed, cyclePlusOne);
    }

    function _checkStillMissed(uint256 id, uint8 deadline, bool missed, uint256 cyclePlusOne) internal {
        if (missed) {
            _missedIn[id][deadline] = cyclePlusOne;
        } else if (_missedIn[id][deadline] == cyclePlusOne) {
            if (missedThenMet == 0) firstMissedThenMet = id * 4 + deadline;
            missedThenMet++;
        }
    }

    /// @dev Whether a deadline of one of the merchant's tickets is reported missed now.
    function _anyMissed(uint32 merchantId) internal view returns (bool) {
        uint256 count = desk.ticketCount();
        for (uint256 id = 1; id <= count; id++) {
            if (desk.merchantOf(id) != merchantId) continue;
            if (_missedIn[id][1] == _cycle[id] + 1 || _missedIn[id][2] == _cycle[id] + 1) return true;
        }
        return false;
    }

    /*//////////////////////////////////////////////////////////////
                            ACTOR SELECTION
    //////////////////////////////////////////////////////////////*/

    /// @dev An existing ticket id from a seed, or 0 when there is none yet.
    function _ticket(uint256 seed) internal view returns (uint256) {
        uint256 count = desk.ticketCount();
        return count == 0 ? 0 : 1 + (seed % count);
    }

    function _anyone(uint256 seed) internal view returns (address) {
        return _actors[(seed >> 4) % _actors.length];
    }

    /// @dev The ticket's customer three times in four, else anyone.
    function _customerOf(uint256 id, uint256 seed) internal view returns (address) {
        return seed % 4 == 3 ? _anyone(seed) : desk.customerOf(id);
    }

    /// @dev The admin or agent of the ticket's merchant three times in four, else anyone.
    function _staffOf(uint256 id, uint256 seed) internal view returns (address) {
        if (seed % 4 == 3) return _anyone(seed);
        bool isMerchant1 = desk.merchantOf(id) == 1;
        if (seed % 2 == 0) return isMerchant1 ? ADMIN1 : ADMIN2;
        return isMerchant1 ? AGENT1 : AGENT2;
    }

    /// @dev A policy time between 1 hour and 4 days.
    function _time(uint32 seed) internal pure returns (uint32) {
        // At most 4 days in seconds, which fits uint32.
        return uint32(1 hours + (seed % (4 days - 1 hours)));
    }
}

/// @notice Invariants of SupportDesk's ticket state machine and service record under random call
/// sequences: only edges of the state machine are ever taken, Closed and Cancelled are terminal, and
/// the public hit-rate counters never decrease.
contract SupportDeskInvariantTest is TestBase {
    ISupportDesk internal desk;
    DeskHandler internal handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        desk = ISupportDesk(address(new SupportDesk(address(0xF0F0), address(0xA4B1))));
        InvariantStubEscrow escrow = new InvariantStubEscrow();
        desk.bindEscrow(address(escrow));

        desk.registerMerchant(address(0xAD01), keccak256("m1"));
        desk.registerMerchant(address(0xAD02), keccak256("m2"));
        vm.startPrank(address(0xAD01));
        desk.setAgent(1, address(0xA6E1), true);
        // Merchant 1 compensates missed deadlines, so claims settle misses too.
        desk.setSlaCompensation(1, ISupportDesk.SlaCompensation(address(0), 1, 2, false));
        vm.stopPrank();
        vm.prank(address(0xAD02));
        desk.setAgent(2, address(0xA6E2), true);

        handler = new DeskHandler(desk, address(escrow));
        _targetContract(address(handler));
    }

    /// @notice Every status change ever observed is an edge of the state machine.
    function invariant_onlyLegalTransitions() public view {
        vm.assertEq(handler.illegalTransitions(), 0, "an observed (from * 8 + to) pair is not an edge");
    }

    /// @notice A Closed or Cancelled ticket never changes state again.
    function invariant_closedAndCancelledAreTerminal() public view {
        vm.assertEq(handler.terminalLeft(), false, "a terminal ticket changed state");
    }

    /// @notice Nobody but the customer closes a resolved ticket while the customer may still reopen it
    /// (its last second included) or before the auto-close delay, both as in force at resolution.
    function invariant_noCloseInsideTheReopenWindow() public view {
        vm.assertEq(handler.closedInsideReopenWindow(), false, "closed inside the reopen window");
        vm.assertEq(handler.closedBeforeAutoCloseDelay(), false, "closed before the auto-close delay");
    }

    /// @notice A deadline the views reported missed is still missed after any later call in its cycle, in
    /// particular after any policy change (terms are fixed when a cycle starts); and every policy change
    /// starts exactly one new terms version.
    function invariant_passedDeadlineStaysMissed() public view {
        vm.assertEq(
            handler.missedThenMet(),
            0,
            "a missed deadline was reported met later (see firstMissedThenMet: id * 4 + deadline)"
        );
        vm.assertEq(handler.versionDrift(), false, "terms versions differ from the policy changes made");
    }

    /// @notice Deadlines met and missed only ever accumulate.
    function invariant_hitRateCountersNeverDecrease() public view {
        vm.assertEq(handler.statsDecreased(), false, "a hit-rate counter decreased");
    }

    /// @notice The hit rate is met / counted in basis points (10,000 when nothing was counted).
    function invariant_hitRateMatchesCounters() public view {
        for (uint32 merchantId = 1; merchantId <= 2; merchantId++) {
            ISupportDesk.SlaStats memory s = desk.slaStatsOf(merchantId);
            uint256 met = uint256(s.firstResponseMet) + s.resolutionMet;
            uint256 counted = met + s.firstResponseMissed + s.resolutionMissed;
            uint256 expected = counted == 0 ? 10_000 : (met * 10_000) / counted;
            vm.assertEq(desk.slaHitRateBps(merchantId), expected, "hit rate");
        }
    }

    /// @notice Each cycle counts each deadline at most once: per merchant, no more first responses or
    /// resolutions are counted than tickets were opened and reopened.
    function invariant_deadlinesCountedAtMostOncePerCycle() public view {
        uint256 cycles =
            desk.ticketCount() + handler.observed(ISupportDesk.Status.Resolved, ISupportDesk.Status.Open);
        uint256 firstResponses;
        uint256 resolutions;
        for (uint32 merchantId = 1; merchantId <= 2; merchantId++) {
            ISupportDesk.SlaStats memory s = desk.slaStatsOf(merchantId);
            firstResponses += uint256(s.firstResponseMet) + s.firstResponseMissed;
            resolutions += uint256(s.resolutionMet) + s.resolutionMissed;
        }
        vm.assertLe(firstResponses, cycles, "first responses counted <= cycles");
        vm.assertLe(resolutions, cycles, "resolutions counted <= cycles");
    }

    /// @notice The handler itself: a scripted sequence is observed as the expected edges.
    function test_handler_recordsEveryTransition() public {
        handler.openTicket(2, 2, 1, keccak256("a")); // CUSTOMER1 at merchant 1, priority 1
        handler.postMessage(0, 1, keccak256("answer")); // agent: Open -> InProgress
        handler.awaitCustomer(0, 0); // admin: InProgress -> AwaitingCustomer
        handler.postMessage(0, 0, keccak256("reply")); // customer: AwaitingCustomer -> InProgress
        handler.resolveTicket(0, 0); // InProgress -> Resolved
        handler.reopenTicket(0, 0); // Resolved -> Open
        handler.warp(1 days + 1); // the new first response is missed
        handler.escalateTicket(0, 0); // Open -> Escalated
        handler.resolveTicket(0, 1); // Escalated -> Resolved
        handler.confirmResolution(0, 0); // Resolved -> Closed
        handler.postMessage(0, 0, keccak256("after")); // refused: Closed is terminal

        vm.assertEq(handler.observed(ISupportDesk.Status.None, ISupportDesk.Status.Open), 1, "opened");
        vm.assertEq(
            handler.observed(ISupportDesk.Status.Open, ISupportDesk.Status.InProgress),
            1,
            "answered"
        );
        vm.assertEq(
            handler.observed(ISupportDesk.Status.InProgress, ISupportDesk.Status.AwaitingCustomer),
            1,
            "awaiting"
        );
        vm.assertEq(
            handler.observed(ISupportDesk.Status.AwaitingCustomer, ISupportDesk.Status.InProgress),
            1,
            "replied"
        );
        vm.assertEq(
            handler.observed(ISupportDesk.Status.InProgress, ISupportDesk.Status.Resolved),
            1,
            "resolved"
        );
        vm.assertEq(handler.observed(ISupportDesk.Status.Resolved, ISupportDesk.Status.Open), 1, "reopened");
        vm.assertEq(
            handler.observed(ISupportDesk.Status.Open, ISupportDesk.Status.Escalated),
            1,
            "escalated"
        );
        vm.assertEq(
            handler.observed(ISupportDesk.Status.Escalated, ISupportDesk.Status.Resolved),
            1,
            "escalation resolved"
        );
        vm.assertEq(handler.observed(ISupportDesk.Status.Resolved, ISupportDesk.Status.Closed), 1, "closed");
        vm.assertEq(handler.accepted(), 9, "nine accepted moves");
        vm.assertEq(handler.illegalTransitions(), 0, "all legal");
    }

    /// @notice The handler itself: a policy change after a missed first response (a longer time, which
    /// would have un-missed it if running deadlines followed the policy) leaves it missed, and is counted.
    function test_handler_policyChangeAfterAMiss() public {
        handler.openTicket(2, 2, 1, keccak256("a")); // CUSTOMER1 at merchant 1: first response due in 1 day
        handler.warp(1 days + 1); // a jump of 1 day + 2 seconds: missed
        (, bool missedBefore) = desk.firstResponseDeadline(1);
        vm.assertTrue(missedBefore, "missed before the change");
        handler.setPolicy(0, 4 days - 1 hours - 1, 0, 1 << 24); // merchant 1: first response 4 days - 1 s
        vm.assertEq(desk.policyOf(1).firstResponseTime, 4 days - 1, "the longer time is the policy now");
        vm.assertEq(desk.termsVersionOf(1), 2, "a new terms version");
        (, bool missedAfter) = desk.firstResponseDeadline(1);
        vm.assertTrue(missedAfter, "still missed after the change");
        vm.assertEq(handler.policyChangesAfterAMiss(), 1, "counted as a change after a miss");
        vm.assertEq(handler.missedThenMet(), 0, "nothing un-missed");
    }

    /// @notice The handler flags a pair that is not an edge (checked on its pure edge table).
    function test_handler_edgeTableRejectsNonEdges() public view {
        vm.assertEq(
            handler.isEdge(ISupportDesk.Status.Closed, ISupportDesk.Status.Open),
            false,
            "Closed->Open"
        );
        vm.assertEq(
            handler.isEdge(ISupportDesk.Status.Cancelled, ISupportDesk.Status.Open),
            false,
            "Cancelled"
        );
        vm.assertEq(
            handler.isEdge(ISupportDesk.Status.Escalated, ISupportDesk.Status.InProgress),
            false,
            "Escalated->InProgress"
        );
        vm.assertEq(
            handler.isEdge(ISupportDesk.Status.Open, ISupportDesk.Status.AwaitingCustomer),
            false,
            "Open->AwaitingCustomer"
        );
        vm.assertEq(
            handler.isEdge(ISupportDesk.Status.None, ISupportDesk.Status.Resolved),
            false,
            "None->Resolved"
        );
        vm.assertEq(handler.isEdge(ISupportDesk.Status.Resolved, ISupportDesk.Status.Open), true, "reopen");
    }
}
