import { expect } from "chai";

import { TaskError } from "../../tasks/lib/errors.js";
import { explainError, explainRevert, missingConfigVariable } from "../../tasks/lib/explain.js";
import { formatDuration, parseAmount, parseDuration, ETH } from "../../tasks/lib/format.js";

/** An error shaped like the ones Hardhat throws (its class is not a dependency of the project). */
function hardhatError(message: string): Error {
  const error = new Error(message);
  error.name = "HardhatError";
  return error;
}

describe("tasks: errors a person can act on", function () {
  describe("explainError", function () {
    it("names DEPLOYER_PRIVATE_KEY and where to set it when Hardhat cannot find it", async function () {
      const error = hardhatError(
        'HHE7: Configuration Variable "DEPLOYER_PRIVATE_KEY" not found.\n\nYou can define it using a plugin like hardhat-keystore, or set it as an environment variable.',
      );
      expect(missingConfigVariable(error)).to.equal("DEPLOYER_PRIVATE_KEY");
      const explained = await explainError(error, { networkName: "remote" });
      expect(explained?.message).to.equal(
        'DEPLOYER_PRIVATE_KEY is not set, and network "remote" needs it (the private key (0x…) of the account ' +
          "that signs): put DEPLOYER_PRIVATE_KEY=… in .env (see .env.example), export it, or run " +
          "`npx hardhat keystore set DEPLOYER_PRIVATE_KEY`",
      );
    });

    it("says to start the node when localhost cannot be reached", async function () {
      const error = hardhatError(
        'HHE703: Cannot connect to the network "localhost".\nPlease make sure your node is running',
      );
      const explained = await explainError(error, { networkName: "localhost" });
      expect(explained?.message).to.equal(
        'cannot reach the node of network "localhost": start one with `npm run node` in another terminal',
      );
    });

    it("says the account needs ETH for gas", async function () {
      const error = new Error(
        "Sender doesn't have enough funds to send tx. The max upfront cost is: 1",
      );
      const explained = await explainError(error, { networkName: "remote", from: "0xabc" });
      expect(explained?.message).to.equal(
        '0xabc has not enough ETH on network "remote" to pay for this transaction (gas and value): fund it first',
      );
    });

    it("leaves a bug alone, so it throws with its stack trace", async function () {
      expect(
        await explainError(new TypeError("x is undefined"), { networkName: "default" }),
      ).to.equal(undefined);
    });
  });

  describe("reading what people type", function () {
    it("reads durations with units and writes them back", function () {
      expect(parseDuration("90", "resolution")).to.equal(90);
      expect(parseDuration("15m", "resolution")).to.equal(900);
      expect(parseDuration("2h", "resolution")).to.equal(7_200);
      expect(parseDuration("3d", "resolution")).to.equal(259_200);
      expect(formatDuration(93_784)).to.equal("1 d 2 h");
      expect(() => parseDuration("soon", "first-response")).to.throw(
        TaskError,
        '--first-response "soon" is not a duration: write seconds, or a number with s, m, h, d or w (e.g. 2h, 3d)',
      );
    });

    it("reads amounts in the token's units and refuses what is not one", function () {
      expect(parseAmount("0.05", ETH)).to.equal(50_000_000_000_000_000n);
      expect(() => parseAmount("a lot", ETH)).to.throw(
        TaskError,
        'amount "a lot" is not an amount of ETH (up to 18 decimals, e.g. 1.5)',
      );
      expect(() => parseAmount("0", ETH)).to.throw(TaskError, "amount must be more than 0 ETH");
    });
  });

  describe("explainRevert for verified orders and staff limits", function () {
    const ALICE = "0x00000000000000000000000000000000000A11cE";
    const BOB = "0x0000000000000000000000000000000000000B0B";
    const context = { networkName: "hardhat", token: ETH };
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [
        "EscrowOrderRefundExceeded",
        {
          merchantId: 1n,
          orderRef: `0x${"ab".repeat(32)}`,
          left: 2n * 10n ** 17n,
          requested: 3n * 10n ** 17n,
        },
        "only 0.2 ETH of this order is left to refund (its receipt's amount less what its refunds locked or paid), and 0.3 ETH was asked for: ask for at most what is left",
      ],
      [
        "EscrowAllowanceExceeded",
        { merchantId: 1n, agent: ALICE, token: BOB, left: 15n, requested: 20n },
        `${ALICE} may pay out 15 units more in this period and 20 units was asked for: the admin of merchant #1 can pay it, or raise the limit (\`merchant:allowance 1 <agent>\`)`,
      ],
      [
        "DeskReceiptRequired",
        { merchantId: 4n },
        'merchant #4 requires an order receipt for every ticket: open it with the receipt the shop gave you (`ticket:open 4 "<message>" --receipt <file>`)',
      ],
      [
        "DeskNotOrderSigner",
        { merchantId: 2n, signer: BOB },
        `the receipt was signed by ${BOB}, which is not an order signer of merchant #2 (never named, revoked, or the receipt was altered after signing); its admin names signers with \`merchant:signer 2 <address>\``,
      ],
      [
        "DeskReceiptNotForCaller",
        { customer: ALICE, caller: BOB },
        `this receipt is for ${ALICE}: only that account can open tickets with it (${BOB} is not it)`,
      ],
      [
        "DeskReceiptExpired",
        { supportUntil: 1_700_000_000n },
        "the receipt allowed tickets until 2023-11-14 22:13:20 UTC: its support period has ended",
      ],
    ];
    for (const [name, args, sentence] of cases) {
      it(`words ${name}`, async function () {
        expect(
          await explainRevert({ contract: "RefundEscrow", name, args, signature: name }, context),
        ).to.equal(sentence);
      });
    }
  });
});
