import { spawnSync } from "node:child_process";
import path from "node:path";

import type { SolidityHooks } from "hardhat/types/hooks";

/** The hook handlers of scripts/build-package.plugin.ts. */
export default async (): Promise<Partial<SolidityHooks>> => ({
  async processArtifactsAfterSuccessfulBuild(context) {
    const root = context.config.paths.root;
    const result = spawnSync(
      process.execPath,
      [path.join(root, "scripts", "build-package.ts"), "--generate-only", "--quiet"],
      { cwd: root, stdio: "inherit" },
    );
    if (result.status !== 0) {
      throw new Error("scripts/build-package.ts --generate-only failed (see above)");
    }
  },
});
