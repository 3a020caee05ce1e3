// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title DemoToken
/// @notice A plain ERC-20 stablecoin stand-in (6 decimals, like USDC) for `npm run demo` and the task
/// tests: the whole supply is minted once, to the account the deployer names. It is not part of
/// CareLedger, is never deployed by the CareLedger Ignition module and is kept out of the published
/// package; any ERC-20 works with the refund escrow.
contract DemoToken is ERC20 {
    /// @param name_ The token's name, e.g. "Demo USD".
    /// @param symbol_ The token's symbol, e.g. "dUSD".
    /// @param holder Who receives the whole supply.
    /// @param supply The supply, in the smallest unit (6 decimals).
    constructor(
        string memory name_,
        string memory symbol_,
        address holder,
        uint256 supply
    ) ERC20(name_, symbol_) {
        _mint(holder, supply);
    }

    /// @notice 6, as USDC and USDT have.
    /// @return The number of decimals of an amount's display form.
    function decimals() public pure override returns (uint8) {
        return 6;
    }
}
