// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title NoReturnToken (test only)
/// @notice A USDT-style token: `transfer`, `transferFrom` and `approve` return nothing (the ABI of
/// Tether's mainnet contract), and a failure reverts. It can blocklist an address, as Tether does, so
/// that a payout to it fails. Written by hand because OpenZeppelin's ERC20 returns a boolean.
contract NoReturnToken {
    /// @notice `account` is on the blocklist.
    error NoReturnTokenBlocked(address account);
    /// @notice `account` holds `balance`, less than `needed`.
    error NoReturnTokenInsufficientBalance(address account, uint256 balance, uint256 needed);
    /// @notice `spender` may spend `allowance` of `owner`'s tokens, less than `needed`.
    error NoReturnTokenInsufficientAllowance(
        address owner,
        address spender,
        uint256 allowance,
        uint256 needed
    );

    /// @notice As in ERC-20.
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// @notice As in ERC-20.
    event Approval(address indexed owner, address indexed spender, uint256 value);

    /// @notice As in ERC-20.
    uint256 public totalSupply;
    /// @notice As in ERC-20.
    mapping(address account => uint256 balance) public balanceOf;
    /// @notice As in ERC-20.
    mapping(address owner => mapping(address spender => uint256 amount)) public allowance;
    /// @notice Whether `account` is blocked.
    mapping(address account => bool blocked) public isBlocked;

    /// @notice 6, as Tether has.
    function decimals() external pure returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` to `to` (anyone may: test only).
    function mint(address to, uint256 amount) external {
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    /// @notice Blocks or unblocks `account` (anyone may: test only).
    function setBlocked(address account, bool blocked) external {
        isBlocked[account] = blocked;
    }

    /// @notice Moves `value` to `to`; returns nothing.
    function transfer(address to, uint256 value) external {
        _move(msg.sender, to, value);
    }

    /// @notice Moves `value` from `from` to `to` within the caller's allowance; returns nothing.
    function transferFrom(address from, address to, uint256 value) external {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed < value) revert NoReturnTokenInsufficientAllowance(from, msg.sender, allowed, value);
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - value;
        _move(from, to, value);
    }

    /// @notice Lets `spender` move `value` of the caller's tokens; returns nothing.
    function approve(address spender, uint256 value) external {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
    }

    function _move(address from, address to, uint256 value) private {
        if (isBlocked[from]) revert NoReturnTokenBlocked(from);
        if (isBlocked[to]) revert NoReturnTokenBlocked(to);
        uint256 balance = balanceOf[from];
        if (balance < value) revert NoReturnTokenInsufficientBalance(from, balance, value);
        balanceOf[from] = balance - value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}
