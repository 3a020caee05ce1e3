// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ISupportDesk
/// @notice CareLedger's multi-tenant support desk: merchants with admins, agents and a service policy,
/// and customer tickets moving through a guarded state machine whose full timeline lives in events.
/// @dev Every content field (order reference, message, note, reason) is a 32-byte commitment
/// `keccak256(abi.encode(salt, contentDigest))` of an off-chain document: no personal data on chain.
///
/// Service-level clock rules (the same in NatSpec, the README and the SDK):
/// - A ticket's service cycle starts when it is opened, and again when it is reopened (new deadlines).
/// - First response falls due `firstResponseTime` after the cycle starts. It is met by the first message
///   of an admin or agent (or by resolving the ticket) at or before that instant; one second later it is
///   missed. Assigning a ticket is not a response.
/// - Resolution falls due `resolutionTime` after the cycle starts, plus every second the ticket spent in
///   `AwaitingCustomer` (the clock stops while the merchant waits on the customer and restarts when the
///   customer answers). A deadline already missed when the clock stopped stays missed (the reported
///   due time still moves with the pause, since it is always `resolutionTime` of running clock).
/// - A deadline is missed when `block.timestamp > dueAt`; at `dueAt` exactly it is still met.
/// - Each deadline of a cycle counts once in the merchant's public hit rate: as met or missed when the
///   merchant responds or resolves, or as missed as soon as it is escalated on or compensated.
/// - Terms are fixed when they start to apply (see "Terms versions" below): a cycle keeps the first-response
///   and resolution times and the compensation terms in force when it started, so a deadline that has
///   passed stays missed whatever the merchant changes afterwards; a resolved ticket keeps the reopen window
///   and auto-close delay in force when it was resolved; a refund keeps the response time, dispute window
///   and arbiter in force when it was requested. `policyOf` and `slaCompensationOf` show the current terms,
///   which apply to what starts next.
///
/// Terms versions: every `setPolicy` or `setSlaCompensation` archives the merchant's terms under their
/// version number and starts the next version (`termsVersionOf`, `TermsVersionStarted`); the events
/// `PolicySet` and `SlaCompensationSet` give each version's terms. A ticket's cycle and a refund
/// reference the version they started under.
///
/// Verified orders: a merchant's checkout signs an EIP-712 `OrderReceipt` (domain name `CareLedger`,
/// version `1`, this chain, this desk) for each order; `openTicketWithReceipt` opens a verified ticket
/// with it. Deadline compensation is paid on verified tickets only, and the escrow caps the refunds of
/// one order at the receipt's amount.
interface ISupportDesk {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice A ticket's state. A reopened ticket goes back to `Open`; its events show the reopen.
    enum Status {
        None,
        Open,
        InProgress,
        AwaitingCustomer,
        Resolved,
        Closed,
        Escalated,
        Cancelled
    }

    /// @notice A merchant's service policy. All times are in seconds.
    /// @param firstResponseTime Time from (re)opening to the first agent response.
    /// @param resolutionTime Time from (re)opening to resolution, not counting time awaiting the customer.
    /// @param reopenWindow Time after resolution during which the customer may reopen (up to and
    /// including `resolvedAt + reopenWindow`).
    /// @param autoCloseDelay Time after resolution from which anyone may close the ticket; never less than
    /// `reopenWindow`, so nobody but the customer can end the reopen window early (the customer may
    /// close it at any time with `confirmResolution`).
    /// @param refundResponseTime Time the merchant has to approve or reject a refund request before
    /// anyone may execute it; a request keeps the deadline it started with.
    /// @param disputeWindow Time after a rejection during which the customer may dispute it.
    /// @param arbiter Who decides this merchant's disputed refunds; `address(0)` means no disputes.
    struct Policy {
        uint32 firstResponseTime;
        uint32 resolutionTime;
        uint32 reopenWindow;
        uint32 autoCloseDelay;
        uint32 refundResponseTime;
        uint32 disputeWindow;
        address arbiter;
    }

