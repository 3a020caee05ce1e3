/**
 * Plain ANSI styling for the tasks and the demo: colours only when the output is a terminal and the
 * `NO_COLOR` convention (https://no-color.org) is not asking for none, so logs and pipes stay clean.
 */

export interface Style {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  magenta(text: string): string;
  cyan(text: string): string;
}

/** Whether to colour what goes to `stream`: a TTY, and `NO_COLOR` unset or empty. */
export function colorsWanted(stream: { isTTY?: boolean } = process.stdout): boolean {
  const noColor = process.env.NO_COLOR;
  if (noColor !== undefined && noColor !== "") return false;
  return stream.isTTY === true;
}

function wrap(enabled: boolean, open: number, close: number): (text: string) => string {
  return enabled ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
}

export function createStyle(enabled: boolean): Style {
  return {
    enabled,
    bold: wrap(enabled, 1, 22),
    dim: wrap(enabled, 2, 22),
    red: wrap(enabled, 31, 39),
    green: wrap(enabled, 32, 39),
    yellow: wrap(enabled, 33, 39),
    blue: wrap(enabled, 34, 39),
    magenta: wrap(enabled, 35, 39),
    cyan: wrap(enabled, 36, 39),
  };
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** The text without ANSI escapes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** How wide the text shows in a terminal (ANSI escapes take no room). */
export function visibleLength(text: string): number {
  return [...stripAnsi(text)].length;
}

/** Pads to `width` visible characters (left-aligned unless `right`). */
export function pad(text: string, width: number, right = false): string {
  const fill = " ".repeat(Math.max(0, width - visibleLength(text)));
  return right ? fill + text : text + fill;
}

export interface Column {
  header: string;
  right?: boolean;
}

/** A plain-text table: a header, a rule, and rows; columns sized to their widest cell. */
export function table(
  style: Style,
  columns: readonly Column[],
  rows: readonly string[][],
): string[] {
  const widths = columns.map((column, index) =>
    Math.max(visibleLength(column.header), ...rows.map((row) => visibleLength(row[index] ?? ""))),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, index) => pad(cell, widths[index] ?? 0, columns[index]?.right === true))
      .join("  ")
      .trimEnd();
  return [
    style.bold(line(columns.map((column) => column.header))),
    style.dim(widths.map((width) => "─".repeat(width)).join("  ")),
    ...rows.map(line),
  ];
}
