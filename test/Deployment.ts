import { expect } from "chai";
import { network } from "hardhat";

import { careLedgerFixture } from "./helpers/fixture.js";

const connection = await network.create();
const deployCareLedgerFixture = careLedgerFixture(connection);

describe("CareLedger deployment (Ignition module)", function () {
  it("wires the three contracts to one forwarder", async function () {
    const { forwarder, desk, escrow, feedback } =
      await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
    const forwarderAddress = await forwarder.getAddress();
    for (const contract of [desk, escrow, feedback]) {
      expect(await contract.isTrustedForwarder(forwarderAddress)).to.equal(true);
    }
  });
});