    /// @notice What a merchant pays a customer, from its refund reserve, when it misses a deadline.
    /// @param token The ERC-20 paid, or `address(0)` for ETH.
    /// @param firstResponseAmount Paid when a ticket's first-response deadline is missed (0: none).
    /// @param resolutionAmount Paid when a ticket's resolution deadline is missed (0: none).
    /// @param autoPay When true the compensation is paid, without anyone claiming it, in the transaction
    /// that records the miss: the merchant's late response or resolution, the customer's escalation or
    /// cancellation. Otherwise (and in any case once the deadline has passed) anyone may call
    /// `RefundEscrow.claimSlaCompensation`.
    struct SlaCompensation {
        address token;
        uint96 firstResponseAmount;
        uint96 resolutionAmount;
        bool autoPay;
    }

    /// @notice A ticket as the views return it (storage is packed differently; see SupportDesk).
    /// @param customer The customer who opened it.
    /// @param merchantId The merchant it is addressed to.
    /// @param status Its current state.
    /// @param priority 0 low, 1 normal, 2 high, 3 urgent.
    /// @param assignee The agent it is assigned to, or `address(0)`.
    /// @param firstResponseDueAt When the current cycle's first response falls due; 0 once it was made
    /// or the ticket is no longer active (`SlaDeadlineSettled` recorded when it fell due).
    /// @param resolutionDueAt When the current cycle's resolution falls due (while awaiting the
    /// customer: the instant it would fall due if the customer answered now); 0 once resolved or cancelled.
    /// @param resolvedAt When it was last resolved (0 if it has not been, or was reopened since).
    /// @param firstResponded Whether the current cycle's first response was made.
    /// @param firstResponseMissed Whether the current cycle's first-response deadline is missed.
    /// @param resolutionMissed Whether the current cycle's resolution deadline is missed.
    /// @param firstResponseCompensated Whether the current cycle's first-response miss was compensated.
    /// @param resolutionCompensated Whether the current cycle's resolution miss was compensated. When a ticket
    /// is resolved under a newer terms version than its cycle's, every miss of the ended cycle is settled under
    /// the cycle's own terms and both flags read true for its misses, even where those terms paid nothing.
    /// @param verified Whether it was opened with an order receipt (`openTicketWithReceipt`).
    /// @param termsVersion The merchant's terms version its current cycle (or, once resolved, its
    /// resolution) runs under.
    struct TicketView {
        address customer;
        uint32 merchantId;
        Status status;
        uint8 priority;
        address assignee;
        uint64 firstResponseDueAt;
        uint64 resolutionDueAt;
        uint64 resolvedAt;
        bool firstResponded;
        bool firstResponseMissed;
        bool resolutionMissed;
        bool firstResponseCompensated;
        bool resolutionCompensated;
        bool verified;
        uint16 termsVersion;
    }

    /// @notice A merchant's receipt for one order, signed by one of its order signers (EIP-712).
    /// @param merchantId The merchant that sold (and signs).
    /// @param customer The only account that may open tickets with this receipt.
    /// @param orderRef Commitment of the merchant's order record (never 0); all receipts of one order
    /// carry the same `token` and `amount`.
    /// @param token What the customer paid in: an ERC-20, or `address(0)` for ETH; refunds of the order
    /// are paid in it.
    /// @param amount What the customer paid: the cap on all refunds of the order together.
    /// @param itemsHash Commitment of what was sold (serial numbers, batch ids), so the customer can prove
    /// later which item a complaint is about.
    /// @param purchasedAt When the order was placed (unix seconds; informational).
    /// @param supportUntil The last second at which a ticket may be opened with this receipt.
    struct OrderReceipt {
        uint32 merchantId;
        address customer;
        bytes32 orderRef;
        address token;
        uint256 amount;
        bytes32 itemsHash;
        uint64 purchasedAt;
        uint64 supportUntil;
    }

