// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "./Vm.sol";

/// @notice The small slice of forge-std's `Test` that CareLedger's Solidity tests need: the cheatcode
/// handle, `bound` for fuzz inputs, and the invariant target list that the runner reads.
abstract contract TestBase {
    /// @dev The address Foundry-compatible runners serve cheatcodes at: address(uint160(uint256(keccak256("hevm cheat code")))).
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    /// @notice Marker that Foundry-compatible runners look for on test contracts.
    bool public constant IS_TEST = true;

    address[] private _targetContracts;

    /// @notice Contracts the invariant fuzzer calls at random (read by the test runner).
    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    /// @dev Registers `target` as one the invariant fuzzer may call.
    function _targetContract(address target) internal {
        _targetContracts.push(target);
    }

    /// @dev Maps any fuzzed `x` into [min, max] without discarding runs (same idea as forge-std's `bound`).
    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (min > max) revert BoundInvalidRange(min, max);
        uint256 size = max - min + 1;
        if (size == 0) return x; // the whole uint256 range
        return min + (x % size);
    }

    /// @notice `_bound` was asked for an empty range.
    error BoundInvalidRange(uint256 min, uint256 max);
}
