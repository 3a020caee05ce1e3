import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { type BaseContract, Contract, type ContractTransactionResponse, parseUnits } from "ethers";
import { network } from "hardhat";

import {
  DecimalsToken__factory,
  FalseReturnToken__factory,
  NoReturnToken__factory,
  PausableBlocklistToken__factory,
  RebasingToken__factory,
  ZeroRevertToken__factory,
} from "../typechain-types/index.js";
import {
  MERCHANT,
  OTHER_MERCHANT,
  TICKET,
  booksOf,
  escrowFixture,
  hashOf,
  requestRefund,
  type EscrowFixture,
} from "./helpers/escrow.js";

// Reserve tokens that are not plain OpenZeppelin ERC-20s (Trail of Bits' token integration checklist):
// every flow that moves a token into or out of the escrow, with exact balances and events, for each
// quirk; then rebasing tokens, which stay unsupported, with what a negative rebase does to the books.
// Payouts go through `trySafeTransfer` (a refusal becomes a credit), withdrawals the caller directs
// through `safeTransfer` (a refusal reverts): both must read "no return value" as success and `false`
// as failure.

const connection = await network.create();
const { ethers } = connection;
const { loadFixture, time } = connection.networkHelpers;
const deployEscrowFixture = escrowFixture(connection);

const REASON = hashOf("reason");
const MAX_REFUND = 2n ** 112n - 1n;

/*//////////////////////////////////////////////////////////////
                        TOKENS UNDER TEST
//////////////////////////////////////////////////////////////*/

/** What the shared flows need of a token, whatever its ABI quirk. */
interface TokenUnderTest {
  /** The typed contract, whose ABI declares the token's own errors. */
  contract: BaseContract;
  address: string;
  /** One whole token in base units. */
  unit: bigint;
  balanceOf(account: string): Promise<bigint>;
  /** Makes transfers to or from `account` fail, the token's own way (a revert, or `false`). */
  setBlocked(account: string, blocked: boolean): Promise<void>;
}

/** What `safeTransfer` from the escrow to a blocked `account` reverts with. */
interface BlockedRefusal {
  /** The error's name, declared by the token or (for `false`) by SafeERC20. */
  error: string;
  args(token: TokenUnderTest, account: string): unknown[];
  /** Where the error is declared: the token, or the escrow (SafeERC20's errors are in its ABI). */
  declaredBy: "token" | "escrow";
}

interface TokenCase {
  /** The quirk, for test titles. */
  name: string;
  decimals: number;
  /** Deploys the token (as the deployer) and returns its adapter. */
  deploy(f: EscrowFixture): Promise<TokenUnderTest>;
  blocked: BlockedRefusal;
}

/** The calls every mock shares, through a minimal ABI so that the quirky return values do not matter
 * (ethers does not decode what a transaction returns). */
const MOCK_ABI = [
  "function mint(address to, uint256 amount)",
  "function approve(address spender, uint256 amount)",
  "function setBlocked(address account, bool blocked)",
  "function balanceOf(address account) view returns (uint256)",
];

async function send(tx: Promise<ContractTransactionResponse>): Promise<void> {
  await (await tx).wait();
}

/** Wraps a deployed mock into the adapter. */
async function adapt(
  f: EscrowFixture,
  contract: BaseContract,
  decimals: number,
): Promise<TokenUnderTest> {
  const address = await contract.getAddress();
  const mock = new Contract(address, MOCK_ABI, f.deployer);
  return {
    contract,
    address,
    unit: 10n ** BigInt(decimals),
    balanceOf: async (account) => (await mock.getFunction("balanceOf")(account)) as bigint,
    setBlocked: async (account, blocked) =>
      send(
        mock.getFunction("setBlocked")(account, blocked) as Promise<ContractTransactionResponse>,
      ),
  };
}

/** The token's own "blocked" error, `Name(address account)`. */
function tokenBlocked(error: string): BlockedRefusal {
  return { error, args: (_token, account) => [account], declaredBy: "token" };
}

