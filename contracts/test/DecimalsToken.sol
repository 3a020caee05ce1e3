// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BlocklistToken} from "./BlocklistToken.sol";

/// @title DecimalsToken (test only)
/// @notice `BlocklistToken` (mintable, with a blocklist) with any number of decimals, for amounts far from
/// 18 decimals: 2 (a cents-based stablecoin such as GUSD) or 24 (so that whole-token amounts are large).
contract DecimalsToken is BlocklistToken {
    uint8 private immutable _DECIMALS;

    /// @param decimals_ The token's decimals.
    constructor(uint8 decimals_) BlocklistToken("Decimals Token", "DEC") {
        _DECIMALS = decimals_;
    }

    /// @notice The decimals given at deployment.
    function decimals() public view override returns (uint8) {
        return _DECIMALS;
    }
}
