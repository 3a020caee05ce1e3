import { readFile } from "node:fs/promises";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { ZeroAddress, parseEther } from "ethers";

import { orderReceiptFromJson, verifyCommitment, verifyOrderReceipt } from "../../src/index.js";
import { commitmentsFile, failureOf, loadTaskFixture, runTask, valueOf } from "../helpers/tasks.js";

const DAY = 86_400;

describe("tasks: verified orders and staff limits", function () {
  describe("merchant:signer", function () {
    it("accepts a signer and requires receipts, then revokes it", async function () {
      const { desk, addresses, admin, agent } = await loadTaskFixture();
      const run = await runTask<{ allowed: boolean; receiptRequired: boolean }>("merchant:signer", {
        addresses,
        from: admin.address,
        merchantId: "1",
        signer: agent.address,
        requireReceipts: "yes",
      });
      expect(valueOf(run)).to.deep.include({ allowed: true, receiptRequired: true });
      expect(run.out.text).to.include(`receipts ${agent.address} signs now open verified tickets`);
      expect(await desk.isOrderSigner(1, agent.address)).to.equal(true);
      expect(await desk.receiptRequired(1)).to.equal(true);

      const revoke = await runTask("merchant:signer", {
        addresses,
        from: admin.address,
        merchantId: "1",
        signer: agent.address,
        remove: true,
        requireReceipts: "",
      });
      valueOf(revoke);
      expect(await desk.isOrderSigner(1, agent.address)).to.equal(false);
    });

    it("says only the admin may name signers", async function () {
      const { addresses, admin, agent } = await loadTaskFixture();
      const run = await runTask("merchant:signer", {
        addresses,
        from: agent.address,
        merchantId: "1",
        signer: agent.address,
        requireReceipts: "",
      });
      expect(failureOf(run)).to.equal(
        `✖ merchant:signer: ${agent.address} is not the admin of merchant #1 (its admin is ${admin.address}): only the admin can name an order signer; sign with the admin's account (\`--from\`)`,
      );
    });
  });

  describe("merchant:receipt", function () {
    it("signs a receipt into a JSON file the customer opens a verified ticket with", async function () {
      const { desk, addresses, admin, customer } = await loadTaskFixture();
      await (await desk.connect(admin).setOrderSigner(1, admin.address, true)).wait();
      const out = path.join(mkdtempSync(path.join(tmpdir(), "careledger-receipt-")), "r.json");
      const run = await runTask<{ file: string; orderRef: string }>("merchant:receipt", {
        addresses,
        from: admin.address,
        merchantId: "1",
        customer: customer.address,
        order: "order #A-1043",
        items: "stove SN 7731",
        amount: "0.5",
        token: "eth",
        support: "30d",
        out,
        commitments: commitmentsFile,
      });
      const { file, orderRef } = valueOf(run);
      expect(file).to.equal(out);
      const json = await readFile(out, "utf8");
      const signed = orderReceiptFromJson(json);
      expect(signed.receipt).to.deep.include({
        merchantId: 1n,
        customer: customer.address,
        orderRef,
        token: ZeroAddress,
        amount: parseEther("0.5"),
      });
      expect(signed.receipt.supportUntil - signed.receipt.purchasedAt).to.equal(BigInt(30 * DAY));
      expect(await verifyOrderReceipt(signed)).to.deep.include({
        valid: true,
        signer: admin.address,
      });
      // The file carries the texts and salts the customer needs to prove the order and the items later.
      const openings = (
        JSON.parse(json) as { openings: Record<string, { text: string; salt: string }> }
      ).openings;
      expect(
        verifyCommitment("stove SN 7731", openings.items!.salt, signed.receipt.itemsHash),
      ).to.equal(true);
      await (
        await desk
          .connect(customer)
          .openTicketWithReceipt(signed.receipt, signed.signature, orderRef, 1)
      ).wait();
      expect((await desk.receiptOf(await desk.ticketCount()))[0]).to.equal(true);
      expect(run.out.text).to.include("give it to the customer");
    });

    it("says the signing account is not an order signer", async function () {
      const { addresses, agent, customer } = await loadTaskFixture();
      const run = await runTask("merchant:receipt", {
        addresses,
        from: agent.address,
        merchantId: "1",
        customer: customer.address,
        order: "order 1",
        items: "",
        amount: "1",
        token: "eth",
        support: "30d",
        out: "",
        commitments: commitmentsFile,
      });
      expect(failureOf(run)).to.equal(
        `✖ merchant:receipt: ${agent.address} is not an order signer of merchant #1: its admin names one with \`merchant:signer 1 ${agent.address}\``,
      );
    });
  });

  describe("merchant:allowance", function () {
    it("limits an agent's refunds per period, and an issue above it is refused", async function () {
      const { escrow, addresses, admin, agent } = await loadTaskFixture();
      const run = await runTask<{ limit: bigint; period: number }>("merchant:allowance", {
        addresses,
        from: admin.address,
        merchantId: "1",
        agent: agent.address,
        token: "eth",
        limit: "0.2",
        period: "1d",
        remove: false,
      });
      expect(valueOf(run)).to.deep.include({ limit: parseEther("0.2"), period: DAY });
      expect(run.out.text).to.include("may pay out at most 0.2 ETH of refunds per 1 day");
      const view = await escrow.refundAllowanceOf(1, agent.address, ZeroAddress);
      expect([view.limited, view.limit, view.period]).to.deep.equal([
        true,
        parseEther("0.2"),
        BigInt(DAY),
      ]);
      await expect(
        escrow.connect(agent).issueRefund(1, ZeroAddress, parseEther("0.3"), `0x${"1".repeat(64)}`),
      )
        .to.be.revertedWithCustomError(escrow, "EscrowAllowanceExceeded")
        .withArgs(1, agent.address, ZeroAddress, parseEther("0.2"), parseEther("0.3"));
    });

    it("says only the admin may set an allowance", async function () {
      const { addresses, admin, agent } = await loadTaskFixture();
      const run = await runTask("merchant:allowance", {
        addresses,
        from: agent.address,
        merchantId: "1",
        agent: agent.address,
        token: "eth",
        limit: "1",
        period: "1d",
        remove: false,
      });
      expect(failureOf(run)).to.equal(
        `✖ merchant:allowance: ${agent.address} is not the admin of merchant #1 (its admin is ${admin.address}): only the admin can limit an agent's refunds; sign with the admin's account (\`--from\`)`,
      );
    });
  });

  describe("ticket:open --receipt", function () {
    async function receiptFile(
      fixture: Awaited<ReturnType<typeof loadTaskFixture>>,
    ): Promise<string> {
      const { desk, addresses, admin, customer } = fixture;
      await (await desk.connect(admin).setOrderSigner(1, admin.address, true)).wait();
      const out = path.join(mkdtempSync(path.join(tmpdir(), "careledger-receipt-")), "r.json");
      valueOf(
        await runTask("merchant:receipt", {
          addresses,
          from: admin.address,
          merchantId: "1",
          customer: customer.address,
          order: "order #7",
          items: "lamp",
          amount: "1",
          token: "eth",
          support: "30d",
          out,
          commitments: commitmentsFile,
        }),
      );
      return out;
    }

    it("opens a verified ticket with the shop's receipt file, gaslessly through a relayer", async function () {
      const fixture = await loadTaskFixture();
      const { desk, addresses, customer, stranger } = fixture;
      const file = await receiptFile(fixture);
      const run = await runTask<{ ticketId: bigint; relayed: boolean }>("ticket:open", {
        addresses,
        from: customer.address,
        merchantId: "1",
        message: "the lamp flickers",
        order: "",
        priority: "high",
        relayer: stranger.address,
        receipt: file,
        commitments: commitmentsFile,
      });
      const { ticketId, relayed } = valueOf(run);
      expect(relayed).to.equal(true);
      expect(await desk.customerOf(ticketId)).to.equal(customer.address);
      const [verified, orderRef, token, amount] = await desk.receiptOf(ticketId);
      const signed = orderReceiptFromJson(await readFile(file, "utf8"));
      expect([verified, orderRef, token, amount]).to.deep.equal([
        true,
        signed.receipt.orderRef,
        ZeroAddress,
        parseEther("1"),
      ]);
      expect(run.out.text).to.match(new RegExp(`verified +order ${signed.receipt.orderRef}`));
    });

    it("says when someone else than the receipt's customer uses it", async function () {
      const fixture = await loadTaskFixture();
      const file = await receiptFile(fixture);
      const run = await runTask("ticket:open", {
        addresses: fixture.addresses,
        from: fixture.customer2.address,
        merchantId: "1",
        message: "not mine",
        order: "",
        priority: "normal",
        relayer: "",
        receipt: file,
        commitments: commitmentsFile,
      });
      expect(failureOf(run)).to.equal(
        `✖ ticket:open: this receipt is for ${fixture.customer.address}: only that account can open tickets with it (${fixture.customer2.address} is not it)`,
      );
    });

    it("says a missing receipt file is missing", async function () {
      const { addresses, customer } = await loadTaskFixture();
      const run = await runTask("ticket:open", {
        addresses,
        from: customer.address,
        merchantId: "1",
        message: "x",
        order: "",
        priority: "normal",
        relayer: "",
        receipt: "no-such-receipt.json",
        commitments: commitmentsFile,
      });
      expect(failureOf(run)).to.match(
        /^✖ ticket:open: --receipt no-such-receipt\.json: no such file \(/,
      );
    });
  });
});
