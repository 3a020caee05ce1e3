/** Latency sampling for the benchmark: p50 / p95 of repeated calls, with a time budget. */

export interface Latency {
  p50: number;
  p95: number;
  /** How many calls were timed. */
  samples: number;
}

/** The `p`th percentile (nearest rank) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

/**
 * Times `call(i)` for i = 0, 1, ... up to `samples` times, stopping early once `budgetMs` is spent and at
 * least `minSamples` calls were timed (a slow log scan is measured on a sample, not forever).
 */
export async function measure(
  call: (i: number) => Promise<unknown>,
  options: { samples: number; budgetMs?: number; minSamples?: number },
): Promise<Latency> {
  const times: number[] = [];
  const started = performance.now();
  const budget = options.budgetMs ?? Number.POSITIVE_INFINITY;
  const min = options.minSamples ?? 3;
  for (let i = 0; i < options.samples; i++) {
    const at = performance.now();
    await call(i);
    times.push(performance.now() - at);
    if (times.length >= min && performance.now() - started > budget) break;
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), samples: times.length };
}
