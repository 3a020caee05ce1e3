// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @title ModuleDelegatorMock (tests only)
/// @notice A contract that is not a module's host but runs the module's code in its own storage, as an
/// attacker's contract could: the module must refuse it.
contract ModuleDelegatorMock {
    /// @notice DELEGATECALLs `module` with `data`; bubbles its revert up unchanged.
    /// @param module The module to run.
    /// @param data The call data.
    /// @return result What the module returned.
    function run(address module, bytes calldata data) external returns (bytes memory result) {
        return Address.functionDelegateCall(module, data);
    }
}
