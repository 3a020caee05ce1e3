import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ZeroAddress, id, parseEther, parseUnits } from "ethers";
import type { ContractTransactionResponse } from "ethers";

import {
  FeeOnTransferToken__factory,
  RefundEscrow__factory,
  TestToken__factory,
  WalletMock__factory,
  type FeeOnTransferToken,
  type RefundEscrow,
  type SupportDesk,
  type TestToken,
  type WalletMock,
} from "../../typechain-types/index.js";
import { careLedgerFixture, type CareLedgerFixture, type Connection } from "./fixture.js";
import { openVerifiedTicket, receiptFor, signReceipt } from "./receipts.js";

/** The escrow's token address for ETH. */
export const ETH = ZeroAddress;

/** Merchant 1 (admin `admin`, agents `agent` and `agent2`) and merchant 2 (admin `otherAdmin`). */
export const MERCHANT = 1n;
export const OTHER_MERCHANT = 2n;

/** Ticket 1: `customer` at merchant 1. Ticket 2: `customer2` at merchant 1. Ticket 3: `customer` at merchant 2. */
export const TICKET = 1n;
export const TICKET2 = 2n;
export const OTHER_TICKET = 3n;

/** The desk's default policy times (seconds). */
export const DAY = 24n * 60n * 60n;
export const FIRST_RESPONSE_TIME = 1n * DAY;
export const RESOLUTION_TIME = 3n * DAY;
export const REFUND_RESPONSE_TIME = 3n * DAY;
export const DISPUTE_WINDOW = 7n * DAY;

/** What the fixture deposits: merchant 1 gets ETH, TUSD and FEE; merchant 2 gets ETH. */
export const ETH_RESERVE = parseEther("10");
export const TOKEN_RESERVE = parseUnits("10000", 18);
export const FEE_BPS = 100n; // 1% burnt on every transfer of the fee token
export const FEE_DEPOSIT = parseUnits("10000", 18);
export const FEE_RESERVE = FEE_DEPOSIT - (FEE_DEPOSIT * FEE_BPS) / 10_000n; // what arrived
export const OTHER_ETH_RESERVE = parseEther("5");
/** Minted to every merchant admin, of each token. */
export const MINTED = parseUnits("1000000", 18);

/** `RefundStatus` in the contract's order. */
export const RefundStatus = {
  None: 0n,
  Requested: 1n,
  Paid: 2n,
  Rejected: 3n,
  Disputed: 4n,
  Cancelled: 5n,
} as const;

/** `ISupportDesk.Status` in the contract's order. */
export const TicketStatus = {
  None: 0n,
  Open: 1n,
  InProgress: 2n,
  AwaitingCustomer: 3n,
  Resolved: 4n,
  Closed: 5n,
  Escalated: 6n,
  Cancelled: 7n,
} as const;

/** A 32-byte commitment for a test label (stands in for `keccak256(abi.encode(salt, digest))`). */
export function hashOf(label: string): string {
  return id(label);
}

export interface EscrowFixture extends CareLedgerFixture {
  /** A plain ERC-20 with a blocklist ("TUSD"). */
  token: TestToken;
  /** A token that burns 1% of every transfer ("FEE"). */
  feeToken: FeeOnTransferToken;
}

/**
 * CareLedger deployed through the Ignition module, plus: merchants 1 and 2 registered (agents `agent`,
 * `agent2` at merchant 1), the test tokens minted to both admins and approved to the escrow, tickets 1-3
 * opened, and the reserves above deposited. Wrap the returned function in `loadFixture`, once per file.
 */
