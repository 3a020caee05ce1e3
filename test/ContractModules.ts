import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { expect } from "chai";
import { concat, parseEther } from "ethers";
import { network } from "hardhat";

import {
  ModuleDelegatorMock__factory,
  RefundEscrowReserves__factory,
  SupportDeskMerchants__factory,
} from "../typechain-types/index.js";
import { ETH, MERCHANT, TICKET, escrowFixture, hashOf } from "./helpers/escrow.js";
import { signForwardRequest } from "./helpers/forwarder.js";

// SupportDesk and RefundEscrow keep their cold code in modules they deploy in their constructors and
// DELEGATECALL (`ModuleHost`, `DelegatedModule`), so that both fit EIP-170 at 10,000 optimizer runs. The
// behaviour of every moved function is tested where it always was, through the host; this file tests
// what the split itself must guarantee: one storage layout, modules that run only inside their host,
// and relayed signers that survive the extra hop.

const connection = await network.create();
const { ethers } = connection;
const { loadFixture } = connection.networkHelpers;
const deployEscrowFixture = escrowFixture(connection);

const require = createRequire(import.meta.url);

/** A signer for `address` (the forwarder, in these tests), funded for gas. */
async function impersonate(address: string) {
  await connection.networkHelpers.impersonateAccount(address);
  await connection.networkHelpers.setBalance(address, parseEther("1"));
  return ethers.getSigner(address);
}

interface StorageEntry {
  label: string;
  slot: string;
  offset: number;
  type: string;
}

/**
 * The storage layouts of `contracts` as solc computes them, from the exact sources and settings of the
 * last build (Hardhat's build info), asking the compiler for nothing but layouts.
 */
function storageLayouts(contracts: Record<string, string>): Record<string, StorageEntry[]> {
  const dir = path.join(process.cwd(), "artifacts", "build-info");
  const buildInfo = readdirSync(dir)
    .filter((name) => name.startsWith("solc-0_8_30") && !name.endsWith(".output.json"))
    .map((name) => JSON.parse(readFileSync(path.join(dir, name), "utf8")))
    .find((info) => Object.keys(contracts).every((source) => source in info.input.sources));
  if (buildInfo === undefined)
    throw new Error("no build info holds the contracts: run `npx hardhat build`");
  const outputSelection: Record<string, Record<string, string[]>> = {};
  for (const [source, name] of Object.entries(contracts)) {
    outputSelection[source] = { ...outputSelection[source], [name]: ["storageLayout"] };
  }
  const input = {
    ...buildInfo.input,
    settings: { ...buildInfo.input.settings, optimizer: { enabled: false }, outputSelection },
  };
  const solc = require("solc") as { compile(input: string): string };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === "error");
  if (errors.length > 0)
    throw new Error(errors.map((e: { message: string }) => e.message).join("\n"));
  const layouts: Record<string, StorageEntry[]> = {};
  for (const [source, name] of Object.entries(contracts)) {
    const { storage, types } = output.contracts[source][name].storageLayout;
    layouts[name] = storage.map((entry: StorageEntry & { type: string }) => ({
      label: entry.label,
      slot: entry.slot,
      offset: entry.offset,
      // The type's label ("mapping(uint32 => struct SupportDeskStorage.Merchant)"), not its AST id.
      type: types[entry.type].label,
    }));
  }
  return layouts;
}

