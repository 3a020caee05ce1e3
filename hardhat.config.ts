import "dotenv/config";

import { createRequire } from "node:module";

import hardhatToolboxMochaEthersPlugin from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

import careLedgerPackagePlugin from "./scripts/build-package.plugin.js";
import { careLedgerTasks } from "./tasks/index.js";

const require = createRequire(import.meta.url);

/**
 * The compiler is the `solc` npm package's `soljson.js` (pinned in package.json to this exact
 * version), so compiling never downloads anything: Hardhat would otherwise fetch a native solc.
 */
const SOLC_VERSION = "0.8.30";
const SOLC_PATH = require.resolve("solc/soljson.js");

const COMPILER_SETTINGS = {
  // Tickets, refunds and feedback are called many times per deployment, and the deployment happens
  // once per chain: favour cheap calls over cheap deployment. 10,000 runs keeps every contract under
  // the 24 KiB EIP-170 limit (the largest, SupportDesk, is about 22.9 KB).
  optimizer: { enabled: true, runs: 10_000 },
  // Cancun (EIP-1153 transient storage, MCOPY) is live on Ethereum and every major L2 (Arbitrum, OP
  // Stack chains such as Base, zkSync Era, Scroll, Linea, Polygon zkEVM), so the transient reentrancy
  // guard works everywhere. Prague adds nothing these contracts use and is not yet on every L2.
  evmVersion: "cancun",
};

export default defineConfig({
  // The package plugin regenerates src/generated/ (the published bindings, ABIs, addresses) after
  // every build, so the SDK's tests always run against the current contracts.
  plugins: [hardhatToolboxMochaEthersPlugin, careLedgerPackagePlugin],
  // CareLedger's tasks for merchants, customers and anyone (tasks/index.ts; `npx hardhat --help`).
  tasks: careLedgerTasks,
  solidity: {
    // Tests build with the `default` profile and `ignition deploy` with `production`: both are the
    // same compiler and settings, so what is deployed is byte for byte what was tested. (Left implicit,
    // Hardhat's production profile would use 200 runs and the compiler's default EVM version.)
    profiles: {
      default: { version: SOLC_VERSION, path: SOLC_PATH, settings: COMPILER_SETTINGS },
      production: { version: SOLC_VERSION, path: SOLC_PATH, settings: COMPILER_SETTINGS },
    },
    // Artifacts for npm sources are emitted only when listed: the forwarder is deployed as it is.
    npmFilesToBuild: ["@openzeppelin/contracts/metatx/ERC2771Forwarder.sol"],
  },
  paths: {
    ignition: "deploy",
  },
  typechain: {
    outDir: "typechain-types",
  },
  test: {
    solidity: {
      fuzz: { runs: 256, seed: "0xca7e1ed9e7" },
      invariant: { runs: 64, depth: 48, failOnRevert: false },
    },
  },
  networks: {
    // The default: Hardhat's in-process simulated chain (chain id 31337), nothing to start.
    hardhat: {
      type: "edr-simulated",
      chainType: "l1",
    },
    // A node started with `npm run node` (its first accounts are the well-known test keys).
    localhost: {
      type: "http",
      chainType: "l1",
      url: "http://127.0.0.1:8545",
    },
    // A local node on another port (LOCAL_RPC_URL): the indexer's tests and benchmark start their own
    // `hardhat node` on a free port, so they never collide with `npm run node` on 8545.
    localUrl: {
      type: "http",
      chainType: "l1",
      url: process.env.LOCAL_RPC_URL ?? "http://127.0.0.1:8545",
    },
    // Any remote chain: a testnet such as Sepolia, or an L2. The variables are read only when this
    // network is used, so a missing RPC_URL never bothers someone who runs the tests.
    remote: {
      type: "http",
      chainType: "generic",
      url: configVariable("RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
  },
  verify: {
    etherscan: {
      apiKey: configVariable("ETHERSCAN_API_KEY"),
    },
  },
});