export function escrowFixture(
  connection: Connection,
  options: {
    verifiedTickets?: boolean;
    /** Merchant 1's deadline compensation, set before the tickets open (a cycle keeps the terms it
     * started under). */
    compensation?: { firstResponseAmount: bigint; resolutionAmount: bigint; autoPay: boolean };
  } = {},
): () => Promise<EscrowFixture> {
  const deployCareLedgerFixture = careLedgerFixture(connection);
  return async function deployEscrowFixture(): Promise<EscrowFixture> {
    const base = await deployCareLedgerFixture();
    const { desk, escrow, deployer, admin, agent, agent2, customer, customer2, otherAdmin } = base;

    await desk.registerMerchant(admin.address, hashOf("merchant 1 profile"));
    await desk.registerMerchant(otherAdmin.address, hashOf("merchant 2 profile"));
    await desk.connect(admin).setAgent(MERCHANT, agent.address, true);
    await desk.connect(admin).setAgent(MERCHANT, agent2.address, true);

    const token = await new TestToken__factory(deployer).deploy("Test USD", "TUSD");
    const feeToken = await new FeeOnTransferToken__factory(deployer).deploy(FEE_BPS);
    for (const holder of [admin, otherAdmin]) {
      await token.mint(holder.address, MINTED);
      await feeToken.mint(holder.address, MINTED);
      await token.connect(holder).approve(await escrow.getAddress(), MINTED);
      await feeToken.connect(holder).approve(await escrow.getAddress(), MINTED);
    }

    await escrow.connect(admin).deposit(MERCHANT, ETH, ETH_RESERVE, { value: ETH_RESERVE });
    await escrow.connect(admin).deposit(MERCHANT, await token.getAddress(), TOKEN_RESERVE);
    await escrow.connect(admin).deposit(MERCHANT, await feeToken.getAddress(), FEE_DEPOSIT);
    await escrow
      .connect(otherAdmin)
      .deposit(OTHER_MERCHANT, ETH, OTHER_ETH_RESERVE, { value: OTHER_ETH_RESERVE });

    if (options.compensation !== undefined) {
      await desk
        .connect(admin)
        .setSlaCompensation(MERCHANT, { token: ETH, ...options.compensation });
    }

    if (options.verifiedTickets === true) {
      // The same three tickets, each opened with its merchant's receipt for an ETH order (compensation is
      // paid on verified tickets only).
      await openVerifiedTicket(desk, admin, customer, MERCHANT, { orderRef: hashOf("order 1") });
      await openVerifiedTicket(desk, admin, customer2, MERCHANT, { orderRef: hashOf("order 2") });
      await openVerifiedTicket(desk, otherAdmin, customer, OTHER_MERCHANT, {
        orderRef: hashOf("order 3"),
      });
    } else {
      await desk.connect(customer).openTicket(MERCHANT, hashOf("order 1"), hashOf("ticket 1"), 1);
      await desk.connect(customer2).openTicket(MERCHANT, hashOf("order 2"), hashOf("ticket 2"), 1);
      await desk
        .connect(customer)
        .openTicket(OTHER_MERCHANT, hashOf("order 3"), hashOf("ticket 3"), 1);
    }

    return { ...base, token, feeToken };
  };
}

/** Requests a refund as `customer` and returns its id and the deadline it got. */
export async function requestRefund(
  escrow: RefundEscrow,
  customer: HardhatEthersSigner,
  ticketId: bigint,
  token: string,
  amount: bigint,
): Promise<{ refundId: bigint; deadline: bigint }> {
  await escrow.connect(customer).requestRefund(ticketId, token, amount, hashOf("reason"));
  const refundId = await escrow.refundCount();
  const refund = await escrow.getRefund(refundId);
  return { refundId, deadline: refund.deadline };
}

/**
 * What the escrow's books say it holds of `token`: merchants 1 and 2's available, locked and
 * covered-but-unsettled owed amounts, plus the credits of `accounts`. A balanced escrow holds exactly this.
 */
export async function booksOf(
  escrow: RefundEscrow,
  token: string,
  accounts: readonly string[] = [],
): Promise<bigint> {
  let books = 0n;
  for (const merchantId of [MERCHANT, OTHER_MERCHANT]) {
    const [, coveredUnpaid] = await escrow.owedOf(merchantId, token);
    books +=
      (await escrow.reserveOf(merchantId, token)) +
      (await escrow.lockedOf(merchantId, token)) +
      coveredUnpaid;
  }
  for (const account of accounts) books += await escrow.creditOf(account, token);
  return books;
}

