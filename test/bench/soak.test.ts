// The soak, seeded and small enough for `npm test`: 1,500 messages through the local pipeline
// with every kind of fault injected, then the same invariants `npm run soak` checks. The
// checker's own ability to fail is shown in checker.test.ts.
import { runSoak } from '../../bench/soak/run-soak';
import { DEFAULT_FAULT_RATES } from '../../bench/support/faults';

describe('fault-injection soak (short)', () => {
  it('loses nothing, doubles nothing and alerts exactly once outside the documented windows', async () => {
    // prepare + act
    // Higher fault rates than the defaults, so that a run this short surely meets each fault:
    // folding leaves few PublishBatch calls (about one per rule and window), so SNS faults need
    // a high rate to be met at all.
    const result = await runSoak({
      seed: 7,
      messages: 1_500,
      permanentFaults: 3,
      crashRate: 0.3,
      rates: {
        ...DEFAULT_FAULT_RATES,
        unprocessed: 0.2,
        snsCallFailure: 0.25,
        snsEntryFailure: 0.25,
      },
    });

    // assert
    expect(result.verdict.violations).toEqual([]);
    const c = result.verdict.counts;
    expect(c.sent).toBe(1_500);
    expect(c.deadLettered).toBe(3);
    expect(c.sent).toBe(c.stored + c.duplicates + c.quarantined + c.deadLettered);
    // The run must actually have exercised the faults it claims to survive.
    expect(result.injected.permanent).toBeGreaterThan(0);
    expect(result.injected.unprocessed).toBeGreaterThan(0);
    expect((result.injected.throttle ?? 0) + (result.injected.serverError ?? 0)).toBeGreaterThan(0);
    expect(
      (result.injected.snsEntryFailure ?? 0) + (result.injected.snsCallFailure ?? 0),
    ).toBeGreaterThan(0);
    expect(result.injected.crash).toBeGreaterThan(0);
  }, 90_000);
});
