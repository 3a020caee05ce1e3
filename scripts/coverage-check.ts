/**
 * The coverage gate (`npm run coverage:check`, after `npm run coverage`): reads the lcov report that
 * `hardhat test --coverage` writes to `coverage/lcov.info`, sums the lines of the production contracts
 * (`contracts/`, without the test mocks of `contracts/test/` and the demo token of `contracts/demo/`),
 * prints the figure and the lines never run, and exits 1 below the threshold (95%, or
 * `COVERAGE_MIN_LINES`, a percentage).
 *
 * Hardhat 3 reports lines and statements, not branches (its lcov has no BRDA records), so branch-level
 * confidence stays with the table tests and the invariants.
 *
 * Runs under Node >= 22.18 (type stripping), like every npm script of the project.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REPORT = path.join(ROOT, "coverage", "lcov.info");
const INCLUDED = "contracts/";
const EXCLUDED = ["contracts/test/", "contracts/demo/"];
const DEFAULT_MIN_PERCENT = 95;

/** One source file's lines in the report. */
interface FileCoverage {
  path: string;
  hit: number;
  found: number;
  /** Lines that never ran, in order. */
  missed: number[];
}

/**
 * Parses the line records of an lcov report (`SF:` opens a file, `DA:<line>,<count>` is one line,
 * `end_of_record` closes it; the other records are not needed). The totals are counted from the `DA`
 * records and checked against the file's `LH`/`LF` summary, so a report this parser misreads fails
 * loudly instead of passing.
 */
function parseLcov(text: string): FileCoverage[] {
  const files: FileCoverage[] = [];
  let current: (FileCoverage & { lh?: number; lf?: number }) | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("SF:")) {
      current = { path: line.slice(3).replaceAll("\\", "/"), hit: 0, found: 0, missed: [] };
    } else if (current !== null && line.startsWith("DA:")) {
      const [lineNo, count] = line.slice(3).split(",");
      current.found += 1;
      if (Number(count) > 0) current.hit += 1;
      else current.missed.push(Number(lineNo));
    } else if (current !== null && line.startsWith("LH:")) {
      current.lh = Number(line.slice(3));
    } else if (current !== null && line.startsWith("LF:")) {
      current.lf = Number(line.slice(3));
    } else if (current !== null && line === "end_of_record") {
      if (
        (current.lh !== undefined && current.lh !== current.hit) ||
        (current.lf !== undefined && current.lf !== current.found)
      ) {
        throw new Error(
          `${current.path}: the DA records count ${current.hit}/${current.found} lines, the summary says ${current.lh}/${current.lf}`,
        );
      }
      files.push({
        path: current.path,
        hit: current.hit,
        found: current.found,
        missed: current.missed,
      });
      current = null;
    }
  }
  return files;
}

/** Whether `file` (a path as the report writes it) is a production contract. */
function isProduction(file: string): boolean {
  const relative = path.isAbsolute(file) ? path.relative(ROOT, file).replaceAll("\\", "/") : file;
  return relative.startsWith(INCLUDED) && !EXCLUDED.some((prefix) => relative.startsWith(prefix));
}

function main(): number {
  if (!existsSync(REPORT)) {
    console.error(
      `coverage: no report at ${path.relative(ROOT, REPORT)}: run \`npm run coverage\` first`,
    );
    return 1;
  }
  const minPercent = Number(process.env.COVERAGE_MIN_LINES ?? DEFAULT_MIN_PERCENT);
  if (!Number.isFinite(minPercent) || minPercent < 0 || minPercent > 100) {
    console.error(
      `coverage: COVERAGE_MIN_LINES must be a percentage, not "${process.env.COVERAGE_MIN_LINES}"`,
    );
    return 1;
  }
  const files = parseLcov(readFileSync(REPORT, "utf8")).filter((f) => isProduction(f.path));
  const hit = files.reduce((n, f) => n + f.hit, 0);
  const found = files.reduce((n, f) => n + f.found, 0);
  if (found === 0) {
    console.error(`coverage: the report lists no lines of ${INCLUDED} (mocks excluded)`);
    return 1;
  }
  for (const file of files.sort((a, b) => a.path.localeCompare(b.path))) {
    const missed = file.missed.length === 0 ? "" : `  (not run: lines ${file.missed.join(", ")})`;
    console.log(`  ${file.path}: ${file.hit}/${file.found}${missed}`);
  }
  // Floor to one decimal, so 94.96% never prints as a passing "95.0%".
  const percent = Math.floor((hit / found) * 1000) / 10;
  const figure = `coverage: ${hit}/${found} lines (${percent.toFixed(1)}%) of ${INCLUDED} (mocks excluded)`;
  if (hit * 100 < minPercent * found) {
    console.error(`${figure}, below the ${minPercent}% required`);
    return 1;
  }
  console.log(`${figure}, at least the ${minPercent}% required`);
  return 0;
}

process.exitCode = main();
