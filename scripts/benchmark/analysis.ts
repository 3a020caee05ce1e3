/**
 * Turns what the benchmark measured into its report: per operation the lower bound (from the
 * catalogue's needs, priced by evm-gas.ts with the transaction's real calldata), the ratio to it, the
 * reference a user would pick instead, the cost at record #10,000, the relayed cost, and the calldata
 * size and L1 data gas on an OP Stack chain (op-fee.ts). `reports/gas.json` is this, as JSON.
 */
import {
  Interface,
  Transaction,
  Wallet,
  getBytes,
  keccak256,
  toUtf8Bytes,
  type InterfaceAbi,
  type ParamType,
} from "ethers";

import {
  erc2771ForwarderAbi,
  feedbackAttestationsAbi,
  refundEscrowAbi,
  supportDeskAbi,
} from "../../src/index.js";

import {
  OPERATIONS,
  PART,
  REFERENCES,
  needs,
  type EventName,
  type Needs,
  type Operation,
  type ReferenceId,
} from "./catalogue.js";
import {
  TX_BASE_GAS,
  calldataGas,
  describeBound,
  lowerBound,
  type BoundShape,
  type LogShape,
} from "./evm-gas.js";
import {
  BATCH_SIZE,
  CUSTOMER_OPERATIONS,
  PER_RECORD_OPERATIONS,
  SCALE_LARGE,
  SCALE_SMALL,
  VIEWS,
  type ExtendedMeasurements,
} from "./extended.js";
import { fjordL1DataGas, fjordL1Fee, flzCompressLength, type L1FeeParameters } from "./op-fee.js";
import type { Measurements, SentTransaction } from "./scenario.js";

/**
 * The OP Stack chain the L2 columns assume: Base mainnet's fee scalars (SystemConfig: base fee scalar
 * 2,269, blob base fee scalar 1,055,762), an L1 base fee of 1 gwei, a blob base fee of 1 wei and an L2
 * base fee of 0.01 gwei. Only the fee in wei depends on them; calldata bytes and L1 data gas do not.
 */
export const L2_ASSUMPTIONS = {
  name: "an OP Stack chain with Base's scalars",
  chainId: 8_453n,
  l1: {
    l1BaseFee: 1_000_000_000n,
    blobBaseFee: 1n,
    baseFeeScalar: 2_269n,
    blobBaseFeeScalar: 1_055_762n,
  } satisfies L1FeeParameters,
  l2BaseFee: 10_000_000n,
} as const;

/** Operations above this multiple of their bound need a sentence in the README saying why. */
export const BOUND_TOLERANCE = 1.3;

/** The ticket lifecycle the README prices on an L2: open, reply, resolve, confirm, rate. */
export const LIFECYCLE = [
  "desk.openTicket",
  "desk.postMessage.firstResponse",
  "desk.resolveTicket.fromInProgress",
  "desk.confirmResolution",
  "feedback.attest",
] as const;

export interface OperationReport {
  /** The operation's id (its key in gas-snapshot.json), or `<section>.<id>` for the other sections. */
  name: string;
  label: string;
  gas: number;
  lowerBound?: number;
  /** gas / lowerBound, two decimals. */
  ratio?: number;
  /** The bound's terms, one line each. */
  derivation?: string[];
  target?: number;
  /** Why it costs more than 1.3x its bound (the catalogue's `overBound`). */
  overBound?: string;
  reference?: string;
  referenceGas?: number;
  /** gas / referenceGas, two decimals. */
  referenceRatio?: number;
  gasAtRecord1?: number;
  gasAt10000?: number;
  relayedGas?: number;
  relayOverhead?: number;
  calldataBytes?: number;
  /** L1 gas Fjord attributes to the transaction on an OP Stack chain (`getL1GasUsed`). */
  l1DataGas?: number;
  /** Its L1 data fee in wei under `L2_ASSUMPTIONS`. */
  l1FeeWei?: string;
}

