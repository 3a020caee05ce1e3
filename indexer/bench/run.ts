/**
 * `npm run bench:indexer`: N tickets with messages, refunds and ratings on a local node, indexed by the
 * indexer on PGlite and on Postgres; prints indexing throughput and the p50/p95 latency of the merchant
 * queue, a customer's tickets, one ticket's timeline and the merchant report, each next to the same
 * answer rebuilt from the node's logs by the SDK (`ticketTimeline`, `merchantReport`) or by a log scan
 * (queue, customer tickets: the SDK has no such call, so the scan reads `TicketOpened` logs by topic and
 * each ticket's `getTicket`, as an app without an indexer must).
 *
 * BENCH_TICKETS (default 1,000), BENCH_SAMPLES (default 30), BENCH_POSTGRES=0 to skip Postgres,
 * BENCH_OUT (a JSON file for the figures).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";

import { connect, merchantReport, ticketTimeline } from "careledger";
import { supportDeskAbi } from "careledger/abis";
import { JsonRpcProvider } from "ethers";
import {
  encodeFunctionData,
  pad,
  parseEther,
  toHex,
  zeroAddress,
  type Address,
  type Hex,
} from "viem";

import { Chain, contractsOf, hashOf } from "../test/chain.ts";
import {
  deployCareLedger,
  getJson,
  rpc,
  startIndexer,
  startNode,
  startPostgres,
  tempDir,
  testChainId,
  waitIndexed,
} from "../test/harness.ts";

const N = Number(process.env.BENCH_TICKETS ?? 1_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
const ADMIN = 10;
const AGENT = 11;
const CUSTOMERS = [12, 13, 14, 15, 16, 17, 18, 19];

const dir = tempDir("bench");
const chainId = testChainId() + 2;
const node = await startNode(dir, chainId);
const deployed = deployCareLedger(node.url, chainId);
const chain = new Chain(node.url, chainId, contractsOf(deployed.deploymentDir));
const { desk, escrow, feedback } = chain.contracts;

try {
  await chain.desk(ADMIN, "registerMerchant", [
    chain.account(ADMIN).address,
    hashOf("bench merchant"),
  ]);
  await chain.desk(ADMIN, "setAgent", [1, chain.account(AGENT).address, true]);
  await chain.escrow(ADMIN, "deposit", [1, zeroAddress, parseEther("1000")], parseEther("1000"));

  // Generation: the node's accounts are unlocked, so transactions go out unsigned, many per block
  // (automine off), phase by phase so that every transaction finds the state it needs.
  const { refundEscrowAbi, feedbackAttestationsAbi } = await import("careledger/abis");
  const from = (i: number) => chain.account(i).address;
  const send = (sender: number, to: Address, data: Hex) =>
    rpc<string>(node.url, "eth_sendTransaction", [
      { from: from(sender), to, data, gas: toHex(500_000) },
    ]);
  const mine = () => rpc(node.url, "evm_mine", []);
  await rpc(node.url, "evm_setAutomine", [false]);
  /** Sends `txs` 25 at a time (more at once makes a loaded node drop connections). */
  const sendAll = async (txs: (() => Promise<string>)[]) => {
    for (let j = 0; j < txs.length; j += 25)
      await Promise.all(txs.slice(j, j + 25).map((tx) => tx()));
  };
  const phase = async (label: string, txs: (() => Promise<string>)[]) => {
    const started = Date.now();
    for (let i = 0; i < txs.length; i += 200) {
      await sendAll(txs.slice(i, i + 200));
      await mine();
    }
    console.log(
      `bench: ${label}: ${txs.length} transactions in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  };
  const customerOf = (ticket: number) => CUSTOMERS[(ticket - 1) % CUSTOMERS.length]!;
  const ids = Array.from({ length: N }, (_, i) => i + 1);
  const deskData = (functionName: string, args: readonly unknown[]) =>
    encodeFunctionData({ abi: supportDeskAbi, functionName, args } as never);
  const escrowData = (functionName: string, args: readonly unknown[]) =>
    encodeFunctionData({ abi: refundEscrowAbi, functionName, args } as never);
  const feedbackData = (functionName: string, args: readonly unknown[]) =>
    encodeFunctionData({ abi: feedbackAttestationsAbi, functionName, args } as never);
  // Ticket ids follow the order of inclusion, which the node may shuffle across senders: the owners are
  // read back from the desk below.
  const generated = Date.now();
  for (let i = 0; i < N; i += CUSTOMERS.length * 25) {
    await sendAll(
      ids
        .slice(i, i + CUSTOMERS.length * 25)
        .map(
          (t) => () =>
            send(
              customerOf(t),
              desk,
              deskData("openTicket", [1, pad(toHex(t)), hashOf(`ticket ${t}`), t % 4]),
            ),
        ),
    );
    await mine();
  }
  // Ticket ids follow inclusion order: read who owns which.
  const owner = new Map<number, number>();
  for (const t of ids) {
    const customer = (await chain.read("customerOf", [BigInt(t)])) as Address;
    owner.set(
      t,
      CUSTOMERS.find((c) => from(c).toLowerCase() === customer.toLowerCase())!,
    );
  }
  await phase(
    "messages",
    ids.map(
      (t) => () => send(AGENT, desk, deskData("postMessage", [BigInt(t), hashOf(`answer ${t}`)])),
    ),
  );
  await phase(
    "customer replies",
    ids.map(
      (t) => () =>
        send(owner.get(t)!, desk, deskData("postMessage", [BigInt(t), hashOf(`thanks ${t}`)])),
    ),
  );
  const refunded = ids.filter((t) => t % 4 === 0);
  await phase(
    "refund requests",
    refunded.map(
      (t) => () =>
        send(
          owner.get(t)!,
          escrow,
          escrowData("requestRefund", [
            BigInt(t),
            zeroAddress,
            parseEther("0.01"),
            hashOf(`refund ${t}`),
          ]),
        ),
    ),
  );
  await phase(
    "refund approvals",
    refunded.map((_, i) => () => send(AGENT, escrow, escrowData("approveRefund", [BigInt(i + 1)]))),
  );
  await phase(
    "resolutions",
    ids.map(
      (t) => () => send(AGENT, desk, deskData("resolveTicket", [BigInt(t), hashOf(`done ${t}`)])),
    ),
  );
  await phase(
    "ratings",
    ids.map(
      (t) => () =>
        send(
          owner.get(t)!,
          feedback,
          feedbackData("attest", [BigInt(t), 1 + (t % 5), hashOf(`rating ${t}`)]),
        ),
    ),
  );
  await rpc(node.url, "evm_setAutomine", [true]);
  const ticketCount = Number(await chain.read("ticketCount", []));
  if (ticketCount !== N) throw new Error(`generated ${ticketCount} tickets, expected ${N}`);
  console.log(`bench: generated ${N} tickets in ${((Date.now() - generated) / 1000).toFixed(1)} s`);

  const sdk = await connect(
    new JsonRpcProvider(node.url, chainId, { staticNetwork: true }),
    chainId,
    {
      forwarder: zeroAddress,
      supportDesk: desk,
      refundEscrow: escrow,
      feedbackAttestations: feedback,
    },
  );
  const provider = new JsonRpcProvider(node.url, chainId, { staticNetwork: true });
  const openedTopic = sdk.desk.interface.getEvent("TicketOpened")!.topicHash;
  /** The queue from logs: the merchant's TicketOpened logs, then each ticket's state and deadlines. */
  const queueFromLogs = async () => {
    const logs = await provider.getLogs({
      address: desk,
      fromBlock: 0,
      toBlock: "latest",
      topics: [openedTopic, null, pad(toHex(1))],
    });
    const tickets = await Promise.all(
      logs.map((log) => sdk.desk.getTicket(BigInt(log.topics[1]!))),
    );
    return tickets.filter((t) => [1n, 2n, 3n, 6n].includes(BigInt(t.status)));
  };
  const customerFromLogs = async (customer: Address) => {
    const logs = await provider.getLogs({
      address: desk,
      fromBlock: 0,
      toBlock: "latest",
      topics: [openedTopic, null, null, pad(customer)],
    });
    return Promise.all(logs.map((log) => sdk.desk.getTicket(BigInt(log.topics[1]!))));
  };

  const percentile = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  };
  const measure = async (samples: number, call: (i: number) => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      await call(i);
      times.push(performance.now() - started);
    }
    return { p50: percentile(times, 50), p95: percentile(times, 95) };
  };
  const randomTicket = (i: number) => 1 + ((i * 7919) % N);
  const randomCustomer = (i: number) => from(CUSTOMERS[i % CUSTOMERS.length]!);

  // The log-scan side once (it does not depend on the database); the report scan is slow: fewer samples.
  const logs = {
    queue: await measure(Math.min(SAMPLES, 10), () => queueFromLogs()),
    customer: await measure(Math.min(SAMPLES, 10), (i) => customerFromLogs(randomCustomer(i))),
    timeline: await measure(SAMPLES, (i) => ticketTimeline(sdk, randomTicket(i), { fromBlock: 0 })),
    report: await measure(Math.min(SAMPLES, 5), () => merchantReport(sdk, 1, { fromBlock: 0 })),
  };

  const results: Record<string, unknown> = { tickets: N, samples: SAMPLES, logs };
  const databases: { name: string; url?: string; stop?: () => void }[] = [{ name: "PGlite" }];
  if (process.env.BENCH_POSTGRES !== "0") {
    const pg = await startPostgres(dir);
    databases.push({ name: "Postgres 15", url: pg.url, stop: pg.stop });
  }
  const rows: string[] = [];
  const ratio = (r: number) => (r >= 10 ? r.toFixed(0) : r.toFixed(1));
  for (const db of databases) {
    const started = Date.now();
    const indexer = await startIndexer({
      dir: path.join(dir),
      rpcUrl: node.url,
      chainId,
      deploymentDir: deployed.deploymentDir,
      databaseUrl: db.url,
      pgliteDir: path.join(dir, `pglite-${db.name.replace(/\W/g, "")}`),
      schema: "bench",
    });
    try {
      await waitIndexed(indexer, node.url, 3_600_000);
      const seconds = (Date.now() - started) / 1000;
      const stats = await getJson<{ timelineEntries: number }>(`${indexer.url}/stats`);
      const eventsPerSecond = stats.timelineEntries / seconds;
      const api = {
        queue: await measure(SAMPLES, () => getJson(`${indexer.url}/merchants/1/queue?limit=50`)),
        customer: await measure(SAMPLES, (i) =>
          getJson(`${indexer.url}/customers/${randomCustomer(i)}/tickets`),
        ),
        timeline: await measure(SAMPLES, (i) =>
          getJson(`${indexer.url}/tickets/${randomTicket(i)}`),
        ),
        report: await measure(SAMPLES, () => getJson(`${indexer.url}/merchants/1/report`)),
      };
      results[db.name] = {
        indexingSeconds: seconds,
        events: stats.timelineEntries,
        eventsPerSecond,
        api,
      };
      const cell = (k: keyof typeof api) =>
        `${api[k].p50.toFixed(1)} / ${api[k].p95.toFixed(1)} ms vs ${logs[k].p50.toFixed(0)} / ${logs[k].p95.toFixed(0)} ms (${ratio(logs[k].p95 / api[k].p95)}x)`;
      rows.push(
        `| ${db.name} | ${N.toLocaleString("en")} | ${stats.timelineEntries.toLocaleString("en")} in ${seconds.toFixed(0)} s (${eventsPerSecond.toFixed(0)}/s) | ${cell("queue")} | ${cell("customer")} | ${cell("timeline")} | ${cell("report")} |`,
      );
    } finally {
      await indexer.service.stop();
      db.stop?.();
    }
  }
  console.log("");
  console.log(
    "| database | tickets | events indexed (throughput) | merchant queue p50 / p95 (vs logs) | customer's tickets | ticket timeline | merchant report |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(results, null, 2));
} finally {
  await node.service.stop();
  deployed.forget();
}
