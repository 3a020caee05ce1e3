import { expect } from "chai";
import { getBytes } from "ethers";

import {
  fjordEstimatedSize,
  fjordL1DataGas,
  fjordL1Fee,
  flzCompressLength,
} from "../../scripts/benchmark/op-fee.js";

/**
 * A signed EIP-1559 contract call from the test vectors of the OP Stack's FastLZ length (op-rs/maili
 * `crates/flz`, the same vectors as op-geth's `FlzCompressLen`): its FastLZ length is 202.
 */
const SAMPLE_CONTRACT_CALL =
  "0x02f901550a758302df1483be21b88304743f94f80e51afb613d764fa61751affd3313c190a86bb870151bd62fd12adb8e41ef24f3f000000000000000000000000000000000000000000000000000000000000006e000000000000000000000000af88d065e77c8cc2239327c5edb3a432268e5831000000000000000000000000000000000000000000000000000000000003c1e5000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000a000000000000000000000000000000000000000000000000000000000000000148c89ed219d02f1a5be012c689b4f5b731827bebe000000000000000000000000c001a033fd89cb37c31b2cba46b6466e040c61fc9b2a3675a7f5f493ebd5ad77c497f8a07cdf65680e238392693019b4092f610222e71b7cec06449cb922b93b6a12744e";

describe("benchmark: OP Stack Fjord L1 fee (scripts/benchmark/op-fee.ts)", function () {
  describe("flzCompressLength", function () {
    it("matches the OP Stack's FastLZ test vectors", function () {
      expect(flzCompressLength(new Uint8Array())).to.equal(0);
      expect(flzCompressLength(new Uint8Array(1000))).to.equal(21);
      expect(flzCompressLength(new Uint8Array(1000).fill(42))).to.equal(21);
      expect(flzCompressLength(getBytes("0xFACADE"))).to.equal(4);
      expect(flzCompressLength(getBytes(SAMPLE_CONTRACT_CALL))).to.equal(202);
    });

    it("grows with every byte of data that never repeats", function () {
      const data = new Uint8Array(256).map((_, i) => i);
      let previous = 0;
      for (let length = 1; length <= data.length; length += 1) {
        const size = flzCompressLength(data.subarray(0, length));
        expect(size).to.be.greaterThan(previous);
        previous = size;
      }
    });
  });

  describe("Fjord's regression", function () {
    it("uses the GasPriceOracle's intercept, FastLZ coefficient and 100-byte minimum", function () {
      // 836,500 * 202 - 42,585,600 = 126,387,400 (126.3874 bytes, scaled by 1e6).
      expect(fjordEstimatedSize(202)).to.equal(126_387_400n);
      // Small transactions are priced as 100 bytes.
      expect(fjordEstimatedSize(100)).to.equal(100_000_000n);
      expect(fjordL1DataGas(202)).to.equal(2_022n);
      expect(fjordL1DataGas(60)).to.equal(1_600n);
    });

    it("prices the L1 data fee from the L1 base fee, the blob base fee and the chain's scalars", function () {
      const parameters = {
        l1BaseFee: 1_000_000_000n,
        blobBaseFee: 1n,
        baseFeeScalar: 2_269n,
        blobBaseFeeScalar: 1_055_762n,
      };
      // 126,387,400 * (2,269 * 16 * 1e9 + 1,055,762) / 1e12
      const expected = (126_387_400n * (2_269n * 16n * 1_000_000_000n + 1_055_762n)) / 10n ** 12n;
      expect(fjordL1Fee(202, parameters)).to.equal(expected);
      expect(expected).to.equal(4_588_368_303n);
    });
  });
});
