/**
 * `node scripts/readme/extract-snippets.ts <app>`: writes every `<!-- snippet: … -->` block of the
 * README into `<app>/snippets/<name>/main.ts`, with a strict tsconfig.json for its environment (a
 * browser: the DOM's types and no Node; a back end: Node's types and no DOM) and a placeholder
 * `careledger.localhost.json` of the shape Ignition records (the walkthrough copies the real one in
 * before it runs the snippet). Prints the names, one per line, for scripts/consumer-test.sh.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { readReadme, readmeBlocks } from "./blocks.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const app = process.argv[2];
if (app === undefined) throw new Error("usage: node scripts/readme/extract-snippets.ts <app>");

const placeholder = Object.fromEntries(
  ["Forwarder", "SupportDesk", "RefundEscrow", "FeedbackAttestations"].map((future) => [
    `CareLedger#${future}`,
    `0x${"00".repeat(20)}`,
  ]),
);

for (const block of readmeBlocks(readReadme(root))) {
  if (block.kind !== "snippet") continue;
  const dir = path.join(app, "snippets", block.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "main.ts"), block.code);
  writeFileSync(
    path.join(dir, "careledger.localhost.json"),
    `${JSON.stringify(placeholder, null, 2)}\n`,
  );
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noUncheckedIndexedAccess: true,
      module: "node20",
      target: "es2022",
      lib: block.node ? ["es2023"] : ["es2023", "dom"],
      types: block.node ? ["node"] : [],
      resolveJsonModule: true,
      outDir: "dist",
      skipLibCheck: false,
    },
    include: ["main.ts"],
  };
  writeFileSync(path.join(dir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
  console.log(block.name);
}
