/**
 * `npm run bench:indexer`: BENCH_TICKETS tickets with messages, refunds and ratings on a local node
 * (bench/generate.ts), indexed on PGlite and on Postgres 15; prints the indexing throughput and the p50 /
 * p95 latency of the merchant queue, a customer's tickets, one ticket's timeline and the merchant report,
 * each read through the SDK with the indexer (`connect(..., { indexer })`: its freshness check included)
 * next to the same SDK call answered from the node's logs and views, with the ratio of the p95s. Every
 * indexed answer is first checked deep-equal to the log scan's.
 *
 * BENCH_TICKETS (default 10,000), BENCH_BATCH operations per transaction (default 100), BENCH_SAMPLES
 * indexer calls per query (default 50), BENCH_LOG_SAMPLES log scans per query (default 10) within
 * BENCH_LOG_BUDGET_MS each (default 20,000; at least BENCH_LOG_MIN_SAMPLES, default 3, run),
 * BENCH_POSTGRES=0 to skip Postgres,
 * BENCH_PGLITE=0 to skip PGlite, BENCH_OUT a JSON file for the figures (a Markdown table beside it).
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import {
  connect,
  customerTickets,
  merchantQueue,
  merchantReport,
  ticketTimeline,
  type CareLedgerClient,
} from "careledger";
import { JsonRpcProvider } from "ethers";
import type { Address } from "viem";

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
import { CUSTOMERS, generate } from "./generate.ts";
import { measure, type Latency } from "./measure.ts";

const N = Number(process.env.BENCH_TICKETS ?? 10_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 50);
const LOG_SAMPLES = Number(process.env.BENCH_LOG_SAMPLES ?? 10);
const LOG_BUDGET_MS = Number(process.env.BENCH_LOG_BUDGET_MS ?? 20_000);
const LOG_MIN_SAMPLES = Number(process.env.BENCH_LOG_MIN_SAMPLES ?? 3);
/** Empty blocks mined one by one after the history, so it lies beyond Ponder's finality depth. */
const BURY_BLOCKS = 40;

const QUERIES = ["queue", "customer", "timeline", "report"] as const;
type Query = (typeof QUERIES)[number];
const LABELS: Record<Query, string> = {
  queue: "merchant queue",
  customer: "customer's tickets",
  timeline: "ticket timeline",
  report: "merchant report",
};

