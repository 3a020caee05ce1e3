// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title WalletMock (test only)
/// @notice A contract wallet that acts as a customer (or merchant admin) through `execute`, and whose
/// behaviour on receiving ETH is set by the test: accept, revert, burn all gas, revert with a huge
/// returndata, or try to re-enter a contract with a chosen call (recording what happened).
contract WalletMock {
    /// @notice How the wallet reacts to incoming ETH.
    enum Mode {
        Accept,
        Revert,
        BurnGas,
        ReturnBomb,
        Reenter
    }

    /// @notice The wallet refused ETH (mode `Revert`).
    error WalletRefuses(uint256 amount);

    /// @notice The wallet received `amount` of ETH.
    event Received(uint256 amount);
    /// @notice On receiving ETH the wallet called its re-entry target: `success` and the returned data.
    event ReentryAttempted(bool success, bytes returnData);

    Mode private _mode;
    address private _reentryTarget;
    bytes private _reentryData;

    /// @notice Accepts ETH at deployment.
    // solhint-disable-next-line no-empty-blocks
    constructor() payable {}

    /// @notice Reacts to ETH as the mode says (complex on purpose: it plays hostile receivers).
    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        Mode mode = _mode;
        if (mode == Mode.Revert) revert WalletRefuses(msg.value);
        if (mode == Mode.BurnGas) {
            // Spin until the forwarded gas is gone.
            // solhint-disable-next-line no-empty-blocks
            while (true) {}
        }
        if (mode == Mode.ReturnBomb) {
            assembly ("memory-safe") {
                revert(0, 100000)
            }
        }
        if (mode == Mode.Reenter) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool success, bytes memory returnData) = _reentryTarget.call(_reentryData);
            emit ReentryAttempted(success, returnData);
            return;
        }
        emit Received(msg.value);
    }

    /// @notice Sets how the wallet reacts to ETH.
    function setMode(Mode mode) external {
        _mode = mode;
    }

    /// @notice Sets the call the wallet tries when it receives ETH in mode `Reenter`.
    function setReentry(address target, bytes calldata data) external {
        _reentryTarget = target;
        _reentryData = data;
    }

    /// @notice Calls `target` with `value` and `data` as this wallet; bubbles a revert.
    function execute(
        address target,
        uint256 value,
        bytes calldata data
    ) external payable returns (bytes memory) {
        // solhint-disable-next-line avoid-low-level-calls
        (bool success, bytes memory returnData) = target.call{value: value}(data);
        if (!success) {
            assembly ("memory-safe") {
                revert(add(returnData, 0x20), mload(returnData))
            }
        }
        return returnData;
    }
}