    /// @notice A merchant's public service record: each deadline counted once per ticket cycle.
    struct SlaStats {
        uint64 firstResponseMet;
        uint64 firstResponseMissed;
        uint64 resolutionMet;
        uint64 resolutionMissed;
    }

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice No merchant has id `merchantId`.
    error DeskUnknownMerchant(uint32 merchantId);
    /// @notice No ticket has id `ticketId`.
    error DeskUnknownTicket(uint256 ticketId);
    /// @notice `admin` cannot administer a merchant (it is `address(0)`).
    error DeskInvalidAdmin(address admin);
    /// @notice `agent` cannot be given or stripped of the agent role (it is `address(0)`).
    error DeskInvalidAgent(address agent);
    /// @notice `escrow` cannot be bound as the refund escrow (it is `address(0)`).
    error DeskInvalidEscrow(address escrow);
    /// @notice `caller` is not the admin of merchant `merchantId`.
    error DeskNotMerchantAdmin(uint32 merchantId, address caller);
    /// @notice `caller` is neither the admin nor an agent of merchant `merchantId`.
    error DeskNotMerchantStaff(uint32 merchantId, address caller);
    /// @notice `caller` is not the pending admin of merchant `merchantId`.
    error DeskNotPendingAdmin(uint32 merchantId, address caller);
    /// @notice `caller` is not the customer of ticket `ticketId`.
    error DeskNotCustomer(uint256 ticketId, address caller);
    /// @notice `caller` is neither the customer of ticket `ticketId` nor its merchant's admin or agent.
    error DeskNotParticipant(uint256 ticketId, address caller);
    /// @notice `agent` cannot be assigned: it is not an agent or the admin of merchant `merchantId`.
    error DeskNotAnAgent(uint32 merchantId, address agent);
    /// @notice Ticket `ticketId` is in `status`, from which `caller` cannot make this move.
    error DeskInvalidTransition(uint256 ticketId, Status status, address caller);
    /// @notice Ticket `ticketId` can only be cancelled before an agent was assigned or answered.
    error DeskTicketAlreadyWorked(uint256 ticketId);
    /// @notice Priority `priority` is not 0 (low) to 3 (urgent).
    error DeskInvalidPriority(uint8 priority);
    /// @notice A policy time was 0 or out of range; `field` is its index in `Policy` (0-based).
    error DeskInvalidPolicyTime(uint8 field, uint32 value);
    /// @notice A policy's `autoCloseDelay` is shorter than its `reopenWindow`: anyone could close a
    /// resolved ticket while its customer may still reopen it.
    error DeskAutoCloseBeforeReopenWindow(uint32 autoCloseDelay, uint32 reopenWindow);
    /// @notice Ticket `ticketId` has no missed deadline yet: escalation is possible at `dueAt`+1.
    error DeskNoDeadlineMissed(uint256 ticketId, uint64 dueAt);
    /// @notice The reopen window of ticket `ticketId` closed at `closedAt`.
    error DeskReopenWindowClosed(uint256 ticketId, uint64 closedAt);
    /// @notice Ticket `ticketId` can be closed by anyone only from `closableAt` on.
    error DeskAutoCloseNotDue(uint256 ticketId, uint64 closableAt);
    /// @notice Ticket `ticketId` has no missed, uncompensated deadline that its merchant compensates.
    error DeskNothingToCompensate(uint256 ticketId);
    /// @notice Only the refund escrow bound to this desk may call this hook; `caller` is not it.
    error DeskNotEscrow(address caller);
    /// @notice The escrow is bound once, by the deployer; `caller` cannot (re)bind it.
    error DeskEscrowBindingLocked(address caller);
    /// @notice The promise is not backed: merchant `merchantId` holds `available` of `token`, and the
    /// compensation needs `required` for a ticket.
    error DeskSlaCompensationUnbacked(uint32 merchantId, address token, uint256 available, uint256 required);
    /// @notice Merchant `merchantId` changed its terms 65,535 times; versions are 16-bit.
    error DeskTooManyTermsVersions(uint32 merchantId);
    /// @notice Merchant `merchantId` requires an order receipt: use `openTicketWithReceipt`.
    error DeskReceiptRequired(uint32 merchantId);
    /// @notice `signer` cannot sign order receipts (it is `address(0)`).
    error DeskInvalidOrderSigner(address signer);
    /// @notice The receipt is for `customer`; `caller` cannot use it.
    error DeskReceiptNotForCaller(address customer, address caller);
    /// @notice The receipt allowed tickets until `supportUntil`; it is now later.
    error DeskReceiptExpired(uint64 supportUntil);
    /// @notice A receipt must reference an order: `orderRef` may not be 0.
    error DeskInvalidOrderRef(bytes32 orderRef);
    /// @notice The receipt's signature recovers to `signer`, which is not an order signer of merchant
    /// `merchantId` (never was, or was revoked, or the receipt was altered after signing).
    error DeskNotOrderSigner(uint32 merchantId, address signer);
    /// @notice The receipt's signature is neither a valid ECDSA signature nor a valid ERC-1271 signature of an
    /// order signer of merchant `merchantId`, for receipt digest `digest`.
    error DeskInvalidReceiptSignature(uint32 merchantId, bytes32 digest);
    /// @notice Order `orderRef` of merchant `merchantId` was first verified in `token` for `amount`; a receipt
    /// of the same order must carry the same terms.
    error DeskOrderTermsMismatch(uint32 merchantId, bytes32 orderRef, address token, uint256 amount);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Merchant `merchantId` was registered with admin `admin` and the default policy.
    event MerchantRegistered(uint32 indexed merchantId, address indexed admin, bytes32 profileHash);
    /// @notice `agent` was given (`enabled`) or stripped of the agent role at merchant `merchantId`.
    event AgentSet(uint32 indexed merchantId, address indexed agent, bool enabled, address indexed actor);
    /// @notice The admin of merchant `merchantId` offered the role to `pendingAdmin`.
    event MerchantAdminTransferStarted(
        uint32 indexed merchantId,
        address indexed admin,
        address indexed pendingAdmin
    );
    /// @notice Merchant `merchantId`'s admin changed from `previousAdmin` to `newAdmin`.
    event MerchantAdminTransferred(
        uint32 indexed merchantId,
        address indexed previousAdmin,
        address indexed newAdmin
    );
    /// @notice Merchant `merchantId`'s terms version `version` starts now (a policy or compensation change);
    /// what starts from now on runs under it.
    event TermsVersionStarted(uint32 indexed merchantId, uint16 version);
    /// @notice `signer`'s order receipts are accepted (`allowed`) or no longer accepted at merchant `merchantId`.
    event OrderSignerSet(uint32 indexed merchantId, address indexed signer, bool allowed);
    /// @notice Merchant `merchantId` requires (`required`) or no longer requires an order receipt per ticket.
    event ReceiptRequirementSet(uint32 indexed merchantId, bool required);
    /// @notice Ticket `ticketId` was opened with a receipt of order `orderRef` signed by `signer`: the order
    /// was paid `amount` of `token`.
    event TicketVerified(
        uint256 indexed ticketId,
        bytes32 indexed orderRef,
        address signer,
        address token,
        uint256 amount
    );
    /// @notice Merchant `merchantId`'s policy is now `policy`.
    event PolicySet(uint32 indexed merchantId, Policy policy, address indexed actor);
    /// @notice Merchant `merchantId`'s deadline compensation is now `compensation`.
    event SlaCompensationSet(uint32 indexed merchantId, SlaCompensation compensation, address indexed actor);
    /// @notice The refund escrow `escrow` was bound to this desk.
    event EscrowBound(address indexed escrow);
    /// @notice `customer` opened ticket `ticketId` at merchant `merchantId`.
    event TicketOpened(
        uint256 indexed ticketId,
        uint32 indexed merchantId,
        address indexed customer,
        bytes32 orderRef,
        bytes32 contentHash,
        uint8 priority
    );
    /// @notice Ticket `ticketId` moved from `from` to `to`, by `actor`, with an optional note commitment.
    event TicketStatusChanged(
        uint256 indexed ticketId,
        Status from,
        Status to,
        address indexed actor,
        bytes32 noteHash
    );
    /// @notice `author` posted a message (commitment `contentHash`) on ticket `ticketId`.
    event MessagePosted(uint256 indexed ticketId, address indexed author, bytes32 contentHash);
    /// @notice Ticket `ticketId` was assigned to `agent` (`address(0)`: unassigned) by `actor`.
    event TicketAssigned(uint256 indexed ticketId, address indexed agent, address indexed actor);
    /// @notice A deadline of ticket `ticketId` at merchant `merchantId` was counted in the hit rate.
    /// @param deadline 1 = first response, 2 = resolution.
    /// @param dueAt When it fell due on the ticket's clock: for a resolution, the policy time plus every
    /// second spent awaiting the customer until then (so a deadline missed before a pause reports a due
    /// time moved by that pause; it stays missed).
    /// @param met Whether it was met.
    event SlaDeadlineSettled(
        uint256 indexed ticketId,
        uint32 indexed merchantId,
        uint8 deadline,
        uint64 dueAt,
        bool met
    );