export interface Report {
  operations: OperationReport[];
  references: OperationReport[];
  relayed: OperationReport[];
  batch: OperationReport & { perTicket: number; singleGas: number };
  reads: OperationReport[];
  /**
   * Per-record operations whose execution (gas without the base and calldata) at #10,000 is above
   * that at #1, and views likewise: nothing may grow.
   */
  growth: string[];
  lifecycle: { l2Gas: number; l1DataGas: number; l2FeeWei: bigint; l1FeeWei: bigint };
}

/*//////////////////////////////////////////////////////////////
                          EVENTS FROM THE ABIS
//////////////////////////////////////////////////////////////*/

const INTERFACES: Record<string, Interface> = {
  SupportDesk: new Interface(supportDeskAbi as InterfaceAbi),
  RefundEscrow: new Interface(refundEscrowAbi as InterfaceAbi),
  FeedbackAttestations: new Interface(feedbackAttestationsAbi as InterfaceAbi),
  ERC2771Forwarder: new Interface(erc2771ForwarderAbi as InterfaceAbi),
};

function staticSize(param: ParamType): number {
  if (param.isTuple()) return param.components.reduce((sum, inner) => sum + staticSize(inner), 0);
  if (param.isArray()) {
    if (param.arrayLength < 0) throw new Error(`${param.format()} is dynamic`);
    return param.arrayLength * staticSize(param.arrayChildren);
  }
  if (param.baseType === "string" || param.baseType === "bytes") {
    throw new Error(`${param.format()} is dynamic`);
  }
  return 32;
}

/** An event's topics and data bytes, from its contract's ABI. */
export function logShapeOf(event: EventName | LogShape): LogShape {
  if (typeof event !== "string") return event;
  const [contract = "", name = ""] = event.split(".");
  const fragment = INTERFACES[contract]?.getEvent(name);
  if (fragment === undefined || fragment === null) {
    throw new Error(`the benchmark's catalogue names ${event}, which the ABI does not have`);
  }
  const indexed = fragment.inputs.filter((input) => input.indexed === true).length;
  const dataBytes = fragment.inputs
    .filter((input) => input.indexed !== true)
    .reduce((sum, input) => sum + staticSize(input), 0);
  return { name: event, topics: (fragment.anonymous ? 0 : 1) + indexed, dataBytes };
}

export function shapeOf(operationNeeds: Needs): BoundShape {
  return {
    storage: operationNeeds.storage,
    logs: operationNeeds.events.map(logShapeOf),
    calls: operationNeeds.calls,
  };
}

/*//////////////////////////////////////////////////////////////
                               L2 COST
//////////////////////////////////////////////////////////////*/

/** A fixed key: the L2 columns price a signed transaction, whose signature is 65 bytes of noise. */
const PRICING_WALLET = new Wallet(keccak256(toUtf8Bytes("careledger benchmark: L2 pricing")));

/** The transaction as a wallet would send it on the L2 (EIP-1559, fixed nonce and fees), signed. */
export function signedL2Transaction(sent: SentTransaction, gas: number): Uint8Array {
  const tx = Transaction.from({
    type: 2,
    chainId: L2_ASSUMPTIONS.chainId,
    nonce: 1_000,
    maxPriorityFeePerGas: 1_000_000n,
    maxFeePerGas: 2n * L2_ASSUMPTIONS.l2BaseFee,
    gasLimit: BigInt(gas),
    to: sent.to,
    value: sent.value,
    data: sent.data,
  });
  tx.signature = PRICING_WALLET.signingKey.sign(tx.unsignedHash);
  return getBytes(tx.serialized);
}

