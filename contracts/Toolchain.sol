// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Toolchain placeholder
/// @notice Proves that the compiler, the bindings and both test runners work. Removed when the
/// first CareLedger contract lands.
contract Toolchain {
    /// @notice The amount must be positive.
    error ToolchainZeroAmount();

    /// @notice Emitted when `by` is added to the total.
    event Added(uint256 by, uint256 total);

    /// @notice The running total.
    uint256 public total;

    /// @notice Adds `by` to the total.
    function add(uint256 by) external {
        if (by == 0) revert ToolchainZeroAmount();
        total += by;
        emit Added(by, total);
    }
}
