import { expect } from "chai";
import { Wallet } from "ethers";
import { network } from "hardhat";

import {
  decodeRevert,
  FORWARD_REQUEST_TYPES,
  relay,
  signForwardRequest,
  ticketTimeline,
  TicketStatus,
} from "../../src/index.js";
import { careLedgerFixture } from "../helpers/fixture.js";
import { clientAs, hashOf, openTicket, registerMerchant } from "../helpers/sdk.js";

const connection = await network.create();
const deployCareLedgerFixture = careLedgerFixture(connection);
const { time } = connection.networkHelpers;

describe("careledger relay", function () {
  async function deployWithMerchant() {
    const fixture = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
    const merchantId = await registerMerchant(fixture);
    // A customer who has no ETH at all: only a relayer can get their calls on chain.
    const gasless = Wallet.createRandom(connection.ethers.provider);
    const client = await clientAs(fixture, fixture.relayer);
    return { ...fixture, merchantId, gasless, client };
  }

  describe("relay", function () {
    it("opens a ticket for a signer without ETH, who becomes its customer; the relayer pays", async function () {
      const { desk, forwarder, relayer, merchantId, gasless, client } = await deployWithMerchant();
      const order = hashOf("order #7");
      const content = hashOf("my parcel never came");
      const data = desk.interface.encodeFunctionData("openTicket", [merchantId, order, content, 3]);

      const tx = await relay(client, gasless, client.addresses.supportDesk, data, { relayer });

      await expect(tx)
        .to.emit(forwarder, "ExecutedForwardRequest")
        .withArgs(gasless.address, 0n, true);
      await expect(tx)
        .to.emit(desk, "TicketOpened")
        .withArgs(1n, merchantId, gasless.address, order, content, 3);
      const receipt = await tx.wait();
      expect(receipt?.from).to.equal(relayer.address);
      expect(await connection.ethers.provider.getBalance(gasless.address)).to.equal(0n);
      expect(await desk.customerOf(1n)).to.equal(gasless.address);
      expect(await forwarder.nonces(gasless.address)).to.equal(1n);
    });

    it("records the signer, not the relayer, as the actor of a relayed staff action", async function () {
      const fixture = await deployWithMerchant();
      const { desk, agent, relayer, merchantId, client } = fixture;
      const ticketId = await openTicket(fixture, merchantId);
      const answer = hashOf("we are on it");
      const data = desk.interface.encodeFunctionData("postMessage", [ticketId, answer]);

      const tx = await relay(client, agent, client.addresses.supportDesk, data, { relayer });

      await expect(tx)
        .to.emit(desk, "TicketStatusChanged")
        .withArgs(ticketId, TicketStatus.Open, TicketStatus.InProgress, agent.address, answer);
      const timeline = await ticketTimeline(client, ticketId);
      expect(
        timeline.filter((entry) => entry.kind === "message").map((entry) => entry.actor),
      ).to.deep.equal([agent.address]);
    });

    it("throws the inner call's custom error before anything is signed or sent", async function () {
      const { desk, forwarder, relayer, gasless, client } = await deployWithMerchant();
      const data = desk.interface.encodeFunctionData("openTicket", [
        99,
        hashOf("o"),
        hashOf("c"),
        1,
      ]);

      const error: unknown = await relay(client, gasless, client.addresses.supportDesk, data, {
        relayer,
      }).then(
        () => undefined,
        (reason: unknown) => reason,
      );

      expect(decodeRevert(error)).to.deep.include({
        contract: "SupportDesk",
        name: "DeskUnknownMerchant",
        args: { merchantId: 99n },
      });
      expect(await forwarder.nonces(gasless.address)).to.equal(0n);
    });

    it("is refused by the forwarder once the request's deadline has passed", async function () {
      const { desk, forwarder, relayer, merchantId, gasless, client } = await deployWithMerchant();
      const data = desk.interface.encodeFunctionData("openTicket", [
        merchantId,
        hashOf("o"),
        hashOf("c"),
        1,
      ]);
      const deadline = (await time.latest()) - 1;

      const error: unknown = await relay(client, gasless, client.addresses.supportDesk, data, {
        relayer,
        deadline,
        gas: 200_000n,
      }).then(
        () => undefined,
        (reason: unknown) => reason,
      );

      expect(decodeRevert(error)).to.deep.equal({
        contract: "ERC2771Forwarder",
        name: "ERC2771ForwarderExpiredRequest",
        args: { deadline: BigInt(deadline) },
        signature: "ERC2771ForwarderExpiredRequest(uint48)",
      });
      expect(await forwarder.nonces(gasless.address)).to.equal(0n);
    });
  });

  describe("signForwardRequest", function () {
    it("signs the forwarder's EIP-712 request, valid for an hour by default", async function () {
      const { desk, forwarder, customer, merchantId, client } = await deployWithMerchant();
      const data = desk.interface.encodeFunctionData("openTicket", [
        merchantId,
        hashOf("o"),
        hashOf("c"),
        1,
      ]);

      const request = await signForwardRequest(
        client,
        customer,
        client.addresses.supportDesk,
        data,
      );

      expect(request.from).to.equal(customer.address);
      expect(request.to).to.equal(await desk.getAddress());
      expect(request.value).to.equal(0n);
      expect(request.data).to.equal(data);
      expect(request.deadline).to.equal((await time.latest()) + 3600);
      expect(request.gas > 21_000n).to.equal(true);
      expect(await forwarder.verify(request)).to.equal(true);

      const domain = await forwarder.eip712Domain();
      expect(domain.name).to.equal("CareLedger");
      const recovered = await connection.ethers.verifyTypedData(
        {
          name: "CareLedger",
          version: "1",
          chainId: 31337n,
          verifyingContract: await forwarder.getAddress(),
        },
        { ForwardRequest: [...FORWARD_REQUEST_TYPES.ForwardRequest] },
        { ...request, nonce: 0n },
        request.signature,
      );
      expect(recovered).to.equal(customer.address);
    });

    it("uses the deadline and gas it is given", async function () {
      const { desk, forwarder, customer, merchantId, client } = await deployWithMerchant();
      const data = desk.interface.encodeFunctionData("openTicket", [
        merchantId,
        hashOf("o"),
        hashOf("c"),
        1,
      ]);
      const deadline = (await time.latest()) + 60;

      const request = await signForwardRequest(
        client,
        customer,
        client.addresses.supportDesk,
        data,
        {
          deadline,
          gas: 300_000n,
        },
      );

      expect(request.deadline).to.equal(deadline);
      expect(request.gas).to.equal(300_000n);
      expect(await forwarder.verify(request)).to.equal(true);
    });
  });
});
