/**
 * The L1 data fee of a transaction on an OP Stack chain (OP Mainnet, Base, ...) since the Fjord upgrade.
 * Pure functions, unit-tested in test/benchmark/op-fee.ts.
 *
 * Fjord estimates the size a transaction takes in a Brotli-compressed batch from its FastLZ-compressed
 * size, by a linear regression (constants of the `GasPriceOracle` predeploy,
 * packages/contracts-bedrock/src/L2/GasPriceOracle.sol, and of op-geth's core/types/rollup_cost.go):
 *
 *   estimatedSize = max(MIN_TRANSACTION_SIZE * 1e6, COST_INTERCEPT + COST_FASTLZ_COEF * fastLzSize)
 *   l1DataGas     = estimatedSize * 16 / 1e6            (what `getL1GasUsed` reports)
 *   l1Fee         = estimatedSize * (baseFeeScalar * 16 * l1BaseFee + blobBaseFeeScalar * blobBaseFee) / 1e12
 *
 * `fastLzSize` is the FastLZ length of the signed, EIP-2718-encoded transaction (op-geth compresses
 * `tx.MarshalBinary()`; the oracle's `getL1Fee` takes the unsigned one and adds 68 bytes for the
 * signature instead).
 */

/** GasPriceOracle.COST_INTERCEPT (scaled by 1e6). */
export const COST_INTERCEPT = -42_585_600n;
/** GasPriceOracle.COST_FASTLZ_COEF (scaled by 1e6). */
export const COST_FASTLZ_COEF = 836_500n;
/** GasPriceOracle.MIN_TRANSACTION_SIZE (bytes). */
export const MIN_TRANSACTION_SIZE = 100n;
const SCALE = 1_000_000n;

/** The fee parameters an OP Stack chain's L1Block predeploy holds. */
export interface L1FeeParameters {
  /** L1 base fee, wei per gas. */
  l1BaseFee: bigint;
  /** L1 blob base fee, wei per blob gas. */
  blobBaseFee: bigint;
  /** Scalars, as set in the chain's SystemConfig (decimals 6). */
  baseFeeScalar: bigint;
  blobBaseFeeScalar: bigint;
}

const HASH_LOG = 13;
const HASH_SIZE = 1 << HASH_LOG;
const MAX_DISTANCE = 8_191;

function u24(data: Uint8Array, index: number): number {
  return (data[index] ?? 0) | ((data[index + 1] ?? 0) << 8) | ((data[index + 2] ?? 0) << 16);
}

/** FastLZ's hash of 3 bytes: Knuth's multiplicative hash, top 13 bits of the low 32. */
function hash(sequence: number): number {
  return Number((BigInt(sequence) * 2_654_435_769n) >> 19n) & (HASH_SIZE - 1);
}

/** Bytes a run of `count` literals adds: a 1-byte header per 32 literals. */
function literalsLength(count: number): number {
  const full = Math.floor(count / 32);
  const rest = count % 32;
  return full * 33 + (rest === 0 ? 0 : rest + 1);
}

/** Bytes a match of `length` (>= 3) adds: 2 or 3 bytes per 262-byte piece. */
function matchLength(length: number): number {
  const encoded = length - 1;
  const pieces = Math.floor(encoded / 262);
  return pieces * 3 + (encoded % 262 >= 6 ? 3 : 2);
}

/**
 * The length of `data` compressed with FastLZ level 1 as Solady's `LibZip.flzCompress` (and op-geth's
 * `FlzCompressLen`, used by the OP Stack's Fjord fee) compresses it, without building the output.
 */
export function flzCompressLength(data: Uint8Array): number {
  const table = new Uint32Array(HASH_SIZE);
  const limit = data.length < 13 ? 0 : data.length - 13;
  let index = 2;
  let anchor = 0;
  let size = 0;
  while (index < limit) {
    let reference = 0;
    // Find the next 3-byte sequence seen within the last 8,191 bytes.
    for (;;) {
      const sequence = u24(data, index);
      const slot = hash(sequence);
      reference = table[slot] ?? 0;
      table[slot] = index;
      const distance = index - reference;
      if (index >= limit) break;
      index += 1;
      if (distance <= MAX_DISTANCE && sequence === u24(data, reference)) break;
    }
    // As op-geth: a match found on the last position before the limit is not taken.
    if (index >= limit) break;
    index -= 1;
    if (index > anchor) size += literalsLength(index - anchor);
    // The match runs from 3 bytes in as long as the bytes agree, up to 9 bytes past the limit.
    const end = limit + 9;
    let length = 0;
    const span = end - (index + 3);
    while (length < span && data[reference + 3 + length] === data[index + 3 + length]) length += 1;
    // op-geth and Solady count the mismatching byte as part of the span walked (`cmp` returns l + 1 on a
    // mismatch): keep that, the fee is computed from their length, not from FastLZ's own.
    if (length < span) length += 1;
    size += matchLength(length);
    index += length;
    table[hash(u24(data, index))] = index;
    index += 1;
    table[hash(u24(data, index))] = index;
    index += 1;
    anchor = index;
  }
  return size + literalsLength(data.length - anchor);
}

/** Fjord's estimate of a transaction's compressed size in bytes, scaled by 1e6. */
export function fjordEstimatedSize(fastLzSize: number): bigint {
  const estimated = COST_INTERCEPT + COST_FASTLZ_COEF * BigInt(fastLzSize);
  const minimum = MIN_TRANSACTION_SIZE * SCALE;
  return estimated < minimum ? minimum : estimated;
}

/** The L1 gas Fjord attributes to a transaction (the oracle's `getL1GasUsed`): 16 per estimated byte. */
export function fjordL1DataGas(fastLzSize: number): bigint {
  return (fjordEstimatedSize(fastLzSize) * 16n) / SCALE;
}

/** The L1 data fee in wei (the oracle's `getL1Fee`, given the FastLZ size of the signed transaction). */
export function fjordL1Fee(fastLzSize: number, parameters: L1FeeParameters): bigint {
  const feeScaled =
    parameters.baseFeeScalar * 16n * parameters.l1BaseFee +
    parameters.blobBaseFeeScalar * parameters.blobBaseFee;
  return (fjordEstimatedSize(fastLzSize) * feeScaled) / (SCALE * SCALE);
}
