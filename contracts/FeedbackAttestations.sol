// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {IFeedbackAttestations} from "./interfaces/IFeedbackAttestations.sol";
import {ISupportDesk} from "./interfaces/ISupportDesk.sol";

/// @title FeedbackAttestations
/// @notice Ratings of resolved CareLedger tickets: only the ticket's customer attests, once; the merchant's
/// staff answers each record once; amendments are new records that point at the ones they supersede.
/// Per-merchant aggregates (count, sum, 1..5 histogram) are O(1) reads.
/// @dev Gas design (target: `attest` <= 80,000 gas including the 21,000 base). A first rating
/// - reads the desk once (`ticketFacts`: customer, merchant, status, verified);
/// - sets its ticket's 4-bit entry in a rating word shared by 64 consecutive ticket ids (a warm update of
///   an existing slot for all but the first rating among those 64 tickets, the way OpenZeppelin's
///   `BitMaps` share a slot between 256 flags);
/// - writes the comment commitment to the record's own slot (skipped when it is 0);
/// - moves one counter of the merchant's histogram slot.
/// There is no id counter and no ticket->id mapping: feedback ids are derived from the ticket id and the
/// revision (`feedbackId = ticketId << 8 | revision`, see `IFeedbackAttestations`). Customer and merchant
/// are not copied here: they never change on the desk, so `amend`, `reply` and the views read them there.
/// Amendments (rare) keep their history in a per-ticket slot. The desk is only read (STATICCALL).
/// Measured by `npm run bench` (gas-snapshot.json): 64,620 gas for a typical `attest` with a comment;
/// 81,760 when the rating word or the merchant's histogram slot is created (once per 64 ticket ids, and
/// once per merchant).
contract FeedbackAttestations is IFeedbackAttestations, ERC2771Context {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev Amendments per ticket: revisions 1..15 fit the 45 rating bits of the amendment slot.
    uint256 private constant _MAX_AMENDMENTS = 15;

    /// @dev Bits of a feedback id that hold the revision (`feedbackId = ticketId << 8 | revision`).
    uint256 private constant _REVISION_BITS = 8;
    uint256 private constant _REVISION_MASK = (1 << _REVISION_BITS) - 1;

    /// @dev Rating words (see `_ratingWords`): 64 entries of 4 bits per word.
    uint256 private constant _TICKETS_PER_WORD_LOG2 = 6;
    uint256 private constant _ENTRY_INDEX_MASK = (1 << _TICKETS_PER_WORD_LOG2) - 1;
    uint256 private constant _ENTRY_MASK = 0xF;
    uint256 private constant _AMENDED_FLAG = 0x8;

    /// @dev A rating is 3 bits wherever it is stored.
    uint256 private constant _RATING_BITS = 3;
    uint256 private constant _RATING_MASK = (1 << _RATING_BITS) - 1;

    /// @dev Histogram slot layout (see `_histograms`): five 51-bit counters.
    uint256 private constant _BUCKET_BITS = 51;
    uint256 private constant _BUCKET_MASK = (1 << _BUCKET_BITS) - 1;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    ISupportDesk private immutable _DESK;

    /// @dev Ticket `t`'s entry is the 4-bit nibble `(t & 63)` of word `t >> 6`:
    /// word: entry(t=64w) (4) | entry(64w+1) (4) | ... | entry(64w+63) (4)     (entry i at bits 4i..4i+3)
    /// entry: amended (1) | first rating (3)                                      (bit 3 | bits 0..2)
    /// An entry is 0 until the ticket is rated (a rating is at least 1); `first rating` is revision 0's and
    /// never changes; `amended` says the ticket has a slot in `_amendments`.
    mapping(uint256 wordIndex => uint256 word) private _ratingWords;

    /// @dev Written by the first amendment of a ticket, updated by the next ones:
    /// slot: revision (8) | rating of revision 1 (3) | rating of revision 2 (3) | ... | revision 15 (3) | spare (203)
    ///       bits 0..7    | 8..10                    | 11..13                   | ... | 50..52           | 53..255
    /// `revision` is the current record's revision (1..15).
    mapping(uint256 ticketId => uint256 packed) private _amendments;

    /// @dev The comment commitment of each record; not written when it is 0 (the slot stays 0).
    mapping(uint256 feedbackId => bytes32 commentHash) private _comments;

    /// @dev The merchant's reply to each record; non-zero once replied (`reply` refuses a 0 hash).
    mapping(uint256 feedbackId => bytes32 replyHash) private _replies;

    /// @dev The merchant's current ratings, one slot:
    /// slot: stars1 (51) | stars2 (51) | stars3 (51) | stars4 (51) | stars5 (51) | spare (1)
    ///       bits 0..50  | 51..101     | 102..152    | 153..203    | 204..254    | 255
    /// `count` and `sum` are derived from the histogram, so a rating moves one counter and nothing else.
    mapping(uint32 merchantId => uint256 packed) private _histograms;

    /// @dev The same histogram, counting only the ratings of verified tickets (opened with an order receipt):
    /// a merchant's verified-purchase rating, next to its overall one.
    mapping(uint32 merchantId => uint256 packed) private _verifiedHistograms;

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
        (address customer, uint32 merchantId, ISupportDesk.Status status, bool verified) = _DESK.ticketFacts(
            ticketId
        );
        if (sender != customer) revert FeedbackNotCustomer(ticketId, sender);
        if (status != ISupportDesk.Status.Resolved && status != ISupportDesk.Status.Closed) {
            revert FeedbackTicketNotResolved(ticketId, uint8(status));
        }
        _setFirstRating(ticketId, rating);
        // Revision 0. The desk numbers tickets from 1 with a counter, so `ticketId << 8` cannot overflow.
        feedbackId = ticketId << _REVISION_BITS;
        if (commentHash != 0) _comments[feedbackId] = commentHash;
        unchecked {
            // A bucket cannot pass 2^51 - 1 and carry into its neighbour: each rating needs its own
            // ticket (opened, resolved and rated: well over 100,000 gas), and 2^51 of them would take
            // more than 10^20 gas, millions of years of blocks.
            _histograms[merchantId] += _bucketUnit(rating);
            if (verified) _verifiedHistograms[merchantId] += _bucketUnit(rating);
        }
        emit FeedbackAttested(feedbackId, ticketId, merchantId, customer, rating, commentHash);
    }

    /// @inheritdoc IFeedbackAttestations
    function reply(uint256 feedbackId, bytes32 replyHash) external {
        (uint256 ticketId, uint256 revision, , uint256 history) = _load(feedbackId);
        (, uint32 merchantId, ) = _DESK.ticketCore(ticketId);
        address sender = _msgSender();
        if (!_DESK.isAgent(merchantId, sender)) revert FeedbackNotMerchantStaff(merchantId, sender);
        _checkCurrent(feedbackId, revision, history);
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
        uint256 ticketId;
        address customer;
        uint32 merchantId;
        bool verified;
        uint8 previousRating;
        {
            uint256 revision;
            uint256 entry;
            uint256 history;
            (ticketId, revision, entry, history) = _load(feedbackId);
            (customer, merchantId, , verified) = _DESK.ticketFacts(ticketId);
            address sender = _msgSender();
            if (sender != customer) revert FeedbackNotCustomer(ticketId, sender);
            _checkCurrent(feedbackId, revision, history);
            if (revision == _MAX_AMENDMENTS) revert FeedbackTooManyAmendments(ticketId, _MAX_AMENDMENTS);

            previousRating = _ratingOf(entry, history, revision);
            if (revision == 0) {
                (uint256 wordIndex, uint256 shift) = _entryPosition(ticketId);
                _ratingWords[wordIndex] |= _AMENDED_FLAG << shift;
            }
            unchecked {
                // The new revision's 3 rating bits are still 0, so OR-ing the rating in is exact.
                _amendments[ticketId] =
                    (history + 1) | (uint256(rating) << (_REVISION_BITS + _RATING_BITS * revision));
            }
        }
        unchecked {
            // revision < 15 here: the new revision stays in the 8 revision bits of the slot and of the id.
            newFeedbackId = feedbackId + 1;
        }
        _moveRating(merchantId, verified, previousRating, rating);
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
        uint256 entry = _entryOf(ticketId);
        if (entry == 0) return 0;
        return _currentFeedbackId(ticketId, entry);
    }

    /// @inheritdoc IFeedbackAttestations
    function getFeedback(uint256 feedbackId) external view returns (Feedback memory feedback) {
        (uint256 ticketId, uint256 revision, uint256 entry, uint256 history) = _load(feedbackId);
        (feedback.customer, feedback.merchantId, ) = _DESK.ticketCore(ticketId);
        feedback.ticketId = ticketId;
        feedback.rating = _ratingOf(entry, history, revision);
        feedback.commentHash = _comments[feedbackId];
        feedback.replyHash = _replies[feedbackId];
        // Revisions of one ticket are consecutive ids: the previous record is id - 1, the next id + 1.
        if (revision != 0) feedback.supersedes = feedbackId - 1;
        if (revision != _revisionOf(history)) feedback.supersededBy = feedbackId + 1;
    }

    /// @inheritdoc IFeedbackAttestations
    function merchantStats(
        uint32 merchantId
    ) external view returns (uint256 count, uint256 sum, uint256[5] memory histogram) {
        return _stats(_histograms[merchantId]);
    }

    /// @inheritdoc IFeedbackAttestations
    function verifiedMerchantStats(
        uint32 merchantId
    ) external view returns (uint256 count, uint256 sum, uint256[5] memory histogram) {
        return _stats(_verifiedHistograms[merchantId]);
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Writes ticket `ticketId`'s first rating into its entry; reverts if it was rated already.
    function _setFirstRating(uint256 ticketId, uint8 rating) internal {
        (uint256 wordIndex, uint256 shift) = _entryPosition(ticketId);
        uint256 word = _ratingWords[wordIndex];
        uint256 entry = (word >> shift) & _ENTRY_MASK;
        if (entry != 0) revert FeedbackAlreadyGiven(ticketId, _currentFeedbackId(ticketId, entry));
        _ratingWords[wordIndex] = word | (uint256(rating) << shift);
    }

    /// @dev Moves one rating of merchant `merchantId` from `previous` to `rating` stars (an amendment), in the
    /// verified histogram too for a verified ticket.
    function _moveRating(uint32 merchantId, bool verified, uint8 previous, uint8 rating) internal {
        unchecked {
            // The old rating's bucket holds at least this record; the new one cannot overflow (see attest).
            uint256 delta = _bucketUnit(rating) - _bucketUnit(previous);
            // Modular arithmetic: adding (new - old) mod 2^256 is exact because the old bucket is >= 1.
            _histograms[merchantId] += delta;
            if (verified) _verifiedHistograms[merchantId] += delta;
        }
    }

    /// @dev Count, sum and 1..5 histogram of a packed histogram slot.
    function _stats(
        uint256 packed
    ) internal pure returns (uint256 count, uint256 sum, uint256[5] memory histogram) {
        for (uint256 i = 0; i < 5; ++i) {
            uint256 stars = (packed >> (_BUCKET_BITS * i)) & _BUCKET_MASK;
            histogram[i] = stars;
            count += stars;
            sum += stars * (i + 1);
        }
    }

    /// @dev Reverts unless `rating` is 1..5.
    function _checkRating(uint8 rating) internal pure {
        if (rating == 0 || rating > 5) revert FeedbackInvalidRating(rating);
    }

    /// @dev Splits `feedbackId` and loads its ticket's entry and amendment slot (0 if never amended);
    /// reverts with `FeedbackUnknown` unless the ticket was rated and the revision exists.
    function _load(
        uint256 feedbackId
    ) internal view returns (uint256 ticketId, uint256 revision, uint256 entry, uint256 history) {
        ticketId = feedbackId >> _REVISION_BITS;
        revision = feedbackId & _REVISION_MASK;
        entry = _entryOf(ticketId);
        if (entry == 0) revert FeedbackUnknown(feedbackId);
        if (entry & _AMENDED_FLAG != 0) history = _amendments[ticketId];
        if (revision > _revisionOf(history)) revert FeedbackUnknown(feedbackId);
    }

    /// @dev Reverts with `FeedbackSuperseded` unless `revision` is the ticket's current one.
    function _checkCurrent(uint256 feedbackId, uint256 revision, uint256 history) internal pure {
        // A revision below the current one (<= 15) was superseded by the next id.
        if (revision != _revisionOf(history)) revert FeedbackSuperseded(feedbackId, feedbackId + 1);
    }

    /// @dev The current feedback id of a rated ticket whose entry is `entry`.
    function _currentFeedbackId(uint256 ticketId, uint256 entry) internal view returns (uint256) {
        uint256 revision = entry & _AMENDED_FLAG == 0 ? 0 : _revisionOf(_amendments[ticketId]);
        return (ticketId << _REVISION_BITS) | revision;
    }

    /// @dev Ticket `ticketId`'s 4-bit entry (0: not rated).
    function _entryOf(uint256 ticketId) internal view returns (uint256) {
        (uint256 wordIndex, uint256 shift) = _entryPosition(ticketId);
        return (_ratingWords[wordIndex] >> shift) & _ENTRY_MASK;
    }

    /// @dev Which rating word holds ticket `ticketId`'s entry, and at which bit.
    function _entryPosition(uint256 ticketId) internal pure returns (uint256 wordIndex, uint256 shift) {
        wordIndex = ticketId >> _TICKETS_PER_WORD_LOG2;
        shift = (ticketId & _ENTRY_INDEX_MASK) << 2; // 4 bits per entry, at most bit 252
    }

    /// @dev The rating of revision `revision` from a ticket's entry and amendment slot.
    function _ratingOf(uint256 entry, uint256 history, uint256 revision) internal pure returns (uint8) {
        // 3 bits, so the value fits uint8; revision >= 1 in the second branch, so revision - 1 >= 0.
        if (revision == 0) return uint8(entry & _RATING_MASK);
        return uint8((history >> (_REVISION_BITS + _RATING_BITS * (revision - 1))) & _RATING_MASK);
    }

    /// @dev The current revision in an amendment slot (0 for a ticket never amended).
    function _revisionOf(uint256 history) internal pure returns (uint256) {
        return history & _REVISION_MASK;
    }

    /// @dev The histogram increment of one `rating` (1..5).
    function _bucketUnit(uint256 rating) internal pure returns (uint256) {
        // rating >= 1 was checked (or read from a record), so rating - 1 cannot underflow.
        unchecked {
            return uint256(1) << (_BUCKET_BITS * (rating - 1));
        }
    }
}