/** The timestamp of the block that mined `tx`. */
export async function timestampOf(tx: ContractTransactionResponse): Promise<bigint> {
  const receipt = await tx.wait();
  if (receipt === null) throw new Error("transaction not mined");
  const block = await receipt.getBlock();
  return BigInt(block.timestamp);
}

/** The gas `tx` used. */
export async function gasUsedBy(tx: ContractTransactionResponse): Promise<bigint> {
  const receipt = await tx.wait();
  if (receipt === null) throw new Error("transaction not mined");
  return receipt.gasUsed;
}

/** Deploys a contract wallet (funded with `value` wei) that can act as a customer or an admin. */
export async function deployWallet(
  deployer: HardhatEthersSigner,
  value: bigint = 0n,
): Promise<WalletMock> {
  return new WalletMock__factory(deployer).deploy({ value });
}

/** `WalletMock.Mode` in the contract's order. */
export const WalletMode = {
  Accept: 0,
  Revert: 1,
  BurnGas: 2,
  ReturnBomb: 3,
  Reenter: 4,
} as const;

/** Merchant `merchantId`'s policy as a plain object that `setPolicy` takes (spread it to change a field). */
export async function policyOf(desk: SupportDesk, merchantId: bigint) {
  const policy = await desk.policyOf(merchantId);
  return {
    firstResponseTime: policy.firstResponseTime,
    resolutionTime: policy.resolutionTime,
    reopenWindow: policy.reopenWindow,
    autoCloseDelay: policy.autoCloseDelay,
    refundResponseTime: policy.refundResponseTime,
    disputeWindow: policy.disputeWindow,
    arbiter: policy.arbiter,
  };
}

/** Makes `wallet` open a ticket at `merchantId` and returns the ticket id. */
export async function openTicketAs(
  desk: SupportDesk,
  wallet: WalletMock,
  merchantId: bigint,
): Promise<bigint> {
  await wallet.execute(
    await desk.getAddress(),
    0n,
    desk.interface.encodeFunctionData("openTicket", [
      merchantId,
      hashOf("wallet order"),
      hashOf("wallet ticket"),
      1,
    ]),
  );
  return desk.ticketCount();
}

/**
 * Makes `wallet` open a verified ticket at `merchantId` with a receipt `signer` (an order signer of the
 * merchant) signed for it, and returns the ticket id.
 */
export async function openVerifiedTicketAs(
  desk: SupportDesk,
  wallet: WalletMock,
  signer: HardhatEthersSigner,
  merchantId: bigint,
): Promise<bigint> {
  const receipt = await receiptFor(desk, merchantId, await wallet.getAddress(), {
    orderRef: hashOf("wallet order"),
  });
  const signed = await signReceipt(desk, signer, receipt);
  await wallet.execute(
    await desk.getAddress(),
    0n,
    desk.interface.encodeFunctionData("openTicketWithReceipt", [
      signed.receipt,
      signed.signature,
      hashOf("wallet ticket"),
      1,
    ]),
  );
  return desk.ticketCount();
}

/** Makes `wallet` request a refund on `ticketId` and returns the refund id. */
export async function requestRefundAs(
  escrow: RefundEscrow,
  wallet: WalletMock,
  ticketId: bigint,
  token: string,
  amount: bigint,
): Promise<bigint> {
  await wallet.execute(
    await escrow.getAddress(),
    0n,
    escrow.interface.encodeFunctionData("requestRefund", [
      ticketId,
      token,
      amount,
      hashOf("wallet reason"),
    ]),
  );
  return escrow.refundCount();
}

/** The escrow's ABI, for decoding errors a wallet recorded. */
export const escrowInterface = RefundEscrow__factory.createInterface();
