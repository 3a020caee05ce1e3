/**
 * The README's examples, run as written (scripts/consumer-test.sh calls both commands):
 *
 * - `node scripts/readme/examples.ts extract <app>` writes every snippet into
 *   `<app>/snippets/<name>/` with a strict tsconfig.json for its environment, for `tsc --strict`.
 * - `node scripts/readme/examples.ts walkthrough <app>` follows the README top to bottom: every
 *   commands block in order, every snippet where it appears, against a local node.
 *
 * One file on purpose: Node runs it with its built-in type stripping, which does not resolve a
 * `./x.js` import to `./x.ts`.
 *
 * ## Marking an example
 *
 * A fenced block is an example when an HTML comment right before it marks it (invisible on GitHub):
 *
 * - `<!-- snippet: name [node] [server] [compile-only] -->` before a ```ts block: a complete
 *   TypeScript file. `node` means it runs in Node (a back end: Node's types), else in a browser (DOM
 *   types, `window.ethereum`); `server` that it keeps running (started in the background, stopped when
 *   the node restarts or at the end); `compile-only` that it is type-checked but not run (e.g. a
 *   public chain).
 * - `<!-- commands: name [fails] -->` before a ```bash block: commands run one line at a time, in
 *   document order, from the repository's root. `fails` means each must fail (exit 1, a `✖` line).
 *
 * Names are unique, and unmarked TypeScript blocks are not allowed in the sections that must be
 * tested (`requireMarked`), so a new example cannot slip past the tests.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { HDNodeWallet } from "ethers";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/* ------------------------------------------------------------------------------------------------
 * the marked blocks
 * --------------------------------------------------------------------------------------------- */

export interface SnippetBlock {
  kind: "snippet";
  name: string;
  /** Runs in Node (a back end) rather than a browser. */
  node: boolean;
  /** Keeps running: started in the background, ready once it prints a line. */
  server: boolean;
  /** Type-checked, not run. */
  compileOnly: boolean;
  code: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

export interface CommandsBlock {
  kind: "commands";
  name: string;
  /** Every command must fail. */
  fails: boolean;
  /** The commands, one per entry (a line ending in `\` is joined with the next). */
  commands: string[];
  line: number;
}

export type ReadmeBlock = SnippetBlock | CommandsBlock;

const MARKER = /^<!--\s*(snippet|commands):\s*([a-z0-9-]+)((?:\s+[a-z-]+)*)\s*-->$/;
const FENCE = /^```(\w*)\s*$/;

/** The marked blocks of `markdown`, in document order. Throws on a malformed or duplicate marker. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split("\n");
  const blocks: ReadmeBlock[] = [];
  const names = new Set<string>();
  for (let index = 0; index < lines.length; index++) {
    const marker = MARKER.exec((lines[index] ?? "").trim());
    if (marker === null) continue;
    const [, kind, name = "", flagText = ""] = marker;
    const flags = flagText.trim() === "" ? [] : flagText.trim().split(/\s+/);
    // The fence follows the marker, after blank lines at most (prettier puts one there).
    let open = index + 1;
    while ((lines[open] ?? "x").trim() === "") open++;
    const fence = FENCE.exec(lines[open] ?? "");
    if (fence === null)
      throw new Error(`README.md:${index + 1}: a marker must be followed by a fence`);
    const end = lines.findIndex((text, at) => at > open && text.trim() === "```");
    if (end < 0) throw new Error(`README.md:${open + 1}: unterminated block`);
    if (names.has(name))
      throw new Error(`README.md:${index + 1}: the name "${name}" is used twice`);
    names.add(name);
    const body = lines.slice(open + 1, end);
    const line = open + 1;
    if (kind === "snippet") {
      if (fence[1] !== "ts") throw new Error(`README.md:${line}: a snippet must be a ts block`);
      const unknown = flags.filter((flag) => !["node", "server", "compile-only"].includes(flag));
      if (unknown.length > 0) throw new Error(`README.md:${index + 1}: unknown flags ${unknown}`);
      blocks.push({
        kind: "snippet",
        name,
        node: flags.includes("node"),
        server: flags.includes("server"),
        compileOnly: flags.includes("compile-only"),
        code: `${body.join("\n")}\n`,
        line,
      });
    } else {
      if (fence[1] !== "bash") throw new Error(`README.md:${line}: commands must be a bash block`);
      const unknown = flags.filter((flag) => flag !== "fails");
      if (unknown.length > 0) throw new Error(`README.md:${index + 1}: unknown flags ${unknown}`);
      blocks.push({
        kind: "commands",
        name,
        fails: flags.includes("fails"),
        commands: joinLines(body),
        line,
      });
    }
    index = end;
  }
  return blocks;
}

/** Joins continuation lines (`\` at the end) and drops blank lines and whole-line comments. */
function joinLines(body: string[]): string[] {
  const commands: string[] = [];
  let pending = "";
  for (const raw of body) {
    const text = raw.trimEnd();
    if (pending === "" && (text.trim() === "" || text.trim().startsWith("#"))) continue;
    if (text.endsWith("\\")) {
      pending += `${text.slice(0, -1)} `;
      continue;
    }
    commands.push(`${pending}${text}`.trim());
    pending = "";
  }
  if (pending !== "") commands.push(pending.trim());
  return commands;
}