const TOKEN_CASES: readonly TokenCase[] = [
  {
    name: "a token that returns no boolean (USDT-style)",
    decimals: 6,
    deploy: async (f) => adapt(f, await new NoReturnToken__factory(f.deployer).deploy(), 6),
    blocked: tokenBlocked("NoReturnTokenBlocked"),
  },
  {
    name: "a token that returns false instead of reverting",
    decimals: 18,
    deploy: async (f) => adapt(f, await new FalseReturnToken__factory(f.deployer).deploy(), 18),
    blocked: {
      error: "SafeERC20FailedOperation",
      args: (token) => [token.address],
      declaredBy: "escrow",
    },
  },
  {
    name: "a token that reverts on zero-amount transfers",
    decimals: 18,
    deploy: async (f) => adapt(f, await new ZeroRevertToken__factory(f.deployer).deploy(), 18),
    blocked: tokenBlocked("BlocklistTokenBlocked"),
  },
  {
    name: "a token that can pause and blocklist",
    decimals: 18,
    deploy: async (f) =>
      adapt(f, await new PausableBlocklistToken__factory(f.deployer).deploy(), 18),
    blocked: tokenBlocked("BlocklistTokenBlocked"),
  },
  {
    name: "a token with 2 decimals",
    decimals: 2,
    deploy: async (f) => adapt(f, await new DecimalsToken__factory(f.deployer).deploy(2), 2),
    blocked: tokenBlocked("BlocklistTokenBlocked"),
  },
  {
    name: "a token with 24 decimals",
    decimals: 24,
    deploy: async (f) => adapt(f, await new DecimalsToken__factory(f.deployer).deploy(24), 24),
    blocked: tokenBlocked("BlocklistTokenBlocked"),
  },
];

/** Amounts, in whole tokens of the case's decimals. */
const DEPOSIT = 1_000n;
const MINTED = 1_000_000n;
const REFUND = 100n;
const WITHDRAWAL = 250n;

interface TokenFixture extends EscrowFixture {
  quirky: TokenUnderTest;
}

/** The escrow fixture plus the case's token, minted to both merchant admins and approved to the escrow. */
function tokenFixture(tokenCase: TokenCase): () => Promise<TokenFixture> {
  const fn = async (): Promise<TokenFixture> => {
    const f = await deployEscrowFixture();
    const quirky = await tokenCase.deploy(f);
    for (const holder of [f.admin, f.otherAdmin]) {
      const mock = new Contract(quirky.address, MOCK_ABI, holder);
      await send(
        mock.getFunction("mint")(
          holder.address,
          MINTED * quirky.unit,
        ) as Promise<ContractTransactionResponse>,
      );
      await send(
        mock.getFunction("approve")(
          await f.escrow.getAddress(),
          MINTED * quirky.unit,
        ) as Promise<ContractTransactionResponse>,
      );
    }
    return { ...f, quirky };
  };
  // loadFixture needs a named function; one per case, so each is built once per file.
  Object.defineProperty(fn, "name", { value: `tokenFixture(${tokenCase.name})` });
  return fn;
}

/** The case's fixture with merchant 1's reserve funded with `DEPOSIT` tokens. */
function fundedFixture(tokenCase: TokenCase, base: () => Promise<TokenFixture>) {
  const fn = async (): Promise<TokenFixture> => {
    const f = await base();
    await send(
      f.escrow.connect(f.admin).deposit(MERCHANT, f.quirky.address, DEPOSIT * f.quirky.unit),
    );
    return f;
  };
  Object.defineProperty(fn, "name", { value: `fundedFixture(${tokenCase.name})` });
  return fn;
}

/** The escrow holds exactly what its books say (merchants 1 and 2, and the credits of `accounts`). */
async function expectBalanced(f: TokenFixture, accounts: readonly string[] = []): Promise<void> {
  const held = await f.quirky.balanceOf(await f.escrow.getAddress());
  expect(await booksOf(f.escrow, f.quirky.address, accounts)).to.equal(held);
}

/** Balances of several accounts at once. */
async function balances(token: TokenUnderTest, accounts: readonly string[]): Promise<bigint[]> {
  return Promise.all(accounts.map((a) => token.balanceOf(a)));
}