    /*//////////////////////////////////////////////////////////////
                               MERCHANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Registers a new merchant with `admin` and the default policy; anyone may call.
    /// Default policy: first response 1 day, resolution 3 days, reopen window 7 days, auto-close 7 days,
    /// refund response 3 days, dispute window 7 days, the deployment's default arbiter.
    /// @param admin The merchant's admin (not `address(0)`: `DeskInvalidAdmin`).
    /// @param profileHash Commitment of the merchant's off-chain profile.
    /// @return merchantId The new merchant's id (from 1).
    function registerMerchant(address admin, bytes32 profileHash) external returns (uint32 merchantId);

    /// @notice Gives or takes the agent role at merchant `merchantId`; admin only. `agent` must not be
    /// `address(0)` (`DeskInvalidAgent`).
    function setAgent(uint32 merchantId, address agent, bool enabled) external;

    /// @notice Offers the admin role of merchant `merchantId` to `newAdmin` (first of two steps).
    /// `address(0)` withdraws a pending offer.
    function transferMerchantAdmin(uint32 merchantId, address newAdmin) external;

    /// @notice Accepts the admin role of merchant `merchantId` offered to the caller (second step).
    function acceptMerchantAdmin(uint32 merchantId) external;

    /// @notice Sets merchant `merchantId`'s policy; admin only. Every time must be between 1 second and
    /// 365 days (`DeskInvalidPolicyTime`), and `autoCloseDelay` at least `reopenWindow`
    /// (`DeskAutoCloseBeforeReopenWindow`), so that a stranger's `closeTicket` never cuts a customer's
    /// reopen window short. Applies to what starts later: running cycles, resolved tickets and requested
    /// refunds keep the terms version they started under (`TermsVersionStarted`).
    function setPolicy(uint32 merchantId, Policy calldata policy) external;

    /// @notice Sets what merchant `merchantId` pays customers for missed deadlines; admin only.
    /// Reverts with `DeskSlaCompensationUnbacked` unless its reserve already covers one ticket's worth.
    /// Applies to cycles that start later; compensation is paid on verified tickets only.
    function setSlaCompensation(uint32 merchantId, SlaCompensation calldata compensation) external;

    /// @notice Accepts (`allowed`) or stops accepting `signer`'s order receipts at merchant `merchantId`;
    /// admin only. `signer` is an EOA or an ERC-1271 contract (a Safe, a smart account); a revoked signer's
    /// receipts open no new tickets, while tickets already opened with them stay verified.
    function setOrderSigner(uint32 merchantId, address signer, bool allowed) external;

    /// @notice Requires (or stops requiring) an order receipt for every new ticket at merchant `merchantId`;
    /// admin only. When required, `openTicket` reverts with `DeskReceiptRequired`.
    function setReceiptRequired(uint32 merchantId, bool required) external;

    /*//////////////////////////////////////////////////////////////
                                TICKETS
    //////////////////////////////////////////////////////////////*/