/**
 * Throws if a ```ts block between the headings `from` and `to` (the front-end sections) has no
 * snippet marker, or a ```bash block there has no commands marker when `bash` is set.
 */
export function requireMarked(
  markdown: string,
  from: string,
  to: string,
  options: { ts: boolean; bash: boolean },
): void {
  const lines = markdown.split("\n");
  const start = lines.findIndex((text) => text.trim() === from);
  const stop = lines.findIndex((text, at) => at > start && text.trim() === to);
  if (start < 0 || stop < 0) throw new Error(`README.md has no section "${from}" … "${to}"`);
  let inside = false;
  for (let index = start; index < stop; index++) {
    const text = lines[index] ?? "";
    const fence = FENCE.exec(text);
    if (fence === null) continue;
    if (inside) {
      inside = false;
      continue;
    }
    inside = true;
    let before = index - 1;
    while (before > 0 && (lines[before] ?? "").trim() === "") before--;
    const previous = (lines[before] ?? "").trim();
    const language = fence[1] ?? "";
    if (options.ts && language === "ts" && !/^<!--\s*snippet:/.test(previous)) {
      throw new Error(
        `README.md:${index + 1}: a ts block in "${from}" has no <!-- snippet: … --> marker`,
      );
    }
    if (options.bash && language === "bash" && !/^<!--\s*commands:/.test(previous)) {
      throw new Error(
        `README.md:${index + 1}: a bash block in "${from}" has no <!-- commands: … --> marker`,
      );
    }
  }
}

/** The README of the repository at `root`. */
export function readReadme(root: string): string {
  return readFileSync(`${root}/README.md`, "utf8");
}

/* ------------------------------------------------------------------------------------------------
 * extract: every snippet as a project of its own
 * --------------------------------------------------------------------------------------------- */

/**
 * Writes every snippet into `<app>/snippets/<name>/main.ts`, with a strict tsconfig.json for its
 * environment (a browser: the DOM's types and no Node; a back end: Node's types and no DOM) and a
 * placeholder `careledger.localhost.json` of the shape Ignition records (the walkthrough copies the
 * real one next to the compiled file before it runs it). Prints the names, one per line.
 */
const placeholder = Object.fromEntries(
  ["Forwarder", "SupportDesk", "RefundEscrow", "FeedbackAttestations"].map((future) => [
    `CareLedger#${future}`,
    `0x${"00".repeat(20)}`,
  ]),
);

function extract(app: string): void {
  for (const block of readmeBlocks(readReadme(root))) {
    if (block.kind !== "snippet") continue;
    const dir = path.join(app, "snippets", block.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "main.ts"), block.code);
    writeFileSync(
      path.join(dir, "careledger.localhost.json"),
      `${JSON.stringify(placeholder, null, 2)}\n`,
    );
    const tsconfig = {
      compilerOptions: {
        strict: true,
        noUncheckedIndexedAccess: true,
        module: "node20",
        target: "es2022",
        lib: block.node ? ["es2023"] : ["es2023", "dom"],
        types: block.node ? ["node"] : [],
        resolveJsonModule: true,
        outDir: "dist",
        skipLibCheck: false,
      },
      include: ["main.ts"],
    };
    writeFileSync(path.join(dir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
    console.log(block.name);
  }
}

/* ------------------------------------------------------------------------------------------------
 * walkthrough
 * --------------------------------------------------------------------------------------------- */

/**
 * walkthrough: follows the README top to bottom, as a reader would, and
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
const RPC_URL = "http://127.0.0.1:8545";
const MNEMONIC = "test test test test test test test test test test test junk";
const DEPLOYED = path.join(root, "deploy/deployments/chain-31337/deployed_addresses.json");
/** How long one command may take (a cold Hardhat start on a busy machine included). */
const COMMAND_TIMEOUT_MS = 180_000;

/** Account `index` of the node (Hardhat's default mnemonic). */
function account(index: number): HDNodeWallet {
  return HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
}

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

async function walkthrough(): Promise<void> {
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

/* ------------------------------------------------------------------------------------------------
 * the command
 * --------------------------------------------------------------------------------------------- */

/** Run as a script (not imported by a test, which only reads the blocks). */
const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
const [command, appArgument] = isMain ? process.argv.slice(2) : [];
if (isMain && ((command !== "extract" && command !== "walkthrough") || appArgument === undefined)) {
  throw new Error("usage: node scripts/readme/examples.ts extract|walkthrough <consumer app dir>");
}
const app = path.resolve(appArgument ?? ".");
const logDir = path.join(app, "logs");

if (!isMain) {
  // Imported: nothing to run.
} else if (command === "extract") {
  extract(app);
} else {
  mkdirSync(logDir, { recursive: true });
  process.once("SIGINT", () => void cleanup().finally(() => process.exit(130)));
  process.once("SIGTERM", () => void cleanup().finally(() => process.exit(143)));
  try {
    await walkthrough();
  } catch (error) {
    console.error(`readme: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}
