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
  // once per chain: favour cheap calls over cheap deployment. 10,000 runs keeps every contract under
  // the 24 KiB EIP-170 limit (the largest, SupportDesk, is about 22.9 KB).
  optimizer: { enabled: true, runs: 10_000 },
  // Cancun (EIP-1153 transient storage, MCOPY) is live on Ethereum and every major L2 (Arbitrum, OP
  // Stack chains such as Base, zkSync Era, Scroll, Linea, Polygon zkEVM), so the transient reentrancy
  // guard works everywhere. Prague adds nothing these contracts use and is not yet on every L2.
  evmVersion: "cancun",
};

/**
 * SupportDesk and RefundEscrow no longer fit EIP-170's 24,576 bytes at 10,000 runs since verified orders,
 * fixed terms and staff allowances (26.4 KB and 27.7 KB). Hardhat 3's Solidity test runner cannot link
 * external libraries yet (it finds no artifact for them), which ruled out moving code into a linked
 * library; until the contracts are split, these two compile with the most runs that fit, which costs
 * their hot paths a few gas each (`npm run bench` shows every operation's gas).
 */
const SIZE_BOUND_SETTINGS = { ...COMPILER_SETTINGS, optimizer: { enabled: true, runs: 1_000 } };
const SIZE_BOUND_SOURCES = ["contracts/SupportDesk.sol", "contracts/RefundEscrow.sol"];

/**
 * One build profile: the compiler for everything (and EAS's own 0.8.29 for the benchmark's references),
 * with the size-bound sources' override. Overrides apply to the sources compiled as roots (what Ignition
 * deploys and the TypeScript tests run); a Solidity test that imports a contract compiles it with its own
 * settings, so the `.t.sol` suites run the same source at 10,000 runs (their runner does not enforce EIP-170).
 */
function profile() {
  const compiler = { version: SOLC_VERSION, path: SOLC_PATH, settings: COMPILER_SETTINGS };
  const easCompiler = {
    version: EAS_SOLC_VERSION,
    path: EAS_SOLC_PATH,
    settings: COMPILER_SETTINGS,
  };
  return {
    compilers: [compiler, easCompiler],
    overrides: Object.fromEntries(
      SIZE_BOUND_SOURCES.map((source) => [source, { ...compiler, settings: SIZE_BOUND_SETTINGS }]),
    ),
  };
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
