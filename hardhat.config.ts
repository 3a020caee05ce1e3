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

/**
 * The gas benchmark's EAS reference (@ethereum-attestation-service/eas-contracts 1.9.0) pins
 * `pragma solidity 0.8.29`: a second compiler, the `solc` npm package 0.8.29 installed under the alias
 * `solc-0.8.29`. Hardhat picks it only for sources whose pragmas exclude 0.8.30.
 */
const EAS_SOLC_VERSION = "0.8.29";
const EAS_SOLC_PATH = require.resolve("solc-0.8.29/soljson.js");

const COMPILER_SETTINGS = {
  // Tickets, refunds and feedback are called many times per deployment, and the deployment happens
  // once per chain: favour cheap calls over cheap deployment. At 10,000 runs SupportDesk and RefundEscrow
  // keep their cold code in modules they deploy and DELEGATECALL (contracts/desk/, contracts/escrow/,
  // `ModuleHost`), which keeps every contract under EIP-170's 24,576 bytes: `npm run bench` shows sizes.
  optimizer: { enabled: true, runs: 10_000 },
  // Cancun (EIP-1153 transient storage, MCOPY) is live on Ethereum and every major L2 (Arbitrum, OP
  // Stack chains such as Base, zkSync Era, Scroll, Linea, Polygon zkEVM), so the transient reentrancy
  // guard works everywhere. Prague adds nothing these contracts use and is not yet on every L2.
  evmVersion: "cancun",
};

/** One build profile: the compiler for everything, and EAS's own 0.8.29 for the benchmark's references. */
function profile() {
  const compiler = { version: SOLC_VERSION, path: SOLC_PATH, settings: COMPILER_SETTINGS };
  const easCompiler = {
    version: EAS_SOLC_VERSION,
    path: EAS_SOLC_PATH,
    settings: COMPILER_SETTINGS,
  };
  return { compilers: [compiler, easCompiler] };
}

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
    // The references of the gas benchmark compile with the same optimizer and EVM settings, so the
    // comparison is between designs, not compiler settings.
    // `npm run deploy` passes `--build-profile default`, so it reuses the tests' build cache.
    profiles: {
      default: profile(),
      production: profile(),
    },
    // Artifacts for npm sources are emitted only when listed: the forwarder is deployed as it is; EAS
    // and OpenZeppelin 4.9's escrows are the gas benchmark's references (never published: the package
    // build copies an allowlist).
    npmFilesToBuild: [
      "@openzeppelin/contracts/metatx/ERC2771Forwarder.sol",
      "@ethereum-attestation-service/eas-contracts/contracts/EAS.sol",
      "@ethereum-attestation-service/eas-contracts/contracts/SchemaRegistry.sol",
      "@openzeppelin/contracts-v4/utils/escrow/Escrow.sol",
    ],
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
    // CARELEDGER_NODE_URL points it at a node on another port (`npm run app` and its end-to-end test).
    localhost: {
      type: "http",
      chainType: "l1",
      url: process.env.CARELEDGER_NODE_URL ?? "http://127.0.0.1:8545",
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
