/**
 * `npm start -w relayer`: the gasless relayer as a service. Configuration from the environment (see
 * .env.example); SIGTERM and SIGINT stop taking requests, let the ones in flight finish, then exit.
 */
import { JsonRpcProvider, Wallet } from "ethers";

import { addressesOf, readConfig } from "./config.ts";
import { jsonLogger } from "./log.ts";
import { Relayer } from "./relayer.ts";
import { createRelayerServer } from "./server.ts";

const logger = jsonLogger();

async function main(): Promise<void> {
  const config = readConfig();
  const provider = new JsonRpcProvider(config.rpcUrl);
  const chainId = Number((await provider.getNetwork()).chainId);
  const addresses = addressesOf(config, chainId);
  const wallet = new Wallet(config.privateKey, provider);
  const relayer = new Relayer({
    provider,
    wallet,
    addresses,
    rateLimit: config.rateLimit,
    maxGas: config.maxGas,
    logger,
  });
  const server = createRelayerServer({ relayer, logger, corsOrigin: config.corsOrigin });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  logger.info("listening", {
    url: `http://${config.host}:${config.port}`,
    chainId,
    relayer: wallet.address,
    forwarder: addresses.forwarder,
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping", { signal, inFlight: relayer.inFlight });
    // close() stops accepting connections and waits for the open ones' responses.
    server.close(() => {
      provider.destroy();
      logger.info("stopped");
      process.exit(0);
    });
    server.closeIdleConnections();
    // Never hang forever on a stuck client.
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  logger.error("cannot start", { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
