import { expect } from "chai";

import { TaskError } from "../../cli/errors.js";
import { explainError, missingConfigVariable } from "../../cli/explain.js";
import { formatDuration, parseAmount, parseDuration, ETH } from "../../cli/format.js";

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
});
