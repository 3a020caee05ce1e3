import { expect } from "chai";
import { getBytes } from "ethers";

import {
  calldataFloorGas,
  calldataGas,
  calldataTokens,
  callGas,
  describeBound,
  logGas,
  lowerBound,
  memoryExpansionGas,
  storageGas,
  type BoundShape,
} from "../../scripts/benchmark/evm-gas.js";

const NOTHING: BoundShape = { storage: [], logs: [], calls: [] };
const bytes = (hex: string): Uint8Array => getBytes(hex);

describe("benchmark: EVM gas rules (scripts/benchmark/evm-gas.ts)", function () {
  describe("lowerBound", function () {
    it("is 21,000 for a plain ETH transfer (no calldata, no execution)", function () {
      const bound = lowerBound(NOTHING, new Uint8Array());
      expect(bound.gas).to.equal(21_000);
      expect(bound.terms).to.deep.equal([
        { label: "transaction base", gas: 21_000 },
        { label: "calldata: 0 bytes (0 zero), 0 tokens x 4", gas: 0 },
      ]);
    });

    it("charges 4 per zero byte and 16 per non-zero byte (EIP-2028) above the floor", function () {
      // A selector (4 non-zero bytes) and one uint256 argument 1: 31 zero bytes, 1 non-zero byte.
      const data = bytes(`0x12345678${"00".repeat(31)}01`);
      const shape: BoundShape = {
        storage: [{ kind: "update", slot: "counter" }],
        logs: [],
        calls: [],
      };
      // 21,000 + 4 * (31 + 4 * 5) = 21,204, plus a cold non-zero to non-zero write (5,000).
      expect(lowerBound(shape, data).gas).to.equal(21_000 + 204 + 5_000);
    });

    it("applies the EIP-7623 floor of 10 gas per token when execution is cheap", function () {
      // 100 non-zero bytes: 400 tokens; standard 21,000 + 1,600, floor 21,000 + 4,000.
      const data = new Uint8Array(100).fill(0xff);
      const bound = lowerBound(NOTHING, data);
      expect(bound.gas).to.equal(25_000);
      expect(bound.terms.at(-1)).to.deep.equal({
        label: "EIP-7623 calldata floor (400 tokens x 10)",
        gas: 2_400,
      });
    });

    it("prices a new record, an event and a warm read as EIP-2929 and the yellow paper say", function () {
      const shape: BoundShape = {
        storage: [
          { kind: "create", slot: "record" },
          { kind: "read", slot: "record again", warm: true },
        ],
        logs: [{ name: "Created", topics: 2, dataBytes: 64 }],
        calls: [],
      };
      // 21,000 + 22,100 (cold 0 -> x) + 100 (warm read) + 375 + 750 + 512 (LOG2, 64 bytes) + 6 (2 words).
      expect(lowerBound(shape, new Uint8Array()).gas).to.equal(21_000 + 22_100 + 100 + 1_637 + 6);
    });

    it("caps a clearing refund at a fifth of the gas used (EIP-3529)", function () {
      const shape: BoundShape = {
        storage: [{ kind: "clear", slot: "flag" }],
        logs: [],
        calls: [],
      };
      // 21,000 + 5,000 = 26,000; refund min(4,800, 5,200) = 4,800.
      expect(lowerBound(shape, new Uint8Array()).gas).to.equal(21_200);
      const many: BoundShape = {
        storage: Array.from({ length: 10 }, (_, i) => ({ kind: "clear" as const, slot: `s${i}` })),
        logs: [],
        calls: [],
      };
      // 21,000 + 50,000 = 71,000; refund capped at 14,200 (not 48,000).
      expect(lowerBound(many, new Uint8Array()).gas).to.equal(71_000 - 14_200);
    });

    it("prints one line per term and the total", function () {
      const shape: BoundShape = {
        storage: [{ kind: "read", slot: "ticket" }],
        logs: [],
        calls: [{ target: "pay the customer", value: "eoa" }],
      };
      expect(describeBound(lowerBound(shape, new Uint8Array()))).to.deep.equal([
        "21,000  transaction base",
        "     0  calldata: 0 bytes (0 zero), 0 tokens x 4",
        " 2,100  cold read: ticket",
        " 9,300  cold call with ETH (stipend returned): pay the customer",
        "32,400  lower bound",
      ]);
    });
  });

  describe("the terms", function () {
    it("counts calldata tokens, standard gas and the floor", function () {
      const data = bytes("0x00ff00ff01");
      expect(calldataTokens(data)).to.equal(2 + 3 * 4);
      expect(calldataGas(data)).to.equal(56);
      expect(calldataFloorGas(data)).to.equal(21_140);
    });

    it("prices storage accesses cold and warm", function () {
      expect(storageGas({ kind: "read", slot: "" })).to.equal(2_100);
      expect(storageGas({ kind: "read", slot: "", warm: true })).to.equal(100);
      expect(storageGas({ kind: "create", slot: "" })).to.equal(22_100);
      expect(storageGas({ kind: "create", slot: "", warm: true })).to.equal(20_000);
      expect(storageGas({ kind: "update", slot: "" })).to.equal(5_000);
      expect(storageGas({ kind: "update", slot: "", warm: true })).to.equal(2_900);
      expect(storageGas({ kind: "clear", slot: "" })).to.equal(5_000);
    });

    it("prices events and memory", function () {
      // ERC-20 Transfer: LOG3 with one word of data.
      expect(logGas({ name: "Transfer", topics: 3, dataBytes: 32 })).to.equal(1_756);
      expect(memoryExpansionGas(0)).to.equal(0);
      expect(memoryExpansionGas(1)).to.equal(3);
      expect(memoryExpansionGas(32 * 1024)).to.equal(3 * 1024 + 2_048);
    });

    it("prices calls: cold or warm account, value, stipend returned by an account without code", function () {
      expect(callGas({ target: "" })).to.equal(2_600);
      expect(callGas({ target: "", warm: true })).to.equal(100);
      expect(callGas({ target: "", value: "contract" })).to.equal(11_600);
      expect(callGas({ target: "", value: "eoa" })).to.equal(9_300);
    });
  });
});
