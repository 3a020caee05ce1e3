// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {ISupportDesk} from "./interfaces/ISupportDesk.sol";

/// @title RefundEscrow (skeleton: the implementation lands with issue 4)
contract RefundEscrow is ERC2771Context {
    ISupportDesk private immutable _DESK;

    /// @param desk_ The support desk whose tickets and merchants this escrow serves.
    /// @param trustedForwarder The ERC-2771 forwarder whose relayed calls act for their signer.
    constructor(ISupportDesk desk_, address trustedForwarder) ERC2771Context(trustedForwarder) {
        _DESK = desk_;
    }
}
