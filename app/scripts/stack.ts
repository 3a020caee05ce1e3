/**
 * The whole local stack, started and stopped as one: a Hardhat node, CareLedger deployed on it with the
 * Ignition module (`npm run deploy -- --network localhost`), a seeded merchant with customers and
 * tickets, the relayer, and the app (Vite's dev server, or a built site with `vite preview`). Used by
 * `npm run app` and by the end-to-end test.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { addressesFromIgnition, type CareLedgerAddresses } from "careledger";
import { HDNodeWallet, JsonRpcProvider, Mnemonic, type Wallet } from "ethers";

import { seed, type SeedResult } from "./seed.ts";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const APP = path.join(ROOT, "app");
/** Hardhat's well-known test mnemonic: `hardhat node` funds its first 20 accounts with 10,000 ETH. */
const MNEMONIC = "test test test test test test test test test test test junk";

export interface StackOptions {
  chainPort: number;
  relayerPort: number;
  appPort: number;
  /** "dev": Vite's dev server; "preview": build the static site and serve it. */
  mode: "dev" | "preview";
  /** Where the services' output goes (the default: this process's, prefixed). */
  log: (line: string) => void;
}

export interface Stack {
  rpcUrl: string;
  relayerUrl: string;
  appUrl: string;
  addresses: CareLedgerAddresses;
  provider: JsonRpcProvider;
  seeded: SeedResult;
  account(index: number): Wallet;
  stop(): Promise<void>;
}

/** Test account `index` of `hardhat node`. */
export function testAccount(index: number, provider?: JsonRpcProvider): Wallet {
  const wallet = HDNodeWallet.fromMnemonic(
    Mnemonic.fromPhrase(MNEMONIC),
    `m/44'/60'/0'/0/${index}`,
  );
  return (provider === undefined ? wallet : wallet.connect(provider)) as unknown as Wallet;
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  child: ChildProcess,
): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    if (await check().catch(() => false)) return;
    if (Date.now() - started > 120_000) throw new Error(`${what} did not start within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Refuses a port something else listens on: its answers would be mistaken for ours. */
async function ensureFree(port: number, what: string, variable: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", () =>
      reject(new Error(`port ${port} (${what}) is in use: stop what uses it or set ${variable}`)),
    );
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

const answers = (url: string) => async (): Promise<boolean> => (await fetch(url)).status < 500;

export async function startStack(options: StackOptions): Promise<Stack> {
  const children: ChildProcess[] = [];
  const start = (
    name: string,
    command: string,
    args: string[],
    cwd: string,
    env: NodeJS.ProcessEnv = {},
  ): ChildProcess => {
    // Each service in its own process group, so stopping it stops whatever it started too.
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const forward = (data: Buffer): void => {
      for (const line of data.toString().split("\n"))
        if (line.trim() !== "") options.log(`[${name}] ${line}`);
    };
    child.stdout?.on("data", forward);
    child.stderr?.on("data", forward);
    children.push(child);
    return child;
  };
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.reverse().map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
        const exited = new Promise((resolve) => child.once("exit", resolve));
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          return; // already gone
        }
        const timer = setTimeout(() => {
          try {
            process.kill(-(child.pid as number), "SIGKILL");
          } catch {
            // gone meanwhile
          }
        }, 5_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  };

  await ensureFree(options.chainPort, "the chain", "CHAIN_PORT");
  await ensureFree(options.relayerPort, "the relayer", "RELAYER_PORT");
  await ensureFree(options.appPort, "the app", "APP_PORT");
  try {
    const rpcUrl = `http://127.0.0.1:${options.chainPort}`;
    const hardhat = path.join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
    const node = start(
      "node",
      process.execPath,
      [hardhat, "node", "--hostname", "127.0.0.1", "--port", String(options.chainPort)],
      ROOT,
    );
    const provider = new JsonRpcProvider(rpcUrl, 31337, {
      staticNetwork: true,
      pollingInterval: 250,
    });
    await waitFor("hardhat node", async () => (await provider.getBlockNumber()) >= 0, node);

    // Deploy with the Ignition module, as `npm run deploy -- --network localhost` does (--reset: a new
    // node has none of the journal's earlier contracts).
    options.log("[stack] deploying CareLedger with Ignition");
    const deployed = spawnSync(
      process.execPath,
      [path.join(ROOT, "scripts", "deploy.ts"), "--network", "localhost", "--reset"],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          CARELEDGER_NODE_URL: rpcUrl,
          HARDHAT_IGNITION_CONFIRM_DEPLOYMENT: "true",
        },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    if (deployed.status !== 0)
      throw new Error(`deploy failed:\n${deployed.stdout}\n${deployed.stderr}`);
    const addressesFile = path.join(
      ROOT,
      "deploy",
      "deployments",
      "chain-31337",
      "deployed_addresses.json",
    );
    const ignition = readFileSync(addressesFile, "utf8");
    const addresses = addressesFromIgnition(JSON.parse(ignition) as Record<string, string>);

    options.log("[stack] seeding a merchant, customers and tickets");
    const seeded = await seed(provider, addresses, (index) => testAccount(index, provider));

    const relayerUrl = `http://127.0.0.1:${options.relayerPort}`;
    const relayer = start(
      "relayer",
      process.execPath,
      [path.join(ROOT, "relayer", "src", "main.ts")],
      path.join(ROOT, "relayer"),
      {
        RELAYER_PRIVATE_KEY: testAccount(8).privateKey,
        RPC_URL: rpcUrl,
        PORT: String(options.relayerPort),
        CARELEDGER_ADDRESSES_FILE: addressesFile,
      },
    );
    await waitFor("relayer", answers(`${relayerUrl}/health`), relayer);

    const viteEnv = {
      VITE_CHAIN_ID: "31337",
      VITE_RPC_URL: rpcUrl,
      VITE_RELAYER_URL: relayerUrl,
      VITE_CARELEDGER_ADDRESSES: ignition.replace(/\s+/g, ""),
    };
    const vite = path.join(ROOT, "node_modules", "vite", "bin", "vite.js");
    if (options.mode === "preview") {
      options.log("[stack] building the app");
      const built = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], {
        cwd: APP,
        env: { ...process.env, ...viteEnv },
        encoding: "utf8",
      });
      if (built.status !== 0)
        throw new Error(`vite build failed:\n${built.stdout}\n${built.stderr}`);
    }
    const appUrl = `http://127.0.0.1:${options.appPort}/`;
    const app = start(
      "app",
      process.execPath,
      [vite, options.mode === "preview" ? "preview" : "dev", "--port", String(options.appPort)],
      APP,
      viteEnv,
    );
    await waitFor("the app", answers(appUrl), app);

    return {
      rpcUrl,
      relayerUrl,
      appUrl,
      addresses,
      provider,
      seeded,
      account: (index) => testAccount(index, provider),
      stop: async () => {
        provider.destroy();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
