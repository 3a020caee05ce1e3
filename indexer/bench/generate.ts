/**
 * The benchmark's history: `n` tickets of one merchant on a local node, many operations per transaction.
 * - Desk calls go through the desk's OpenZeppelin `multicall` (ERC-2771-aware, so each call keeps its
 *   sender): a customer opens `batch` tickets in one transaction, the agent answers or resolves `batch`.
 * - The escrow and the feedback contract have no multicall: refunds, approvals and ratings are signed
 *   ERC-2771 requests (EIP-712, by the customer or the agent) that one `executeBatch` of the forwarder
 *   submits `batch` at a time, as a relayer would.
 * No time passes and no `hardhat_mine`: every block is a normal automined one, which Ponder follows.
 *
 * What each ticket `t` (1..n) goes through, with 8 customers taking turns:
 * - every ticket: opened; `t % 20 == 10` stays Open (never answered);
 * - the rest: the agent answers (first response), the customer replies;
 * - `t % 4 == 1`: a 0.001 ETH refund requested and approved (paid at once);
 * - `t % 20 == 0` stays InProgress; the rest are resolved and rated 1..5 by their customer.
 */
import { FORWARD_REQUEST_TYPES } from "careledger";
import {
  erc2771ForwarderAbi,
  feedbackAttestationsAbi,
  refundEscrowAbi,
  supportDeskAbi,
} from "careledger/abis";
import {
  createPublicClient,
  encodeFunctionData,
  http,
  parseEther,
  toHex,
  zeroAddress,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { mnemonicToAccount, type HDAccount } from "viem/accounts";

import { hashOf } from "../test/chain.ts";
import { rpc } from "../test/harness.ts";

const MNEMONIC = "test test test test test test test test test test test junk";
export const ADMIN = 10;
export const AGENT = 11;
export const CUSTOMERS = [12, 13, 14, 15, 16, 17, 18, 19];
/** Gas each forwarded call may use (the largest here, a refund request, takes about 90,000). */
const FORWARDED_GAS = 150_000n;
export const REFUND = parseEther("0.001");

export interface Deployed {
  forwarder: Address;
  desk: Address;
  escrow: Address;
  feedback: Address;
}

export interface Generated {
  tickets: number;
  transactions: number;
  seconds: number;
  /** Ticket id -> the customer's account index. */
  customerOf: (ticketId: number) => number;
  account: (index: number) => HDAccount;
}

export const staysOpen = (t: number) => t % 20 === 10;
export const staysInProgress = (t: number) => t % 20 === 0;
export const refunded = (t: number) => t % 4 === 1 && !staysOpen(t);

/** Generates the history; `log` gets one line per phase. */
export async function generate(
  url: string,
  chainId: number,
  contracts: Deployed,
  n: number,
  batch: number,
  log: (line: string) => void,
): Promise<Generated> {
  const started = Date.now();
  const client: PublicClient = createPublicClient({ transport: http(url) });
  const accounts = new Map<number, HDAccount>();
  const account = (index: number): HDAccount => {
    let a = accounts.get(index);
    if (a === undefined) {
      a = mnemonicToAccount(MNEMONIC, { addressIndex: index });
      accounts.set(index, a);
    }
    return a;
  };
  let transactions = 0;

  // An explicit gas limit: estimating a batch (the forwarder's gas checks make it a binary search) would
  // cost more than running it.
  // Capped by the block's limit and by the per-transaction cap of EIP-7825 (2^24).
  const { gasLimit: blockGasLimit } = await client.getBlock();
  const gasLimit = blockGasLimit < 1n << 24n ? blockGasLimit : 1n << 24n;
  /** Sends one transaction from an unlocked node account (automine) and checks it succeeded. */
  const send = async (
    from: number,
    to: Address,
    data: Hex,
    value = 0n,
    gas = 1_000_000n,
  ): Promise<void> => {
    if (gas > gasLimit)
      throw new Error(`${gas} gas is above the cap of ${gasLimit}: lower BENCH_BATCH`);
    const tx = { from: account(from).address, to, data, value: toHex(value), gas: toHex(gas) };
    const nonce = await rpc<Hex>(url, "eth_getTransactionCount", [tx.from, "pending"]);
    let hash: Hex;
    try {
      hash = await rpc<Hex>(url, "eth_sendTransaction", [{ ...tx, nonce }]);
    } catch (error) {
      // A pooled connection the node closed while idle fails before the node reads the request: send
      // again with the same nonce (if the first one was mined after all, the node refuses the second).
      if (!(error instanceof TypeError)) throw error;
      hash = await rpc<Hex>(url, "eth_sendTransaction", [{ ...tx, nonce }]);
    }
    const receipt = await client.getTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
    transactions++;
  };
  const desk = (functionName: string, args: readonly unknown[]): Hex =>
    encodeFunctionData({ abi: supportDeskAbi, functionName, args } as never);
  const escrow = (functionName: string, args: readonly unknown[]): Hex =>
    encodeFunctionData({ abi: refundEscrowAbi, functionName, args } as never);
  const feedback = (functionName: string, args: readonly unknown[]): Hex =>
    encodeFunctionData({ abi: feedbackAttestationsAbi, functionName, args } as never);
  const multicall = (from: number, calls: Hex[]) =>
    send(
      from,
      contracts.desk,
      desk("multicall", [calls]),
      0n,
      100_000n * BigInt(calls.length) + 100_000n,
    );
  const phase = async (label: string, work: () => Promise<void>) => {
    const at = Date.now();
    const before = transactions;
    await work();
    log(
      `${label}: ${transactions - before} transactions in ${((Date.now() - at) / 1000).toFixed(1)} s`,
    );
  };

  // The merchant, its agent, a reserve for the refunds.
  await send(
    ADMIN,
    contracts.desk,
    desk("registerMerchant", [account(ADMIN).address, hashOf("bench merchant")]),
  );
  await send(ADMIN, contracts.desk, desk("setAgent", [1, account(AGENT).address, true]));
  const refunds = Array.from({ length: n }, (_, i) => i + 1).filter(refunded).length;
  const reserve = REFUND * BigInt(refunds) + parseEther("1");
  await send(ADMIN, contracts.escrow, escrow("deposit", [1, zeroAddress, reserve]), reserve);

  // Tickets: customer c opens tickets c, c + 8, c + 16...; ids follow the order of the transactions.
  const owner = new Map<number, number>();
  let nextId = 1;
  await phase("tickets opened", async () => {
    while (nextId <= n) {
      for (const customer of CUSTOMERS) {
        const count = Math.min(batch, n - nextId + 1);
        if (count <= 0) break;
        const calls: Hex[] = [];
        for (let i = 0; i < count; i++) {
          const t = nextId + i;
          owner.set(t, customer);
          calls.push(desk("openTicket", [1, hashOf(`order ${t}`), hashOf(`ticket ${t}`), t % 4]));
        }
        await multicall(customer, calls);
        nextId += count;
      }
    }
  });
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const answered = ids.filter((t) => !staysOpen(t));
  const customerOf = (t: number): number => owner.get(t)!;

  /** Desk calls of `from`, `batch` per multicall. */
  const deskBatches = async (from: number, tickets: number[], call: (t: number) => Hex) => {
    for (let i = 0; i < tickets.length; i += batch)
      await multicall(from, tickets.slice(i, i + batch).map(call));
  };
  await phase("first responses", () =>
    deskBatches(AGENT, answered, (t) => desk("postMessage", [BigInt(t), hashOf(`answer ${t}`)])),
  );
  await phase("customer replies", async () => {
    for (const customer of CUSTOMERS) {
      await deskBatches(
        customer,
        answered.filter((t) => customerOf(t) === customer),
        (t) => desk("postMessage", [BigInt(t), hashOf(`thanks ${t}`)]),
      );
    }
  });

  // Forwarded requests: each signer's nonces in the order they are submitted.
  const domainFields = await client.readContract({
    abi: erc2771ForwarderAbi,
    address: contracts.forwarder,
    functionName: "eip712Domain",
  });
  const domain = {
    name: domainFields[1],
    version: domainFields[2],
    chainId,
    verifyingContract: contracts.forwarder,
  };
  const nonces = new Map<number, bigint>();
  const deadline = Math.floor(Date.now() / 1000) + 7 * 86_400;
  const signed = async (from: number, to: Address, data: Hex) => {
    const nonce = nonces.get(from) ?? 0n;
    nonces.set(from, nonce + 1n);
    const message = {
      from: account(from).address,
      to,
      value: 0n,
      gas: FORWARDED_GAS,
      nonce,
      deadline,
      data,
    };
    const signature = await account(from).signTypedData({
      domain,
      types: FORWARD_REQUEST_TYPES,
      primaryType: "ForwardRequest",
      message,
    });
    const { nonce: _nonce, ...request } = message;
    return { ...request, signature };
  };
  /** Requests, `batch` per `executeBatch` (fewer if their gas would pass the cap; refund receiver 0: none carries value). */
  const perRequest = FORWARDED_GAS + 20_000n;
  const perBatch = Math.min(batch, Number((gasLimit - 100_000n) / perRequest));
  const forward = async (requests: { from: number; to: Address; data: Hex }[]) => {
    for (let i = 0; i < requests.length; i += perBatch) {
      const chunk = await Promise.all(
        requests.slice(i, i + perBatch).map((r) => signed(r.from, r.to, r.data)),
      );
      await send(
        ADMIN,
        contracts.forwarder,
        encodeFunctionData({
          abi: erc2771ForwarderAbi,
          functionName: "executeBatch",
          args: [chunk, zeroAddress],
        }),
        0n,
        perRequest * BigInt(chunk.length) + 100_000n,
      );
    }
  };
  const refundTickets = ids.filter(refunded);
  await phase("refund requests", () =>
    forward(
      refundTickets.map((t) => ({
        from: customerOf(t),
        to: contracts.escrow,
        data: escrow("requestRefund", [BigInt(t), zeroAddress, REFUND, hashOf(`refund ${t}`)]),
      })),
    ),
  );
  await phase("refund approvals", () =>
    forward(
      refundTickets.map((_, i) => ({
        from: AGENT,
        to: contracts.escrow,
        data: escrow("approveRefund", [BigInt(i + 1)]),
      })),
    ),
  );
  const resolved = answered.filter((t) => !staysInProgress(t));
  await phase("resolutions", () =>
    deskBatches(AGENT, resolved, (t) => desk("resolveTicket", [BigInt(t), hashOf(`done ${t}`)])),
  );
  await phase("ratings", () =>
    forward(
      resolved.map((t) => ({
        from: customerOf(t),
        to: contracts.feedback,
        data: feedback("attest", [BigInt(t), 1 + (t % 5), hashOf(`rating ${t}`)]),
      })),
    ),
  );

  // A forwarded call that reverts does not revert its batch: check that everything happened.
  const read = (address: Address, abi: readonly unknown[], functionName: string, args: unknown[]) =>
    client.readContract({ address, abi, functionName, args } as never) as Promise<unknown>;
  const tickets = Number(await read(contracts.desk, supportDeskAbi, "ticketCount", []));
  const [ratings] = (await read(
    contracts.feedback,
    feedbackAttestationsAbi,
    "merchantStats",
    [1],
  )) as [bigint];
  const locked = (await read(contracts.escrow, refundEscrowAbi, "lockedOf", [
    1,
    zeroAddress,
  ])) as bigint;
  const left = (await read(contracts.escrow, refundEscrowAbi, "reserveOf", [
    1,
    zeroAddress,
  ])) as bigint;
  if (tickets !== n) throw new Error(`generated ${tickets} tickets, expected ${n}`);
  if (Number(ratings) !== resolved.length)
    throw new Error(`${ratings} ratings, expected ${resolved.length}`);
  if (locked !== 0n || left !== reserve - REFUND * BigInt(refunds)) {
    throw new Error(`refunds: locked ${locked}, reserve left ${left}; expected ${refunds} paid`);
  }
  return { tickets: n, transactions, seconds: (Date.now() - started) / 1000, customerOf, account };
}
