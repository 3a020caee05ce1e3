// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISupportDesk} from "../contracts/interfaces/ISupportDesk.sol";
import {SupportDesk} from "../contracts/SupportDesk.sol";
import {Erc1271SignerMock} from "../contracts/test/Erc1271SignerMock.sol";
import {Receipts} from "./utils/Receipts.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Unit and fuzz tests of verified tickets: who may sign order receipts (EOA keys and ERC-1271
/// contracts the admin accepts), what a receipt binds (every field, the chain, the desk, the merchant, the
/// customer, its support period), signature malleability, one order's fixed terms, and receipt-only
/// merchants. Receipts are hashed and signed by `Receipts`, from the EIP-712 standard, not by the desk.
contract OrderReceiptsTest is TestBase {
    uint256 internal constant START = 1_700_000_000;
    uint64 internal constant SUPPORT_UNTIL = uint64(START + 30 days);

    address internal constant FORWARDER = address(0xF0F0);
    address internal constant ARBITER = address(0xA4B1);
    address internal constant ADMIN = address(0xAD01);
    address internal constant OTHER_ADMIN = address(0xAD02);
    address internal constant CUSTOMER = address(0xC001);
    address internal constant STRANGER = address(0x5742);
    address internal constant SAFE_OWNER = address(0x5AFE);
    address internal constant TOKEN = address(0xE4C);

    /// @dev Merchant 1's checkout key, merchant 2's, and a key nobody accepts.
    uint256 internal constant SIGNER_KEY = 0x5167;
    uint256 internal constant OTHER_SIGNER_KEY = 0x5168;
    uint256 internal constant ROGUE_KEY = 0xBAD;

    bytes32 internal constant ORDER = keccak256("order 1001");
    bytes32 internal constant CONTENT = keccak256("my blender broke");

    ISupportDesk internal desk;
    address internal signer;
    address internal otherSigner;

    function setUp() public {
        vm.warp(START);
        desk = ISupportDesk(address(new SupportDesk(FORWARDER, ARBITER)));
        signer = vm.addr(SIGNER_KEY);
        otherSigner = vm.addr(OTHER_SIGNER_KEY);
        desk.registerMerchant(ADMIN, keccak256("m1"));
        desk.registerMerchant(OTHER_ADMIN, keccak256("m2"));
        vm.prank(ADMIN);
        desk.setOrderSigner(1, signer, true);
        vm.prank(OTHER_ADMIN);
        desk.setOrderSigner(2, otherSigner, true);
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev Merchant 1's receipt of `ORDER` for `CUSTOMER`: 1 ether paid, support for 30 days.
    function _receipt() internal pure returns (ISupportDesk.OrderReceipt memory) {
        return Receipts.receipt(1, CUSTOMER, ORDER, address(0), 1 ether, SUPPORT_UNTIL);
    }

    function _sign(
        uint256 key,
        ISupportDesk.OrderReceipt memory receipt
    ) internal view returns (bytes memory) {
        return Receipts.sign(key, address(desk), receipt);
    }

    /// @dev The receipt's customer opens a ticket with it.
    function _open(
        ISupportDesk.OrderReceipt memory receipt,
        bytes memory signature
    ) internal returns (uint256 id) {
        vm.prank(receipt.customer);
        id = desk.openTicketWithReceipt(receipt, signature, CONTENT, 1);
    }

    /// @dev Expects the revert of a signature that recovers to an account merchant `merchantId` does not
    /// accept: the address it recovers to over the digest the desk computes.
    function _expectNotOrderSigner(
        ISupportDesk.OrderReceipt memory receipt,
        bytes memory signature
    ) internal {
        (bytes32 r, bytes32 s, uint8 v) = Receipts.split(signature);
        address recovered = ecrecover(Receipts.digest(address(desk), receipt), v, r, s);
        vm.assertTrue(recovered != address(0), "a valid ECDSA signature of something");
        vm.expectRevert(
            abi.encodeWithSelector(ISupportDesk.DeskNotOrderSigner.selector, receipt.merchantId, recovered)
        );
    }

    function _assertNotVerified(uint256 ticketCountBefore) internal view {
        vm.assertEq(desk.ticketCount(), ticketCountBefore, "no ticket opened");
    }

    /*//////////////////////////////////////////////////////////////
                               VALID RECEIPTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The desk's EIP-712 domain is the one shared/INTERFACE.md names (ERC-5267).
    function test_eip712Domain_isCareLedgerVersion1OnThisDesk() public view {
        (
            ,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifyingContract,
            ,

        ) = SupportDesk(address(desk)).eip712Domain();
        vm.assertEq(keccak256(bytes(name)), keccak256("CareLedger"), "name");
        vm.assertEq(keccak256(bytes(version)), keccak256("1"), "version");
        vm.assertEq(chainId, block.chainid, "chain id");
        vm.assertEq(verifyingContract, address(desk), "verifying contract");
    }

    function test_openTicketWithReceipt_opensAVerifiedTicket() public {
        ISupportDesk.OrderReceipt memory receipt = _receipt();
        bytes memory signature = _sign(SIGNER_KEY, receipt);
        vm.expectEmit(true, true, true, true, address(desk));
        emit ISupportDesk.TicketOpened(1, 1, CUSTOMER, ORDER, CONTENT, 1);
        vm.expectEmit(true, true, true, true, address(desk));
        emit ISupportDesk.TicketVerified(1, ORDER, signer, address(0), 1 ether);
        uint256 id = _open(receipt, signature);

        vm.assertEq(id, 1, "first ticket");
        (bool verified, bytes32 orderRef, address token, uint256 amount, uint64 supportUntil) = desk
            .receiptOf(id);
        vm.assertEq(verified, true, "verified");
        vm.assertEq(orderRef, ORDER, "order");
        vm.assertEq(token, address(0), "token");
        vm.assertEq(amount, 1 ether, "amount");
        vm.assertEq(supportUntil, SUPPORT_UNTIL, "support until");
        ISupportDesk.TicketView memory t = desk.getTicket(id);
        vm.assertEq(t.verified, true, "getTicket: verified");
        vm.assertEq(t.customer, CUSTOMER, "customer");
        vm.assertEq(t.merchantId, 1, "merchant");
        (, , , bool factsVerified) = desk.ticketFacts(id);
        vm.assertEq(factsVerified, true, "ticketFacts: verified");
    }

    /// @notice Any order of any merchant, in any token and amount, by any customer: verified exactly as signed.
    function testFuzz_openTicketWithReceipt_verifiesWhatWasSigned(
        bool atOtherMerchant,
        address customer,
        bytes32 orderRef,
        address token,
        uint256 amount,
        uint8 priority
    ) public {
        vm.assume(customer != address(0) && customer != FORWARDER && orderRef != 0);
        priority = uint8(_bound(priority, 0, 3));
        uint32 merchantId = atOtherMerchant ? 2 : 1;
        ISupportDesk.OrderReceipt memory receipt = Receipts.receipt(
            merchantId,
            customer,
            orderRef,
            token,
            amount,
            SUPPORT_UNTIL
        );
        bytes memory signature = _sign(atOtherMerchant ? OTHER_SIGNER_KEY : SIGNER_KEY, receipt);
        vm.expectEmit(true, true, true, true, address(desk));
        emit ISupportDesk.TicketVerified(1, orderRef, atOtherMerchant ? otherSigner : signer, token, amount);
        vm.prank(customer);
        uint256 id = desk.openTicketWithReceipt(receipt, signature, CONTENT, priority);
        (bool verified, bytes32 storedRef, address storedToken, uint256 storedAmount, ) = desk.receiptOf(id);
        vm.assertTrue(verified, "verified");
        vm.assertEq(storedRef, orderRef, "order");
        vm.assertEq(storedToken, token, "token");
        vm.assertEq(storedAmount, amount, "amount");
        vm.assertEq(desk.merchantOf(id), merchantId, "at the receipt's merchant");
        vm.assertEq(desk.customerOf(id), customer, "for the receipt's customer");
    }

    function test_receiptOf_plainTicketIsNotVerified() public {
        vm.prank(CUSTOMER);
        uint256 id = desk.openTicket(1, ORDER, CONTENT, 1);
        (bool verified, bytes32 orderRef, address token, uint256 amount, uint64 supportUntil) = desk
            .receiptOf(id);
        vm.assertEq(verified, false, "not verified");
        vm.assertEq(orderRef, bytes32(0), "no order");
        vm.assertEq(token, address(0), "no token");
        vm.assertEq(amount, 0, "no amount");
        vm.assertEq(supportUntil, 0, "no support period");
        vm.assertEq(desk.getTicket(id).verified, false, "getTicket: not verified");
    }

    /*//////////////////////////////////////////////////////////////
                                SIGNERS
    //////////////////////////////////////////////////////////////*/

    function test_openTicketWithReceipt_revertWhen_signerNotAccepted() public {
        ISupportDesk.OrderReceipt memory receipt = _receipt();
        bytes memory signature = _sign(ROGUE_KEY, receipt);
        vm.expectRevert(
            abi.encodeWithSelector(ISupportDesk.DeskNotOrderSigner.selector, 1, vm.addr(ROGUE_KEY))
        );
        _open(receipt, signature);
        _assertNotVerified(0);
    }

    /// @notice Another merchant's checkout key is no signer here.
    function test_openTicketWithReceipt_revertWhen_otherMerchantsSigner() public {
        ISupportDesk.OrderReceipt memory receipt = _receipt();
        bytes memory signature = _sign(OTHER_SIGNER_KEY, receipt);
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskNotOrderSigner.selector, 1, otherSigner));
        _open(receipt, signature);
    }

    /// @notice A revoked signer's receipts open nothing new; the tickets they opened stay verified.
    function test_openTicketWithReceipt_revertWhen_signerRevoked() public {
        ISupportDesk.OrderReceipt memory receipt = _receipt();
        bytes memory signature = _sign(SIGNER_KEY, receipt);
        uint256 id = _open(receipt, signature);
        vm.expectEmit(true, true, true, true, address(desk));
        emit ISupportDesk.OrderSignerSet(1, signer, false);
        vm.prank(ADMIN);
        desk.setOrderSigner(1, signer, false);
        vm.assertEq(desk.isOrderSigner(1, signer), false, "revoked");

        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskNotOrderSigner.selector, 1, signer));
        _open(receipt, signature);
        (bool verified, , , , ) = desk.receiptOf(id);
        vm.assertTrue(verified, "the earlier ticket stays verified");
        _assertNotVerified(1);
    }

    function test_setOrderSigner_revertWhen_notAdmin() public {
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskNotMerchantAdmin.selector, 1, STRANGER));
        desk.setOrderSigner(1, STRANGER, true);
        vm.prank(OTHER_ADMIN);
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskNotMerchantAdmin.selector, 1, OTHER_ADMIN));
        desk.setOrderSigner(1, otherSigner, true);
        vm.assertEq(desk.isOrderSigner(1, otherSigner), false, "nothing accepted");
    }

    function test_setOrderSigner_revertWhen_zeroAddress() public {
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskInvalidOrderSigner.selector, address(0)));
        desk.setOrderSigner(1, address(0), true);
    }

    /*//////////////////////////////////////////////////////////////
                            WHAT A RECEIPT BINDS
    //////////////////////////////////////////////////////////////*/

    /// @notice Opening is allowed up to `supportUntil`, its last second included, and not one second later.
    function testFuzz_openTicketWithReceipt_onlyUntilSupportUntil(uint256 offset) public {
        ISupportDesk.OrderReceipt memory receipt = _receipt();
        bytes memory signature = _sign(SIGNER_KEY, receipt);
        // Half the runs within a second of the edge, the others up to a year either side.
        uint256 at =
            offset % 2 == 0
                ? SUPPORT_UNTIL - 1 + ((offset >> 1) % 3)
                : _bound(offset >> 1, START, uint256(SUPPORT_UNTIL) + 365 days);
        vm.warp(at);
        if (at > SUPPORT_UNTIL) {
            vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskReceiptExpired.selector, SUPPORT_UNTIL));
        }
        _open(receipt, signature);
        vm.assertEq(desk.ticketCount(), at > SUPPORT_UNTIL ? 0 : 1, "opened iff not after supportUntil");
    }

    function test_openTicketWithReceipt_atSupportUntilAndNotAfter() public {
        ISupportDesk.OrderReceipt memory receipt = _receipt();
        bytes memory signature = _sign(SIGNER_KEY, receipt);
        vm.warp(SUPPORT_UNTIL);
        _open(receipt, signature);
        vm.warp(uint256(SUPPORT_UNTIL) + 1);
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskReceiptExpired.selector, SUPPORT_UNTIL));
        _open(receipt, signature);
        _assertNotVerified(1);
    }

    /// @notice Only the receipt's customer may use it, whoever else holds it.
    function testFuzz_openTicketWithReceipt_revertWhen_notTheReceiptsCustomer(address caller) public {
        vm.assume(caller != CUSTOMER && caller != FORWARDER);
        ISupportDesk.OrderReceipt memory receipt = _receipt();
        bytes memory signature = _sign(SIGNER_KEY, receipt);
        vm.prank(caller);
        vm.expectRevert(
            abi.encodeWithSelector(ISupportDesk.DeskReceiptNotForCaller.selector, CUSTOMER, caller)
        );
        desk.openTicketWithReceipt(receipt, signature, CONTENT, 1);
        _assertNotVerified(0);
    }

    /// @notice Changing any field after signing breaks the signature: it recovers to another account, which
    /// is no signer. (The customer is changed together with the caller, so that the signature is what fails.)
    function testFuzz_openTicketWithReceipt_revertWhen_fieldTampered(uint256 field, uint256 value) public {
        field = _bound(field, 0, 7);
        ISupportDesk.OrderReceipt memory receipt = _receipt();
        bytes memory signature = _sign(SIGNER_KEY, receipt);
        // Every altered value differs from the signed one and passes the checks made before the signature's.
        if (field == 0) receipt.merchantId = 2;
        else if (field == 1) receipt.customer = address(uint160(_bound(value, 1, type(uint160).max)));
        else if (field == 2) receipt.orderRef = bytes32(_bound(value, 1, type(uint256).max));
        else if (field == 3) receipt.token = address(uint160(_bound(value, 1, type(uint160).max)));
        else if (field == 4) receipt.amount = _bound(value, 0, type(uint256).max - 1);
        else if (field == 5) receipt.itemsHash = bytes32(value);
        else if (field == 6) receipt.purchasedAt = uint64(_bound(value, 0, type(uint64).max));
        else receipt.supportUntil = uint64(_bound(value, START, type(uint64).max));
        // The draws above can land on the signed value (the customer FORWARDER would be a relayed call).
        vm.assume(Receipts.structHash(receipt) != Receipts.structHash(_receipt()));
        vm.assume(receipt.customer != FORWARDER);
        _expectNotOrderSigner(receipt, signature);
        _open(receipt, signature);
        _assertNotVerified(0);
    }

    /// @notice A receipt of merchant 1 cannot be replayed at merchant 2, even when both accept the same
    /// checkout signer (a shared payment provider): the merchant is part of what is signed, and each
    /// merchant's orders are its own.
    function test_openTicketWithReceipt_revertWhen_reusedAtAnotherMerchant() public {
        vm.prank(OTHER_ADMIN);
        desk.setOrderSigner(2, signer, true);
        ISupportDesk.OrderReceipt memory receipt = _receipt();
        bytes memory signature = _sign(SIGNER_KEY, receipt);
        _open(receipt, signature);

        receipt.merchantId = 2;
        _expectNotOrderSigner(receipt, signature);
        _open(receipt, signature);

        // Merchant 2's own receipt with the same order commitment is a different order, with its own terms.
        ISupportDesk.OrderReceipt memory own = Receipts.receipt(2, CUSTOMER, ORDER, TOKEN, 5, SUPPORT_UNTIL);
        uint256 id = _open(own, _sign(SIGNER_KEY, own));
        (, , address token, uint256 amount, ) = desk.receiptOf(id);
        vm.assertEq(token, TOKEN, "merchant 2's order token");
        vm.assertEq(amount, 5, "merchant 2's order amount");
    }

    /// @notice The chain id is part of the domain: a receipt signed for another chain is refused here.
    function testFuzz_openTicketWithReceipt_revertWhen_signedForAnotherChain(uint256 otherChain) public {
        vm.assume(otherChain != block.chainid);
        ISupportDesk.OrderReceipt memory receipt = _receipt();
        bytes memory signature = Receipts.sign(
            SIGNER_KEY,
            Receipts.digest(address(desk), otherChain, receipt)
        );
        _expectNotOrderSigner(receipt, signature);
        _open(receipt, signature);
        _assertNotVerified(0);
    }

    /// @notice After a chain split, a receipt signed before it is refused on the other fork: the desk builds
    /// its domain with the chain id of the moment, not the one it was deployed on.
    function test_openTicketWithReceipt_revertWhen_chainIdChanged() public {
        ISupportDesk.OrderReceipt memory receipt = _receipt();
        bytes memory signature = _sign(SIGNER_KEY, receipt);
        uint256 forkChain = block.chainid + 1;
        vm.chainId(forkChain);
        (bytes32 r, bytes32 s, uint8 v) = Receipts.split(signature);
        address recovered = ecrecover(Receipts.digest(address(desk), forkChain, receipt), v, r, s);
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskNotOrderSigner.selector, 1, recovered));
        _open(receipt, signature);
        // Signed for the fork, it opens there.
        uint256 id = _open(
            receipt,
            Receipts.sign(SIGNER_KEY, Receipts.digest(address(desk), forkChain, receipt))
        );
        vm.assertEq(id, 1, "opened with a receipt of this chain");
    }

    /// @notice The desk is part of the domain: a receipt signed for another deployment is refused here,
    /// even where the same merchant id accepts the same signer.
    function test_openTicketWithReceipt_revertWhen_signedForAnotherDesk() public {
        ISupportDesk other = ISupportDesk(address(new SupportDesk(FORWARDER, ARBITER)));
        other.registerMerchant(ADMIN, keccak256("m1"));
        vm.prank(ADMIN);
        other.setOrderSigner(1, signer, true);
        ISupportDesk.OrderReceipt memory receipt = _receipt();
        bytes memory forOther = Receipts.sign(SIGNER_KEY, address(other), receipt);

        _expectNotOrderSigner(receipt, forOther);
        _open(receipt, forOther);
        vm.prank(CUSTOMER);
        uint256 id = other.openTicketWithReceipt(receipt, forOther, CONTENT, 1);
        vm.assertEq(other.getTicket(id).verified, true, "valid at the desk it was signed for");
        _assertNotVerified(0);
    }

    function test_openTicketWithReceipt_revertWhen_noOrderRef() public {
        ISupportDesk.OrderReceipt memory receipt = _receipt();
        receipt.orderRef = 0;
        bytes memory signature = _sign(SIGNER_KEY, receipt);
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskInvalidOrderRef.selector, bytes32(0)));
        _open(receipt, signature);
    }

    /*//////////////////////////////////////////////////////////////
                               MALLEABILITY
    //////////////////////////////////////////////////////////////*/

    /// @notice The high-s twin of a valid signature (s' = n - s, v flipped) recovers the same signer with
    /// plain `ecrecover`, and the desk refuses it: a signature has one encoding only.
    function testFuzz_openTicketWithReceipt_revertWhen_highS(bytes32 orderRef, uint256 amount) public {
        vm.assume(orderRef != 0);
        ISupportDesk.OrderReceipt memory receipt = Receipts.receipt(
            1,
            CUSTOMER,
            orderRef,
            address(0),
            amount,
            SUPPORT_UNTIL
        );
        bytes32 digest = Receipts.digest(address(desk), receipt);
        bytes memory signature = _sign(SIGNER_KEY, receipt);
        bytes memory twin = Receipts.malleate(signature);
        (bytes32 r, bytes32 s, uint8 v) = Receipts.split(twin);
        vm.assertTrue(uint256(s) > Receipts.SECP256K1_N / 2, "the twin is high-s");
        vm.assertEq(ecrecover(digest, v, r, s), signer, "the twin recovers the signer with ecrecover");

        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskInvalidReceiptSignature.selector, 1, digest));
        _open(receipt, twin);
        _assertNotVerified(0);
        _open(receipt, signature);
    }

    /*//////////////////////////////////////////////////////////////
                             ONE ORDER'S TERMS
    //////////////////////////////////////////////////////////////*/

    /// @notice The first verified ticket fixes the order's token and amount; a receipt of the same order
    /// with another token or amount is refused, naming the terms on record. Same terms open more tickets.
    function testFuzz_openTicketWithReceipt_revertWhen_orderTermsDiffer(
        bool otherToken,
        uint256 otherAmount
    ) public {
        ISupportDesk.OrderReceipt memory first = _receipt();
        _open(first, _sign(SIGNER_KEY, first));
        uint256 again = _open(first, _sign(SIGNER_KEY, first));
        vm.assertEq(again, 2, "the same order opens several tickets");

        ISupportDesk.OrderReceipt memory second = _receipt();
        if (otherToken) second.token = TOKEN;
        else second.amount = otherAmount;
        vm.assume(!(second.token == first.token && second.amount == first.amount));
        bytes memory signature = _sign(SIGNER_KEY, second);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISupportDesk.DeskOrderTermsMismatch.selector,
                1,
                ORDER,
                address(0),
                1 ether
            )
        );
        _open(second, signature);
        _assertNotVerified(2);
    }

    /// @notice A later receipt of the same order may extend its support; an earlier one never shortens it.
    function test_receiptOf_keepsTheLatestSupportUntil() public {
        ISupportDesk.OrderReceipt memory first = _receipt();
        uint256 id = _open(first, _sign(SIGNER_KEY, first));
        ISupportDesk.OrderReceipt memory extended = _receipt();
        extended.supportUntil = SUPPORT_UNTIL + 60 days;
        _open(extended, _sign(SIGNER_KEY, extended));
        (, , , , uint64 supportUntil) = desk.receiptOf(id);
        vm.assertEq(supportUntil, SUPPORT_UNTIL + 60 days, "extended");
        ISupportDesk.OrderReceipt memory shorter = _receipt();
        shorter.supportUntil = SUPPORT_UNTIL - 1 days;
        _open(shorter, _sign(SIGNER_KEY, shorter));
        (, , , , supportUntil) = desk.receiptOf(id);
        vm.assertEq(supportUntil, SUPPORT_UNTIL + 60 days, "never shortened");
    }

    /*//////////////////////////////////////////////////////////////
                           RECEIPT-ONLY MERCHANTS
    //////////////////////////////////////////////////////////////*/

    function test_openTicket_revertWhen_receiptRequired() public {
        vm.expectEmit(true, true, true, true, address(desk));
        emit ISupportDesk.ReceiptRequirementSet(1, true);
        vm.prank(ADMIN);
        desk.setReceiptRequired(1, true);
        vm.assertTrue(desk.receiptRequired(1), "required");

        vm.prank(CUSTOMER);
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskReceiptRequired.selector, 1));
        desk.openTicket(1, ORDER, CONTENT, 1);
        _assertNotVerified(0);

        ISupportDesk.OrderReceipt memory receipt = _receipt();
        uint256 id = _open(receipt, _sign(SIGNER_KEY, receipt));
        vm.assertTrue(desk.getTicket(id).verified, "a receipt still opens a ticket");
        vm.prank(CUSTOMER);
        desk.openTicket(2, ORDER, CONTENT, 1); // merchant 2 does not require one
        vm.prank(ADMIN);
        desk.setReceiptRequired(1, false);
        vm.prank(CUSTOMER);
        desk.openTicket(1, ORDER, CONTENT, 1);
        vm.assertEq(desk.ticketCount(), 3, "plain tickets again once no longer required");
    }

    function test_setReceiptRequired_revertWhen_notAdmin() public {
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskNotMerchantAdmin.selector, 1, STRANGER));
        desk.setReceiptRequired(1, true);
        vm.assertEq(desk.receiptRequired(1), false, "unchanged");
    }

    /*//////////////////////////////////////////////////////////////
                            ERC-1271 SIGNERS
    //////////////////////////////////////////////////////////////*/

    /// @dev A Safe-like contract signer owned by SAFE_OWNER, accepted by merchant 1.
    function _contractSigner() internal returns (Erc1271SignerMock safe) {
        safe = new Erc1271SignerMock(SAFE_OWNER);
        vm.prank(ADMIN);
        desk.setOrderSigner(1, address(safe), true);
    }

    /// @notice A contract signer's receipt (its address, then what its `isValidSignature` accepts) opens a
    /// verified ticket naming the contract as signer; once it revokes its approval, the receipt opens none.
    function test_openTicketWithReceipt_erc1271SignerThenRevoked() public {
        Erc1271SignerMock safe = _contractSigner();
        ISupportDesk.OrderReceipt memory receipt = _receipt();
        bytes32 digest = Receipts.digest(address(desk), receipt);
        bytes memory approval = abi.encode(keccak256("owners' approval"));
        vm.prank(SAFE_OWNER);
        safe.approveDigest(digest, approval);
        bytes memory signature = abi.encodePacked(address(safe), approval);

        vm.expectEmit(true, true, true, true, address(desk));
        emit ISupportDesk.TicketVerified(1, ORDER, address(safe), address(0), 1 ether);
        uint256 id = _open(receipt, signature);
        vm.assertTrue(desk.getTicket(id).verified, "verified by the contract signer");

        vm.prank(SAFE_OWNER);
        safe.revokeDigest(digest);
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskInvalidReceiptSignature.selector, 1, digest));
        _open(receipt, signature);
        _assertNotVerified(1);
    }

    /// @notice The contract signer's answer is about these bytes: other bytes for the same digest fail.
    function test_openTicketWithReceipt_revertWhen_erc1271SignatureNotApproved() public {
        Erc1271SignerMock safe = _contractSigner();
        ISupportDesk.OrderReceipt memory receipt = _receipt();
        bytes32 digest = Receipts.digest(address(desk), receipt);
        vm.prank(SAFE_OWNER);
        safe.approveDigest(digest, abi.encode(keccak256("owners' approval")));
        bytes memory forged = abi.encodePacked(address(safe), abi.encode(keccak256("someone else's bytes")));
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskInvalidReceiptSignature.selector, 1, digest));
        _open(receipt, forged);
    }

    /// @notice A contract that approves the digest but is not (or no longer) an order signer opens nothing.
    function test_openTicketWithReceipt_revertWhen_erc1271SignerNotAccepted() public {
        Erc1271SignerMock safe = _contractSigner();
        vm.prank(ADMIN);
        desk.setOrderSigner(1, address(safe), false);
        ISupportDesk.OrderReceipt memory receipt = _receipt();
        bytes32 digest = Receipts.digest(address(desk), receipt);
        bytes memory approval = abi.encode(keccak256("owners' approval"));
        vm.prank(SAFE_OWNER);
        safe.approveDigest(digest, approval);
        vm.expectRevert(abi.encodeWithSelector(ISupportDesk.DeskInvalidReceiptSignature.selector, 1, digest));
        _open(receipt, abi.encodePacked(address(safe), approval));
        _assertNotVerified(0);
    }
}