const say = (line: string) => console.log(`bench: ${line}`);
const dir = tempDir("bench");
const chainId = testChainId() + 2;
const node = await startNode(dir, chainId);
const deployed = deployCareLedger(node.url, chainId);
try {
  const recorded = JSON.parse(
    readFileSync(path.join(deployed.deploymentDir, "deployed_addresses.json"), "utf8"),
  ) as Record<string, Address>;
  const contracts = {
    forwarder: recorded["CareLedger#Forwarder"]!,
    desk: recorded["CareLedger#SupportDesk"]!,
    escrow: recorded["CareLedger#RefundEscrow"]!,
    feedback: recorded["CareLedger#FeedbackAttestations"]!,
  };
  const generated = await generate(node.url, chainId, contracts, N, BATCH, say);
  for (let i = 0; i < BURY_BLOCKS; i++) await rpc(node.url, "evm_mine", []);
  const head = Number(BigInt(await rpc<string>(node.url, "eth_blockNumber")));
  say(
    `generated ${N} tickets in ${generated.transactions} transactions, ${generated.seconds.toFixed(1)} s; head block ${head}`,
  );

  const addresses = {
    forwarder: contracts.forwarder,
    supportDesk: contracts.desk,
    refundEscrow: contracts.escrow,
    feedbackAttestations: contracts.feedback,
  };
  const provider = () => new JsonRpcProvider(node.url, chainId, { staticNetwork: true });
  const logs = await connect(provider(), chainId, addresses);
  const ticketOf = (i: number) => 1 + ((i * 7919) % N);
  const customerOfSample = (i: number) =>
    generated.account(CUSTOMERS[i % CUSTOMERS.length]!).address;
  const calls: Record<Query, (client: CareLedgerClient, i: number) => Promise<unknown>> = {
    queue: (client) => merchantQueue(client, 1),
    customer: (client, i) => customerTickets(client, customerOfSample(i)),
    timeline: (client, i) => ticketTimeline(client, ticketOf(i)),
    report: (client) => merchantReport(client, 1),
  };

  // The log scans once: they do not depend on the indexer's database.
  // A log scan that the node cannot answer (a response too large for it) is recorded as such.
  const fromLogs = {} as Record<Query, Latency | { error: string }>;
  for (const q of QUERIES) {
    try {
      const latency = await measure((i) => calls[q](logs, i), {
        samples: q === "timeline" ? LOG_SAMPLES * 3 : LOG_SAMPLES,
        budgetMs: LOG_BUDGET_MS,
        minSamples: LOG_MIN_SAMPLES,
      });
      fromLogs[q] = latency;
      say(`logs ${LABELS[q]}: p50 ${latency.p50.toFixed(0)} ms (${latency.samples} scans)`);
    } catch (error) {
      const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
      fromLogs[q] = { error: message.slice(0, 120) };
      say(`logs ${LABELS[q]}: failed: ${message}`);
    }
  }
  const scanned = (q: Query): Latency | undefined => {
    const result = fromLogs[q];
    return "error" in result ? undefined : result;
  };

  const databases: { name: string; url?: string; stop?: () => void }[] = [];
  if (process.env.BENCH_PGLITE !== "0") databases.push({ name: "PGlite" });
  if (process.env.BENCH_POSTGRES !== "0") {
    const pg = await startPostgres(dir);
    databases.push({ name: "Postgres 15", url: pg.url, stop: pg.stop });
  }
  const results: Record<string, unknown> = {
    tickets: N,
    batch: BATCH,
    generation: { transactions: generated.transactions, seconds: generated.seconds, head },
    logs: fromLogs,
  };
  const rows: string[] = [];
  for (const db of databases) {
    const started = Date.now();
    const indexer = await startIndexer({
      dir,
      rpcUrl: node.url,
      chainId,
      deploymentDir: deployed.deploymentDir,
      databaseUrl: db.url,
      pgliteDir: path.join(dir, `pglite-${db.name.replace(/\W/g, "")}`),
      schema: "bench",
    });
    try {
      await waitIndexed(indexer, node.url, 3 * 3_600_000);
      const seconds = (Date.now() - started) / 1000;
      const stats = await getJson<{ timelineEntries: number }>(`${indexer.url}/stats`);
      const eventsPerSecond = stats.timelineEntries / seconds;
      say(`${db.name}: ${stats.timelineEntries} events indexed in ${seconds.toFixed(0)} s`);
      const fallbacks: string[] = [];
      const indexed = await connect(provider(), chainId, addresses, {
        indexer: { indexerUrl: indexer.url, onFallback: (reason) => fallbacks.push(reason) },
      });
      // The same answers first (a fast wrong answer is no result).
      for (const q of QUERIES.filter((q) => scanned(q) !== undefined)) {
        assert.deepStrictEqual(await calls[q](indexed, 1), await calls[q](logs, 1), LABELS[q]);
      }
      const api = {} as Record<Query, Latency>;
      for (const q of QUERIES)
        api[q] = await measure((i) => calls[q](indexed, i), { samples: SAMPLES });
      assert.deepEqual(fallbacks, [], "every indexed read was answered by the indexer");
      results[db.name] = {
        indexingSeconds: seconds,
        events: stats.timelineEntries,
        eventsPerSecond,
        sdkWithIndexer: api,
      };
      const cell = (q: Query) => {
        const indexedCell = `${api[q].p50.toFixed(1)} / ${api[q].p95.toFixed(1)} ms`;
        const log = scanned(q);
        if (log === undefined) return `${indexedCell} vs log scan failed`;
        const ratio = log.p95 / api[q].p95;
        return `${indexedCell} vs ${log.p50.toFixed(0)} / ${log.p95.toFixed(0)} ms (${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}x)`;
      };
      rows.push(
        `| ${db.name} | ${N.toLocaleString("en")} | ${stats.timelineEntries.toLocaleString("en")} in ${seconds.toFixed(0)} s (${eventsPerSecond.toFixed(0)}/s) | ${QUERIES.map(cell).join(" | ")} |`,
      );
    } finally {
      await indexer.service.stop();
      db.stop?.();
    }
  }
  const table = [
    `| database | tickets | events indexed (throughput) | ${QUERIES.map((q) => LABELS[q]).join(" | ")} |`,
    `| --- | --- | --- | ${QUERIES.map(() => "---").join(" | ")} |`,
    ...rows,
  ].join("\n");
  console.log(`\n${table}\n`);
  if (process.env.BENCH_OUT) {
    writeFileSync(process.env.BENCH_OUT, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(process.env.BENCH_OUT.replace(/\.json$/, "") + ".md", `${table}\n`);
  }
} finally {
  await node.service.stop();
  deployed.forget();
}
