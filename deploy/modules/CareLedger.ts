/**
 * The entry point of `hardhat ignition deploy` (used by `npm run deploy`): Ignition's CLI loads modules
 * only from `<ignition path>/modules/`. The module itself lives in deploy/CareLedger.ts, which the
 * tests' fixture imports too, so both deploy exactly the same thing.
 */
export { default } from "../CareLedger.js";
