/**
 * A real local chain for the relayer's tests: `hardhat node` on a free port, CareLedger deployed on it
 * with the package's factories (the same constructor arguments as the Ignition module), and a merchant
 * registered. Stopped by `stop()`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

import {
  ERC2771Forwarder__factory,
  FeedbackAttestations__factory,
  RefundEscrow__factory,
  SupportDesk__factory,
  type CareLedgerAddresses,
} from "careledger";
import {
  HDNodeWallet,
  JsonRpcProvider,
  Mnemonic,
  NonceManager,
  ZeroHash,
  type Wallet,
} from "ethers";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Hardhat's well-known test mnemonic: `hardhat node` funds its first 20 accounts. */
const MNEMONIC = "test test test test test test test test test test test junk";

export interface LocalChain {
  url: string;
  provider: JsonRpcProvider;
  addresses: CareLedgerAddresses;
  merchantId: number;
  /** Test account `index` (funded), connected to the provider. */
  account(index: number): Wallet;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
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

async function waitForRpc(provider: JsonRpcProvider, node: ChildProcess): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (node.exitCode !== null) throw new Error(`hardhat node exited with ${node.exitCode}`);
    try {
      await provider.getBlockNumber();
      return;
    } catch {
      if (Date.now() - started > 60_000) throw new Error("hardhat node did not answer in 60 s");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export async function startChain(): Promise<LocalChain> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const hardhat = path.join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
  const node = spawn(process.execPath, [hardhat, "node", "--port", String(port)], {
    cwd: ROOT,
    stdio: "ignore",
    detached: true,
  });
  const provider = new JsonRpcProvider(url, 31337, { staticNetwork: true, pollingInterval: 100 });
  const stop = async (): Promise<void> => {
    provider.destroy();
    if (node.exitCode !== null || node.pid === undefined) return;
    const exited = new Promise((resolve) => node.once("exit", resolve));
    process.kill(-node.pid, "SIGTERM");
    await exited;
  };
  try {
    await waitForRpc(provider, node);
    const mnemonic = Mnemonic.fromPhrase(MNEMONIC);
    const account = (index: number): Wallet =>
      HDNodeWallet.fromMnemonic(mnemonic, `m/44'/60'/0'/0/${index}`).connect(
        provider,
      ) as unknown as Wallet;
    const deployer = new NonceManager(account(0));
    const forwarder = await new ERC2771Forwarder__factory(deployer).deploy("CareLedger");
    const forwarderAddress = await forwarder.getAddress();
    const desk = await new SupportDesk__factory(deployer).deploy(
      forwarderAddress,
      account(1).address,
    );
    const deskAddress = await desk.getAddress();
    const escrow = await new RefundEscrow__factory(deployer).deploy(deskAddress, forwarderAddress);
    const feedback = await new FeedbackAttestations__factory(deployer).deploy(
      deskAddress,
      forwarderAddress,
    );
    await (await desk.bindEscrow(await escrow.getAddress())).wait();
    // Merchant 1, administered by account 2.
    await (await desk.registerMerchant(account(2).address, ZeroHash)).wait();
    return {
      url,
      provider,
      addresses: {
        forwarder: forwarderAddress,
        supportDesk: deskAddress,
        refundEscrow: await escrow.getAddress(),
        feedbackAttestations: await feedback.getAddress(),
      },
      merchantId: 1,
      account,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
