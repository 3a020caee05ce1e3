/**
 * `npm run app`: the local stack (node, Ignition deployment, seed, relayer, app) for trying CareLedger
 * in a browser with a wallet. Prints the URL and the test accounts' keys; Ctrl-C stops everything.
 * Ports: CHAIN_PORT (8545), RELAYER_PORT (8787), APP_PORT (5173).
 */
import { startStack } from "./stack.ts";

const port = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

const stack = await startStack({
  chainPort: port("CHAIN_PORT", 8545),
  relayerPort: port("RELAYER_PORT", 8787),
  appPort: port("APP_PORT", 5173),
  mode: process.argv.includes("--preview") ? "preview" : "dev",
  log: (line) => {
    // The node logs every RPC call: keep its startup and errors only.
    if (line.startsWith("[node]") && !/error|Started HTTP/i.test(line)) return;
    console.log(line);
  },
});

console.log(`
CareLedger is running.

  App:      ${stack.appUrl}
  Chain:    ${stack.rpcUrl} (chain id 31337)
  Relayer:  ${stack.relayerUrl}

Import these test keys into your wallet (local test accounts: never use them on a real chain):
${stack.seeded.people.map((p) => `  ${p.name.padEnd(6)} ${p.address}  ${p.privateKey}  ${p.role}`).join("\n")}

Merchant ${stack.seeded.merchantId}'s console: ${stack.appUrl}#/merchant/${stack.seeded.merchantId}
Press Ctrl-C to stop everything.`);

let stopping = false;
const shutdown = (): void => {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping the app, the relayer and the node…");
  void stack.stop().then(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
