import { expect } from "chai";
import { id } from "ethers";
import { artifacts, network } from "hardhat";

import {
  addressesFor,
  addressesFromIgnition,
  CareLedgerError,
  connect,
  decodeRevert,
  deployments,
  erc2771ForwarderAbi,
  feedbackAttestationsAbi,
  PRIORITY_NAMES,
  RefundStatus,
  refundEscrowAbi,
  supportDeskAbi,
  TicketStatus,
} from "../../src/index.js";
import { careLedgerFixture } from "../helpers/fixture.js";
import { addressesOf, clientAs, hashOf, openTicket, registerMerchant } from "../helpers/sdk.js";

const connection = await network.create();
const deployCareLedgerFixture = careLedgerFixture(connection);

/** The rejection of a promise, or undefined if it fulfilled. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

describe("careledger client", function () {
  describe("connect", function () {
    it("reads the chain id from the runner's provider and connects the four contracts", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const addresses = await addressesOf(fixture);

      const client = await connect(fixture.customer, undefined, addresses);

      expect(client.chainId).to.equal(31337n);
      expect(client.addresses).to.deep.equal(addresses);
      expect(await client.desk.getAddress()).to.equal(addresses.supportDesk);
      expect(await client.escrow.getAddress()).to.equal(addresses.refundEscrow);
      expect(await client.feedback.getAddress()).to.equal(addresses.feedbackAttestations);
      expect(await client.forwarder.getAddress()).to.equal(addresses.forwarder);
      expect(await client.desk.version()).to.equal("1.0.0");
      expect(await client.desk.isTrustedForwarder(addresses.forwarder)).to.equal(true);
    });

    it("sends transactions as the runner", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const client = await clientAs(fixture, fixture.otherAdmin);

      await client.desk.registerMerchant(fixture.otherAdmin.address, hashOf("profile"));

      expect(await fixture.desk.merchantAdmin(1)).to.equal(fixture.otherAdmin.address);
    });

    it("throws CareLedgerError for a chain with no recorded deployment and no addresses given", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const error = await rejectionOf(connect(fixture.customer));
      expect(error).to.be.instanceOf(CareLedgerError);
      expect((error as Error).message).to.match(
        /no CareLedger deployment is recorded for chain 31337/,
      );
    });
  });

  describe("addressesFor", function () {
    it("throws CareLedgerError naming the chain when nothing is recorded for it", function () {
      expect(() => addressesFor(31337n)).to.throw(
        CareLedgerError,
        "no CareLedger deployment is recorded for chain 31337",
      );
    });

    it("returns a copy of each recorded chain's addresses", function () {
      for (const [chainId, recorded] of Object.entries(deployments)) {
        expect(addressesFor(Number(chainId))).to.deep.equal(recorded);
      }
    });
  });

  describe("addressesFromIgnition", function () {
    it("reads the four futures of Ignition's deployed_addresses.json", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const addresses = await addressesOf(fixture);
      const json = {
        "CareLedger#Forwarder": addresses.forwarder.toLowerCase(),
        "CareLedger#SupportDesk": addresses.supportDesk,
        "CareLedger#RefundEscrow": addresses.refundEscrow,
        "CareLedger#FeedbackAttestations": addresses.feedbackAttestations,
      };
      expect(addressesFromIgnition(json)).to.deep.equal(addresses);
    });

    it("throws CareLedgerError naming each missing or malformed key", function () {
      expect(() =>
        addressesFromIgnition({
          "CareLedger#Forwarder": "0x1234",
          "CareLedger#SupportDesk": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
          "CareLedger#RefundEscrow": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        }),
      ).to.throw(
        CareLedgerError,
        "not a CareLedger deployment: CareLedger#Forwarder is not an address; " +
          "CareLedger#FeedbackAttestations is missing",
      );
    });
  });

  describe("enums and ABIs", function () {
    it("mirror the contracts' enums and priorities", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const merchantId = await registerMerchant(fixture);
      const ticketId = await openTicket(fixture, merchantId, fixture.customer, 3);
      expect(await fixture.desk.statusOf(ticketId)).to.equal(BigInt(TicketStatus.Open));
      expect(PRIORITY_NAMES[Number((await fixture.desk.getTicket(ticketId)).priority)]).to.equal(
        "urgent",
      );
      expect(TicketStatus.Cancelled).to.equal(7);
      expect(RefundStatus.Cancelled).to.equal(5);
    });

    it("export the artifacts' ABIs", async function () {
      expect(supportDeskAbi).to.deep.equal((await artifacts.readArtifact("SupportDesk")).abi);
      // Fully qualified: OpenZeppelin 4's RefundEscrow (a gas benchmark reference) has the same name.
      expect(refundEscrowAbi).to.deep.equal(
        (await artifacts.readArtifact("contracts/RefundEscrow.sol:RefundEscrow")).abi,
      );
      expect(feedbackAttestationsAbi).to.deep.equal(
        (await artifacts.readArtifact("FeedbackAttestations")).abi,
      );
      expect(erc2771ForwarderAbi).to.deep.equal(
        (await artifacts.readArtifact("ERC2771Forwarder")).abi,
      );
    });
  });

  describe("decodeRevert", function () {
    it("decodes a reverted transaction's custom error with its arguments", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const merchantId = await registerMerchant(fixture);
      const ticketId = await openTicket(fixture, merchantId);
      const client = await clientAs(fixture, fixture.stranger);

      const error = await rejectionOf(client.desk.postMessage(ticketId, hashOf("hi")));

      expect(decodeRevert(error)).to.deep.equal({
        contract: "SupportDesk",
        name: "DeskNotParticipant",
        args: { ticketId, caller: fixture.stranger.address },
        signature: "DeskNotParticipant(uint256,address)",
      });
    });

    it("decodes a reverted call, an enum argument as its number", async function () {
      const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
      const merchantId = await registerMerchant(fixture);
      const ticketId = await openTicket(fixture, merchantId);
      const client = await clientAs(fixture, fixture.customer);

      const error = await rejectionOf(client.desk.confirmResolution.staticCall(ticketId));

      expect(decodeRevert(error)).to.deep.include({
        name: "DeskInvalidTransition",
        args: { ticketId, status: BigInt(TicketStatus.Open), caller: fixture.customer.address },
      });
    });

    it("decodes raw revert data and errors nested in other errors", function () {
      // `DeskUnknownTicket(7)` as a contract reverts with it.
      const data = id("DeskUnknownTicket(uint256)").slice(0, 10) + "7".padStart(64, "0");
      expect(decodeRevert(data)?.name).to.equal("DeskUnknownTicket");
      expect(decodeRevert({ error: { error: { data } } })?.args).to.deep.equal({ ticketId: 7n });
      // viem keeps the raw revert data as `raw` in the error's cause chain.
      expect(decodeRevert({ shortMessage: "reverted", cause: { raw: data } })?.name).to.equal(
        "DeskUnknownTicket",
      );
      expect(decodeRevert(new Error("wrapped", { cause: { data } }))?.name).to.equal(
        "DeskUnknownTicket",
      );
    });

    it("returns undefined for errors that carry no CareLedger revert", function () {
      expect(decodeRevert(new Error("network down"))).to.equal(undefined);
      expect(decodeRevert({ data: "0xdeadbeef" })).to.equal(undefined);
      expect(decodeRevert(undefined)).to.equal(undefined);
      // A string revert (Error(string)) is not one of CareLedger's custom errors.
      expect(
        decodeRevert({
          data:
            "0x08c379a0" + "20".padStart(64, "0") + "2".padStart(64, "0") + "6869".padEnd(64, "0"),
        }),
      ).to.equal(undefined);
    });
  });
});
