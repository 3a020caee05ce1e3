// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEAS, Attestation} from "@ethereum-attestation-service/eas-contracts/contracts/IEAS.sol";
import {SchemaResolver} from "@ethereum-attestation-service/eas-contracts/contracts/resolver/SchemaResolver.sol";

import {ISupportDesk} from "../interfaces/ISupportDesk.sol";

/// @title TicketFeedbackResolver (gas benchmark reference only, never deployed or published)
/// @notice The nearest thing an EAS user builds to CareLedger's feedback rule: an EAS schema resolver for
/// `uint256 ticketId, uint8 rating, bytes32 commentHash` that accepts an attestation only from the
/// ticket's customer, once per ticket, once the ticket is resolved or closed, with a rating of 1..5.
/// @dev It reads the desk through `ISupportDesk` (`customerOf`, `statusOf`: two calls, as an integrator
/// using the public views would) and keeps one flag slot per ticket. Revocation is refused: CareLedger's
/// feedback is never silently withdrawn either. `npm run bench` measures `EAS.attest` through it.
contract TicketFeedbackResolver is SchemaResolver {
    /// @notice `attester` is not the customer of ticket `ticketId`.
    error ResolverNotCustomer(uint256 ticketId, address attester);
    /// @notice Ticket `ticketId` is in `status`, neither Resolved nor Closed.
    error ResolverTicketNotResolved(uint256 ticketId, ISupportDesk.Status status);
    /// @notice Ticket `ticketId` was already rated.
    error ResolverAlreadyRated(uint256 ticketId);
    /// @notice `rating` is not 1..5.
    error ResolverInvalidRating(uint8 rating);

    ISupportDesk private immutable _DESK;

    mapping(uint256 ticketId => bool rated) private _rated;

    /// @param eas The EAS instance whose attestations this resolver checks.
    /// @param desk_ The support desk whose tickets are rated.
    constructor(IEAS eas, ISupportDesk desk_) SchemaResolver(eas) {
        _DESK = desk_;
    }

    /// @notice Whether ticket `ticketId` was rated through this resolver.
    function isRated(uint256 ticketId) external view returns (bool) {
        return _rated[ticketId];
    }

    /// @dev Accepts the attestation only from the ticket's customer, once, for a resolved or closed ticket.
    function onAttest(
        Attestation calldata attestation,
        uint256 /* value */
    ) internal override returns (bool) {
        (uint256 ticketId, uint8 rating, ) = abi.decode(attestation.data, (uint256, uint8, bytes32));
        if (rating == 0 || rating > 5) revert ResolverInvalidRating(rating);
        if (_DESK.customerOf(ticketId) != attestation.attester) {
            revert ResolverNotCustomer(ticketId, attestation.attester);
        }
        ISupportDesk.Status status = _DESK.statusOf(ticketId);
        if (status != ISupportDesk.Status.Resolved && status != ISupportDesk.Status.Closed) {
            revert ResolverTicketNotResolved(ticketId, status);
        }
        if (_rated[ticketId]) revert ResolverAlreadyRated(ticketId);
        _rated[ticketId] = true;
        return true;
    }

    /// @dev Feedback is never revoked.
    function onRevoke(
        Attestation calldata /* attestation */,
        uint256 /* value */
    ) internal pure override returns (bool) {
        return false;
    }
}