function l2Columns(
  sent: SentTransaction | undefined,
  gas: number,
): Pick<OperationReport, "calldataBytes" | "l1DataGas" | "l1FeeWei"> {
  if (sent === undefined) return {};
  const fastLz = flzCompressLength(signedL2Transaction(sent, gas));
  return {
    calldataBytes: getBytes(sent.data).length,
    l1DataGas: Number(fjordL1DataGas(fastLz)),
    l1FeeWei: fjordL1Fee(fastLz, L2_ASSUMPTIONS.l1).toString(),
  };
}

/*//////////////////////////////////////////////////////////////
                               REPORT
//////////////////////////////////////////////////////////////*/

const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

function bounded(
  name: string,
  label: string,
  gas: number,
  operationNeeds: Needs,
  sent: SentTransaction | undefined,
): OperationReport {
  const bound = lowerBound(shapeOf(operationNeeds), getBytes(sent?.data ?? "0x"));
  return {
    name,
    label,
    gas,
    lowerBound: bound.gas,
    ratio: ratio(gas, bound.gas),
    derivation: describeBound(bound),
    ...l2Columns(sent, gas),
  };
}

export function analyse(main: Measurements, extended: ExtendedMeasurements): Report {
  const byId = new Map<string, Operation>(OPERATIONS.map((operation) => [operation.id, operation]));
  const operations = OPERATIONS.map((operation): OperationReport => {
    const gas = main.gas.get(operation.id) ?? 0;
    const report = bounded(
      operation.id,
      operation.label,
      gas,
      operation.needs,
      main.transactions.get(operation.id),
    );
    if (operation.target !== undefined) report.target = operation.target;
    if (operation.overBound !== undefined) report.overBound = operation.overBound;
    if (operation.reference !== undefined) {
      const referenceGas = extended.references.get(operation.reference);
      if (referenceGas !== undefined) {
        report.reference = REFERENCES[operation.reference];
        report.referenceGas = referenceGas;
        report.referenceRatio = ratio(gas, referenceGas);
      }
    }
    const perRecord = PER_RECORD_OPERATIONS.find((id) => id === operation.id);
    if (perRecord !== undefined) {
      report.gasAtRecord1 = extended.atFirst.get(perRecord);
      report.gasAt10000 = extended.atLarge.get(perRecord);
    }
    const customer = CUSTOMER_OPERATIONS.find((id) => id === operation.id);
    if (customer !== undefined) {
      const relayedGas = extended.relayed.get(customer);
      const directGas = extended.direct.get(customer);
      if (relayedGas !== undefined && directGas !== undefined) {
        report.relayedGas = relayedGas;
        report.relayOverhead = relayedGas - directGas;
      }
    }
    return report;
  });

  const references = (Object.keys(REFERENCES) as ReferenceId[]).map((id): OperationReport => ({
    name: `ref.${id}`,
    label: REFERENCES[id],
    gas: extended.references.get(id) ?? 0,
    ...l2Columns(extended.referenceTransactions.get(id), extended.references.get(id) ?? 0),
  }));

  const relayed = CUSTOMER_OPERATIONS.map((id): OperationReport => {
    const operation = byId.get(id);
    if (operation === undefined) throw new Error(`${id} is not in the catalogue`);
    const gas = extended.relayed.get(id) ?? 0;
    const report = bounded(
      `relayed.${id}`,
      `${operation.label}, relayed`,
      gas,
      needs(PART.relay, operation.needs),
      extended.relayedTransactions.get(id),
    );
    report.relayOverhead = gas - (extended.direct.get(id) ?? 0);
    return report;
  });

  const resolve = byId.get("desk.resolveTicket.fromInProgress");
  if (resolve === undefined) throw new Error("desk.resolveTicket.fromInProgress is not catalogued");
  // One role check; per ticket its transition and deadline count, the merchant's counters slot
  // written cold once and then rewritten warm (dirty: 100 gas).
  const batchNeeds = needs(
    PART.staff,
    PART.transition,
    PART.deadlineCounted,
    ...Array.from({ length: BATCH_SIZE - 1 }, () =>
      needs(PART.transition, {
        storage: [{ kind: "read", slot: "desk: merchant's deadline counters (dirty)", warm: true }],
        events: ["SupportDesk.SlaDeadlineSettled"],
      }),
    ),
  );
  const batch = {
    ...bounded(
      `batch.resolveTicket.x${BATCH_SIZE}`,
      `multicall: ${BATCH_SIZE} x resolveTicket from InProgress`,
      extended.batch.gas,
      batchNeeds,
      extended.batch.transaction,
    ),
    perTicket: Math.round(extended.batch.gas / BATCH_SIZE),
    singleGas: extended.batch.single,
  };

  const reads = VIEWS.map((view): OperationReport => ({
    name: `read.${view}`,
    label: `${view} (eth_estimateGas) at ${SCALE_SMALL} records`,
    gas: extended.readsSmall.get(view) ?? 0,
    gasAt10000: extended.readsLarge.get(view) ?? 0,
  }));

  // Growth is judged on execution: the calldata of record #10,000 names a bigger id (0x2710 has one
  // more non-zero byte than 0x01, 12 gas), which no id-based interface avoids.
  const growth: string[] = [];
  const execution = (gas: number | undefined, data: string | undefined): number =>
    (gas ?? 0) - TX_BASE_GAS - calldataGas(getBytes(data ?? "0x"));
  for (const id of PER_RECORD_OPERATIONS) {
    const atFirst = execution(extended.atFirst.get(id), extended.atFirstCalldata.get(id));
    const atLarge = execution(extended.atLarge.get(id), extended.atLargeCalldata.get(id));
    if (atLarge > atFirst) {
      growth.push(`${id}: execution ${atFirst} at record #1, ${atLarge} at #${SCALE_LARGE}`);
    }
  }
  for (const view of VIEWS) {
    const small = execution(extended.readsSmall.get(view), extended.readsSmallCalldata.get(view));
    const large = execution(extended.readsLarge.get(view), extended.readsLargeCalldata.get(view));
    if (large > small) {
      growth.push(
        `${view}: execution ${small} at ${SCALE_SMALL} records, ${large} at ${SCALE_LARGE}`,
      );
    }
  }

  const lifecycleRows = LIFECYCLE.map((id) => operations.find((row) => row.name === id));
  const l2Gas = lifecycleRows.reduce((sum, row) => sum + (row?.gas ?? 0), 0);
  const l1DataGas = lifecycleRows.reduce((sum, row) => sum + (row?.l1DataGas ?? 0), 0);
  const l1FeeWei = lifecycleRows.reduce((sum, row) => sum + BigInt(row?.l1FeeWei ?? "0"), 0n);
  return {
    operations,
    references,
    relayed,
    batch,
    reads,
    growth,
    lifecycle: { l2Gas, l1DataGas, l2FeeWei: BigInt(l2Gas) * L2_ASSUMPTIONS.l2BaseFee, l1FeeWei },
  };
}

/** The extended numbers under their gas-snapshot.json keys (deterministic, so CI checks them too). */
export function extendedSnapshotEntries(extended: ExtendedMeasurements): [string, number][] {
  const entries: [string, number][] = [];
  for (const [id, gas] of extended.references) entries.push([`ref.${id}`, gas]);
  for (const [id, gas] of extended.relayed) entries.push([`relayed.${id}`, gas]);
  entries.push([`batch.resolveTicket.x${BATCH_SIZE}`, extended.batch.gas]);
  for (const [id, gas] of extended.atFirst) entries.push([`scale.record1.${id}`, gas]);
  for (const [id, gas] of extended.atLarge) entries.push([`scale.record${SCALE_LARGE}.${id}`, gas]);
  for (const [view, gas] of extended.readsSmall)
    entries.push([`read.records${SCALE_SMALL}.${view}`, gas]);
  for (const [view, gas] of extended.readsLarge)
    entries.push([`read.records${SCALE_LARGE}.${view}`, gas]);
  return entries;
}
