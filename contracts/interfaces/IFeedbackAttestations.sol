// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISupportDesk} from "./ISupportDesk.sol";

/// @title IFeedbackAttestations
/// @notice Ratings that only the customer of a resolved CareLedger ticket can give, once per ticket, that
/// the merchant can answer once, and that are amended only by new records pointing at the ones they
/// supersede: nothing is edited in place or deleted. Per-merchant aggregates are O(1) reads.
/// @dev A record carries what the EAS schema `uint256 ticketId,uint8 rating,bytes32 commentHash` does.
///
/// Feedback ids: `feedbackId = ticketId * 256 + revision` (`ticketId << 8 | revision`), where revision 0 is
/// the first record of a ticket and revision `r` its `r`-th amendment (at most `maxAmendments()`). Ids are
/// unique, never 0 (ticket ids start at 1), and `feedbackId + 1` is the record that supersedes
/// `feedbackId`, so every lookup is O(1) without an id counter.
interface IFeedbackAttestations {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice A feedback record as the views return it.
    /// @param ticketId The resolved ticket it rates.
    /// @param merchantId The ticket's merchant.
    /// @param customer The ticket's customer, its author.
    /// @param rating 1 to 5.
    /// @param commentHash Commitment of the off-chain comment (0 if none).
    /// @param replyHash Commitment of the merchant's reply (0 if none yet).
    /// @param supersedes The record this one amends (0 for the first).
    /// @param supersededBy The record that amends this one (0 while it is current).
    struct Feedback {
        uint256 ticketId;
        uint32 merchantId;
        address customer;
        uint8 rating;
        bytes32 commentHash;
        bytes32 replyHash;
        uint256 supersedes;
        uint256 supersededBy;
    }

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice Rating `rating` is not 1 to 5.
    error FeedbackInvalidRating(uint8 rating);
    /// @notice `caller` is not the customer of ticket `ticketId`.
    error FeedbackNotCustomer(uint256 ticketId, address caller);
    /// @notice Ticket `ticketId` is `status` (a `SupportDesk.Status`): feedback needs `Resolved` or `Closed`.
    error FeedbackTicketNotResolved(uint256 ticketId, uint8 status);
    /// @notice Ticket `ticketId` already has feedback `feedbackId`: amend it instead.
    error FeedbackAlreadyGiven(uint256 ticketId, uint256 feedbackId);
    /// @notice No feedback record has id `feedbackId`.
    error FeedbackUnknown(uint256 feedbackId);
    /// @notice Feedback `feedbackId` was superseded by `supersededBy`: act on the current record.
    error FeedbackSuperseded(uint256 feedbackId, uint256 supersededBy);
    /// @notice Feedback `feedbackId` was answered already.
    error FeedbackAlreadyReplied(uint256 feedbackId);
    /// @notice `caller` is neither the admin nor an agent of merchant `merchantId`.
    error FeedbackNotMerchantStaff(uint32 merchantId, address caller);
    /// @notice Ticket `ticketId`'s feedback was amended `max` times, the most allowed.
    error FeedbackTooManyAmendments(uint256 ticketId, uint256 max);
    /// @notice A reply to feedback `feedbackId` needs a non-zero `replyHash` (0 means "no reply" in the views).
    error FeedbackEmptyReply(uint256 feedbackId);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice `customer` rated ticket `ticketId` at merchant `merchantId`.
    event FeedbackAttested(
        uint256 indexed feedbackId,
        uint256 indexed ticketId,
        uint32 indexed merchantId,
        address customer,
        uint8 rating,
        bytes32 commentHash
    );
    /// @notice `replier` (merchant staff) answered feedback `feedbackId`.
    event FeedbackReplied(
        uint256 indexed feedbackId,
        uint256 indexed ticketId,
        address indexed replier,
        bytes32 replyHash
    );
    /// @notice Feedback `previousFeedbackId` was superseded by `newFeedbackId` (also announced by its own
    /// `FeedbackAttested`), moving the rating from `previousRating` to `rating`.
    event FeedbackAmended(
        uint256 indexed previousFeedbackId,
        uint256 indexed newFeedbackId,
        uint256 indexed ticketId,
        uint8 previousRating,
        uint8 rating
    );

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Rates ticket `ticketId`, which must be `Resolved` or `Closed`; its customer only (directly or
    /// through the trusted ERC-2771 forwarder), once. An unknown ticket reverts with the desk's
    /// `DeskUnknownTicket(ticketId)`.
    /// @param ticketId The ticket rated.
    /// @param rating 1 to 5.
    /// @param commentHash Commitment of the comment (0 for none).
    /// @return feedbackId The new record's id.
    function attest(
        uint256 ticketId,
        uint8 rating,
        bytes32 commentHash
    ) external returns (uint256 feedbackId);

    /// @notice Answers current feedback `feedbackId`, once; the merchant's admin or agents. An amendment
    /// is a new record, which may be answered again.
    /// @param feedbackId The current record of a ticket.
    /// @param replyHash Commitment of the reply (not 0).
    function reply(uint256 feedbackId, bytes32 replyHash) external;

    /// @notice Supersedes current feedback `feedbackId` with a new record; its customer only. The
    /// merchant's aggregates move from the old rating to the new one; the old record stays readable.
    /// The ticket's status is not checked again: the right to rate was earned when it was resolved.
    /// @param feedbackId The current record of a ticket.
    /// @param rating 1 to 5.
    /// @param commentHash Commitment of the new comment (0 for none).
    /// @return newFeedbackId The new record's id.
    function amend(
        uint256 feedbackId,
        uint8 rating,
        bytes32 commentHash
    ) external returns (uint256 newFeedbackId);

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The contract's version (semver).
    function version() external view returns (string memory);
    /// @notice The support desk whose tickets this contract rates.
    function desk() external view returns (ISupportDesk);
    /// @notice How many times a ticket's feedback may be amended (so revisions run 0..maxAmendments()).
    function maxAmendments() external pure returns (uint256);
    /// @notice The current (not superseded) feedback of ticket `ticketId`, or 0.
    function feedbackOfTicket(uint256 ticketId) external view returns (uint256 feedbackId);
    /// @notice Feedback record `feedbackId` (its `customer` and `merchantId` are read from the desk);
    /// reverts with `FeedbackUnknown` for an unknown id.
    function getFeedback(uint256 feedbackId) external view returns (Feedback memory);
    /// @notice Merchant `merchantId`'s current ratings: how many, their sum, and how many of each 1..5
    /// (`histogram[0]` counts 1-star ratings).
    function merchantStats(
        uint32 merchantId
    ) external view returns (uint256 count, uint256 sum, uint256[5] memory histogram);
    /// @notice Merchant `merchantId`'s current ratings of verified tickets only (opened with an order receipt
    /// its checkout signed), as in `merchantStats`: its verified-purchase rating.
    function verifiedMerchantStats(
        uint32 merchantId
    ) external view returns (uint256 count, uint256 sum, uint256[5] memory histogram);
}
