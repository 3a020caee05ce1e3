import {
  AbiCoder,
  getBytes,
  hexlify,
  isHexString,
  keccak256,
  randomBytes,
  toUtf8Bytes,
} from "ethers";

import { CareLedgerError } from "./error.js";

/**
 * A salted commitment of an off-chain document: what goes on chain instead of the document itself.
 *
 * `commitment = keccak256(abi.encode(bytes32 salt, bytes32 contentDigest))` with
 * `contentDigest = keccak256(document)` (a string is hashed as its UTF-8 bytes). Keep the document and
 * its salt off chain; deleting both is how a customer is forgotten.
 */
export interface Commitment {
  /** The 32-byte value to store or emit on chain (`0x` + 64 hex digits). */
  commitment: string;
  /** The 32-byte salt (keep it secret with the document). */
  salt: string;
  /** `keccak256` of the document's bytes. */
  contentDigest: string;
}

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

function bytes32(value: string, what: string): string {
  if (!isHexString(value) || !BYTES32.test(value)) {
    throw new CareLedgerError(
      `${what} must be 32 bytes as 0x followed by 64 hex digits, got "${value}"`,
    );
  }
  return value.toLowerCase();
}

/** `keccak256` of a document: a string is taken as its UTF-8 bytes, a `Uint8Array` as it is. */
export function contentDigestOf(document: string | Uint8Array): string {
  return keccak256(typeof document === "string" ? toUtf8Bytes(document) : document);
}

/** The commitment of a content digest under a salt: `keccak256(abi.encode(salt, contentDigest))`. */
export function commitmentOf(salt: string, contentDigest: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "bytes32"],
      [bytes32(salt, "salt"), bytes32(contentDigest, "contentDigest")],
    ),
  );
}

/**
 * Commits to `document` under `salt` (32 bytes as hex; a fresh random salt when omitted, from the
 * platform's secure random source).
 */
export function makeCommitment(document: string | Uint8Array, salt?: string): Commitment {
  const theSalt = salt === undefined ? hexlify(randomBytes(32)) : bytes32(salt, "salt");
  const contentDigest = contentDigestOf(document);
  return { commitment: commitmentOf(theSalt, contentDigest), salt: theSalt, contentDigest };
}

/**
 * Whether `document` under `salt` gives `commitment`. Throws `CareLedgerError` when the salt or the
 * commitment is not 32 bytes of hex (a malformed input, not a mismatch).
 */
export function verifyCommitment(
  document: string | Uint8Array,
  salt: string,
  commitment: string,
): boolean {
  const expected = bytes32(commitment, "commitment");
  return commitmentOf(salt, contentDigestOf(document)) === expected;
}

/** Whether `value` is a 32-byte hex string (a commitment, a salt or a digest). */
export function isBytes32(value: string): boolean {
  return BYTES32.test(value) && getBytes(value).length === 32;
}
