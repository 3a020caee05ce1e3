/** Data hooks: the chain's latest block (polled), and reads that refresh on every new block. */
import { useEffect, useRef, useState } from "react";

import { useSession } from "./session.tsx";

/** The latest block number and its time, polled every second: what makes every view live. */
export function useBlock(): { number: number; timestamp: number } | undefined {
  const { readProvider } = useSession();
  const [block, setBlock] = useState<{ number: number; timestamp: number } | undefined>(undefined);
  useEffect(() => {
    let live = true;
    let last = -1;
    const poll = async (): Promise<void> => {
      try {
        const latest = await readProvider.getBlock("latest");
        if (live && latest !== null && latest.number !== last) {
          last = latest.number;
          setBlock({ number: latest.number, timestamp: latest.timestamp });
        }
      } catch {
        // The node is away for a moment: the next poll tries again.
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), 1000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [readProvider]);
  return block;
}

/** The wall clock in unix seconds, ticking every second (countdowns). */
export function useNow(): number {
  const [now, setNow] = useState(() => Math.floor(Date.now() / 1000));
  useEffect(() => {
    const timer = setInterval(() => setNow(Math.floor(Date.now() / 1000)), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
}

/**
 * `read()` again whenever a block arrives or `key` changes. The previous data stays on screen while a
 * refresh runs (no flicker); a read that finishes after a newer one started is dropped.
 */
export function useChainRead<T>(
  read: () => Promise<T>,
  key: string,
  block: number | undefined,
): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const generation = useRef(0);
  const lastKey = useRef(key);
  useEffect(() => {
    const mine = ++generation.current;
    if (lastKey.current !== key) {
      lastKey.current = key;
      setState({ data: undefined, error: undefined, loading: true });
    }
    read().then(
      (data) => {
        if (generation.current === mine) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (generation.current === mine) {
          setState((previous) => ({
            data: previous.data,
            error: error instanceof Error ? error.message : String(error),
            loading: false,
          }));
        }
      },
    );
    // `read` is a fresh closure each render: `key` and `block` say when to read again.
  }, [key, block]);
  return state;
}
