// Full-jitter exponential backoff bounded by a deadline (the invocation's remaining time).

export interface BackoffOptions {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly now: () => number;
  /** Retries per request at most, even with time left: a persistent throttle is SQS's to retry. */
  readonly maxRetries: number;
}

export const realSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

export const DEFAULT_BACKOFF: BackoffOptions = {
  baseDelayMs: 50,
  maxDelayMs: 2_000,
  sleep: realSleep,
  random: Math.random,
  now: Date.now,
  maxRetries: 8,
};

/**
 * Waits before retry number `attempt` (0-based). Returns false, without waiting, when the wait
 * would end past the deadline: the caller gives up and lets SQS redeliver instead.
 */
export async function backoff(
  attempt: number,
  deadline: number,
  options: BackoffOptions,
): Promise<boolean> {
  if (attempt >= options.maxRetries) return false;
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  const delay = Math.floor(options.random() * cap);
  if (options.now() + delay >= deadline) return false;
  await options.sleep(delay);
  return true;
}
