/**
 * The EVM's published gas rules, as a lower bound on what an operation must cost. Pure functions, no
 * Hardhat, no network: unit-tested in test/benchmark/evm-gas.ts.
 *
 * An operation is described by what it cannot avoid (a `BoundShape`): the storage slots it must read and
 * write, the events it must emit, the calls it must make. The bound is what the EVM charges for exactly
 * that, with no computation at all (no hashing, no stack or memory work beyond the events' data, no
 * function dispatch, no ABI decoding), so every real implementation costs more. Rules used:
 *
 * - Transaction: 21,000 base (yellow paper G_transaction).
 * - Calldata (EIP-2028, EIP-7623): `tokens = zeroBytes + 4 * nonZeroBytes`; the standard charge is
 *   4 gas per token (4 per zero byte, 16 per non-zero byte); the floor is 10 gas per token. The gas
 *   used is `21,000 + max(4 * tokens + execution - refund, 10 * tokens)`.
 * - Storage (EIP-2929, EIP-2200, EIP-3529): a slot's first access in a transaction is cold (+2,100);
 *   a later access is warm (100). SSTORE of a clean slot: zero to non-zero 20,000, non-zero to another
 *   non-zero 2,900 (5,000 - 2,100), to the same value 100; non-zero to zero 2,900 with a 4,800 refund.
 *   The refund is capped at a fifth of the gas used (EIP-3529).
 * - Events: 375 + 375 per topic + 8 per data byte, plus the memory that holds the data
 *   (3 gas per 32-byte word + words^2 / 512), counted once for the largest event.
 * - Calls (EIP-2929): 2,600 to a cold account, 100 to a warm one (the transaction's sender, its `to` and
 *   the precompiles are warm from the start). A call with value costs 9,000 more, of which the 2,300
 *   stipend comes back when the receiver is an account without code that uses none of it.
 */

export const TX_BASE_GAS = 21_000;
export const CALLDATA_TOKENS_PER_NONZERO_BYTE = 4;
/** EIP-2028: 4 gas per token (4 per zero byte, 16 per non-zero byte). */
export const STANDARD_TOKEN_COST = 4;
/** EIP-7623: the calldata floor, 10 gas per token. */
export const FLOOR_TOKEN_COST = 10;

export const COLD_SLOAD_COST = 2_100;
export const WARM_STORAGE_READ_COST = 100;
export const SSTORE_SET_GAS = 20_000;
/** SSTORE_RESET_GAS (5,000) minus the cold surcharge, as EIP-2929 redefines it. */
export const SSTORE_RESET_GAS = 2_900;
export const SSTORE_CLEARS_REFUND = 4_800;
/** EIP-3529: refunds are capped at gasUsed / 5. */
export const MAX_REFUND_QUOTIENT = 5;

export const LOG_GAS = 375;
export const LOG_TOPIC_GAS = 375;
export const LOG_DATA_GAS = 8;
export const MEMORY_GAS = 3;
export const QUAD_COEFF_DIV = 512;

export const COLD_ACCOUNT_ACCESS_COST = 2_600;
export const WARM_ACCOUNT_ACCESS_COST = 100;
export const CALL_VALUE_COST = 9_000;
export const CALL_STIPEND = 2_300;

/**
 * A storage access the operation cannot avoid. Every kind is a slot's first access in the transaction
 * (cold) unless `warm` is set.
 * - `read`: SLOAD.
 * - `create`: a slot goes from zero to non-zero (a new record).
 * - `update`: a non-zero slot gets another non-zero value (a counter, a status).
 * - `clear`: a non-zero slot goes back to zero (refund).
 */
export interface StorageAccess {
  kind: "read" | "create" | "update" | "clear";
  /** What the slot holds, for the printed derivation. */
  slot: string;
  warm?: boolean;
}

/** An event the operation must emit: its topics (the signature included) and its data bytes. */
export interface LogShape {
  name: string;
  topics: number;
  dataBytes: number;
}

/** A call the operation must make (its callee's own storage and events are listed separately). */
export interface CallShape {
  /** Who is called and why, for the printed derivation. */
  target: string;
  warm?: boolean;
  /** ETH sent along; `eoa` when the receiver has no code (the 2,300 stipend then comes back). */
  value?: "eoa" | "contract";
  /** What a precompile charges to run (ecrecover: 3,000), on top of the call. */
  precompileGas?: number;
}

export interface BoundShape {
  storage: readonly StorageAccess[];
  logs: readonly LogShape[];
  calls: readonly CallShape[];
}

/** One line of a bound's derivation. */
export interface BoundTerm {
  label: string;
  gas: number;
}

export interface LowerBound {
  /** The bound: gas used, the 21,000 base included. */
  gas: number;
  /** Its terms, in order, summing to `gas` (a refund or the floor appears as its own term). */
  terms: BoundTerm[];
}

/** Calldata tokens (EIP-7623): one per zero byte, four per non-zero byte. */
export function calldataTokens(data: Uint8Array): number {
  let tokens = 0;
  for (const byte of data) tokens += byte === 0 ? 1 : CALLDATA_TOKENS_PER_NONZERO_BYTE;
  return tokens;
}

