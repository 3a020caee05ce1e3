/**
 * What the indexer's tests start for real: a Hardhat node on a free port with its own chain id, the
 * scenario or a deployment on it, the Ponder indexer (PGlite or Postgres) and the webhook worker. Every
 * process runs in its own process group and is stopped (the whole group) after the test, and again on
 * exit if a test crashed, so no Ponder or node outlives the run.
 *
 * A test file names what it needs with `useStack` (at the end of this file) and keeps only what it tests.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";

import type { Address } from "viem";

import { Chain, contractsOf, recordedAddresses } from "./chain.ts";

export const indexerDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = path.resolve(indexerDir, "..");

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});
// A signal would end the process without "exit" handlers: turn it into an exit so they run (the
// services started here live in their own process groups and would otherwise outlive it).
for (const [signal, code] of [
  ["SIGTERM", 143],
  ["SIGINT", 130],
] as const) {
  process.once(signal, () => process.exit(code));
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `careledger-${prefix}-`));
}

/** A started process: its log file and how to stop it (and everything it spawned). */
export class Service {
  readonly #child: ChildProcess;
  readonly log: string;
  readonly #exited: Promise<void>;

  constructor(
    command: string,
    args: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv; log: string },
  ) {
    const fd = openSync(options.log, "a");
    this.#child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", fd, fd],
      detached: true, // its own process group: stop() signals the group
    });
    closeSync(fd);
    this.log = options.log;
    running.add(this.#child);
    this.#exited = new Promise((resolve) => this.#child.once("exit", () => resolve()));
    void this.#exited.then(() => running.delete(this.#child));
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** SIGTERM to the group, SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.alive) return;
    killGroup(this.#child, "SIGTERM");
    const timer = setTimeout(() => killGroup(this.#child, "SIGKILL"), graceMs);
    await this.#exited;
    clearTimeout(timer);
    // Children that ignored the group signal (none should) are killed with the group.
    killGroup(this.#child, "SIGKILL");
  }

  /** Kills at once (a crash, for the restart tests). */
  async kill(): Promise<void> {
    killGroup(this.#child, "SIGKILL");
    await this.#exited;
  }

  /** The JSON lines of its log (structured logs; other lines are skipped), oldest first. */
  entries(): Record<string, unknown>[] {
    let text = "";
    try {
      text = readFileSync(this.log, "utf8");
    } catch {
      return [];
    }
    const entries: Record<string, unknown>[] = [];
    for (const line of text.split("\n")) {
      if (!line.startsWith("{")) continue;
      try {
        entries.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // A line being written right now, or not ours.
      }
    }
    return entries;
  }

  tail(lines = 40): string {
    try {
      return readFileSync(this.log, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }
}

/** JSON-RPC methods that change the node's state: never sent twice by `rpc`. */
const STATE_CHANGING = /^(eth_send|evm_|hardhat_)/;

/**
 * One JSON-RPC call to `url`. A read whose pooled connection the node had closed while idle (its
 * keep-alive timeout; fetch reports a `TypeError`, "other side closed") is sent once more on a new one:
 * the benchmark's first nonce read after deploying met exactly that. A state-changing call is not
 * repeated here; its caller decides (bench/generate.ts resends a transaction with the same nonce).
 */
export async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const request = {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  };
  let response: Response;
  try {
    response = await fetch(url, request);
  } catch (error) {
    if (!(error instanceof TypeError) || STATE_CHANGING.test(method)) throw error;
    response = await fetch(url, request);
  }
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** A failure that waiting longer cannot fix (a process exited): `waitFor` rethrows it at once. */
export class Fatal extends Error {}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof Fatal) throw error;
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}

const hardhatCli = path.join(path.dirname(fileURLToPath(import.meta.resolve("hardhat"))), "cli.js");

/** `hardhat node` on a free port with chain id `chainId` (so Ignition's records never meet 31337's). */
export async function startNode(
  dir: string,
  chainId: number,
): Promise<{ url: string; service: Service }> {
  const port = await freePort();
  const service = new Service(
    process.execPath,
    [hardhatCli, "node", "--port", String(port), "--chain-id", String(chainId)],
    { cwd: repoRoot, env: process.env, log: path.join(dir, "node.log") },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor("the node", async () => {
    if (!service.alive) throw new Fatal(`the node exited:\n${service.tail()}`);
    return (await rpc<string>(url, "eth_chainId")) ? true : undefined;
  });
  return { url, service };
}

/** Runs a Hardhat script against the node at `url` (network `localUrl`). */
export function hardhatRun(url: string, script: string, env: Record<string, string>): string {
  const result = spawnSync(process.execPath, [hardhatCli, "run", "--network", "localUrl", script], {
    cwd: repoRoot,
    env: { ...process.env, ...env, LOCAL_RPC_URL: url },
    encoding: "utf8",
    timeout: 600_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `hardhat run ${script} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** Removes what Ignition recorded for a test chain (chain ids other than 31337/1337 are not git-ignored). */
export function forgetChain(chainId: number): void {
  rmSync(path.join(repoRoot, "deploy", "deployments", `chain-${chainId}`), {
    recursive: true,
    force: true,
  });
}

const ponderBin = realpathSync(path.join(repoRoot, "node_modules", ".bin", "ponder"));

export interface IndexerOptions {
  dir: string;
  rpcUrl: string;
  chainId: number;
  deploymentDir: string;
  /** Postgres; PGlite in `dir` when absent. */
  databaseUrl?: string;
  schema?: string;
  port?: number;
  pgliteDir?: string;
}

export interface Indexer {
  url: string;
  service: Service;
  options: IndexerOptions & { port: number; schema: string };
}

/** `ponder start` for the deployment, waiting until its HTTP server answers. */
export async function startIndexer(options: IndexerOptions): Promise<Indexer> {
  const port = options.port ?? (await freePort());
  const schema = options.schema ?? "careledger";
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PONDER_TELEMETRY_DISABLED: "true",
    PONDER_POLLING_INTERVAL: "100",
    CARELEDGER_RPC_URL: options.rpcUrl,
    CARELEDGER_CHAIN_ID: String(options.chainId),
    CARELEDGER_LOCAL_CHAIN: "true",
    CARELEDGER_DEPLOYMENT_DIR: options.deploymentDir,
    PONDER_PGLITE_DIR: options.pgliteDir ?? path.join(options.dir, "pglite"),
    PONDER_LOG_LEVEL: process.env.PONDER_LOG_LEVEL ?? "warn",
  };
  if (options.databaseUrl === undefined) delete env.DATABASE_URL;
  else env.DATABASE_URL = options.databaseUrl;
  const service = new Service(
    process.execPath,
    [ponderBin, "start", "--schema", schema, "-p", String(port)],
    {
      cwd: indexerDir,
      env,
      log: path.join(options.dir, "ponder.log"),
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor("the indexer's HTTP server", async () => {
    if (!service.alive) throw new Fatal(`the indexer exited:\n${service.tail()}`);
    return (await fetch(`${url}/health`)).ok ? true : undefined;
  });
  return { url, service, options: { ...options, port, schema } };
}

/** Waits until the indexer has indexed the node's current head. */
export async function waitIndexed(
  indexer: Indexer,
  rpcUrl: string,
  timeoutMs = 180_000,
): Promise<number> {
  const head = Number(BigInt(await rpc<string>(rpcUrl, "eth_blockNumber")));
  return waitFor(
    `the indexer to reach block ${head}`,
    async () => {
      if (!indexer.service.alive) throw new Fatal(`the indexer exited:\n${indexer.service.tail()}`);
      const response = await fetch(`${indexer.url}/status`);
      if (!response.ok) return undefined;
      const status = (await response.json()) as Record<string, { block?: { number: number } }>;
      const block = status.careledger?.block?.number ?? -1;
      return block >= head ? block : undefined;
    },
    timeoutMs,
  );
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function graphql<T>(indexerUrl: string, query: string): Promise<T> {
  const response = await fetch(`${indexerUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (body.errors !== undefined || body.data === undefined) {
    throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  }
  return body.data;
}

/** A chain id for one test run: distinct from 31337/1337 and from concurrent runs. */
export function testChainId(): number {
  return 900_000 + (process.pid % 90_000);
}

/** Deploys CareLedger through the real Ignition module (`npm run deploy`) under its own deployment id. */
export function deployCareLedger(
  url: string,
  chainId: number,
): { deploymentDir: string; forget: () => void } {
  const deploymentId = `indexer-test-${chainId}`;
  const result = spawnSync(
    process.execPath,
    [
      path.join(repoRoot, "scripts", "deploy.ts"),
      "--network",
      "localUrl",
      "--deployment-id",
      deploymentId,
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, LOCAL_RPC_URL: url },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  if (result.status !== 0) throw new Error(`deploy failed:\n${result.stdout}\n${result.stderr}`);
  const deploymentDir = path.join(repoRoot, "deploy", "deployments", deploymentId);
  const forget = () => rmSync(deploymentDir, { recursive: true, force: true });
  process.on("exit", forget); // also when a test is interrupted before its after() hook
  return { deploymentDir, forget };
}

export interface WebhookService {
  url: string;
  service: Service;
  start: () => Promise<void>;
}

/** The webhook service (src/webhooks/main.ts) as its own process; `start()` again after a kill. */
export async function startWebhooks(options: {
  dir: string;
  indexer: Pick<Indexer, "url" | "options">;
  /** The store's Postgres; else the indexer's (`DATABASE_URL`), or PGlite when it has none. */
  databaseUrl?: string;
  env?: Record<string, string>;
}): Promise<WebhookService> {
  const port = await freePort();
  const o = options.indexer.options;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    INDEXER_URL: options.indexer.url,
    CARELEDGER_RPC_URL: o.rpcUrl,
    CARELEDGER_CHAIN_ID: String(o.chainId),
    CARELEDGER_DEPLOYMENT_DIR: o.deploymentDir,
    WEBHOOKS_PORT: String(port),
    WEBHOOKS_DOMAIN: `127.0.0.1:${port}`,
    WEBHOOKS_PGLITE_DIR: path.join(options.dir, "webhooks-pglite"),
    WEBHOOK_POLL_MS: "100",
    ...options.env,
  };
  const databaseUrl = options.databaseUrl ?? o.databaseUrl;
  if (databaseUrl === undefined) delete env.DATABASE_URL;
  else env.DATABASE_URL = databaseUrl;
  const handle: WebhookService = {
    url: `http://127.0.0.1:${port}`,
    service: undefined as unknown as Service,
    start: async () => {
      handle.service = new Service(
        process.execPath,
        [path.join(indexerDir, "webhooks", "main.ts")],
        {
          cwd: indexerDir,
          env,
          log: path.join(options.dir, "webhooks.log"),
        },
      );
      await waitFor("the webhook service", async () => {
        if (!handle.service.alive)
          throw new Fatal(`the webhook service exited:\n${handle.service.tail()}`);
        return (await fetch(`${handle.url}/ready`)).ok ? true : undefined;
      });
    },
  };
  await handle.start();
  return handle;
}

export interface Postgres {
  url: string;
  /** Stops it for good (also on exit). */
  stop: () => void;
  /** Stops it (`pg_ctl stop -m fast`: sessions are cut), keeping its data; `start()` brings it back. */
  pause: () => Promise<void>;
  start: () => Promise<void>;
}

const PG_BIN = "/usr/lib/postgresql/15/bin";

/** `command` as the `postgres` user when we are root (Postgres refuses to run as root). */
function asPostgres(args: string[]): [string, string[]] {
  const all = process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", ...args] : args;
  return [all[0]!, all.slice(1)];
}

function runSync(args: string[]): void {
  const [command, rest] = asPostgres(args);
  const result = spawnSync(command, rest, { encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
}

/** As `runSync`, without blocking the event loop (servers in the test process keep answering). */
function run(args: string[]): Promise<void> {
  const [command, rest] = asPostgres(args);
  return new Promise((resolve, reject) => {
    const child = spawn(command, rest, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(" ")} failed (${code}):\n${output}`)),
    );
  });
}

/**
 * Debian's Postgres 15 in a throw-away folder, started as the `postgres` user (the tests may run as
 * root, which Postgres refuses), on a free port. `.ci/run` installs the `postgresql` package.
 */
export async function startPostgres(dir: string): Promise<Postgres> {
  const data = mkdtempSync(path.join(dir, "pg-"));
  if (process.getuid?.() === 0) spawnSync("chown", ["-R", "postgres", dir]);
  const port = await freePort();
  runSync([`${PG_BIN}/initdb`, "-D", `${data}/data`, "-A", "trust", "-U", "postgres"]);
  const startArgs = [
    `${PG_BIN}/pg_ctl`,
    "-D",
    `${data}/data`,
    "-o",
    `-p ${port} -k ${data} -c listen_addresses=127.0.0.1`,
    "-l",
    `${data}/log`,
    "start",
    "-w",
  ];
  const stopArgs = [`${PG_BIN}/pg_ctl`, "-D", `${data}/data`, "stop", "-m", "fast", "-w"];
  runSync(startArgs);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    const [command, rest] = asPostgres(stopArgs);
    spawnSync(command, rest); // already stopped (paused) is fine
  };
  process.on("exit", stop);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    pause: () => run(stopArgs),
    start: () => run(startArgs),
  };
}

export interface StackOptions {
  /** Names the temporary folder (`careledger-<name>-…`). */
  name: string;
  /** The node's chain id (`testChainId()` plus an offset of the file's own, so files never share one). */
  chainId: number;
  /**
   * How CareLedger gets onto the node: `"deploy"` (the default) deploys it through the real Ignition
   * module; `"scenario"` runs the demo's day and a second merchant's (test/scenario/run.ts), and the
   * stack is ready once the indexer has indexed all of it.
   */
  contracts?: "deploy" | "scenario";
  /** Transactions sent before the indexer starts (merchants, agents, reserves). */
  seed?: (chain: Chain) => Promise<void>;
  /** Debian's Postgres 15 for the indexer (in `schema`) and the webhook store; PGlite when absent. */
  postgres?: { schema: string };
  /** Starts the webhook service, with this environment (`WEBHOOK_*`). */
  webhooks?: Record<string, string>;
  /** Webhook receivers: listening once the services are up, closed after they stop. */
  receivers?: { listen: () => Promise<void>; close: () => Promise<void> }[];
}

/** A started stack (see `useStack`); its fields are there from the file's first `before` hook on. */
export class Stack {
  readonly dir: string;
  readonly chainId: number;
  readonly options: StackOptions;
  node!: { url: string; service: Service };
  /** The contracts' addresses as Ignition records them (`CareLedger#SupportDesk`…). */
  addresses!: Record<string, Address>;
  deploymentDir!: string;
  chain!: Chain;
  indexer!: Indexer;
  #postgres: Postgres | undefined;
  #hooks: WebhookService | undefined;
  #forget: () => void = () => undefined;

  constructor(options: StackOptions) {
    this.options = options;
    this.dir = tempDir(options.name);
    this.chainId = options.chainId;
  }

  get postgres(): Postgres {
    if (this.#postgres === undefined) throw new Error("this stack has no Postgres");
    return this.#postgres;
  }

  get hooks(): WebhookService {
    if (this.#hooks === undefined) throw new Error("this stack has no webhook service");
    return this.#hooks;
  }

  async start(): Promise<void> {
    const { dir, chainId, options } = this;
    if (options.postgres !== undefined) this.#postgres = await startPostgres(dir);
    this.node = await startNode(dir, chainId);
    if (options.contracts === "scenario") {
      this.deploymentDir = path.join(dir, "deployment");
      this.#forget = () => forgetChain(chainId);
      hardhatRun(this.node.url, "indexer/test/scenario/run.ts", {
        SCENARIO_OUT: this.deploymentDir,
      });
    } else {
      const deployed = deployCareLedger(this.node.url, chainId);
      this.deploymentDir = deployed.deploymentDir;
      this.#forget = deployed.forget;
    }
    this.addresses = recordedAddresses(this.deploymentDir);
    this.chain = new Chain(this.node.url, chainId, contractsOf(this.deploymentDir));
    await options.seed?.(this.chain);
    this.indexer = await startIndexer({
      dir,
      rpcUrl: this.node.url,
      chainId,
      deploymentDir: this.deploymentDir,
      ...(this.#postgres === undefined
        ? {}
        : { databaseUrl: this.#postgres.url, schema: options.postgres?.schema }),
    });
    if (options.contracts === "scenario") await this.waitIndexed();
    if (options.webhooks !== undefined) {
      // The store shares the indexer's database (its DATABASE_URL), as in production.
      this.#hooks = await startWebhooks({ dir, indexer: this.indexer, env: options.webhooks });
    }
    for (const receiver of options.receivers ?? []) await receiver.listen();
  }

  /** Stops whatever started (also after a start that failed half-way), services first. */
  async stop(): Promise<void> {
    await this.#hooks?.service.stop();
    await this.indexer?.service.stop();
    await this.node?.service.stop();
    for (const receiver of this.options.receivers ?? []) await receiver.close();
    this.#postgres?.stop();
    this.#forget();
  }

  /** Waits until the indexer has indexed the node's current head. */
  waitIndexed(): Promise<number> {
    return waitIndexed(this.indexer, this.node.url);
  }

  /** The indexer's outbox, in chain order (every row: the tests stay far below the page limit). */
  async outbox<T extends { id: string }>(): Promise<T[]> {
    return (await getJson<{ events: T[] }>(`${this.indexer.url}/outbox?limit=5000`)).events;
  }

  async outboxIds(): Promise<string[]> {
    return (await this.outbox()).map((e) => e.id);
  }
}

/**
 * The fixture of the indexer's tests: a node with CareLedger on it, the indexer and, when asked, Postgres
 * and the webhook service, started in a `before` hook and stopped in an `after` hook of the `describe`
 * that calls it (call it first there, so the file's own hooks run once the stack is up).
 */
export function useStack(options: StackOptions): Stack {
  const stack = new Stack(options);
  before(() => stack.start());
  after(() => stack.stop());
  return stack;
}