    /// @notice Opens a ticket at merchant `merchantId`; the caller is its customer.
    /// @param orderRef Commitment of the order the ticket is about (0 if none).
    /// @param contentHash Commitment of the first message.
    /// @param priority 0 low, 1 normal, 2 high, 3 urgent.
    /// @return ticketId The new ticket's id (from 1).
    function openTicket(
        uint32 merchantId,
        bytes32 orderRef,
        bytes32 contentHash,
        uint8 priority
    ) external returns (uint256 ticketId);

    /// @notice Opens a verified ticket with an order receipt; only the receipt's customer (directly or
    /// relayed), only until its `supportUntil`, and only with a signature of a signer the merchant accepts
    /// at this moment. The ticket's `orderRef` is the receipt's. One order may have several tickets; the
    /// first verified ticket fixes the order's token and amount, and a receipt of the same order with other
    /// terms is refused (`DeskOrderTermsMismatch`).
    /// @param receipt The merchant's receipt (see `OrderReceipt`).
    /// @param signature A 65-byte ECDSA signature (r, s, v) of an EOA signer over the receipt's
    /// EIP-712 digest; or, for an ERC-1271 contract signer, its 20-byte address followed by the signature
    /// its `isValidSignature` accepts. High-s ECDSA signatures are refused.
    /// @param contentHash Commitment of the first message.
    /// @param priority 0 low, 1 normal, 2 high, 3 urgent.
    /// @return ticketId The new ticket's id.
    function openTicketWithReceipt(
        OrderReceipt calldata receipt,
        bytes calldata signature,
        bytes32 contentHash,
        uint8 priority
    ) external returns (uint256 ticketId);