/** The calldata's standard charge (EIP-2028): 4 gas per zero byte, 16 per non-zero byte. */
export function calldataGas(data: Uint8Array): number {
  return STANDARD_TOKEN_COST * calldataTokens(data);
}

/** The EIP-7623 floor on a transaction's gas used: 21,000 + 10 gas per calldata token. */
export function calldataFloorGas(data: Uint8Array): number {
  return TX_BASE_GAS + FLOOR_TOKEN_COST * calldataTokens(data);
}

/** The cost of one storage access (without refunds). */
export function storageGas(access: StorageAccess): number {
  const cold = access.warm === true ? 0 : COLD_SLOAD_COST;
  switch (access.kind) {
    case "read":
      return access.warm === true ? WARM_STORAGE_READ_COST : COLD_SLOAD_COST;
    case "create":
      return cold + SSTORE_SET_GAS;
    case "update":
    case "clear":
      return cold + SSTORE_RESET_GAS;
  }
}

/** The refund one storage access earns (before the EIP-3529 cap). */
export function storageRefund(access: StorageAccess): number {
  return access.kind === "clear" ? SSTORE_CLEARS_REFUND : 0;
}

/** The cost of one LOG opcode, without memory. */
export function logGas(log: LogShape): number {
  return LOG_GAS + LOG_TOPIC_GAS * log.topics + LOG_DATA_GAS * log.dataBytes;
}

/** The cost of expanding memory from nothing to `bytes` (rounded up to whole words). */
export function memoryExpansionGas(bytes: number): number {
  const words = Math.ceil(bytes / 32);
  return MEMORY_GAS * words + Math.floor((words * words) / QUAD_COEFF_DIV);
}

/** The cost of one call, the value transfer and the returned stipend included. */
export function callGas(call: CallShape): number {
  let gas = call.warm === true ? WARM_ACCOUNT_ACCESS_COST : COLD_ACCOUNT_ACCESS_COST;
  if (call.value !== undefined) gas += CALL_VALUE_COST;
  if (call.value === "eoa") gas -= CALL_STIPEND;
  return gas + (call.precompileGas ?? 0);
}

function storageLabel(access: StorageAccess): string {
  const temperature = access.warm === true ? "warm" : "cold";
  const what = {
    read: "read",
    create: "write 0 -> x",
    update: "write x -> y",
    clear: "write x -> 0",
  }[access.kind];
  return `${temperature} ${what}: ${access.slot}`;
}

/** The lower bound of a transaction with `calldata` that does exactly what `shape` says. */
export function lowerBound(shape: BoundShape, calldata: Uint8Array): LowerBound {
  const terms: BoundTerm[] = [{ label: "transaction base", gas: TX_BASE_GAS }];
  const tokens = calldataTokens(calldata);
  const zeros = calldata.filter((byte) => byte === 0).length;
  terms.push({
    label: `calldata: ${calldata.length} bytes (${zeros} zero), ${tokens} tokens x 4`,
    gas: STANDARD_TOKEN_COST * tokens,
  });
  let refund = 0;
  for (const access of shape.storage) {
    terms.push({ label: storageLabel(access), gas: storageGas(access) });
    refund += storageRefund(access);
  }
  let largestData = 0;
  for (const log of shape.logs) {
    terms.push({
      label: `event ${log.name}: ${log.topics} topics, ${log.dataBytes} data bytes`,
      gas: logGas(log),
    });
    largestData = Math.max(largestData, log.dataBytes);
  }
  if (largestData > 0) {
    terms.push({
      label: `memory for ${largestData} bytes of event data`,
      gas: memoryExpansionGas(largestData),
    });
  }
  for (const call of shape.calls) {
    const value =
      call.value === undefined
        ? ""
        : call.value === "eoa"
          ? " with ETH (stipend returned)"
          : " with ETH";
    terms.push({
      label: `${call.warm === true ? "warm" : "cold"} call${value}: ${call.target}`,
      gas: callGas(call),
    });
  }
  let gas = terms.reduce((sum, term) => sum + term.gas, 0);
  if (refund > 0) {
    const granted = Math.min(refund, Math.floor(gas / MAX_REFUND_QUOTIENT));
    terms.push({ label: "storage refund (EIP-3529, capped at gas / 5)", gas: -granted });
    gas -= granted;
  }
  const floor = TX_BASE_GAS + FLOOR_TOKEN_COST * tokens;
  if (floor > gas) {
    terms.push({ label: `EIP-7623 calldata floor (${tokens} tokens x 10)`, gas: floor - gas });
    gas = floor;
  }
  return { gas, terms };
}

/** A bound's derivation as text lines, `gas  label`, for printing or a report. */
export function describeBound(bound: LowerBound): string[] {
  const width = Math.max(...bound.terms.map((term) => term.gas.toLocaleString("en-US").length));
  return [
    ...bound.terms.map(
      (term) => `${term.gas.toLocaleString("en-US").padStart(width)}  ${term.label}`,
    ),
    `${bound.gas.toLocaleString("en-US").padStart(width)}  lower bound`,
  ];
}
