/**
 * Loads a task's action lazily. The actions reach CareLedger through the package (src/), whose
 * bindings are generated at build time: in a fresh clone that has not built yet, the task says what
 * to run instead of failing with a module-resolution stack trace. Imports nothing from the package.
 */
import type { NewTaskActionFunction, TaskArguments } from "hardhat/types/tasks";

function isMissingBuildOutput(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === "ERR_MODULE_NOT_FOUND" &&
    typeof message === "string" &&
    /src[\\/]generated|typechain-types/.test(message)
  );
}

/** `() => import("./actions/x.js")`, or an action that explains what to build first. */
export function lazyAction<ArgsT extends TaskArguments>(
  id: string,
  load: () => Promise<{ default: NewTaskActionFunction<ArgsT> }>,
): () => Promise<{ default: NewTaskActionFunction<ArgsT> }> {
  return async () => {
    try {
      return await load();
    } catch (error) {
      if (!isMissingBuildOutput(error)) throw error;
      const message =
        "the package's contract bindings are not generated yet: run `npx hardhat build` first";
      return {
        default: () => {
          process.stderr.write(`✖ ${id}: ${message}\n`);
          return { success: false, error: new Error(message) };
        },
      };
    }
  };
}