    /// @notice Posts a message on an active ticket; the customer, or the merchant's admin or agents.
    /// A staff message on an `Open` ticket is the first response and starts work (`InProgress`);
    /// the customer's message on an `AwaitingCustomer` ticket moves it back to `InProgress`.
    function postMessage(uint256 ticketId, bytes32 contentHash) external;

    /// @notice Assigns an active ticket to `agent` (an agent or the admin; `address(0)` unassigns).
    function assignTicket(uint256 ticketId, address agent) external;

    /// @notice `InProgress` -> `AwaitingCustomer`; the resolution clock stops. Staff only.
    function awaitCustomer(uint256 ticketId, bytes32 noteHash) external;

    /// @notice Any active state (`Escalated` included) -> `Resolved`. Staff only.
    function resolveTicket(uint256 ticketId, bytes32 resolutionHash) external;

    /// @notice `Resolved` -> `Closed`, by the customer.
    function confirmResolution(uint256 ticketId) external;

    /// @notice `Resolved` -> `Open` by the customer, within the reopen window; a new service cycle starts.
    /// Compensation for the ended cycle's missed deadlines that nobody claimed is paid in this transaction,
    /// so reopening never forfeits it.
    function reopenTicket(uint256 ticketId, bytes32 reasonHash) external;

    /// @notice Active -> `Escalated` by the customer, once a deadline of the current cycle is missed.
    function escalateTicket(uint256 ticketId, bytes32 reasonHash) external;

    /// @notice `Open` -> `Cancelled` by the customer, before any agent was assigned or answered.
    function cancelTicket(uint256 ticketId) external;

    /// @notice `Resolved` -> `Closed` by anyone, once the auto-close delay has passed since resolution
    /// (from `resolvedAt + autoCloseDelay` on; the policy keeps that at or after the reopen window's end).
    function closeTicket(uint256 ticketId) external;

    /*//////////////////////////////////////////////////////////////
                             ESCROW HOOKS
    //////////////////////////////////////////////////////////////*/

    /// @notice Binds the refund escrow, once; only the deployer of this desk may call it, with a
    /// non-zero `escrow` (`DeskInvalidEscrow`).
    function bindEscrow(address escrow) external;

    /// @notice Escrow hook: resolves ticket `ticketId` because `actor` paid a refund on it. A ticket
    /// that is not active is left as it is (returns false); only the bound escrow may call.
    function resolveByEscrow(
        uint256 ticketId,
        address actor,
        bytes32 resolutionHash
    ) external returns (bool resolved);

