// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {IFeedbackAttestations} from "./interfaces/IFeedbackAttestations.sol";
import {ISupportDesk} from "./interfaces/ISupportDesk.sol";

/// @title FeedbackAttestations
/// @notice Ratings of resolved CareLedger tickets: only the ticket's customer attests, once; the merchant's
/// staff answers each record once; amendments are new records that point at the ones they supersede.
/// Per-merchant aggregates (count, sum, 1..5 histogram) are O(1) reads.
/// @dev Gas design (`attest` <= 80,000 including the 21,000 base): a first rating writes exactly two new
/// slots (the ticket's slot and, when there is a comment, the record's comment slot) and updates the
/// merchant's one histogram slot; there is no id counter and no ticket->id mapping, because feedback ids
/// are derived from the ticket id and the revision (`feedbackId = ticketId << 8 | revision`, see
/// `IFeedbackAttestations`). Customer and merchant are kept in the ticket's slot (they never change on the
/// desk), so `amend`, `reply` and the views need no desk call for them. The desk is only read (STATICCALL).
contract FeedbackAttestations is IFeedbackAttestations, ERC2771Context {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev Amendments per ticket; revisions 0..15 fit the 48 rating bits of the ticket slot (16 x 3).
    uint256 private constant _MAX_AMENDMENTS = 15;

    /// @dev Bits of a feedback id that hold the revision (`feedbackId = ticketId << 8 | revision`).
    uint256 private constant _REVISION_BITS = 8;
    uint256 private constant _REVISION_MASK = (1 << _REVISION_BITS) - 1;

    /// @dev Ticket slot layout (see `_tickets`).
    uint256 private constant _MERCHANT_SHIFT = 160;
    uint256 private constant _REVISION_SHIFT = 192;
    uint256 private constant _RATINGS_SHIFT = 200;
    uint256 private constant _RATING_BITS = 3;
    uint256 private constant _RATING_MASK = (1 << _RATING_BITS) - 1;

    /// @dev Histogram slot layout (see `_histograms`): five 51-bit counters.
    uint256 private constant _BUCKET_BITS = 51;
    uint256 private constant _BUCKET_MASK = (1 << _BUCKET_BITS) - 1;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    ISupportDesk private immutable _DESK;

    /// @dev One slot per rated ticket, written once by `attest` and updated by `amend`:
    /// slot: customer (160) | merchantId (32) | revision (8) | ratings (16 x 3 = 48) | spare (8)
    ///       bits 0..159     | 160..191        | 192..199     | 200..247              | 248..255
    /// `revision` is the current record's revision (0..15); the rating (1..5) of revision `r` sits at bits
    /// `200 + 3r`. A rated ticket's slot is never 0 (its first rating is at least 1).
    mapping(uint256 ticketId => uint256 packed) private _tickets;

    /// @dev The comment commitment of each record; not written when it is 0 (the slot stays 0).
    mapping(uint256 feedbackId => bytes32 commentHash) private _comments;

    /// @dev The merchant's reply to each record; non-zero once replied (`reply` refuses a 0 hash).
    mapping(uint256 feedbackId => bytes32 replyHash) private _replies;

    /// @dev The merchant's current ratings, one slot:
    /// slot: stars1 (51) | stars2 (51) | stars3 (51) | stars4 (51) | stars5 (51) | spare (1)
    ///       bits 0..50  | 51..101     | 102..152    | 153..203    | 204..254    | 255
    /// `count` and `sum` are derived from the histogram, so a rating moves one counter and nothing else.
    mapping(uint32 merchantId => uint256 packed) private _histograms;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param desk_ The support desk whose tickets and merchants this contract rates.
    /// @param trustedForwarder The ERC-2771 forwarder whose relayed calls act for their signer.
    constructor(ISupportDesk desk_, address trustedForwarder) ERC2771Context(trustedForwarder) {
        _DESK = desk_;
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IFeedbackAttestations
    function attest(
        uint256 ticketId,
        uint8 rating,
        bytes32 commentHash
    ) external returns (uint256 feedbackId) {
        _checkRating(rating);
        address sender = _msgSender();
        (address customer, uint32 merchantId, ISupportDesk.Status status) = _DESK.ticketCore(ticketId);
        if (sender != customer) revert FeedbackNotCustomer(ticketId, sender);
        if (status != ISupportDesk.Status.Resolved && status != ISupportDesk.Status.Closed) {
            revert FeedbackTicketNotResolved(ticketId, uint8(status));
        }
        uint256 packed = _tickets[ticketId];
        if (packed != 0) revert FeedbackAlreadyGiven(ticketId, _feedbackId(ticketId, _revisionOf(packed)));

        // Revision 0. The desk numbers tickets from 1 with a counter, so `ticketId << 8` cannot overflow.
        feedbackId = ticketId << _REVISION_BITS;
        _tickets[ticketId] =
            uint256(uint160(customer)) |
            (uint256(merchantId) << _MERCHANT_SHIFT) |
            (uint256(rating) << _RATINGS_SHIFT);
        if (commentHash != 0) _comments[feedbackId] = commentHash;
        unchecked {
            // A bucket cannot pass 2^51 - 1 and carry into its neighbour: each rating needs its own
            // ticket (opened, resolved and rated: well over 100,000 gas), and 2^51 of them would take
            // more than 10^20 gas, millions of years of blocks.
            _histograms[merchantId] += _bucketUnit(rating);
        }
        emit FeedbackAttested(feedbackId, ticketId, merchantId, customer, rating, commentHash);
    }

    /// @inheritdoc IFeedbackAttestations
    function reply(uint256 feedbackId, bytes32 replyHash) external {
        (uint256 ticketId, uint256 revision, uint256 packed) = _load(feedbackId);
        uint32 merchantId = _merchantOf(packed);
        address sender = _msgSender();
        if (!_DESK.isAgent(merchantId, sender)) revert FeedbackNotMerchantStaff(merchantId, sender);
        _checkCurrent(feedbackId, revision, packed);
        if (replyHash == 0) revert FeedbackEmptyReply(feedbackId);
        if (_replies[feedbackId] != 0) revert FeedbackAlreadyReplied(feedbackId);

        _replies[feedbackId] = replyHash;
        emit FeedbackReplied(feedbackId, ticketId, sender, replyHash);
    }

    /// @inheritdoc IFeedbackAttestations
    function amend(
        uint256 feedbackId,
        uint8 rating,
        bytes32 commentHash
    ) external returns (uint256 newFeedbackId) {
        _checkRating(rating);
        (uint256 ticketId, uint256 revision, uint256 packed) = _load(feedbackId);
        address customer = _customerOf(packed);
        address sender = _msgSender();
        if (sender != customer) revert FeedbackNotCustomer(ticketId, sender);
        _checkCurrent(feedbackId, revision, packed);
        if (revision == _MAX_AMENDMENTS) revert FeedbackTooManyAmendments(ticketId, _MAX_AMENDMENTS);

        uint8 previousRating = _ratingAt(packed, revision);
        uint32 merchantId = _merchantOf(packed);
        unchecked {
            // revision < 15 here, so revision + 1 stays in its 8 bits and the id in the same ticket.
            uint256 newRevision = revision + 1;
            newFeedbackId = feedbackId + 1;
            // The new revision's 3 rating bits are still 0, so OR-ing the rating in is exact.
            _tickets[ticketId] =
                (packed + (1 << _REVISION_SHIFT)) |
                (uint256(rating) << (_RATINGS_SHIFT + _RATING_BITS * newRevision));
            // The old rating's bucket holds at least this record; the new one cannot overflow (see attest).
            _histograms[merchantId] =
                _histograms[merchantId] -
                _bucketUnit(previousRating) +
                _bucketUnit(rating);
        }
        if (commentHash != 0) _comments[newFeedbackId] = commentHash;
        emit FeedbackAttested(newFeedbackId, ticketId, merchantId, customer, rating, commentHash);
        emit FeedbackAmended(feedbackId, newFeedbackId, ticketId, previousRating, rating);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IFeedbackAttestations
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    /// @inheritdoc IFeedbackAttestations
    function desk() external view returns (ISupportDesk) {
        return _DESK;
    }

    /// @inheritdoc IFeedbackAttestations
    function maxAmendments() external pure returns (uint256) {
        return _MAX_AMENDMENTS;
    }

    /// @inheritdoc IFeedbackAttestations
    function feedbackOfTicket(uint256 ticketId) external view returns (uint256 feedbackId) {
        uint256 packed = _tickets[ticketId];
        if (packed == 0) return 0;
        return _feedbackId(ticketId, _revisionOf(packed));
    }

    /// @inheritdoc IFeedbackAttestations
    function getFeedback(uint256 feedbackId) external view returns (Feedback memory feedback) {
        (uint256 ticketId, uint256 revision, uint256 packed) = _load(feedbackId);
        feedback.ticketId = ticketId;
        feedback.merchantId = _merchantOf(packed);
        feedback.customer = _customerOf(packed);
        feedback.rating = _ratingAt(packed, revision);
        feedback.commentHash = _comments[feedbackId];
        feedback.replyHash = _replies[feedbackId];
        // Revisions of one ticket are consecutive ids: the previous record is id - 1, the next id + 1.
        if (revision != 0) feedback.supersedes = feedbackId - 1;
        if (revision != _revisionOf(packed)) feedback.supersededBy = feedbackId + 1;
    }

    /// @inheritdoc IFeedbackAttestations
    function merchantStats(
        uint32 merchantId
    ) external view returns (uint256 count, uint256 sum, uint256[5] memory histogram) {
        uint256 packed = _histograms[merchantId];
        for (uint256 i = 0; i < 5; ++i) {
            uint256 stars = (packed >> (_BUCKET_BITS * i)) & _BUCKET_MASK;
            histogram[i] = stars;
            count += stars;
            sum += stars * (i + 1);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Reverts unless `rating` is 1..5.
    function _checkRating(uint8 rating) internal pure {
        if (rating == 0 || rating > 5) revert FeedbackInvalidRating(rating);
    }

    /// @dev Splits `feedbackId` and loads its ticket's slot; reverts with `FeedbackUnknown` unless the
    /// ticket was rated and the revision exists.
    function _load(
        uint256 feedbackId
    ) internal view returns (uint256 ticketId, uint256 revision, uint256 packed) {
        ticketId = feedbackId >> _REVISION_BITS;
        revision = feedbackId & _REVISION_MASK;
        packed = _tickets[ticketId];
        if (packed == 0 || revision > _revisionOf(packed)) revert FeedbackUnknown(feedbackId);
    }

    /// @dev Reverts with `FeedbackSuperseded` unless `revision` is the ticket's current one.
    function _checkCurrent(uint256 feedbackId, uint256 revision, uint256 packed) internal pure {
        // A revision below the current one was superseded by the next id (revision + 1 <= 15).
        if (revision != _revisionOf(packed)) revert FeedbackSuperseded(feedbackId, feedbackId + 1);
    }

    /// @dev `ticketId << 8 | revision`; `revision` <= 15.
    function _feedbackId(uint256 ticketId, uint256 revision) internal pure returns (uint256) {
        return (ticketId << _REVISION_BITS) | revision;
    }

    /// @dev The histogram increment of one `rating` (1..5).
    function _bucketUnit(uint8 rating) internal pure returns (uint256) {
        // rating >= 1 was checked (or read from a record), so rating - 1 cannot underflow.
        unchecked {
            return uint256(1) << (_BUCKET_BITS * (rating - 1));
        }
    }

    /// @dev The customer field of a ticket slot.
    function _customerOf(uint256 packed) internal pure returns (address) {
        return address(uint160(packed)); // the low 160 bits, by layout
    }

    /// @dev The merchant field of a ticket slot.
    function _merchantOf(uint256 packed) internal pure returns (uint32) {
        return uint32(packed >> _MERCHANT_SHIFT); // bits 160..191, by layout
    }

    /// @dev The current revision of a ticket slot.
    function _revisionOf(uint256 packed) internal pure returns (uint256) {
        return (packed >> _REVISION_SHIFT) & _REVISION_MASK;
    }

    /// @dev The rating of revision `revision` in a ticket slot.
    function _ratingAt(uint256 packed, uint256 revision) internal pure returns (uint8) {
        // 3 bits, so the value fits uint8.
        return uint8((packed >> (_RATINGS_SHIFT + _RATING_BITS * revision)) & _RATING_MASK);
    }
}
