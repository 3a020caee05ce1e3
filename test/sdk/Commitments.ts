import { expect } from "chai";
import { AbiCoder, hexlify, keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import {
  CareLedgerError,
  commitmentOf,
  contentDigestOf,
  isBytes32,
  makeCommitment,
  verifyCommitment,
} from "../../src/index.js";

const connection = await network.create();

const SALT = "0x" + "ab".repeat(32);
const DOCUMENT = "Bonjour, ma bouilloire est arrivée cassée ☕";

describe("careledger commitments", function () {
  describe("makeCommitment", function () {
    it("hashes a string's UTF-8 bytes and abi-encodes (salt, digest) before hashing", function () {
      const made = makeCommitment(DOCUMENT, SALT);
      const digest = keccak256(toUtf8Bytes(DOCUMENT));
      const expected = keccak256(
        AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32"], [SALT, digest]),
      );
      expect(made).to.deep.equal({ commitment: expected, salt: SALT, contentDigest: digest });
    });

    it("hashes raw bytes as they are", function () {
      const bytes = new Uint8Array([0, 1, 2, 255]);
      expect(makeCommitment(bytes, SALT).contentDigest).to.equal(keccak256(bytes));
      expect(contentDigestOf(bytes)).to.equal(keccak256(bytes));
    });

    it("equals the commitment Solidity computes with keccak256(abi.encode(salt, digest))", async function () {
      const probe = await connection.ethers.deployContract("CommitmentProbe");
      const made = makeCommitment(DOCUMENT, SALT);
      expect(await probe.commitmentOf(SALT, made.contentDigest)).to.equal(made.commitment);
      expect(await probe.commitmentOfDocument(SALT, toUtf8Bytes(DOCUMENT))).to.equal(
        made.commitment,
      );
    });

    it("draws a fresh 32-byte salt when none is given", function () {
      const first = makeCommitment(DOCUMENT);
      const second = makeCommitment(DOCUMENT);
      expect(isBytes32(first.salt)).to.equal(true);
      expect(first.salt).to.not.equal(second.salt);
      expect(first.commitment).to.not.equal(second.commitment);
      expect(first.contentDigest).to.equal(second.contentDigest);
      expect(commitmentOf(first.salt, first.contentDigest)).to.equal(first.commitment);
    });

    it("normalises an upper-case salt to lower case", function () {
      const upper = "0x" + "AB".repeat(32);
      expect(makeCommitment(DOCUMENT, upper)).to.deep.equal(makeCommitment(DOCUMENT, SALT));
    });

    it("throws CareLedgerError for a salt that is not 32 bytes", function () {
      expect(() => makeCommitment(DOCUMENT, "0x1234")).to.throw(
        CareLedgerError,
        /salt must be 32 bytes/,
      );
      expect(() => makeCommitment(DOCUMENT, "ab".repeat(32))).to.throw(CareLedgerError);
    });
  });

  describe("verifyCommitment", function () {
    it("accepts the document and salt a commitment was made of", function () {
      const { commitment, salt } = makeCommitment(DOCUMENT);
      expect(verifyCommitment(DOCUMENT, salt, commitment)).to.equal(true);
      expect(verifyCommitment(toUtf8Bytes(DOCUMENT), salt, commitment)).to.equal(true);
      expect(
        verifyCommitment(DOCUMENT, salt, commitment.toUpperCase().replace("0X", "0x")),
      ).to.equal(true);
    });

    it("rejects another document, another salt, or another commitment", function () {
      const { commitment, salt } = makeCommitment(DOCUMENT);
      expect(verifyCommitment(DOCUMENT + " ", salt, commitment)).to.equal(false);
      expect(verifyCommitment(DOCUMENT, SALT, commitment)).to.equal(false);
      expect(verifyCommitment(DOCUMENT, salt, hexlify(new Uint8Array(32)))).to.equal(false);
    });

    it("throws CareLedgerError for a commitment that is not 32 bytes", function () {
      expect(() => verifyCommitment(DOCUMENT, SALT, "0xdead")).to.throw(
        CareLedgerError,
        /commitment must be 32 bytes/,
      );
    });
  });
});
