// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {BlocklistToken} from "./BlocklistToken.sol";

/// @title PausableBlocklistToken (test only)
/// @notice A stablecoin-style token whose issuer can pause every transfer (OpenZeppelin `Pausable`:
/// `EnforcedPause()`) and blocklist addresses (`BlocklistToken`'s `BlocklistTokenBlocked(account)`), as USDC and
/// USDT can.
contract PausableBlocklistToken is BlocklistToken, Pausable {
    constructor() BlocklistToken("Pausable USD", "PUSD") {}

    /// @notice Stops every transfer (anyone may: test only).
    function pause() external {
        _pause();
    }

    /// @notice Lets transfers run again (anyone may: test only).
    function unpause() external {
        _unpause();
    }

    /// @dev Refuses every transfer while paused, then applies the blocklist.
    function _update(address from, address to, uint256 value) internal override whenNotPaused {
        super._update(from, to, value);
    }
}
