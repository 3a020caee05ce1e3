/** Structured logs: one JSON object per line on standard output (errors on standard error). */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

type Level = "info" | "warn" | "error";

/** A logger writing JSON lines through `write` (default: the console). */
export function jsonLogger(
  write: (level: Level, line: string) => void = (level, line) =>
    level === "error" ? console.error(line) : console.log(line),
): Logger {
  const log =
    (level: Level) =>
    (message: string, fields: Record<string, unknown> = {}): void => {
      write(
        level,
        JSON.stringify(
          { time: new Date().toISOString(), level, message, ...fields },
          (_key, value) => (typeof value === "bigint" ? value.toString() : (value as unknown)),
        ),
      );
    };
  return { info: log("info"), warn: log("warn"), error: log("error") };
}

/** A logger that keeps nothing (tests). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
