/**
 * `npm run deploy -- [--network <name>] [ignition deploy options]`: deploys the `CareLedger` Ignition
 * module (deploy/CareLedger.ts, loaded through deploy/modules/CareLedger.ts) with
 * deploy/parameters.json.
 *
 * - No `--network`: Hardhat's in-process chain, a dry run that records nothing.
 * - `--network localhost`: the node of `npm run node`; Ignition records the addresses in
 *   deploy/deployments/chain-31337/ (git-ignored).
 * - `--network remote`: the chain at RPC_URL, paid by DEPLOYER_PRIVATE_KEY (from the environment, .env or
 *   Hardhat's keystore); Ignition records deploy/deployments/chain-<id>/, which is committed.
 *
 * Ignition asks for confirmation before deploying to any chain but 31337. Without a terminal on
 * standard input (CI, a pipe) nobody can answer and it would exit having deployed nothing, so only then
 * is `HARDHAT_IGNITION_CONFIRM_DEPLOYMENT` set: people at a terminal are still asked.
 *
 * It builds with the `default` build profile, the one `npm test` and `hardhat build` use, unless
 * `--build-profile` says otherwise: `ignition deploy` would otherwise build with `production`, whose
 * artifacts replace the default profile's, so every deploy after a test run (and every test run after
 * a deploy) compiled everything again (about 35 s). Both profiles have the same compiler and settings
 * (hardhat.config.ts), so the bytecode is the same; with nothing changed, a deploy takes a few seconds.
 *
 * Every other argument goes to `hardhat ignition deploy` as it is (`--verify`, `--deployment-id`,
 * `--reset`, `--parameters <file>` to use another parameters file...).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MODULE = "deploy/modules/CareLedger.ts";
const PARAMETERS = "deploy/parameters.json";

const args = process.argv.slice(2);
const env = { ...process.env };
if (!process.stdin.isTTY && env.HARDHAT_IGNITION_CONFIRM_DEPLOYMENT === undefined) {
  env.HARDHAT_IGNITION_CONFIRM_DEPLOYMENT = "true";
  console.log(
    "deploy: standard input is not a terminal, so Ignition will not ask for confirmation",
  );
}

const given = (option: string): boolean =>
  args.some((arg) => arg === option || arg.startsWith(`${option}=`));
const ownParameters = given("--parameters");
const ownProfile = given("--build-profile");
const hardhatCli = path.join(path.dirname(fileURLToPath(import.meta.resolve("hardhat"))), "cli.js");
const result = spawnSync(
  process.execPath,
  [
    hardhatCli,
    ...(ownProfile ? [] : ["--build-profile", "default"]),
    "ignition",
    "deploy",
    ...(ownParameters ? [] : ["--parameters", PARAMETERS]),
    ...args,
    MODULE,
  ],
  { cwd: root, env, stdio: "inherit" },
);
if (result.error !== undefined) throw result.error;
process.exitCode = result.status ?? 1;
