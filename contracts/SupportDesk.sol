// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";

/// @title SupportDesk (skeleton: the implementation lands with issue 3)
contract SupportDesk is ERC2771Context {
    address private immutable _DEFAULT_ARBITER;

    /// @param trustedForwarder The ERC-2771 forwarder whose relayed calls act for their signer.
    /// @param defaultArbiter The arbiter new merchants get in their default policy.
    constructor(address trustedForwarder, address defaultArbiter) ERC2771Context(trustedForwarder) {
        _DEFAULT_ARBITER = defaultArbiter;
    }

    /// @notice Skeleton.
    function bindEscrow(address) external {}
}
