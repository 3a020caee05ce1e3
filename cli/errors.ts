/**
 * The failure a person can act on: a task that fails with a `TaskError` prints its sentence (and the
 * raw detail, dimmed) and exits non-zero, without a stack trace.
 */
export class TaskError extends Error {
  /** What went wrong in the contract's own words (e.g. the decoded custom error), for developers. */
  readonly detail: string | undefined;

  constructor(message: string, options: { detail?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "TaskError";
    this.detail = options.detail;
  }
}
