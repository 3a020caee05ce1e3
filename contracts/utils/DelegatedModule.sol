// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title DelegatedModule
/// @notice Base of a contract that holds part of another contract's code (its host) and runs only inside
/// it, through DELEGATECALL: in the host's storage, with the host's caller and call data.
/// @dev The host is the contract that deployed the module, so a host and its module always come from the
/// same build and share one storage layout. Called any other way, every guarded function reverts: a
/// module has no state of its own worth changing, and nothing should look as if it had.
abstract contract DelegatedModule {
    /// @notice The module was called directly, or delegated to by a contract other than its host.
    /// @param host The contract the module runs inside.
    error ModuleNotDelegated(address host);

    address private immutable _HOST = msg.sender;

    /// @dev Runs the function only when it executes as the host's code.
    modifier onlyDelegated() {
        if (address(this) != _HOST) revert ModuleNotDelegated(_HOST);
        _;
    }
}
