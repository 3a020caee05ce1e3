// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";

/// @title Erc1271SignerMock (test only)
/// @notice A contract order signer shaped like a Safe's approved hashes: its owner approves the digests it
/// signs, one by one, and may revoke them. `isValidSignature` accepts an approved digest when the signature
/// is exactly the bytes the owner approved it with (so a relayer cannot swap them), and answers anything
/// else with a non-magic value rather than a revert, as ERC-1271 allows.
contract Erc1271SignerMock is IERC1271 {
    /// @notice Only the owner approves or revokes digests; `caller` is not it.
    error SignerNotOwner(address caller);

    /// @notice The owner approved `digest` with `signature`.
    event DigestApproved(bytes32 indexed digest, bytes signature);
    /// @notice The owner revoked its approval of `digest`.
    event DigestRevoked(bytes32 indexed digest);

    /// @notice The ERC-1271 value of a valid signature (`IERC1271.isValidSignature.selector`).
    bytes4 public constant MAGIC_VALUE = IERC1271.isValidSignature.selector;

    address public immutable owner;
    mapping(bytes32 digest => bytes32 signatureHash) private _approved;

    constructor(address owner_) {
        owner = owner_;
    }

    /// @notice Approves `digest`, to be presented with `signature`.
    function approveDigest(bytes32 digest, bytes calldata signature) external {
        if (msg.sender != owner) revert SignerNotOwner(msg.sender);
        _approved[digest] = keccak256(signature);
        emit DigestApproved(digest, signature);
    }

    /// @notice Revokes the approval of `digest`.
    function revokeDigest(bytes32 digest) external {
        if (msg.sender != owner) revert SignerNotOwner(msg.sender);
        delete _approved[digest];
        emit DigestRevoked(digest);
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 digest, bytes calldata signature) external view returns (bytes4) {
        bytes32 approved = _approved[digest];
        if (approved != 0 && approved == keccak256(signature)) return MAGIC_VALUE;
        return 0xffffffff;
    }
}