/*//////////////////////////////////////////////////////////////
                              TESTS
//////////////////////////////////////////////////////////////*/

describe("RefundEscrow", function () {
  describe("reserve tokens", function () {
    for (const tokenCase of TOKEN_CASES) {
      const base = tokenFixture(tokenCase);
      const funded = fundedFixture(tokenCase, base);

      describe(`with ${tokenCase.name}`, function () {
        describe("deposit", function () {
          it("books exactly what arrived when the admin deposits", async function () {
            const f = await loadFixture(base);
            const escrow = await f.escrow.getAddress();
            const amount = DEPOSIT * f.quirky.unit;
            const before = await balances(f.quirky, [f.admin.address, escrow]);
            await expect(f.escrow.connect(f.admin).deposit(MERCHANT, f.quirky.address, amount))
              .to.emit(f.escrow, "ReserveDeposited")
              .withArgs(MERCHANT, f.quirky.address, f.admin.address, amount);
            expect(await balances(f.quirky, [f.admin.address, escrow])).to.deep.equal([
              before[0]! - amount,
              before[1]! + amount,
            ]);
            expect(await f.escrow.reserveOf(MERCHANT, f.quirky.address)).to.equal(amount);
            expect(await f.escrow.lockedOf(MERCHANT, f.quirky.address)).to.equal(0n);
            await expectBalanced(f);
          });
        });

        describe("requestRefund and approveRefund", function () {
          it("locks the amount, then pays the customer to the wei when the admin approves", async function () {
            const f = await loadFixture(funded);
            const escrow = await f.escrow.getAddress();
            const amount = REFUND * f.quirky.unit;
            await expect(
              f.escrow.connect(f.customer).requestRefund(TICKET, f.quirky.address, amount, REASON),
            )
              .to.emit(f.escrow, "RefundRequested")
              .withArgs(1n, TICKET, f.customer.address, f.quirky.address, amount, REASON);
            expect(await f.escrow.reserveOf(MERCHANT, f.quirky.address)).to.equal(
              (DEPOSIT - REFUND) * f.quirky.unit,
            );
            expect(await f.escrow.lockedOf(MERCHANT, f.quirky.address)).to.equal(amount);

            const before = await balances(f.quirky, [f.customer.address, escrow]);
            const approval = f.escrow.connect(f.admin).approveRefund(1n);
            await expect(approval)
              .to.emit(f.escrow, "RefundApproved")
              .withArgs(1n, f.admin.address);
            await expect(approval)
              .to.emit(f.escrow, "RefundPaid")
              .withArgs(1n, f.customer.address, f.quirky.address, amount, false);
            expect(await balances(f.quirky, [f.customer.address, escrow])).to.deep.equal([
              before[0]! + amount,
              before[1]! - amount,
            ]);
            expect(await f.escrow.lockedOf(MERCHANT, f.quirky.address)).to.equal(0n);
            expect(await f.escrow.creditOf(f.customer.address, f.quirky.address)).to.equal(0n);
            await expectBalanced(f);
          });
        });

        describe("issueRefund", function () {
          it("pays the customer at once from the available reserve", async function () {
            const f = await loadFixture(funded);
            const escrow = await f.escrow.getAddress();
            const amount = REFUND * f.quirky.unit;
            const before = await balances(f.quirky, [f.customer.address, escrow]);
            const tx = f.escrow
              .connect(f.admin)
              .issueRefund(TICKET, f.quirky.address, amount, REASON);
            await expect(tx)
              .to.emit(f.escrow, "RefundIssued")
              .withArgs(1n, TICKET, f.admin.address, REASON);
            await expect(tx)
              .to.emit(f.escrow, "RefundPaid")
              .withArgs(1n, f.customer.address, f.quirky.address, amount, false);
            expect(await balances(f.quirky, [f.customer.address, escrow])).to.deep.equal([
              before[0]! + amount,
              before[1]! - amount,
            ]);
            expect(await f.escrow.reserveOf(MERCHANT, f.quirky.address)).to.equal(
              (DEPOSIT - REFUND) * f.quirky.unit,
            );
            await expectBalanced(f);
          });
        });

        describe("withdrawReserve", function () {
          it("sends the admin's withdrawal to the address it names", async function () {
            const f = await loadFixture(funded);
            const escrow = await f.escrow.getAddress();
            const amount = WITHDRAWAL * f.quirky.unit;
            const before = await balances(f.quirky, [f.stranger.address, escrow]);
            await expect(
              f.escrow
                .connect(f.admin)
                .withdrawReserve(MERCHANT, f.quirky.address, amount, f.stranger.address),
            )
              .to.emit(f.escrow, "ReserveWithdrawn")
              .withArgs(MERCHANT, f.quirky.address, f.stranger.address, amount);
            expect(await balances(f.quirky, [f.stranger.address, escrow])).to.deep.equal([
              before[0]! + amount,
              before[1]! - amount,
            ]);
            expect(await f.escrow.reserveOf(MERCHANT, f.quirky.address)).to.equal(
              (DEPOSIT - WITHDRAWAL) * f.quirky.unit,
            );
            await expectBalanced(f);
          });
        });

        describe("executeRefund", function () {
          it("pays the customer when a keeper executes after the merchant's silence", async function () {
            const f = await loadFixture(funded);
            const escrow = await f.escrow.getAddress();
            const amount = REFUND * f.quirky.unit;
            const { refundId, deadline } = await requestRefund(
              f.escrow,
              f.customer,
              TICKET,
              f.quirky.address,
              amount,
            );
            await time.setNextBlockTimestamp(deadline + 1n);
            const before = await balances(f.quirky, [f.customer.address, escrow]);
            const tx = f.escrow.connect(f.stranger).executeRefund(refundId);
            await expect(tx)
              .to.emit(f.escrow, "RefundExecuted")
              .withArgs(refundId, f.stranger.address);
            await expect(tx)
              .to.emit(f.escrow, "RefundPaid")
              .withArgs(refundId, f.customer.address, f.quirky.address, amount, false);
            expect(await balances(f.quirky, [f.customer.address, escrow])).to.deep.equal([
              before[0]! + amount,
              before[1]! - amount,
            ]);
            await expectBalanced(f);
          });
        });

        describe("withdrawCredit", function () {
          it("credits a payout the token refuses, and pays the credit once the block is lifted", async function () {
            const f = await loadFixture(funded);
            const escrow = await f.escrow.getAddress();
            const amount = REFUND * f.quirky.unit;
            const { refundId } = await requestRefund(
              f.escrow,
              f.customer,
              TICKET,
              f.quirky.address,
              amount,
            );
            await f.quirky.setBlocked(f.customer.address, true);

            const before = await balances(f.quirky, [f.customer.address, escrow]);
            await expect(f.escrow.connect(f.admin).approveRefund(refundId))
              .to.emit(f.escrow, "RefundPaid")
              .withArgs(refundId, f.customer.address, f.quirky.address, amount, true);
            // Nothing moved: the amount is the customer's credit, still in the escrow.
            expect(await balances(f.quirky, [f.customer.address, escrow])).to.deep.equal(before);
            expect(await f.escrow.creditOf(f.customer.address, f.quirky.address)).to.equal(amount);
            await expectBalanced(f, [f.customer.address]);

            // A withdrawal the customer directs reverts while the token refuses, and keeps the credit.
            const refusal = tokenCase.blocked;
            await expect(f.escrow.connect(f.customer).withdrawCredit(f.quirky.address))
              .to.be.revertedWithCustomError(
                refusal.declaredBy === "token" ? f.quirky.contract : f.escrow,
                refusal.error,
              )
              .withArgs(...refusal.args(f.quirky, f.customer.address));
            expect(await f.escrow.creditOf(f.customer.address, f.quirky.address)).to.equal(amount);

            await f.quirky.setBlocked(f.customer.address, false);
            await expect(f.escrow.connect(f.customer).withdrawCredit(f.quirky.address))
              .to.emit(f.escrow, "CreditWithdrawn")
              .withArgs(f.customer.address, f.quirky.address, amount, f.customer.address);
            expect(await balances(f.quirky, [f.customer.address, escrow])).to.deep.equal([
              before[0]! + amount,
              before[1]! - amount,
            ]);
            expect(await f.escrow.creditOf(f.customer.address, f.quirky.address)).to.equal(0n);
            await expectBalanced(f, [f.customer.address]);
          });
        });
      });
    }

    /*//////////////////////////////////////////////////////////////
                        EACH QUIRK, SHOWN REAL
    //////////////////////////////////////////////////////////////*/

    describe("the quirks themselves (so the flows above test what they claim)", function () {
      const [noReturn, falseReturn, zeroRevert, pausable, twoDecimals, twentyFour] =
        TOKEN_CASES.map((c) => fundedFixture(c, tokenFixture(c)));
      if (
        noReturn === undefined ||
        falseReturn === undefined ||
        zeroRevert === undefined ||
        pausable === undefined ||
        twoDecimals === undefined ||
        twentyFour === undefined
      ) {
        throw new Error("six token cases expected");
      }

      it("the USDT-style token's transfer returns no data at all", async function () {
        const f = await loadFixture(noReturn);
        const data = NoReturnToken__factory.createInterface().encodeFunctionData("transfer", [
          f.stranger.address,
          1n,
        ]);
        expect(
          await ethers.provider.call({ from: f.admin.address, to: f.quirky.address, data }),
        ).to.equal("0x");
      });

      it("the false-returning token returns false (and moves nothing) where others revert", async function () {
        const f = await loadFixture(falseReturn);
        const token = FalseReturnToken__factory.connect(f.quirky.address, f.stranger);
        expect(await token.transfer.staticCall(f.customer.address, 1n)).to.equal(false);
        await f.quirky.setBlocked(f.customer.address, true);
        expect(await token.connect(f.admin).transfer.staticCall(f.customer.address, 1n)).to.equal(
          false,
        );
      });

      it("refuses a deposit whose transferFrom returns false, and books nothing", async function () {
        const f = await loadFixture(falseReturn);
        // The stranger holds no tokens and approved nothing: the token answers false.
        await expect(
          f.escrow.connect(f.stranger).deposit(MERCHANT, f.quirky.address, f.quirky.unit),
        )
          .to.be.revertedWithCustomError(f.escrow, "SafeERC20FailedOperation")
          .withArgs(f.quirky.address);
        expect(await f.escrow.reserveOf(MERCHANT, f.quirky.address)).to.equal(
          DEPOSIT * f.quirky.unit,
        );
        await expectBalanced(f);
      });

      it("the zero-reverting token reverts on a zero transfer, and the escrow never sends one", async function () {
        const f = await loadFixture(zeroRevert);
        const token = ZeroRevertToken__factory.connect(f.quirky.address, f.admin);
        await expect(token.transfer(f.stranger.address, 0n))
          .to.be.revertedWithCustomError(token, "ZeroRevertTokenZeroAmount")
          .withArgs(f.admin.address, f.stranger.address);
        // The escrow refuses zero amounts itself, with its own error, before the token is called.
        await expect(f.escrow.connect(f.admin).deposit(MERCHANT, f.quirky.address, 0n))
          .to.be.revertedWithCustomError(f.escrow, "EscrowZeroAmount")
          .withArgs(f.quirky.address);
        await expect(
          f.escrow
            .connect(f.admin)
            .withdrawReserve(MERCHANT, f.quirky.address, 0n, f.admin.address),
        )
          .to.be.revertedWithCustomError(f.escrow, "EscrowZeroAmount")
          .withArgs(f.quirky.address);
        await expect(f.escrow.connect(f.admin).issueRefund(TICKET, f.quirky.address, 0n, REASON))
          .to.be.revertedWithCustomError(f.escrow, "EscrowZeroAmount")
          .withArgs(f.quirky.address);
        await expect(f.escrow.connect(f.customer).withdrawCredit(f.quirky.address))
          .to.be.revertedWithCustomError(f.escrow, "EscrowNoCredit")
          .withArgs(f.customer.address, f.quirky.address);
        await expectBalanced(f);
      });

      it("a paused token turns a refund into a credit (RefundPaid credited=true), withdrawable once unpaused", async function () {
        const f = await loadFixture(pausable);
        const token = PausableBlocklistToken__factory.connect(f.quirky.address, f.deployer);
        const escrow = await f.escrow.getAddress();
        const amount = REFUND * f.quirky.unit;
        await send(token.pause());

        const before = await balances(f.quirky, [f.customer.address, escrow]);
        const tx = f.escrow.connect(f.admin).issueRefund(TICKET, f.quirky.address, amount, REASON);
        await expect(tx)
          .to.emit(f.escrow, "RefundIssued")
          .withArgs(1n, TICKET, f.admin.address, REASON);
        await expect(tx)
          .to.emit(f.escrow, "RefundPaid")
          .withArgs(1n, f.customer.address, f.quirky.address, amount, true);
        expect(await balances(f.quirky, [f.customer.address, escrow])).to.deep.equal(before);
        expect(await f.escrow.creditOf(f.customer.address, f.quirky.address)).to.equal(amount);
        expect(await f.escrow.reserveOf(MERCHANT, f.quirky.address)).to.equal(
          (DEPOSIT - REFUND) * f.quirky.unit,
        );

        // While paused, nothing the caller directs can move: the token's error comes back.
        await expect(
          f.escrow.connect(f.customer).withdrawCredit(f.quirky.address),
        ).to.be.revertedWithCustomError(token, "EnforcedPause");
        await expect(
          f.escrow
            .connect(f.admin)
            .withdrawReserve(MERCHANT, f.quirky.address, amount, f.admin.address),
        ).to.be.revertedWithCustomError(token, "EnforcedPause");
        await expect(
          f.escrow.connect(f.admin).deposit(MERCHANT, f.quirky.address, amount),
        ).to.be.revertedWithCustomError(token, "EnforcedPause");
        expect(await f.escrow.creditOf(f.customer.address, f.quirky.address)).to.equal(amount);
        await expectBalanced(f, [f.customer.address]);

        await send(token.unpause());
        await expect(f.escrow.connect(f.customer).withdrawCredit(f.quirky.address))
          .to.emit(f.escrow, "CreditWithdrawn")
          .withArgs(f.customer.address, f.quirky.address, amount, f.customer.address);
        expect(await balances(f.quirky, [f.customer.address, escrow])).to.deep.equal([
          before[0]! + amount,
          before[1]! - amount,
        ]);
        await expectBalanced(f, [f.customer.address]);
      });

      it("a blocklisted customer's credit can be sent to another address of theirs at once", async function () {
        const f = await loadFixture(pausable);
        const escrow = await f.escrow.getAddress();
        const amount = REFUND * f.quirky.unit;
        await f.quirky.setBlocked(f.customer.address, true);
        await expect(
          f.escrow.connect(f.admin).issueRefund(TICKET, f.quirky.address, amount, REASON),
        )
          .to.emit(f.escrow, "RefundPaid")
          .withArgs(1n, f.customer.address, f.quirky.address, amount, true);
        const before = await balances(f.quirky, [f.customer2.address, escrow]);
        await expect(
          f.escrow.connect(f.customer).withdrawCreditTo(f.quirky.address, f.customer2.address),
        )
          .to.emit(f.escrow, "CreditWithdrawn")
          .withArgs(f.customer.address, f.quirky.address, amount, f.customer2.address);
        expect(await balances(f.quirky, [f.customer2.address, escrow])).to.deep.equal([
          before[0]! + amount,
          before[1]! - amount,
        ]);
        expect(await f.escrow.creditOf(f.customer.address, f.quirky.address)).to.equal(0n);
        await expectBalanced(f, [f.customer.address]);
      });

      it("a payout from a blocklisted escrow is credited, and the admin's own withdrawal reverts", async function () {
        const f = await loadFixture(pausable);
        const escrow = await f.escrow.getAddress();
        const amount = REFUND * f.quirky.unit;
        await f.quirky.setBlocked(escrow, true);
        await expect(
          f.escrow.connect(f.admin).issueRefund(TICKET, f.quirky.address, amount, REASON),
        )
          .to.emit(f.escrow, "RefundPaid")
          .withArgs(1n, f.customer.address, f.quirky.address, amount, true);
        const token = PausableBlocklistToken__factory.connect(f.quirky.address, f.deployer);
        await expect(
          f.escrow
            .connect(f.admin)
            .withdrawReserve(MERCHANT, f.quirky.address, amount, f.admin.address),
        )
          .to.be.revertedWithCustomError(token, "BlocklistTokenBlocked")
          .withArgs(escrow);
        await expectBalanced(f, [f.customer.address]);
      });

      it("pays a 2-decimal refund of one base unit (a cent) exactly", async function () {
        const f = await loadFixture(twoDecimals);
        const escrow = await f.escrow.getAddress();
        const before = await balances(f.quirky, [f.customer.address, escrow]);
        await expect(f.escrow.connect(f.admin).issueRefund(TICKET, f.quirky.address, 1n, REASON))
          .to.emit(f.escrow, "RefundPaid")
          .withArgs(1n, f.customer.address, f.quirky.address, 1n, false);
        expect(await balances(f.quirky, [f.customer.address, escrow])).to.deep.equal([
          before[0]! + 1n,
          before[1]! - 1n,
        ]);
        expect(await f.escrow.reserveOf(MERCHANT, f.quirky.address)).to.equal(
          DEPOSIT * f.quirky.unit - 1n,
        );
        await expectBalanced(f);
      });

      it("takes 24-decimal refunds up to 2^112 - 1 units (about 5.19 billion tokens) and refuses more", async function () {
        const f = await loadFixture(twentyFour);
        // Fund merchant 1 above the refund bound: 6 billion tokens.
        const big = 6_000_000_000n * f.quirky.unit;
        const token = DecimalsToken__factory.connect(f.quirky.address, f.admin);
        await send(token.mint(f.admin.address, big));
        await send(token.approve(await f.escrow.getAddress(), big));
        await send(f.escrow.connect(f.admin).deposit(MERCHANT, f.quirky.address, big));
        expect(MAX_REFUND).to.be.lessThan(big);

        await expect(
          f.escrow.connect(f.admin).issueRefund(TICKET, f.quirky.address, MAX_REFUND + 1n, REASON),
        )
          .to.be.revertedWithCustomError(f.escrow, "EscrowAmountTooLarge")
          .withArgs(MAX_REFUND + 1n, MAX_REFUND);
        const before = await f.quirky.balanceOf(f.customer.address);
        await expect(
          f.escrow.connect(f.admin).issueRefund(TICKET, f.quirky.address, MAX_REFUND, REASON),
        )
          .to.emit(f.escrow, "RefundPaid")
          .withArgs(1n, f.customer.address, f.quirky.address, MAX_REFUND, false);
        expect(await f.quirky.balanceOf(f.customer.address)).to.equal(before + MAX_REFUND);
        expect(await f.escrow.reserveOf(MERCHANT, f.quirky.address)).to.equal(
          DEPOSIT * f.quirky.unit + big - MAX_REFUND,
        );
        await expectBalanced(f);
      });
    });

    /*//////////////////////////////////////////////////////////////
                     REBASING TOKENS (UNSUPPORTED)
    //////////////////////////////////////////////////////////////*/

    describe("a rebasing token (unsupported): what a negative rebase does", function () {
      /** Merchant 1 deposits 1,000 tokens, merchant 2 deposits 500; the customer asks 100 of merchant 2. */
      async function rebasingFixture() {
        const f = await deployEscrowFixture();
        const token = await new RebasingToken__factory(f.deployer).deploy();
        const address = await token.getAddress();
        const unit = 10n ** 18n;
        for (const holder of [f.admin, f.otherAdmin]) {
          await send(token.mint(holder.address, MINTED * unit));
          await send(token.connect(holder).approve(await f.escrow.getAddress(), MINTED * unit));
        }
        await send(f.escrow.connect(f.admin).deposit(MERCHANT, address, 1_000n * unit));
        await send(f.escrow.connect(f.otherAdmin).deposit(OTHER_MERCHANT, address, 500n * unit));
        return { ...f, rebasing: token, address, unit };
      }

      it("leaves the books above the balance, so whoever is paid last cannot be paid in full", async function () {
        const f = await loadFixture(rebasingFixture);
        const escrow = await f.escrow.getAddress();
        const { unit, address, rebasing } = f;
        expect(await booksOf(f.escrow, address)).to.equal(1_500n * unit);
        expect(await rebasing.balanceOf(escrow)).to.equal(1_500n * unit);

        // The token loses 10% (a slashing, a negative AMPL rebase): every holder's balance shrinks.
        await send(rebasing.rebase((9n * unit) / 10n));
        const held = await rebasing.balanceOf(escrow);
        expect(held).to.equal(1_350n * unit);
        // The escrow's books do not move: they promise 150 tokens more than it holds.
        expect(await booksOf(f.escrow, address)).to.equal(1_500n * unit);
        expect(await f.escrow.reserveOf(MERCHANT, address)).to.equal(1_000n * unit);
        expect(await f.escrow.reserveOf(OTHER_MERCHANT, address)).to.equal(500n * unit);

        // First come, first served: merchant 1 withdraws its whole reserve, as booked, untouched by the loss.
        await expect(
          f.escrow
            .connect(f.admin)
            .withdrawReserve(MERCHANT, address, 1_000n * unit, f.admin.address),
        )
          .to.emit(f.escrow, "ReserveWithdrawn")
          .withArgs(MERCHANT, address, f.admin.address, 1_000n * unit);
        // 1,350 - 1,000 left, less 1 wei: the token rounds the shares it moves in its own favour.
        expect(await rebasing.balanceOf(escrow)).to.equal(350n * unit - 1n);

        // Merchant 2's books still say 500: its customer's refund of 100 is paid (it fits what is left)...
        const otherTicket = 3n; // the fixture's ticket 3: `customer` at merchant 2
        await expect(
          f.escrow.connect(f.otherAdmin).issueRefund(otherTicket, address, 100n * unit, REASON),
        )
          .to.emit(f.escrow, "RefundPaid")
          .withArgs(1n, f.customer.address, address, 100n * unit, false);
        const remaining = await rebasing.balanceOf(escrow);
        expect(await f.escrow.reserveOf(OTHER_MERCHANT, address)).to.equal(400n * unit);

        // ...but the last 400 it is booked for are not there: its admin's withdrawal reverts,
        await expect(
          f.escrow
            .connect(f.otherAdmin)
            .withdrawReserve(OTHER_MERCHANT, address, 400n * unit, f.otherAdmin.address),
        )
          .to.be.revertedWithCustomError(rebasing, "RebasingTokenInsufficientBalance")
          .withArgs(escrow, remaining, 400n * unit);
        // and a customer refund larger than what is left becomes a credit that cannot be withdrawn.
        await expect(
          f.escrow.connect(f.otherAdmin).issueRefund(otherTicket, address, 400n * unit, REASON),
        )
          .to.emit(f.escrow, "RefundPaid")
          .withArgs(2n, f.customer.address, address, 400n * unit, true);
        await expect(f.escrow.connect(f.customer).withdrawCredit(address))
          .to.be.revertedWithCustomError(rebasing, "RebasingTokenInsufficientBalance")
          .withArgs(escrow, remaining, 400n * unit);
        expect(await f.escrow.creditOf(f.customer.address, address)).to.equal(400n * unit);
        // The whole shortfall, the 150 tokens the rebase took (plus 2 wei of the token's rounding), fell
        // on merchant 2's side, the last to be paid, not on merchant 1, whose reserve lost 100 of them.
        expect(remaining).to.equal(250n * unit - 2n);
        expect(400n * unit - remaining).to.equal(150n * unit + 2n);
      });
    });
  });
});
