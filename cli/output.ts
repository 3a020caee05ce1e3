/**
 * Where the tasks print. The CLI prints to the terminal; tests swap in a `MemoryPrinter` (with
 * `withPrinter`) to read what a task said without filling the test report.
 */
import { colorsWanted, createStyle, stripAnsi, type Style } from "./style.js";

export interface Printer {
  readonly style: Style;
  /** Prints a line of the result. */
  line(text?: string): void;
  /** Prints a failure (to standard error on a terminal). */
  error(text: string): void;
  /**
   * Shows progress of a long operation. On a terminal the line is rewritten in place; elsewhere only
   * the first status of each operation is printed, so logs do not fill with ticks.
   */
  status(text: string): void;
  /** Ends the progress line, if one is showing. */
  endStatus(): void;
}

/** Prints to the process's standard output and error; colours per `colorsWanted()`. */
export class ConsolePrinter implements Printer {
  readonly style: Style;
  readonly #interactive: boolean;
  #statusShowing = false;
  #lastStatusKind: string | undefined;

  constructor() {
    this.style = createStyle(colorsWanted(process.stdout));
    this.#interactive = process.stdout.isTTY === true;
    ignoreClosedPipe();
  }

  line(text = ""): void {
    this.endStatus();
    process.stdout.write(`${text}\n`);
  }

  error(text: string): void {
    this.endStatus();
    process.stderr.write(`${text}\n`);
  }

  status(text: string): void {
    if (this.#interactive) {
      process.stdout.write(`\r\u001b[2K${text}`);
      this.#statusShowing = true;
      return;
    }
    // Without a terminal, print the first status of an operation (its text up to the first digit).
    const kind = text.replace(/\d.*$/, "");
    if (kind !== this.#lastStatusKind) {
      this.#lastStatusKind = kind;
      process.stdout.write(`${text}\n`);
    }
  }

  endStatus(): void {
    this.#lastStatusKind = undefined;
    if (!this.#statusShowing) return;
    process.stdout.write("\r\u001b[2K");
    this.#statusShowing = false;
  }
}

let pipeGuarded = false;

/** `npx hardhat ticket:show 7 | head` closes the pipe early: stop printing quietly, as `console` does. */
function ignoreClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
    });
  }
}

/** Keeps what would have been printed, without colours (for tests). */
export class MemoryPrinter implements Printer {
  readonly style: Style = createStyle(false);
  readonly lines: string[] = [];
  readonly errors: string[] = [];
  readonly statuses: string[] = [];

  line(text = ""): void {
    this.lines.push(stripAnsi(text));
  }

  error(text: string): void {
    this.errors.push(stripAnsi(text));
  }

  status(text: string): void {
    this.statuses.push(stripAnsi(text));
  }

  endStatus(): void {}

  /** Everything printed to the result, one string. */
  get text(): string {
    return this.lines.join("\n");
  }
}

let current: Printer | undefined;

/** The printer the tasks use now. */
export function printer(): Printer {
  current ??= new ConsolePrinter();
  return current;
}

/** Runs `body` with `replacement` as the tasks' printer, then restores the previous one. */
export async function withPrinter<T>(replacement: Printer, body: () => Promise<T>): Promise<T> {
  const previous = current;
  current = replacement;
  try {
    return await body();
  } finally {
    current = previous;
  }
}
