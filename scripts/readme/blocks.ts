/**
 * The README's examples as data, so tests run them as written instead of copies that drift.
 *
 * A fenced block is an example when an HTML comment right before it marks it (invisible on GitHub):
 *
 * - `<!-- snippet: name [node] [server] [compile-only] -->` before a ```ts block: a complete
 *   TypeScript file. `node` means it runs in Node (a back end: Node's types), else in a browser (DOM
 *   types, `window.ethereum`); `server` that it keeps running (started in the background, stopped when
 *   the node restarts or at the end); `compile-only` that it is type-checked but not run (e.g. a
 *   public chain).
 * - `<!-- commands: name [fails] -->` before a ```bash block: commands run one line at a time, in
 *   document order, from the repository's root. `fails` means each must fail (exit 1, a `✖` line).
 *
 * Names are unique, and unmarked TypeScript blocks are not allowed in the sections that must be
 * tested (`requireMarked`), so a new example cannot slip past the tests.
 */
import { readFileSync } from "node:fs";

export interface SnippetBlock {
  kind: "snippet";
  name: string;
  /** Runs in Node (a back end) rather than a browser. */
  node: boolean;
  /** Keeps running: started in the background, ready once it prints a line. */
  server: boolean;
  /** Type-checked, not run. */
  compileOnly: boolean;
  code: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

export interface CommandsBlock {
  kind: "commands";
  name: string;
  /** Every command must fail. */
  fails: boolean;
  /** The commands, one per entry (a line ending in `\` is joined with the next). */
  commands: string[];
  line: number;
}

export type ReadmeBlock = SnippetBlock | CommandsBlock;

const MARKER = /^<!--\s*(snippet|commands):\s*([a-z0-9-]+)((?:\s+[a-z-]+)*)\s*-->$/;
const FENCE = /^```(\w*)\s*$/;

/** The marked blocks of `markdown`, in document order. Throws on a malformed or duplicate marker. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split("\n");
  const blocks: ReadmeBlock[] = [];
  const names = new Set<string>();
  for (let index = 0; index < lines.length; index++) {
    const marker = MARKER.exec((lines[index] ?? "").trim());
    if (marker === null) continue;
    const [, kind, name = "", flagText = ""] = marker;
    const flags = flagText.trim() === "" ? [] : flagText.trim().split(/\s+/);
    const fence = FENCE.exec(lines[index + 1] ?? "");
    if (fence === null)
      throw new Error(`README.md:${index + 1}: a marker must be followed by a fence`);
    const end = lines.findIndex((text, at) => at > index + 1 && text.trim() === "```");
    if (end < 0) throw new Error(`README.md:${index + 2}: unterminated block`);
    if (names.has(name))
      throw new Error(`README.md:${index + 1}: the name "${name}" is used twice`);
    names.add(name);
    const body = lines.slice(index + 2, end);
    const line = index + 2;
    if (kind === "snippet") {
      if (fence[1] !== "ts") throw new Error(`README.md:${line}: a snippet must be a ts block`);
      const unknown = flags.filter((flag) => !["node", "server", "compile-only"].includes(flag));
      if (unknown.length > 0) throw new Error(`README.md:${index + 1}: unknown flags ${unknown}`);
      blocks.push({
        kind: "snippet",
        name,
        node: flags.includes("node"),
        server: flags.includes("server"),
        compileOnly: flags.includes("compile-only"),
        code: `${body.join("\n")}\n`,
        line,
      });
    } else {
      if (fence[1] !== "bash") throw new Error(`README.md:${line}: commands must be a bash block`);
      const unknown = flags.filter((flag) => flag !== "fails");
      if (unknown.length > 0) throw new Error(`README.md:${index + 1}: unknown flags ${unknown}`);
      blocks.push({
        kind: "commands",
        name,
        fails: flags.includes("fails"),
        commands: joinLines(body),
        line,
      });
    }
    index = end;
  }
  return blocks;
}

/** Joins continuation lines (`\` at the end) and drops blank lines and whole-line comments. */
function joinLines(body: string[]): string[] {
  const commands: string[] = [];
  let pending = "";
  for (const raw of body) {
    const text = raw.trimEnd();
    if (pending === "" && (text.trim() === "" || text.trim().startsWith("#"))) continue;
    if (text.endsWith("\\")) {
      pending += `${text.slice(0, -1)} `;
      continue;
    }
    commands.push(`${pending}${text}`.trim());
    pending = "";
  }
  if (pending !== "") commands.push(pending.trim());
  return commands;
}

/**
 * Throws if a ```ts block between the headings `from` and `to` (the front-end sections) has no
 * snippet marker, or a ```bash block there has no commands marker when `bash` is set.
 */
export function requireMarked(
  markdown: string,
  from: string,
  to: string,
  options: { ts: boolean; bash: boolean },
): void {
  const lines = markdown.split("\n");
  const start = lines.findIndex((text) => text.trim() === from);
  const stop = lines.findIndex((text, at) => at > start && text.trim() === to);
  if (start < 0 || stop < 0) throw new Error(`README.md has no section "${from}" … "${to}"`);
  let inside = false;
  for (let index = start; index < stop; index++) {
    const text = lines[index] ?? "";
    const fence = FENCE.exec(text);
    if (fence === null) continue;
    if (inside) {
      inside = false;
      continue;
    }
    inside = true;
    const previous = (lines[index - 1] ?? "").trim();
    const language = fence[1] ?? "";
    if (options.ts && language === "ts" && !/^<!--\s*snippet:/.test(previous)) {
      throw new Error(
        `README.md:${index + 1}: a ts block in "${from}" has no <!-- snippet: … --> marker`,
      );
    }
    if (options.bash && language === "bash" && !/^<!--\s*commands:/.test(previous)) {
      throw new Error(
        `README.md:${index + 1}: a bash block in "${from}" has no <!-- commands: … --> marker`,
      );
    }
  }
}

/** The README of the repository at `root`. */
export function readReadme(root: string): string {
  return readFileSync(`${root}/README.md`, "utf8");
}
