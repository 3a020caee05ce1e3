/** The connected account's notes vault in this browser's localStorage. */
import { useMemo } from "react";

import { NotesVault } from "./notes.ts";
import { useSession } from "./session.tsx";

export function useVault(): NotesVault | undefined {
  const { account, config } = useSession();
  return useMemo(
    () =>
      account === undefined
        ? undefined
        : new NotesVault(window.localStorage, config.chainId, account),
    [account, config.chainId],
  );
}
