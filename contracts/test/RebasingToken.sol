// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title RebasingToken (test only)
/// @notice A token whose balances change without transfers (as stETH, AMPL or a slashed staking token):
/// accounts hold shares, and `balanceOf` is `shares * index / 1e18`. `rebase` moves the index, so every
/// holder's balance (the escrow's included) grows or shrinks at once. Such tokens are not supported as
/// reserve tokens; the tests show what a negative rebase does to the escrow.
contract RebasingToken {
    /// @notice `account` holds `balance`, less than `needed`.
    error RebasingTokenInsufficientBalance(address account, uint256 balance, uint256 needed);
    /// @notice `spender` may spend `allowance` of `owner`'s tokens, less than `needed`.
    error RebasingTokenInsufficientAllowance(
        address owner,
        address spender,
        uint256 allowance,
        uint256 needed
    );

    /// @notice As in ERC-20.
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// @notice As in ERC-20.
    event Approval(address indexed owner, address indexed spender, uint256 value);

    uint256 private constant _ONE = 1e18;

    /// @notice Token units per share, scaled by 1e18.
    uint256 public index = _ONE;
    /// @notice As in ERC-20.
    mapping(address owner => mapping(address spender => uint256 amount)) public allowance;

    mapping(address account => uint256 shares) private _shares;

    /// @notice As in ERC-20.
    function decimals() external pure returns (uint8) {
        return 18;
    }

    /// @notice Mints `amount` (at the current index) to `to` (anyone may: test only).
    function mint(address to, uint256 amount) external {
        _shares[to] += (amount * _ONE) / index;
        emit Transfer(address(0), to, amount);
    }

    /// @notice Sets the index to `newIndex` (1e18 = 1 unit per share): below the current one is a
    /// negative rebase, every balance shrinks in proportion (anyone may: test only).
    function rebase(uint256 newIndex) external {
        index = newIndex;
    }

    /// @notice As in ERC-20: the holder's shares at the current index.
    function balanceOf(address account) public view returns (uint256) {
        return (_shares[account] * index) / _ONE;
    }

    /// @notice As in ERC-20.
    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    /// @notice As in ERC-20.
    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed < value) revert RebasingTokenInsufficientAllowance(from, msg.sender, allowed, value);
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - value;
        _move(from, to, value);
        return true;
    }

    /// @notice As in ERC-20.
    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    /// @dev Moves the shares worth `value` at the current index (rounded up, so `to` gets at least
    /// `value` worth and `from` never pays less).
    function _move(address from, address to, uint256 value) private {
        uint256 balance = balanceOf(from);
        if (balance < value) revert RebasingTokenInsufficientBalance(from, balance, value);
        uint256 shares = (value * _ONE + index - 1) / index;
        if (shares > _shares[from]) shares = _shares[from];
        _shares[from] -= shares;
        _shares[to] += shares;
        emit Transfer(from, to, value);
    }
}
