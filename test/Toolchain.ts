import { expect } from "chai";
import { network } from "hardhat";

const { ethers } = await network.create();

describe("Toolchain", function () {
  it("emits Added with the new total", async function () {
    const toolchain = await ethers.deployContract("Toolchain");
    await expect(toolchain.add(2n)).to.emit(toolchain, "Added").withArgs(2n, 2n);
    await expect(toolchain.add(3n)).to.emit(toolchain, "Added").withArgs(3n, 5n);
  });

  it("reverts with ToolchainZeroAmount when adding zero", async function () {
    const toolchain = await ethers.deployContract("Toolchain");
    await expect(toolchain.add(0n)).to.be.revertedWithCustomError(toolchain, "ToolchainZeroAmount");
  });
});
