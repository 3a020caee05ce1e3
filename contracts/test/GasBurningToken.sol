// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title GasBurningToken (test only)
/// @notice A merchant's hostile reserve token: once switched on, every `transfer` burns all the gas it is
/// given before it would complete, the way a token could grief whoever pays a payout out of the escrow.
/// `transferFrom` (deposits) keeps working, so a reserve can be funded first.
contract GasBurningToken is ERC20 {
    bool private _burning;

    constructor() ERC20("Gas Burner", "BURN") {}

    /// @notice Mints `amount` to `to` (anyone may: test only).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Switches the gas burning of `transfer` on or off.
    function setBurning(bool burning) external {
        _burning = burning;
    }

    /// @notice A transfer that, while burning, loops until it runs out of gas.
    function transfer(address to, uint256 value) public override returns (bool) {
        if (_burning) {
            uint256 sink;
            while (true) {
                unchecked {
                    ++sink;
                }
            }
        }
        return super.transfer(to, value);
    }
}
