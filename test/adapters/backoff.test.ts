// The store's retry pacing: full-jitter exponential backoff, capped per wait and in count, and
// never waiting past the invocation's deadline (SQS redelivers instead).
import {
  type BackoffOptions,
  backoff,
  DEFAULT_BACKOFF,
  realSleep,
} from '../../lambda/adapters/backoff';

/** Options with a fixed clock and random draw; `slept` records every wait. */
function options(overrides: Partial<BackoffOptions> = {}) {
  const slept: number[] = [];
  const opts: BackoffOptions = {
    baseDelayMs: 50,
    maxDelayMs: 2_000,
    maxRetries: 8,
    random: () => 0.999,
    now: () => 1_000,
    sleep: async (ms) => {
      slept.push(ms);
    },
    ...overrides,
  };
  return { opts, slept };
}

const FAR = Number.MAX_SAFE_INTEGER;

describe('backoff', () => {
  it('doubles the largest wait each retry until the cap (full jitter: random times the cap)', async () => {
    // Prepare
    const { opts, slept } = options();
    // Act
    for (let attempt = 0; attempt < 8; attempt++)
      expect(await backoff(attempt, FAR, opts)).toBe(true);
    // Assert: floor(0.999 * min(2000, 50 * 2^attempt))
    expect(slept).toEqual([49, 99, 199, 399, 799, 1598, 1998, 1998]);
  });

  it('draws each wait between zero and the cap', async () => {
    // Prepare
    const low = options({ random: () => 0 });
    const half = options({ random: () => 0.5 });
    // Act
    await backoff(3, FAR, low.opts);
    await backoff(3, FAR, half.opts);
    // Assert
    expect(low.slept).toEqual([0]);
    expect(half.slept).toEqual([200]);
  });

  it('stops at the retry cap, even with time left, without waiting', async () => {
    // Prepare
    const { opts, slept } = options({ maxRetries: 3 });
    // Act
    const third = await backoff(2, FAR, opts);
    const fourth = await backoff(3, FAR, opts);
    const later = await backoff(10, FAR, opts);
    // Assert
    expect([third, fourth, later]).toEqual([true, false, false]);
    expect(slept).toHaveLength(1);
  });

  it('gives up without waiting when the wait would reach the deadline', async () => {
    // Prepare: now 1000, the wait at attempt 0 is 49 ms.
    const { opts, slept } = options();
    // Act
    const atDeadline = await backoff(0, 1_049, opts);
    const pastDeadline = await backoff(0, 1_000, opts);
    const justBefore = await backoff(0, 1_050, opts);
    // Assert
    expect([atDeadline, pastDeadline, justBefore]).toEqual([false, false, true]);
    expect(slept).toEqual([49]);
  });

  it('by default retries 8 times at most, each wait at most 2 s', async () => {
    // Prepare
    const slept: number[] = [];
    const opts: BackoffOptions = {
      ...DEFAULT_BACKOFF,
      random: () => 0.999_999,
      sleep: async (ms) => {
        slept.push(ms);
      },
    };
    // Act
    let retries = 0;
    while (retries < 20 && (await backoff(retries, FAR, opts))) retries++;
    // Assert
    expect(retries).toBe(8);
    expect(Math.max(...slept)).toBe(1_999);
    expect(slept[0]).toBe(49);
  });
});

describe('realSleep', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('resolves after the given time, not before', async () => {
    // Prepare
    jest.useFakeTimers();
    let done = false;
    // Act
    const sleeping = realSleep(100).then(() => {
      done = true;
    });
    await jest.advanceTimersByTimeAsync(99);
    const early = done;
    await jest.advanceTimersByTimeAsync(1);
    await sleeping;
    // Assert
    expect(early).toBe(false);
    expect(done).toBe(true);
  });
});
