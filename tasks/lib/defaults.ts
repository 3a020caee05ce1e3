/**
 * Defaults the task definitions need. This file imports nothing: hardhat.config.ts loads the task
 * definitions before anything is compiled or generated, so they must not reach the package (src/).
 */

/** Where the tasks keep commitments unless `--commitments` says otherwise (relative to the project). */
export const DEFAULT_COMMITMENTS_FILE = ".careledger/commitments.json";
