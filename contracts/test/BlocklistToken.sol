// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title BlocklistToken (test only)
/// @notice A mintable OpenZeppelin ERC-20 with a blocklist (a transfer to or from a blocked address
/// reverts), whose `_update` the quirky test tokens extend: the base of `ZeroRevertToken`,
/// `PausableBlocklistToken` and `DecimalsToken`.
contract BlocklistToken is ERC20 {
    /// @notice `account` is blocked.
    error BlocklistTokenBlocked(address account);

    mapping(address account => bool blocked) private _blocked;

    /// @param name_ The token's name.
    /// @param symbol_ The token's symbol.
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {}

    /// @notice Mints `amount` to `to` (anyone may: test only).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Blocks or unblocks `account` (anyone may: test only).
    function setBlocked(address account, bool blocked) external {
        _blocked[account] = blocked;
    }

    /// @notice Whether `account` is blocked.
    function isBlocked(address account) external view returns (bool) {
        return _blocked[account];
    }

    /// @dev Refuses transfers touching a blocked address.
    function _update(address from, address to, uint256 value) internal virtual override {
        if (_blocked[from]) revert BlocklistTokenBlocked(from);
        if (_blocked[to]) revert BlocklistTokenBlocked(to);
        super._update(from, to, value);
    }
}
