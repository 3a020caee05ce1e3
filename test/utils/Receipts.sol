// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISupportDesk} from "../../contracts/interfaces/ISupportDesk.sol";
import {Vm} from "./Vm.sol";

/// @notice Builds, hashes and signs SupportDesk order receipts the way a merchant's checkout does. The
/// EIP-712 hashing is spelled out here from the standard and shared/INTERFACE.md (type string, domain name
/// `CareLedger`, version `1`), not read from the desk, so a desk that hashed anything differently would
/// refuse these signatures and fail the tests.
library Receipts {
    Vm private constant _VM = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    /// @notice The EIP-712 type hash of `OrderReceipt` (shared/INTERFACE.md gives the type string).
    bytes32 internal constant TYPEHASH = keccak256(
        "OrderReceipt(uint32 merchantId,address customer,bytes32 orderRef,address token,uint256 amount,bytes32 itemsHash,uint64 purchasedAt,uint64 supportUntil)"
    );

    /// @notice The EIP-712 domain type hash (name, version, chain id, verifying contract).
    bytes32 internal constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );

    /// @notice The order of secp256k1's group: `s` and `n - s` are both valid for the same signature, and
    /// EIP-2 only accepts `s <= n / 2`.
    uint256 internal constant SECP256K1_N =
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    /// @notice A receipt of `amount` of `token` for order `orderRef`, valid for tickets until `supportUntil`;
    /// the items commitment derives from the order, and the purchase is dated 30 days before `supportUntil`
    /// (both only informational to the desk).
    function receipt(
        uint32 merchantId,
        address customer,
        bytes32 orderRef,
        address token,
        uint256 amount,
        uint64 supportUntil
    ) internal pure returns (ISupportDesk.OrderReceipt memory) {
        return
            ISupportDesk.OrderReceipt({
                merchantId: merchantId,
                customer: customer,
                orderRef: orderRef,
                token: token,
                amount: amount,
                itemsHash: keccak256(abi.encode("items", orderRef)),
                purchasedAt: supportUntil > 30 days ? supportUntil - 30 days : 0,
                supportUntil: supportUntil
            });
    }

    /// @notice The receipt's EIP-712 struct hash, every field encoded one by one as the standard says.
    function structHash(ISupportDesk.OrderReceipt memory r) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    TYPEHASH,
                    r.merchantId,
                    r.customer,
                    r.orderRef,
                    r.token,
                    r.amount,
                    r.itemsHash,
                    r.purchasedAt,
                    r.supportUntil
                )
            );
    }

    /// @notice The EIP-712 domain separator of desk `desk` on chain `chainId`.
    function domainSeparator(address desk, uint256 chainId) internal pure returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256("CareLedger"), keccak256("1"), chainId, desk));
    }

    /// @notice The digest an order signer signs for desk `desk` on chain `chainId`.
    function digest(
        address desk,
        uint256 chainId,
        ISupportDesk.OrderReceipt memory r
    ) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(desk, chainId), structHash(r)));
    }

    /// @notice The digest for desk `desk` on this chain.
    function digest(address desk, ISupportDesk.OrderReceipt memory r) internal view returns (bytes32) {
        return digest(desk, block.chainid, r);
    }

    /// @notice `key`'s 65-byte signature (r, s, v) of `hash`, as `openTicketWithReceipt` takes it.
    function sign(uint256 key, bytes32 hash) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = _VM.sign(key, hash);
        return abi.encodePacked(r, s, v);
    }

    /// @notice `key`'s signature of receipt `r` for desk `desk` on this chain.
    function sign(
        uint256 key,
        address desk,
        ISupportDesk.OrderReceipt memory r
    ) internal view returns (bytes memory) {
        return sign(key, digest(desk, r));
    }

    /// @notice The other signature of the same key and digest: `s' = n - s` and `v` flipped (27 <-> 28).
    /// It recovers the same signer, so only a low-s rule keeps a signature from having two encodings.
    function malleate(bytes memory signature) internal pure returns (bytes memory) {
        (bytes32 r, bytes32 s, uint8 v) = split(signature);
        return abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
    }

    /// @notice The (r, s, v) of a 65-byte signature.
    function split(bytes memory signature) internal pure returns (bytes32 r, bytes32 s, uint8 v) {
        assembly ("memory-safe") {
            r := mload(add(signature, 0x20))
            s := mload(add(signature, 0x40))
            v := byte(0, mload(add(signature, 0x60)))
        }
    }
}
