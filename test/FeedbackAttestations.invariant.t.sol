// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FeedbackAttestations} from "../contracts/FeedbackAttestations.sol";
import {SupportDesk} from "../contracts/SupportDesk.sol";
import {IFeedbackAttestations} from "../contracts/interfaces/IFeedbackAttestations.sol";
import {ISupportDesk} from "../contracts/interfaces/ISupportDesk.sol";
import {Receipts} from "./utils/Receipts.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives FeedbackAttestations (and the desk's status changes) for several merchants, customers
/// and tickets. Every call is also checked against the specification: it must succeed exactly when the
/// rules allow it, and otherwise revert with exactly the expected custom error; `mismatches` counts the
/// calls that did not. Ghost state records every record's rating, so the invariants can recompute the
/// aggregates without trusting the contract.
contract FeedbackHandler is TestBase {
    uint32 internal constant MERCHANTS = 3;
    uint256 internal constant CUSTOMERS = 4;
    /// @dev Tickets 1..FILLER are never used, so that the used ones (FIRST_TICKET..LAST_TICKET) straddle
    /// the boundary between the first two rating words (64 ticket ids each).
    uint256 internal constant FILLER = 56;
    uint256 internal constant FIRST_TICKET = FILLER + 1;
    uint256 internal constant LAST_TICKET = FILLER + 24;
    uint256 internal constant MAX_AMENDMENTS = 15;
    /// @dev The checkout key every merchant accepts order receipts from.
    uint256 internal constant ORDER_SIGNER_KEY = 0x5167;

    SupportDesk public immutable desk;
    FeedbackAttestations public immutable feedback;

    address[] internal _admins;
    address[] internal _agents;
    address[] internal _customers;
    address internal constant STRANGER = address(0x5742A9);

    /// @dev Ratings of each ticket's records, revision by revision (the last one is current).
    mapping(uint256 ticketId => uint8[] ratings) internal _history;
    mapping(uint256 feedbackId => bool replied) internal _replied;
    /// @dev Rated tickets, so that amend and reply mostly act on records that exist.
    uint256[] internal _rated;
    /// @notice The tickets the handler opened with an order receipt (a third of the used ones).
    mapping(uint256 ticketId => bool verified) public openedWithReceipt;

    /// @notice Calls whose outcome differed from the specification.
    uint256 public mismatches;
    /// @notice Successful calls, per action, to see that the run did something.
    uint256 public attests;
    uint256 public amends;
    uint256 public replies;

    constructor(SupportDesk desk_, FeedbackAttestations feedback_) {
        desk = desk_;
        feedback = feedback_;
        for (uint256 i = 0; i < MERCHANTS; ++i) {
            address admin = address(uint160(0xAD0000 + i));
            address agent = address(uint160(0xA60000 + i));
            uint32 merchantId = desk.registerMerchant(admin, keccak256(abi.encode("merchant", i)));
            vm.prank(admin);
            desk.setAgent(merchantId, agent, true);
            _admins.push(admin);
            _agents.push(agent);
            vm.prank(admin);
            desk.setOrderSigner(merchantId, vm.addr(ORDER_SIGNER_KEY), true);
        }
        for (uint256 i = 0; i < CUSTOMERS; ++i) _customers.push(address(uint160(0xC00000 + i)));

        for (uint256 i = 1; i <= FILLER; ++i) {
            vm.prank(STRANGER);
            desk.openTicket(1, bytes32(i), bytes32(i), 0);
        }
        for (uint256 i = 0; i < LAST_TICKET - FILLER; ++i) {
            uint32 merchantId = uint32(i % MERCHANTS) + 1;
            uint256 ticketId = i % 3 == 1 ? _openVerified(merchantId, i) : _openPlain(merchantId, i);
            if (i % 6 == 5) continue; // left open: feedback must be refused
            vm.prank(_admins[merchantId - 1]);
            desk.resolveTicket(ticketId, bytes32(i));
            if (i % 6 == 4) {
                vm.prank(_customers[i % CUSTOMERS]);
                desk.confirmResolution(ticketId);
            }
        }
    }

    /// @dev The `i`th used ticket, opened without a receipt by its customer.
    function _openPlain(uint32 merchantId, uint256 i) internal returns (uint256) {
        vm.prank(_customers[i % CUSTOMERS]);
        return desk.openTicket(merchantId, bytes32(i), bytes32(i), 1);
    }

    /// @dev The `i`th used ticket, opened with a receipt of order `i + 1` that the merchant's checkout signed.
    function _openVerified(uint32 merchantId, uint256 i) internal returns (uint256 ticketId) {
        ISupportDesk.OrderReceipt memory receipt = Receipts.receipt(
            merchantId,
            _customers[i % CUSTOMERS],
            bytes32(i + 1),
            address(0),
            1 ether,
            type(uint64).max
        );
        bytes memory signature = Receipts.sign(ORDER_SIGNER_KEY, address(desk), receipt);
        vm.prank(receipt.customer);
        ticketId = desk.openTicketWithReceipt(receipt, signature, bytes32(i), 1);
        openedWithReceipt[ticketId] = true;
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice The ticket's customer (mostly) or someone else rates it, with a rating mostly in range.
    function attest(uint256 ticketSeed, uint256 actorSeed, uint256 ratingSeed, bytes32 commentHash) external {
        uint256 ticketId = _ticket(ticketSeed);
        (address customer, , ISupportDesk.Status status) = desk.ticketCore(ticketId);
        address caller = actorSeed % 5 == 0 ? _anyone(actorSeed / 5) : customer;
        uint8 rating = _rating(ratingSeed);

        bytes memory expected;
        if (rating == 0 || rating > 5) {
            expected = abi.encodeWithSelector(IFeedbackAttestations.FeedbackInvalidRating.selector, rating);
        } else if (caller != customer) {
            expected = abi.encodeWithSelector(
                IFeedbackAttestations.FeedbackNotCustomer.selector,
                ticketId,
                caller
            );
        } else if (status != ISupportDesk.Status.Resolved && status != ISupportDesk.Status.Closed) {
            expected = abi.encodeWithSelector(
                IFeedbackAttestations.FeedbackTicketNotResolved.selector,
                ticketId,
                uint8(status)
            );
        } else if (_history[ticketId].length != 0) {
            expected = abi.encodeWithSelector(
                IFeedbackAttestations.FeedbackAlreadyGiven.selector,
                ticketId,
                _currentId(ticketId)
            );
        }

        vm.prank(caller);
        try feedback.attest(ticketId, rating, commentHash) returns (uint256 feedbackId) {
            if (expected.length != 0 || feedbackId != ticketId << 8) ++mismatches;
            _history[ticketId].push(rating);
            _rated.push(ticketId);
            ++attests;
        } catch (bytes memory reason) {
            if (keccak256(reason) != keccak256(expected)) ++mismatches;
        }
    }

    /// @notice The customer (mostly) amends the current record (mostly) of a ticket.
    function amend(
        uint256 ticketSeed,
        uint256 actorSeed,
        uint256 ratingSeed,
        uint256 revisionSeed,
        bytes32 commentHash
    ) external {
        uint256 ticketId = _ratedTicket(ticketSeed);
        (address customer, , ) = desk.ticketCore(ticketId);
        address caller = actorSeed % 5 == 0 ? _anyone(actorSeed / 5) : customer;
        uint8 rating = _rating(ratingSeed);
        uint256 feedbackId = _pickRecord(ticketId, revisionSeed);
        uint256 records = _history[ticketId].length;

        bytes memory expected;
        if (rating == 0 || rating > 5) {
            expected = abi.encodeWithSelector(IFeedbackAttestations.FeedbackInvalidRating.selector, rating);
        } else if (records == 0) {
            expected = abi.encodeWithSelector(IFeedbackAttestations.FeedbackUnknown.selector, feedbackId);
        } else if (caller != customer) {
            expected = abi.encodeWithSelector(
                IFeedbackAttestations.FeedbackNotCustomer.selector,
                ticketId,
                caller
            );
        } else if (feedbackId != _currentId(ticketId)) {
            expected = abi.encodeWithSelector(
                IFeedbackAttestations.FeedbackSuperseded.selector,
                feedbackId,
                feedbackId + 1
            );
        } else if (records - 1 == MAX_AMENDMENTS) {
            expected = abi.encodeWithSelector(
                IFeedbackAttestations.FeedbackTooManyAmendments.selector,
                ticketId,
                MAX_AMENDMENTS
            );
        }

        vm.prank(caller);
        try feedback.amend(feedbackId, rating, commentHash) returns (uint256 newFeedbackId) {
            if (expected.length != 0 || newFeedbackId != feedbackId + 1) ++mismatches;
            _history[ticketId].push(rating);
            ++amends;
        } catch (bytes memory reason) {
            if (keccak256(reason) != keccak256(expected)) ++mismatches;
        }
    }

    /// @notice Staff of any merchant (mostly this ticket's), the customer or a stranger answers a record.
    function reply(uint256 ticketSeed, uint256 actorSeed, uint256 revisionSeed, bytes32 replyHash) external {
        uint256 ticketId = _ratedTicket(ticketSeed);
        uint32 merchantId = desk.merchantOf(ticketId);
        address caller = actorSeed % 3 == 0 ? _anyone(actorSeed / 3) : _staffOf(merchantId, actorSeed / 3);
        if (uint256(replyHash) % 16 == 0) replyHash = 0;
        uint256 feedbackId = _pickRecord(ticketId, revisionSeed);

        bytes memory expected;
        if (_history[ticketId].length == 0) {
            expected = abi.encodeWithSelector(IFeedbackAttestations.FeedbackUnknown.selector, feedbackId);
        } else if (caller != _admins[merchantId - 1] && caller != _agents[merchantId - 1]) {
            expected = abi.encodeWithSelector(
                IFeedbackAttestations.FeedbackNotMerchantStaff.selector,
                merchantId,
                caller
            );
        } else if (feedbackId != _currentId(ticketId)) {
            expected = abi.encodeWithSelector(
                IFeedbackAttestations.FeedbackSuperseded.selector,
                feedbackId,
                feedbackId + 1
            );
        } else if (replyHash == 0) {
            expected = abi.encodeWithSelector(IFeedbackAttestations.FeedbackEmptyReply.selector, feedbackId);
        } else if (_replied[feedbackId]) {
            expected = abi.encodeWithSelector(
                IFeedbackAttestations.FeedbackAlreadyReplied.selector,
                feedbackId
            );
        }

        vm.prank(caller);
        try feedback.reply(feedbackId, replyHash) {
            if (expected.length != 0) ++mismatches;
            _replied[feedbackId] = true;
            ++replies;
        } catch (bytes memory reason) {
            if (keccak256(reason) != keccak256(expected)) ++mismatches;
        }
    }

    /// @notice The customer reopens a resolved ticket (feedback stays; new feedback waits for resolution).
    function reopen(uint256 ticketSeed) external {
        uint256 ticketId = _ticket(ticketSeed);
        (address customer, , ISupportDesk.Status status) = desk.ticketCore(ticketId);
        if (status != ISupportDesk.Status.Resolved) return;
        vm.prank(customer);
        desk.reopenTicket(ticketId, bytes32(ticketSeed));
    }

    /// @notice The merchant resolves an active ticket.
    function resolve(uint256 ticketSeed) external {
        uint256 ticketId = _ticket(ticketSeed);
        (, uint32 merchantId, ISupportDesk.Status status) = desk.ticketCore(ticketId);
        if (status == ISupportDesk.Status.Resolved || status == ISupportDesk.Status.Closed) return;
        vm.prank(_admins[merchantId - 1]);
        desk.resolveTicket(ticketId, bytes32(ticketSeed));
    }

    /*//////////////////////////////////////////////////////////////
                              GHOST VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The tickets the handler uses.
    function ticketRange() external pure returns (uint256 first, uint256 last) {
        return (FIRST_TICKET, LAST_TICKET);
    }

    /// @notice The ratings of ticket `ticketId`'s records, first to current.
    function historyOf(uint256 ticketId) external view returns (uint8[] memory) {
        return _history[ticketId];
    }

    /// @notice Whether the handler saw record `feedbackId` answered.
    function repliedTo(uint256 feedbackId) external view returns (bool) {
        return _replied[feedbackId];
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _ticket(uint256 seed) internal pure returns (uint256) {
        return _bound(seed, FIRST_TICKET, LAST_TICKET);
    }

    /// @dev A rated ticket three times in four (when there is one), else any ticket.
    function _ratedTicket(uint256 seed) internal view returns (uint256) {
        if (_rated.length == 0 || seed % 4 == 0) return _ticket(seed >> 2);
        return _rated[(seed >> 2) % _rated.length];
    }

    /// @dev 1..5 fifteen times in sixteen, else 0 or 6..255.
    function _rating(uint256 seed) internal pure returns (uint8) {
        if (seed % 16 != 0) return uint8(_bound(seed >> 4, 1, 5));
        uint256 bad = _bound(seed >> 4, 5, 255);
        return bad == 5 ? 0 : uint8(bad); // bounded to 255, fits
    }

    /// @dev The current record mostly, sometimes an older one (or revision 0 of an unrated ticket).
    function _pickRecord(uint256 ticketId, uint256 seed) internal view returns (uint256) {
        uint256 records = _history[ticketId].length;
        if (records <= 1 || seed % 4 != 0) return _currentId(ticketId);
        return (ticketId << 8) | _bound(seed >> 2, 0, records - 2);
    }

    function _currentId(uint256 ticketId) internal view returns (uint256) {
        uint256 records = _history[ticketId].length;
        return records == 0 ? ticketId << 8 : (ticketId << 8) | (records - 1);
    }

    function _staffOf(uint32 merchantId, uint256 seed) internal view returns (address) {
        return seed % 2 == 0 ? _admins[merchantId - 1] : _agents[merchantId - 1];
    }

    /// @dev Any actor: another merchant's staff, a customer, or a stranger.
    function _anyone(uint256 seed) internal view returns (address) {
        uint256 pick = seed % (2 * MERCHANTS + CUSTOMERS + 1);
        if (pick < MERCHANTS) return _admins[pick];
        if (pick < 2 * MERCHANTS) return _agents[pick - MERCHANTS];
        if (pick < 2 * MERCHANTS + CUSTOMERS) return _customers[pick - 2 * MERCHANTS];
        return STRANGER;
    }
}

/// @notice Invariants of FeedbackAttestations under random attest/amend/reply (and reopen/resolve) calls.
contract FeedbackAttestationsInvariantTest is TestBase {
    /// @notice The shape Foundry-compatible runners read from `targetSelectors()`.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    address internal constant FORWARDER = address(0xF0F0);

    SupportDesk internal desk;
    FeedbackAttestations internal feedback;
    FeedbackHandler internal handler;

    function setUp() public {
        desk = new SupportDesk(FORWARDER, address(0xA4B1));
        feedback = new FeedbackAttestations(desk, FORWARDER);
        handler = new FeedbackHandler(desk, feedback);
        _targetContract(address(handler));
    }

    /// @notice Only the handler's actions are fuzzed (not its ghost views), so every call of a run acts.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](5);
        selectors[0] = FeedbackHandler.attest.selector;
        selectors[1] = FeedbackHandler.amend.selector;
        selectors[2] = FeedbackHandler.reply.selector;
        selectors[3] = FeedbackHandler.reopen.selector;
        selectors[4] = FeedbackHandler.resolve.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: selectors});
    }

    /// @notice Each merchant's count, sum and histogram equal a recomputation from the contract's current
    /// (not superseded) records.
    function invariant_aggregatesEqualCurrentRecords() public view {
        (uint256 first, uint256 last) = handler.ticketRange();
        for (uint32 merchantId = 1; merchantId <= 3; ++merchantId) {
            uint256 count;
            uint256 sum;
            uint256[5] memory histogram;
            for (uint256 ticketId = first; ticketId <= last; ++ticketId) {
                uint256 feedbackId = feedback.feedbackOfTicket(ticketId);
                if (feedbackId == 0) continue;
                IFeedbackAttestations.Feedback memory record = feedback.getFeedback(feedbackId);
                vm.assertEq(record.supersededBy, 0, "feedbackOfTicket returned a superseded record");
                if (record.merchantId != merchantId) continue;
                ++count;
                sum += record.rating;
                ++histogram[record.rating - 1];
            }
            _assertStats(merchantId, count, sum, histogram, "records");
        }
    }

    /// @notice The same, recomputed from the handler's ghost ratings (what the calls actually did).
    function invariant_aggregatesEqualGhostRatings() public view {
        (uint256 first, uint256 last) = handler.ticketRange();
        for (uint32 merchantId = 1; merchantId <= 3; ++merchantId) {
            uint256 count;
            uint256 sum;
            uint256[5] memory histogram;
            for (uint256 ticketId = first; ticketId <= last; ++ticketId) {
                if (desk.merchantOf(ticketId) != merchantId) continue;
                uint8[] memory ratings = handler.historyOf(ticketId);
                if (ratings.length == 0) continue;
                uint8 current = ratings[ratings.length - 1];
                ++count;
                sum += current;
                ++histogram[current - 1];
            }
            _assertStats(merchantId, count, sum, histogram, "ghost");
        }
    }

    /// @notice Each merchant's verified-purchase figures (`verifiedMerchantStats`) equal a recomputation
    /// from the handler's ghost ratings of the tickets it opened with a receipt, and only those.
    function invariant_verifiedAggregatesEqualGhostRatings() public view {
        (uint256 first, uint256 last) = handler.ticketRange();
        for (uint32 merchantId = 1; merchantId <= 3; ++merchantId) {
            uint256 count;
            uint256 sum;
            uint256[5] memory histogram;
            for (uint256 ticketId = first; ticketId <= last; ++ticketId) {
                if (desk.merchantOf(ticketId) != merchantId || !handler.openedWithReceipt(ticketId)) continue;
                uint8[] memory ratings = handler.historyOf(ticketId);
                if (ratings.length == 0) continue;
                uint8 current = ratings[ratings.length - 1];
                ++count;
                sum += current;
                ++histogram[current - 1];
            }
            (uint256 statsCount, uint256 statsSum, uint256[5] memory statsHistogram) = feedback
                .verifiedMerchantStats(merchantId);
            vm.assertEq(statsCount, count, "verified count vs ghost");
            vm.assertEq(statsSum, sum, "verified sum vs ghost");
            for (uint256 i = 0; i < 5; ++i) {
                vm.assertEq(statsHistogram[i], histogram[i], "verified histogram vs ghost");
            }
        }
    }

    /// @notice Every record stays readable with its own rating, linked to its neighbours; the next id does
    /// not exist; replies are where the handler put them.
    function invariant_recordsMatchTheirHistory() public view {
        (uint256 first, uint256 last) = handler.ticketRange();
        for (uint256 ticketId = first; ticketId <= last; ++ticketId) {
            uint8[] memory ratings = handler.historyOf(ticketId);
            uint256 base = ticketId << 8;
            vm.assertEq(
                feedback.feedbackOfTicket(ticketId),
                ratings.length == 0 ? 0 : base + ratings.length - 1,
                "feedbackOfTicket"
            );
            (address customer, uint32 merchantId, ) = desk.ticketCore(ticketId);
            for (uint256 revision = 0; revision < ratings.length; ++revision) {
                IFeedbackAttestations.Feedback memory record = feedback.getFeedback(base + revision);
                vm.assertEq(record.ticketId, ticketId, "ticketId");
                vm.assertEq(record.customer, customer, "customer");
                vm.assertEq(record.merchantId, merchantId, "merchantId");
                vm.assertEq(record.rating, ratings[revision], "rating of a revision");
                vm.assertEq(record.supersedes, revision == 0 ? 0 : base + revision - 1, "supersedes");
                vm.assertEq(
                    record.supersededBy,
                    revision + 1 == ratings.length ? 0 : base + revision + 1,
                    "supersededBy"
                );
                vm.assertEq(record.replyHash != 0, handler.repliedTo(base + revision), "replied");
            }
            try feedback.getFeedback(base + ratings.length) {
                vm.assertTrue(false, "the record after the current one exists");
            } catch (bytes memory reason) {
                vm.assertEq(
                    keccak256(reason),
                    keccak256(
                        abi.encodeWithSelector(
                            IFeedbackAttestations.FeedbackUnknown.selector,
                            base + ratings.length
                        )
                    ),
                    "unknown id error"
                );
            }
        }
    }

    /// @notice Every call succeeded exactly when the rules allowed it, else reverted with the exact error.
    function invariant_everyCallFollowedTheRules() public view {
        vm.assertEq(handler.mismatches(), 0, "a call's outcome differed from the specification");
    }

    function _assertStats(
        uint32 merchantId,
        uint256 count,
        uint256 sum,
        uint256[5] memory histogram,
        string memory source
    ) internal view {
        (uint256 statsCount, uint256 statsSum, uint256[5] memory statsHistogram) = feedback.merchantStats(
            merchantId
        );
        vm.assertEq(statsCount, count, string.concat("count vs ", source));
        vm.assertEq(statsSum, sum, string.concat("sum vs ", source));
        for (uint256 i = 0; i < 5; ++i) {
            vm.assertEq(statsHistogram[i], histogram[i], string.concat("histogram vs ", source));
        }
    }
}
