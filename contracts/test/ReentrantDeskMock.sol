// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IFeedbackAttestations} from "../interfaces/IFeedbackAttestations.sol";
import {ISupportDesk} from "../interfaces/ISupportDesk.sol";

/// @title ReentrantDeskMock (tests only)
/// @notice A hostile stand-in for the support desk: while FeedbackAttestations reads it (`ticketCore`,
/// `isAgent`), it tries to re-enter `attest` and reverts with `ReentrySucceeded` if that wrote anything.
/// FeedbackAttestations reads the desk through view functions (STATICCALL), so the re-entry must fail.
contract ReentrantDeskMock {
    /// @notice Tickets from this id on are the ones the re-entry tries to rate (and never re-enter).
    uint256 public constant REENTRY_TICKET_OFFSET = 1_000_000;

    /// @notice The re-entered call succeeded, which a STATICCALL forbids.
    error ReentrySucceeded();

    IFeedbackAttestations private _feedback;
    address private _customer;
    address private _staff;

    /// @notice Points the mock at the contract to attack, the customer of every ticket and one staff.
    function configure(IFeedbackAttestations feedback_, address customer_, address staff_) external {
        _feedback = feedback_;
        _customer = customer_;
        _staff = staff_;
    }

    /// @notice Every ticket below the offset is `Resolved` at merchant 1 with the configured customer;
    /// tickets from the offset on belong to this mock, so that the re-entered `attest` would pass its checks.
    /// Deliberately not `view`: the call still arrives as a STATICCALL through `ISupportDesk`.
    function ticketCore(uint256 ticketId) external returns (address, uint32, ISupportDesk.Status) {
        if (ticketId >= REENTRY_TICKET_OFFSET) return (address(this), 1, ISupportDesk.Status.Resolved);
        _reenter(ticketId);
        return (_customer, 1, ISupportDesk.Status.Resolved);
    }

    /// @notice As `ticketCore`, and never verified (what `attest` and `amend` read).
    function ticketFacts(uint256 ticketId) external returns (address, uint32, ISupportDesk.Status, bool) {
        if (ticketId >= REENTRY_TICKET_OFFSET) return (address(this), 1, ISupportDesk.Status.Resolved, false);
        _reenter(ticketId);
        return (_customer, 1, ISupportDesk.Status.Resolved, false);
    }

    /// @notice Only the configured staff is staff; tries the re-entry first. Deliberately not `view`.
    function isAgent(uint32, address account) external returns (bool) {
        _reenter(0);
        return account == _staff;
    }

    /// @dev Tries to rate a ticket of its own through a plain CALL; success means state was written.
    function _reenter(uint256 ticketId) private {
        // A write under STATICCALL halts its frame and burns the gas given to it: cap it.
        bool written;
        try _feedback.attest{gas: 200_000}(REENTRY_TICKET_OFFSET + ticketId, 5, bytes32(0)) {
            written = true;
        } catch {
            written = false; // the expected outcome: the write was refused
        }
        if (written) revert ReentrySucceeded();
    }
}
