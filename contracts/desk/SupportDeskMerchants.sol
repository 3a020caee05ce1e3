// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";

import {ISupportDesk} from "../interfaces/ISupportDesk.sol";
import {IRefundEscrow} from "../interfaces/IRefundEscrow.sol";
import {DelegatedModule} from "../utils/DelegatedModule.sol";
import {SupportDeskStorage} from "./SupportDeskStorage.sol";

/// @title SupportDeskMerchants
/// @notice The merchant-administration half of CareLedger's support desk: registering merchants, their
/// admins and agents, policy, deadline compensation, order signers and the receipt requirement. See
/// {ISupportDesk} for the rules.
/// @dev `SupportDesk` deploys this module in its constructor and runs these functions in its own storage
/// through DELEGATECALL (`ModuleHost`), because the desk's hot paths at 10,000 optimizer runs and this code
/// together exceed EIP-170's 24,576 bytes. Every function here is declared by the desk, which emits the
/// events and reverts with the errors of {ISupportDesk}; called directly, they revert `ModuleNotDelegated`.
/// Relayed calls keep their signer: the forwarder's suffix is part of the delegated call data, and this
/// module trusts the same forwarder as the desk.
contract SupportDeskMerchants is SupportDeskStorage, ERC2771Context, DelegatedModule {
    /// @dev The defaults a new merchant starts with (its arbiter is the deployment's default arbiter).
    uint32 private constant _DEFAULT_FIRST_RESPONSE_TIME = 1 days;
    uint32 private constant _DEFAULT_RESOLUTION_TIME = 3 days;
    uint32 private constant _DEFAULT_REOPEN_WINDOW = 7 days;
    /// @dev Equal to the reopen window: a stranger may close a resolved ticket only once its customer
    /// can no longer reopen it (`setPolicy` keeps `autoCloseDelay >= reopenWindow`).
    uint32 private constant _DEFAULT_AUTO_CLOSE_DELAY = 7 days;
    uint32 private constant _DEFAULT_REFUND_RESPONSE_TIME = 3 days;
    uint32 private constant _DEFAULT_DISPUTE_WINDOW = 7 days;

    uint32 private constant _MAX_POLICY_TIME = 365 days;

    address private immutable _DEFAULT_ARBITER;

    /// @param trustedForwarder The desk's ERC-2771 forwarder.
    /// @param defaultArbiter The arbiter new merchants get in their default policy (`address(0)`: none).
    constructor(address trustedForwarder, address defaultArbiter) ERC2771Context(trustedForwarder) {
        _DEFAULT_ARBITER = defaultArbiter;
    }

    /// @notice {ISupportDesk-registerMerchant}, run in the desk's storage.
    function registerMerchant(
        address admin,
        bytes32 profileHash
    ) external onlyDelegated returns (uint32 merchantId) {
        if (admin == address(0)) revert ISupportDesk.DeskInvalidAdmin(admin);
        merchantId = ++_merchantCount; // 4 billion merchants before this reverts

        Merchant storage merchant = _merchants[merchantId];
        merchant.firstResponseTime = _DEFAULT_FIRST_RESPONSE_TIME;
        merchant.resolutionTime = _DEFAULT_RESOLUTION_TIME;
        merchant.admin = admin;
        merchant.reopenWindow = _DEFAULT_REOPEN_WINDOW;
        merchant.autoCloseDelay = _DEFAULT_AUTO_CLOSE_DELAY;
        merchant.refundResponseTime = _DEFAULT_REFUND_RESPONSE_TIME;
        merchant.arbiter = _DEFAULT_ARBITER;
        merchant.disputeWindow = _DEFAULT_DISPUTE_WINDOW;
        _roles[merchantId][admin] = _ROLE_ADMIN;

        emit ISupportDesk.MerchantRegistered(merchantId, admin, profileHash);
        emit ISupportDesk.PolicySet(merchantId, _policy(merchant), _msgSender());
    }

    /// @notice {ISupportDesk-setAgent}, run in the desk's storage.
    function setAgent(uint32 merchantId, address agent, bool enabled) external onlyDelegated {
        address sender = _requireAdmin(merchantId);
        if (agent == address(0)) revert ISupportDesk.DeskInvalidAgent(agent);
        uint8 roles = _roles[merchantId][agent];
        _roles[merchantId][agent] = enabled ? roles | _ROLE_AGENT : roles & ~_ROLE_AGENT;
        emit ISupportDesk.AgentSet(merchantId, agent, enabled, sender);
    }

    /// @notice {ISupportDesk-transferMerchantAdmin}, run in the desk's storage.
    function transferMerchantAdmin(uint32 merchantId, address newAdmin) external onlyDelegated {
        address sender = _requireAdmin(merchantId);
        _merchants[merchantId].pendingAdmin = newAdmin;
        emit ISupportDesk.MerchantAdminTransferStarted(merchantId, sender, newAdmin);
    }

    /// @notice {ISupportDesk-acceptMerchantAdmin}, run in the desk's storage.
    function acceptMerchantAdmin(uint32 merchantId) external onlyDelegated {
        _requireMerchant(merchantId);
        address sender = _msgSender();
        Merchant storage merchant = _merchants[merchantId];
        if (sender != merchant.pendingAdmin) revert ISupportDesk.DeskNotPendingAdmin(merchantId, sender);

        address previousAdmin = merchant.admin;
        merchant.admin = sender;
        delete merchant.pendingAdmin;
        _roles[merchantId][previousAdmin] &= ~_ROLE_ADMIN;
        _roles[merchantId][sender] |= _ROLE_ADMIN;

        emit ISupportDesk.MerchantAdminTransferred(merchantId, previousAdmin, sender);
    }

    /// @notice {ISupportDesk-setPolicy}, run in the desk's storage.
    function setPolicy(uint32 merchantId, ISupportDesk.Policy calldata policy) external onlyDelegated {
        address sender = _requireAdmin(merchantId);
        _checkPolicyTime(0, policy.firstResponseTime);
        _checkPolicyTime(1, policy.resolutionTime);
        _checkPolicyTime(2, policy.reopenWindow);
        _checkPolicyTime(3, policy.autoCloseDelay);
        _checkPolicyTime(4, policy.refundResponseTime);
        _checkPolicyTime(5, policy.disputeWindow);
        if (policy.autoCloseDelay < policy.reopenWindow) {
            revert ISupportDesk.DeskAutoCloseBeforeReopenWindow(policy.autoCloseDelay, policy.reopenWindow);
        }

        Merchant storage merchant = _merchants[merchantId];
        _startTermsVersion(merchantId, merchant);
        merchant.firstResponseTime = policy.firstResponseTime;
        merchant.resolutionTime = policy.resolutionTime;
        merchant.reopenWindow = policy.reopenWindow;
        merchant.autoCloseDelay = policy.autoCloseDelay;
        merchant.refundResponseTime = policy.refundResponseTime;
        merchant.arbiter = policy.arbiter;
        merchant.disputeWindow = policy.disputeWindow;

        emit ISupportDesk.PolicySet(merchantId, policy, sender);
    }

    /// @notice {ISupportDesk-setSlaCompensation}, run in the desk's storage.
    function setSlaCompensation(
        uint32 merchantId,
        ISupportDesk.SlaCompensation calldata compensation
    ) external onlyDelegated {
        address sender = _requireAdmin(merchantId);
        uint256 required = uint256(compensation.firstResponseAmount) + compensation.resolutionAmount;
        if (required != 0) {
            address escrow_ = _escrow;
            uint256 available =
                escrow_ == address(0) ? 0 : IRefundEscrow(escrow_).reserveOf(merchantId, compensation.token);
            if (available < required) {
                revert ISupportDesk.DeskSlaCompensationUnbacked(
                    merchantId,
                    compensation.token,
                    available,
                    required
                );
            }
        }
        Merchant storage merchant = _merchants[merchantId];
        _startTermsVersion(merchantId, merchant);
        merchant.compensation = compensation;
        emit ISupportDesk.SlaCompensationSet(merchantId, compensation, sender);
    }

    /// @notice {ISupportDesk-setOrderSigner}, run in the desk's storage.
    function setOrderSigner(uint32 merchantId, address signer, bool allowed) external onlyDelegated {
        _requireAdmin(merchantId);
        if (signer == address(0)) revert ISupportDesk.DeskInvalidOrderSigner(signer);
        _orderSigners[merchantId][signer] = allowed;
        emit ISupportDesk.OrderSignerSet(merchantId, signer, allowed);
    }

    /// @notice {ISupportDesk-setReceiptRequired}, run in the desk's storage.
    function setReceiptRequired(uint32 merchantId, bool required) external onlyDelegated {
        _requireAdmin(merchantId);
        _merchants[merchantId].receiptRequired = required;
        emit ISupportDesk.ReceiptRequirementSet(merchantId, required);
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Archives the merchant's current terms under their version and starts the next version; the
    /// caller then writes the new terms.
    function _startTermsVersion(uint32 merchantId, Merchant storage merchant) private {
        uint16 current = merchant.termsVersion;
        if (current == type(uint16).max) revert ISupportDesk.DeskTooManyTermsVersions(merchantId);
        Terms storage archived = _archivedTerms[merchantId][current];
        archived.policy = _policy(merchant);
        archived.compensation = merchant.compensation;
        unchecked {
            merchant.termsVersion = ++current; // checked against the maximum above
        }
        emit ISupportDesk.TermsVersionStarted(merchantId, current);
    }

    function _checkPolicyTime(uint8 field, uint32 value) private pure {
        if (value == 0 || value > _MAX_POLICY_TIME) revert ISupportDesk.DeskInvalidPolicyTime(field, value);
    }

    /*//////////////////////////////////////////////////////////////
                          ERC-2771 / CONTEXT GLUE
    //////////////////////////////////////////////////////////////*/

    /// @dev The signer of a relayed call, else the caller.
    function _msgSender() internal view override(Context, ERC2771Context) returns (address) {
        return ERC2771Context._msgSender();
    }

    /// @dev The calldata without the forwarder's appended signer.
    function _msgData() internal view override(Context, ERC2771Context) returns (bytes calldata) {
        return ERC2771Context._msgData();
    }

    /// @dev 20 bytes of signer address appended by the forwarder.
    function _contextSuffixLength() internal view override(Context, ERC2771Context) returns (uint256) {
        return ERC2771Context._contextSuffixLength();
    }
}
