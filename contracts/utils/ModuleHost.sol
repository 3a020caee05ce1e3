// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ModuleHost
/// @notice Base of a contract that keeps some of its external functions' code in a module (a
/// `DelegatedModule` it deployed) because the whole would not fit EIP-170's 24,576 bytes. The host still
/// declares every function, so its ABI, selectors, events and errors stay whole; the body of a moved
/// function is one call to `_delegateTo`.
abstract contract ModuleHost {
    /// @dev Runs this call's call data in `module` against this contract's storage (DELEGATECALL: same
    /// caller, same value, same call data, so an ERC-2771 signer suffix travels too), then ends the call
    /// with the module's result, returning what it returned or reverting with what it reverted with. The
    /// same as OpenZeppelin's `Proxy._delegate`, for a declared function rather than a fallback.
    function _delegateTo(address module) internal {
        assembly {
            calldatacopy(0, 0, calldatasize())
            let success := delegatecall(gas(), module, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            switch success
            case 0 {
                revert(0, returndatasize())
            }
            default {
                return(0, returndatasize())
            }
        }
    }
}
