// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FeedbackAttestations} from "../contracts/FeedbackAttestations.sol";
import {SupportDesk} from "../contracts/SupportDesk.sol";
import {IFeedbackAttestations} from "../contracts/interfaces/IFeedbackAttestations.sol";
import {ISupportDesk} from "../contracts/interfaces/ISupportDesk.sol";
import {Receipts} from "./utils/Receipts.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Fuzz tests of FeedbackAttestations against the real SupportDesk: rating bounds, aggregates
/// after attest and amend, and the feedback id space.
contract FeedbackAttestationsTest is TestBase {
    address internal constant FORWARDER = address(0xF0F0);
    address internal constant ADMIN = address(0xAD);
    address internal constant CUSTOMER = address(0xC1);
    uint32 internal constant MERCHANT = 1;
    /// @dev The merchant's checkout key (accepted where a test needs verified tickets).
    uint256 internal constant ORDER_SIGNER_KEY = 0x5167;

    SupportDesk internal desk;
    FeedbackAttestations internal feedback;
    uint256 internal ticketId;

    function setUp() public {
        desk = new SupportDesk(FORWARDER, address(0xA4B1));
        feedback = new FeedbackAttestations(desk, FORWARDER);
        desk.registerMerchant(ADMIN, keccak256("merchant"));
        ticketId = _resolvedTicket();
    }

    function _resolvedTicket() internal returns (uint256 id) {
        vm.prank(CUSTOMER);
        id = desk.openTicket(MERCHANT, keccak256("order"), keccak256("message"), 1);
        vm.prank(ADMIN);
        desk.resolveTicket(id, keccak256("resolution"));
    }

    /// @dev Maps any byte to a rating outside 1..5 (0 or 6..255).
    function _outOfRange(uint8 seed) internal pure returns (uint8) {
        return seed >= 1 && seed <= 5 ? 0 : seed;
    }

    function _assertStats(uint256 count, uint256 sum, uint256[5] memory histogram) internal view {
        (uint256 statsCount, uint256 statsSum, uint256[5] memory statsHistogram) = feedback.merchantStats(
            MERCHANT
        );
        vm.assertEq(statsCount, count, "count");
        vm.assertEq(statsSum, sum, "sum");
        for (uint256 i = 0; i < 5; ++i) vm.assertEq(statsHistogram[i], histogram[i], "histogram");
    }

    /*//////////////////////////////////////////////////////////////
                                 ATTEST
    //////////////////////////////////////////////////////////////*/

    function testFuzz_attest_revertWhen_ratingOutOfRange(uint8 seed, bytes32 commentHash) public {
        uint8 rating = _outOfRange(seed);
        vm.expectRevert(abi.encodeWithSelector(IFeedbackAttestations.FeedbackInvalidRating.selector, rating));
        vm.prank(CUSTOMER);
        feedback.attest(ticketId, rating, commentHash);
    }

    function testFuzz_attest_recordsRatingsOneToFive(uint256 seed, bytes32 commentHash) public {
        uint8 rating = uint8(_bound(seed, 1, 5)); // bounded to 1..5, fits
        vm.prank(CUSTOMER);
        uint256 feedbackId = feedback.attest(ticketId, rating, commentHash);

        vm.assertEq(feedbackId, ticketId << 8, "feedback id encoding");
        IFeedbackAttestations.Feedback memory record = feedback.getFeedback(feedbackId);
        vm.assertEq(record.rating, rating, "rating");
        vm.assertEq(record.commentHash, commentHash, "comment");
        vm.assertEq(record.customer, CUSTOMER, "customer");
        vm.assertEq(record.merchantId, MERCHANT, "merchant");
        uint256[5] memory histogram;
        histogram[rating - 1] = 1;
        _assertStats(1, rating, histogram);
    }

    function testFuzz_attest_revertWhen_callerIsNotTheCustomer(address caller) public {
        vm.assume(caller != CUSTOMER && caller != FORWARDER);
        vm.expectRevert(
            abi.encodeWithSelector(IFeedbackAttestations.FeedbackNotCustomer.selector, ticketId, caller)
        );
        vm.prank(caller);
        feedback.attest(ticketId, 5, bytes32(0));
    }

    /*//////////////////////////////////////////////////////////////
                                 AMEND
    //////////////////////////////////////////////////////////////*/

    function testFuzz_amend_revertWhen_ratingOutOfRange(uint8 seed) public {
        vm.prank(CUSTOMER);
        uint256 feedbackId = feedback.attest(ticketId, 3, bytes32(0));
        uint8 rating = _outOfRange(seed);
        vm.expectRevert(abi.encodeWithSelector(IFeedbackAttestations.FeedbackInvalidRating.selector, rating));
        vm.prank(CUSTOMER);
        feedback.amend(feedbackId, rating, bytes32(0));
    }

    /// @notice Ratings on two tickets, then a chain of amendments on one: the aggregates always hold the
    /// current ratings only.
    function testFuzz_amend_movesAggregatesFromOldToNewRating(uint8[6] memory seeds) public {
        uint256 otherTicket = _resolvedTicket();
        uint8 other = uint8(_bound(seeds[0], 1, 5)); // bounded to 1..5, fits
        vm.prank(CUSTOMER);
        feedback.attest(otherTicket, other, bytes32(0));

        uint8 current = uint8(_bound(seeds[1], 1, 5)); // bounded to 1..5, fits
        vm.prank(CUSTOMER);
        uint256 feedbackId = feedback.attest(ticketId, current, keccak256("first"));
        for (uint256 i = 2; i < seeds.length; ++i) {
            uint8 next = uint8(_bound(seeds[i], 1, 5)); // bounded to 1..5, fits
            vm.prank(CUSTOMER);
            feedbackId = feedback.amend(feedbackId, next, bytes32(i));
            vm.assertEq(feedback.getFeedback(feedbackId - 1).rating, current, "old record kept its rating");
            current = next;

            uint256[5] memory histogram;
            ++histogram[other - 1];
            ++histogram[current - 1];
            _assertStats(2, uint256(other) + current, histogram);
        }
        vm.assertEq(feedbackId, (ticketId << 8) | (seeds.length - 2), "one revision per amendment");
        vm.assertEq(feedback.feedbackOfTicket(ticketId), feedbackId, "current record");
    }

    /*//////////////////////////////////////////////////////////////
                                  IDS
    //////////////////////////////////////////////////////////////*/

    /// @notice With one rated ticket (amended once), every other id is unknown to every function.
    function testFuzz_getFeedback_revertWhen_unknownId(uint256 feedbackId) public {
        vm.prank(CUSTOMER);
        uint256 first = feedback.attest(ticketId, 4, bytes32(0));
        vm.prank(CUSTOMER);
        feedback.amend(first, 2, bytes32(0));
        vm.assume(feedbackId != first && feedbackId != first + 1);

        bytes memory unknown = abi.encodeWithSelector(
            IFeedbackAttestations.FeedbackUnknown.selector,
            feedbackId
        );
        vm.expectRevert(unknown);
        feedback.getFeedback(feedbackId);
        vm.expectRevert(unknown);
        vm.prank(ADMIN);
        feedback.reply(feedbackId, keccak256("reply"));
        vm.expectRevert(unknown);
        vm.prank(CUSTOMER);
        feedback.amend(feedbackId, 3, bytes32(0));
    }

    /*//////////////////////////////////////////////////////////////
                           VERIFIED RATINGS
    //////////////////////////////////////////////////////////////*/

    /// @dev A resolved ticket of `CUSTOMER` opened with a receipt of order `orderRef`.
    function _verifiedResolvedTicket(bytes32 orderRef) internal returns (uint256 id) {
        ISupportDesk.OrderReceipt memory receipt = Receipts.receipt(
            MERCHANT,
            CUSTOMER,
            orderRef,
            address(0),
            1 ether,
            uint64(block.timestamp + 30 days)
        );
        bytes memory signature = Receipts.sign(ORDER_SIGNER_KEY, address(desk), receipt);
        vm.prank(CUSTOMER);
        id = desk.openTicketWithReceipt(receipt, signature, keccak256("message"), 1);
        vm.prank(ADMIN);
        desk.resolveTicket(id, keccak256("resolution"));
    }

    /// @notice Ratings of verified tickets count in both figures, the others in the overall one only, and
    /// an amendment moves the rating in every figure it counts in.
    function testFuzz_verifiedMerchantStats_countsOnlyVerifiedTickets(
        uint8[4] memory seeds,
        uint8 verifiedMask,
        uint8 amendSeed
    ) public {
        vm.prank(ADMIN);
        desk.setOrderSigner(MERCHANT, vm.addr(ORDER_SIGNER_KEY), true);
        // Index 0: every rating; index 1: the verified ones.
        uint256[5][2] memory histograms;
        uint256[2] memory sums;
        uint256[2] memory counts;
        uint256 lastId;
        uint8 lastRating;
        bool lastVerified;
        for (uint256 i = 0; i < 4; ++i) {
            lastVerified = (verifiedMask >> i) & 1 == 1;
            uint256 id = lastVerified ? _verifiedResolvedTicket(keccak256(abi.encode(i))) : _resolvedTicket();
            lastRating = uint8(_bound(seeds[i], 1, 5)); // bounded to 1..5, fits
            vm.prank(CUSTOMER);
            lastId = feedback.attest(id, lastRating, bytes32(0));
            for (uint256 k = 0; k < (lastVerified ? 2 : 1); ++k) {
                ++histograms[k][lastRating - 1];
                sums[k] += lastRating;
                ++counts[k];
            }
        }
        uint8 amended = uint8(_bound(amendSeed, 1, 5)); // bounded to 1..5, fits
        vm.prank(CUSTOMER);
        feedback.amend(lastId, amended, bytes32(0));
        for (uint256 k = 0; k < (lastVerified ? 2 : 1); ++k) {
            --histograms[k][lastRating - 1];
            ++histograms[k][amended - 1];
            sums[k] = sums[k] - lastRating + amended;
        }

        _assertStats(counts[0], sums[0], histograms[0]);
        (uint256 count, uint256 sum, uint256[5] memory histogram) = feedback.verifiedMerchantStats(MERCHANT);
        vm.assertEq(count, counts[1], "verified count");
        vm.assertEq(sum, sums[1], "verified sum");
        for (uint256 i = 0; i < 5; ++i) vm.assertEq(histogram[i], histograms[1][i], "verified histogram");
    }
}
