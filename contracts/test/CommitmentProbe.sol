// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title CommitmentProbe
/// @notice Test helper: computes a CareLedger commitment in Solidity, so the package's TypeScript
/// encoding is checked against the EVM's.
contract CommitmentProbe {
    /// @notice `keccak256(abi.encode(salt, contentDigest))`, the commitment of DESIGN.md.
    /// @param salt The 32-byte salt.
    /// @param contentDigest `keccak256` of the document.
    /// @return The commitment.
    function commitmentOf(bytes32 salt, bytes32 contentDigest) external pure returns (bytes32) {
        return keccak256(abi.encode(salt, contentDigest));
    }

    /// @notice The commitment of `document` (its bytes hashed in Solidity) under `salt`.
    /// @param salt The 32-byte salt.
    /// @param document The document's bytes.
    /// @return The commitment.
    function commitmentOfDocument(bytes32 salt, bytes calldata document) external pure returns (bytes32) {
        return keccak256(abi.encode(salt, keccak256(document)));
    }
}
