import { definePlugin } from "hardhat/plugins";

/**
 * Keeps the package's generated sources (`src/generated/`: production bindings, `as const` ABIs,
 * recorded deployments) in step with the contracts: after every successful `hardhat build` (and so
 * before `hardhat test`, `hardhat run`, `ignition deploy`...), right after TypeChain, it runs
 * `node scripts/build-package.ts --generate-only`. The SDK's tests and `tsc` then always see the
 * current contracts, with nothing to remember. `npm run build` still does the whole package build.
 */
const careLedgerPackagePlugin = definePlugin({
  id: "careledger-package",
  hookHandlers: {
    solidity: () => import("./build-package.hooks.js"),
  },
  // After TypeChain: its handler writes the bindings this one copies.
  dependencies: () => [import("@nomicfoundation/hardhat-typechain")],
});

export default careLedgerPackagePlugin;