describe("Contract modules (SupportDesk and RefundEscrow delegate their cold code)", function () {
  describe("storage", function () {
    // One compile for both pairs (a few seconds: layouts only, no code generation).
    let layouts: Record<string, StorageEntry[]>;
    before(function () {
      this.timeout(300_000);
      layouts = storageLayouts({
        "project/contracts/SupportDesk.sol": "SupportDesk",
        "project/contracts/desk/SupportDeskMerchants.sol": "SupportDeskMerchants",
        "project/contracts/RefundEscrow.sol": "RefundEscrow",
        "project/contracts/escrow/RefundEscrowReserves.sol": "RefundEscrowReserves",
      });
    });

    for (const [host, module] of [
      ["SupportDesk", "SupportDeskMerchants"],
      ["RefundEscrow", "RefundEscrowReserves"],
    ] as const) {
      it(`lays out ${module}'s state exactly where ${host} keeps it`, function () {
        const hostLayout = layouts[host]!;
        const moduleLayout = layouts[module]!;
        // The module has the shared state and nothing else; the host has it first, then its own
        // (OpenZeppelin EIP712's fallback strings, for the desk), which the module never touches.
        expect(moduleLayout.length).to.be.greaterThan(5);
        expect(hostLayout.slice(0, moduleLayout.length)).to.deep.equal(moduleLayout);
        for (const entry of hostLayout.slice(moduleLayout.length)) {
          expect(BigInt(entry.slot)).to.be.greaterThan(BigInt(moduleLayout.at(-1)!.slot));
        }
      });
    }
  });

  describe("deployment", function () {
    it("publishes modules the hosts deployed, trusting the hosts' forwarder", async function () {
      const { desk, escrow, forwarder } = await loadFixture(deployEscrowFixture);
      const forwarderAddress = await forwarder.getAddress();
      const merchants = SupportDeskMerchants__factory.connect(
        await desk.merchantModule(),
        ethers.provider,
      );
      const reserves = RefundEscrowReserves__factory.connect(
        await escrow.reservesModule(),
        ethers.provider,
      );
      for (const module of [merchants, reserves]) {
        const code = await ethers.provider.getCode(await module.getAddress());
        expect(code.length).to.be.greaterThan(2);
        expect(await module.isTrustedForwarder(forwarderAddress)).to.equal(true);
      }
      // Each host's module is its own: a second deployment gets other modules.
      expect(await desk.merchantModule()).to.not.equal(await escrow.reservesModule());
    });
  });

  describe("access", function () {
    it("reverts when anyone calls the desk's merchant module directly", async function () {
      const { desk, admin, stranger } = await loadFixture(deployEscrowFixture);
      const merchants = SupportDeskMerchants__factory.connect(
        await desk.merchantModule(),
        stranger,
      );
      const deskAddress = await desk.getAddress();
      const merchantsBefore = await desk.merchantCount();
      await expect(merchants.registerMerchant(stranger.address, hashOf("profile")))
        .to.be.revertedWithCustomError(merchants, "ModuleNotDelegated")
        .withArgs(deskAddress);
      await expect(merchants.connect(admin).setReceiptRequired(MERCHANT, true))
        .to.be.revertedWithCustomError(merchants, "ModuleNotDelegated")
        .withArgs(deskAddress);
      await expect(merchants.connect(admin).setOrderSigner(MERCHANT, stranger.address, true))
        .to.be.revertedWithCustomError(merchants, "ModuleNotDelegated")
        .withArgs(deskAddress);
      expect(await desk.merchantCount()).to.equal(merchantsBefore);
      expect(await desk.receiptRequired(MERCHANT)).to.equal(false);
    });

    it("reverts when anyone calls the escrow's reserves module directly", async function () {
      const { escrow, admin, stranger } = await loadFixture(deployEscrowFixture);
      const reserveBefore = await escrow.reserveOf(MERCHANT, ETH);
      const reserves = RefundEscrowReserves__factory.connect(await escrow.reservesModule(), admin);
      const escrowAddress = await escrow.getAddress();
      const calls = [
        reserves.withdrawReserve(MERCHANT, ETH, 1n, admin.address),
        reserves.setRefundAllowance(MERCHANT, stranger.address, ETH, 1n, 3600),
        reserves.claimSlaCompensation(TICKET),
        reserves.settleOwedCompensation(1n),
        reserves.paySlaCompensation(TICKET, MERCHANT, stranger.address, 1, {
          token: ETH,
          firstResponseAmount: 1n,
          resolutionAmount: 0n,
          autoPay: true,
        }),
      ];
      for (const call of calls) {
        await expect(call)
          .to.be.revertedWithCustomError(reserves, "ModuleNotDelegated")
          .withArgs(escrowAddress);
      }
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(reserveBefore);
      expect([...(await escrow.refundAllowanceOf(MERCHANT, stranger.address, ETH))]).to.deep.equal([
        false,
        0n,
        0n,
        0n,
        0n,
      ]);
    });

    it("reverts when a contract other than the host runs a module in its own storage", async function () {
      const { desk, escrow, deployer, admin } = await loadFixture(deployEscrowFixture);
      const intruder = await new ModuleDelegatorMock__factory(deployer).deploy();
      const merchants = SupportDeskMerchants__factory.connect(
        await desk.merchantModule(),
        deployer,
      );
      const reserves = RefundEscrowReserves__factory.connect(
        await escrow.reservesModule(),
        deployer,
      );
      await expect(
        intruder.run(
          await merchants.getAddress(),
          merchants.interface.encodeFunctionData("registerMerchant", [admin.address, hashOf("p")]),
        ),
      )
        .to.be.revertedWithCustomError(merchants, "ModuleNotDelegated")
        .withArgs(await desk.getAddress());
      await expect(
        intruder.run(
          await reserves.getAddress(),
          reserves.interface.encodeFunctionData("settleOwedCompensation", [1n]),
        ),
      )
        .to.be.revertedWithCustomError(reserves, "ModuleNotDelegated")
        .withArgs(await escrow.getAddress());
    });

    it("rejects ETH sent with a delegated function, before the module runs", async function () {
      const { desk, admin } = await loadFixture(deployEscrowFixture);
      const data = desk.interface.encodeFunctionData("setReceiptRequired", [MERCHANT, true]);
      await expect(
        admin.sendTransaction({ to: await desk.getAddress(), data, value: 1n }),
      ).to.be.revertedWithoutReason(ethers);
      expect(await desk.receiptRequired(MERCHANT)).to.equal(false);
    });
  });

  describe("relayed calls", function () {
    it("runs a relayed multicall of module and desk functions for the admin who signed it", async function () {
      const { desk, forwarder, admin, relayer, stranger } = await loadFixture(deployEscrowFixture);
      const data = desk.interface.encodeFunctionData("multicall", [
        [
          desk.interface.encodeFunctionData("setOrderSigner", [MERCHANT, stranger.address, true]),
          desk.interface.encodeFunctionData("setReceiptRequired", [MERCHANT, true]),
        ],
      ]);
      const request = await signForwardRequest(forwarder, admin, desk, data);
      await expect(forwarder.connect(relayer).execute(request))
        .to.emit(desk, "OrderSignerSet")
        .withArgs(MERCHANT, stranger.address, true)
        .and.to.emit(desk, "ReceiptRequirementSet")
        .withArgs(MERCHANT, true);
      expect(await desk.isOrderSigner(MERCHANT, stranger.address)).to.equal(true);
      expect(await desk.receiptRequired(MERCHANT)).to.equal(true);
    });

    it("refuses a stranger's relayed module call with the stranger as the caller", async function () {
      const { desk, forwarder, stranger } = await loadFixture(deployEscrowFixture);
      // The forwarder reverts with its own FailedCall when the inner call fails, so the inner call is
      // made here as the forwarder makes it: from the forwarder, with the signer appended.
      const asForwarder = await impersonate(await forwarder.getAddress());
      const data = desk.interface.encodeFunctionData("setReceiptRequired", [MERCHANT, true]);
      await expect(
        asForwarder.sendTransaction({
          to: await desk.getAddress(),
          data: concat([data, stranger.address]),
        }),
      )
        .to.be.revertedWithCustomError(desk, "DeskNotMerchantAdmin")
        .withArgs(MERCHANT, stranger.address);
      expect(await desk.receiptRequired(MERCHANT)).to.equal(false);
    });

    it("pays a relayed reserve withdrawal to the admin's recipient, to the wei", async function () {
      const { escrow, forwarder, admin, relayer, stranger } =
        await loadFixture(deployEscrowFixture);
      const amount = parseEther("0.25");
      const before = await escrow.reserveOf(MERCHANT, ETH);
      const data = escrow.interface.encodeFunctionData("withdrawReserve", [
        MERCHANT,
        ETH,
        amount,
        stranger.address,
      ]);
      const request = await signForwardRequest(forwarder, admin, escrow, data);
      const relayed = forwarder.connect(relayer).execute(request);
      await expect(relayed).to.changeEtherBalances(ethers, [stranger, escrow], [amount, -amount]);
      await expect(relayed)
        .to.emit(escrow, "ReserveWithdrawn")
        .withArgs(MERCHANT, ETH, stranger.address, amount);
      expect(await escrow.reserveOf(MERCHANT, ETH)).to.equal(before - amount);

      // The same withdrawal signed by the stranger, as the forwarder would pass it on (the forwarder
      // itself reverts with its own FailedCall when the inner call fails).
      const asForwarder = await impersonate(await forwarder.getAddress());
      await expect(
        asForwarder.sendTransaction({
          to: await escrow.getAddress(),
          data: concat([data, stranger.address]),
        }),
      )
        .to.be.revertedWithCustomError(escrow, "EscrowNotMerchantAdmin")
        .withArgs(MERCHANT, stranger.address);
    });
  });
});