    /// @notice Escrow hook: marks every missed, uncompensated deadline of the current cycle of ticket
    /// `ticketId` as compensated and returns what to pay under the cycle's terms; only the bound escrow may
    /// call. Only verified tickets are compensated.
    /// @return customer Who to pay.
    /// @return merchantId Whose reserve pays.
    /// @return deadlines Mask of the deadlines claimed now (1 first response, 2 resolution).
    /// @return compensation The compensation terms of the ticket's cycle.
    function claimMissedDeadlines(
        uint256 ticketId
    )
        external
        returns (address customer, uint32 merchantId, uint8 deadlines, SlaCompensation memory compensation);

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The contract's version (semver).
    function version() external view returns (string memory);
    /// @notice The refund escrow bound to this desk (`address(0)` until bound).
    function escrow() external view returns (address);
    /// @notice The module that holds the code of merchant administration (`registerMerchant` through
    /// `setReceiptRequired`), which this desk deployed and runs in its own storage; published so that it can
    /// be verified like the desk.
    function merchantModule() external view returns (address);
    /// @notice How many merchants exist (ids are 1..count).
    function merchantCount() external view returns (uint32);
    /// @notice How many tickets exist (ids are 1..count).
    function ticketCount() external view returns (uint256);
    /// @notice Ticket `ticketId`'s state (`None` if it does not exist).
    function statusOf(uint256 ticketId) external view returns (Status);
    /// @notice Ticket `ticketId`'s customer; reverts for an unknown ticket.
    function customerOf(uint256 ticketId) external view returns (address);
    /// @notice Ticket `ticketId`'s merchant; reverts for an unknown ticket.
    function merchantOf(uint256 ticketId) external view returns (uint32);
    /// @notice Ticket `ticketId` with its deadlines; reverts for an unknown ticket.
    function getTicket(uint256 ticketId) external view returns (TicketView memory);
    /// @notice The hot fields the escrow and the feedback contract check, in one call.
    /// Reverts for an unknown ticket.
    function ticketCore(
        uint256 ticketId
    ) external view returns (address customer, uint32 merchantId, Status status);
    /// @notice The hot fields plus whether the ticket is verified (the feedback contract counts verified
    /// ratings apart). Reverts for an unknown ticket.
    function ticketFacts(
        uint256 ticketId
    ) external view returns (address customer, uint32 merchantId, Status status, bool verified);
    /// @notice What the escrow checks when a refund is requested, in one call: the ticket's customer,
    /// merchant and state, whether it is verified, the merchant's current refund response time and terms
    /// version (the refund keeps both). Reverts for an unknown ticket.
    function refundContext(
        uint256 ticketId
    )
        external
        view
        returns (
            address customer,
            uint32 merchantId,
            Status status,
            bool verified,
            uint32 refundResponseTime,
            uint16 termsVersion
        );
    /// @notice The order behind ticket `ticketId`: whether it was opened with a receipt, the order's
    /// commitment, the token and amount paid (the order's refund cap) and the latest `supportUntil` any
    /// accepted receipt of the order gave. Reverts for an unknown ticket.
    function receiptOf(
        uint256 ticketId
    )
        external
        view
        returns (bool verified, bytes32 orderRef, address token, uint256 amount, uint64 supportUntil);
    /// @notice Whether `signer`'s receipts are accepted at merchant `merchantId` now.
    function isOrderSigner(uint32 merchantId, address signer) external view returns (bool);
    /// @notice Whether merchant `merchantId` requires an order receipt for new tickets.
    function receiptRequired(uint32 merchantId) external view returns (bool);
    /// @notice The dispute window and arbiter of merchant `merchantId`'s terms version `version` (what a
    /// refund requested under that version keeps); the escrow's one read when a refund is rejected or
    /// disputed. A version that has not started yet reads as zeros.
    function disputeTermsAt(
        uint32 merchantId,
        uint16 version
    ) external view returns (uint32 disputeWindow, address arbiter);
    /// @notice Merchant `merchantId`'s current terms version (what starts now runs under it).
    function termsVersionOf(uint32 merchantId) external view returns (uint16);
    /// @notice Merchant `merchantId`'s admin (`address(0)` if it does not exist).
    function merchantAdmin(uint32 merchantId) external view returns (address);
    /// @notice Merchant `merchantId`'s pending admin, if a handover is under way.
    function pendingMerchantAdmin(uint32 merchantId) external view returns (address);
    /// @notice Whether `account` may act as staff (agent or admin) of merchant `merchantId`.
    function isAgent(uint32 merchantId, address account) external view returns (bool);
    /// @notice Merchant `merchantId`'s policy; reverts for an unknown merchant.
    function policyOf(uint32 merchantId) external view returns (Policy memory);
    /// @notice Merchant `merchantId`'s deadline compensation terms.
    function slaCompensationOf(uint32 merchantId) external view returns (SlaCompensation memory);
    /// @notice Merchant `merchantId`'s deadlines met and missed.
    function slaStatsOf(uint32 merchantId) external view returns (SlaStats memory);
    /// @notice Merchant `merchantId`'s hit rate in basis points (met / counted * 10,000); 10,000 when
    /// nothing was counted yet.
    function slaHitRateBps(uint32 merchantId) external view returns (uint256);
    /// @notice When ticket `ticketId`'s current first response falls due (0 once made, or when the ticket
    /// is no longer active), and whether it is missed.
    function firstResponseDeadline(uint256 ticketId) external view returns (uint64 dueAt, bool missed);
    /// @notice When ticket `ticketId`'s current resolution falls due, whether it is missed, and whether
    /// its clock is stopped (awaiting the customer).
    function resolutionDeadline(
        uint256 ticketId
    ) external view returns (uint64 dueAt, bool missed, bool paused);
}
