// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title FeeOnTransferToken (test only)
/// @notice A mintable ERC-20 that burns `feeBps` of every transfer (mints excepted): the receiver gets
/// less than the amount sent, as with deflationary or taxed tokens.
contract FeeOnTransferToken is ERC20 {
    uint256 private constant _BPS = 10_000;

    /// @notice The fee in basis points (100 = 1%).
    uint256 public immutable feeBps;

    /// @param feeBps_ The fee in basis points.
    constructor(uint256 feeBps_) ERC20("Fee Token", "FEE") {
        feeBps = feeBps_;
    }

    /// @notice Mints `amount` to `to` (anyone may: test only).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice The fee taken from a transfer of `amount`.
    function feeOf(uint256 amount) public view returns (uint256) {
        return (amount * feeBps) / _BPS;
    }

    /// @dev Burns the fee of transfers between two accounts.
    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) {
            super._update(from, to, value);
            return;
        }
        uint256 fee = feeOf(value);
        super._update(from, to, value - fee);
        if (fee != 0) super._update(from, address(0), fee);
    }
}
