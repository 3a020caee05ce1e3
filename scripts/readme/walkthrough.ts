/**
 * `node scripts/readme/walkthrough.ts <app>`: follows the README top to bottom, as a reader would, and
 * fails on the first example that does not work as written (scripts/consumer-test.sh runs it).
 *
 * - Every `<!-- commands: … -->` block runs line by line from the repository's root, in document
 *   order. `npm run node` (re)starts the local node in the background (a fresh, empty chain), as the
 *   reader does in another terminal; every other line must exit 0 (or fail with a `✖` sentence in a
 *   `fails` block).
 * - Every `<!-- snippet: … -->` block that is not `compile-only` runs where it appears, from
 *   `<app>/snippets/<name>/dist/main.js` (compiled there by consumer-test.sh against the packed package),
 *   after `deploy/deployments/chain-31337/deployed_addresses.json` is copied next to it as
 *   `careledger.localhost.json` (what the README tells the reader to do). Browser snippets get a
 *   `window.ethereum` (scripts/readme/wallet-shim.ts) whose account is the node's account 5; back-end
 *   ones get CUSTOMER_KEY (account 5) and RELAYER_KEY (account 8).
 *
 * The node and any server snippet are always stopped, whatever happens.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { HDNodeWallet } from "ethers";

import { readReadme, readmeBlocks, requireMarked, type ReadmeBlock } from "./blocks.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const RPC_URL = "http://127.0.0.1:8545";
const MNEMONIC = "test test test test test test test test test test test junk";
const DEPLOYED = path.join(root, "deploy/deployments/chain-31337/deployed_addresses.json");
/** How long one command may take (a cold Hardhat start on a busy machine included). */
const COMMAND_TIMEOUT_MS = 180_000;

/** Account `index` of the node (Hardhat's default mnemonic). */
function account(index: number): HDNodeWallet {
  return HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
}

const appArgument = process.argv[2];
if (appArgument === undefined) {
  throw new Error("usage: node scripts/readme/walkthrough.ts <consumer app dir>");
}
const app: string = path.resolve(appArgument);
const logDir = path.join(app, "logs");
mkdirSync(logDir, { recursive: true });

let node: ChildProcess | undefined;
const servers: ChildProcess[] = [];

