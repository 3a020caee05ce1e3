// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BlocklistToken} from "./BlocklistToken.sol";

/// @title ZeroRevertToken (test only)
/// @notice A token that reverts on zero-amount transfers (as LEND and some others do), with
/// `BlocklistToken`'s blocklist so that a payout to a blocked address fails.
contract ZeroRevertToken is BlocklistToken {
    /// @notice A transfer of 0 was attempted.
    error ZeroRevertTokenZeroAmount(address from, address to);

    constructor() BlocklistToken("Zero Revert Token", "ZRT") {}

    /// @dev Refuses zero-amount transfers (mints and burns included: none of them is ever 0 here).
    function _update(address from, address to, uint256 value) internal override {
        if (value == 0) revert ZeroRevertTokenZeroAmount(from, to);
        super._update(from, to, value);
    }
}
