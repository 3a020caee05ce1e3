// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title FalseReturnToken (test only)
/// @notice A token that reports failure by returning `false` instead of reverting (as early ERC-20s
/// such as ZRX and BAT do): a transfer with too little balance or allowance, or touching a blocked
/// address, returns `false` and moves nothing.
contract FalseReturnToken {
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

    /// @notice As in ERC-20.
    function decimals() external pure returns (uint8) {
        return 18;
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

    /// @notice Moves `value` to `to`; `false` (and nothing moved) when it cannot.
    function transfer(address to, uint256 value) external returns (bool) {
        return _move(msg.sender, to, value);
    }

    /// @notice Moves `value` from `from` to `to` within the caller's allowance; `false` when it cannot.
    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed < value) return false;
        if (!_move(from, to, value)) return false;
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - value;
        return true;
    }

    /// @notice Lets `spender` move `value` of the caller's tokens.
    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function _move(address from, address to, uint256 value) private returns (bool) {
        if (isBlocked[from] || isBlocked[to]) return false;
        uint256 balance = balanceOf[from];
        if (balance < value) return false;
        balanceOf[from] = balance - value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
        return true;
    }
}