async function rpcReady(): Promise<boolean> {
  try {
    const response = await fetch(RPC_URL, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return ((await response.json()) as { result?: string }).result !== undefined;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops a background process and its children (it leads its own process group). */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timeout = sleep(10_000).then(() => "timeout" as const);
  if ((await Promise.race([exited, timeout])) === "timeout") {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // Gone already.
    }
    await exited;
  }
}

async function stopServers(): Promise<void> {
  for (const server of servers.splice(0)) await stopGroup(server);
}

/** `npm run node`, as the reader runs it in another terminal: a fresh chain every time. */
async function restartNode(): Promise<void> {
  await stopServers();
  if (node !== undefined) await stopGroup(node);
  node = undefined;
  for (let tries = 0; tries < 50 && (await rpcReady()); tries++) await sleep(200);
  if (await rpcReady()) throw new Error(`something else answers at ${RPC_URL}: stop it first`);
  const log = openSync(path.join(logDir, "node.log"), "a");
  node = spawn("npm", ["run", "node"], { cwd: root, detached: true, stdio: ["ignore", log, log] });
  for (let tries = 0; tries < 240; tries++) {
    if (await rpcReady()) return;
    if (node.exitCode !== null) throw new Error("`npm run node` exited (see logs/node.log)");
    await sleep(500);
  }
  throw new Error(`the node did not answer at ${RPC_URL} within 2 minutes`);
}

function commandEnv(): NodeJS.ProcessEnv {
  return { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };
}

async function runCommand(command: string, fails: boolean, where: string): Promise<void> {
  const bare = command.replace(/\s+#.*$/, "").trim();
  console.log(`readme: $ ${command}`);
  if (bare === "npm run node") {
    await restartNode();
    return;
  }
  const result = spawnSync("bash", ["-c", command], {
    cwd: root,
    env: commandEnv(),
    encoding: "utf8",
    timeout: COMMAND_TIMEOUT_MS,
  });
  const output = `${result.stdout}${result.stderr}`.trimEnd();
  if (output !== "") console.log(output.replace(/^/gm, "  "));
  if (fails) {
    if (result.status !== 1 || !result.stderr.includes("✖")) {
      throw new Error(
        `${where}: \`${command}\` should fail with a ✖ sentence (exit 1), got exit ${result.status}`,
      );
    }
    return;
  }
  if (result.status !== 0) {
    throw new Error(`${where}: \`${command}\` failed (exit ${result.status ?? result.signal})`);
  }
}

async function runSnippet(block: Extract<ReadmeBlock, { kind: "snippet" }>): Promise<void> {
  const where = `README.md:${block.line} (snippet ${block.name})`;
  const dir = path.join(app, "snippets", block.name);
  const main = path.join(dir, "dist", "main.js");
  if (!existsSync(main)) throw new Error(`${where}: ${main} was not compiled`);
  if (!existsSync(DEPLOYED)) throw new Error(`${where}: nothing is deployed on the local node yet`);
  copyFileSync(DEPLOYED, path.join(dir, "dist", "careledger.localhost.json"));
  const env = {
    ...commandEnv(),
    CARELEDGER_RPC_URL: RPC_URL,
    CARELEDGER_WALLET_ACCOUNT: account(5).address,
    CUSTOMER_KEY: account(5).privateKey,
    RELAYER_KEY: account(8).privateKey,
  };
  const args = block.node
    ? [main]
    : ["--import", path.join(root, "scripts/readme/wallet-shim.ts"), main];
  console.log(`readme: snippet ${block.name}${block.server ? " (in the background)" : ""}`);
  if (block.server) {
    const server = spawn(process.execPath, args, {
      cwd: dir,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "inherit"],
    });
    servers.push(server);
    const ready = new Promise<void>((resolve, reject) => {
      server.stdout?.once("data", (chunk: Buffer) => {
        console.log(`  ${chunk.toString().trimEnd()}`);
        resolve();
      });
      server.once("exit", (code) => reject(new Error(`${where}: the server exited (${code})`)));
    });
    const timeout = sleep(60_000).then(() => {
      throw new Error(`${where}: the server printed nothing within 60 s`);
    });
    await Promise.race([ready, timeout]);
    return;
  }
  const result = spawnSync(process.execPath, args, {
    cwd: dir,
    env,
    encoding: "utf8",
    timeout: COMMAND_TIMEOUT_MS,
  });
  const output = `${result.stdout}${result.stderr}`.trimEnd();
  if (output !== "") console.log(output.replace(/^/gm, "  "));
  if (result.status !== 0)
    throw new Error(`${where}: it failed (exit ${result.status ?? result.signal})`);
}

async function main(): Promise<void> {
  const readme = readReadme(root);
  // The sections whose every example must be marked, so that no example escapes the test.
  requireMarked(readme, "## Use from a front end", "## Deployment", { ts: true, bash: false });
  requireMarked(readme, "## Command-line tasks", "## Gas", { ts: true, bash: true });
  const blocks = readmeBlocks(readme);
  let commands = 0;
  let snippets = 0;
  for (const block of blocks) {
    if (block.kind === "commands") {
      for (const command of block.commands) {
        await runCommand(command, block.fails, `README.md:${block.line} (${block.name})`);
        commands++;
      }
    } else if (!block.compileOnly) {
      await runSnippet(block);
      snippets++;
    }
  }
  console.log(`readme: ${commands} commands and ${snippets} snippets ran as written`);
}

async function cleanup(): Promise<void> {
  await stopServers();
  if (node !== undefined) await stopGroup(node);
}

process.once("SIGINT", () => void cleanup().finally(() => process.exit(130)));
process.once("SIGTERM", () => void cleanup().finally(() => process.exit(143)));
try {
  await main();
} catch (error) {
  console.error(`readme: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
