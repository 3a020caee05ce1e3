/**
 * CareLedger's recorded deployments as plain data, without ethers: `careledger/deployments`.
 * Generated at build time from `deploy/deployments/chain-<id>/deployed_addresses.json` (public chains).
 */
export { recordedDeployments as deployments } from "./generated/deployments.js";
export type { CareLedgerAddresses } from "./addresses.js";
