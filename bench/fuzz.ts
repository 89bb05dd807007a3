// `npm run fuzz [-- --bodies N --seed N --dynalite N]`: at least 100,000 hostile bodies
// (Voiso-like events with mutated fields, random JSON, random bytes) through voiso-sec's handler
// with in-memory ports, then a sample through the real DynamoDB adapter on dynalite. The handler
// must never throw, report every record exactly once and truthfully, and alert exactly for what
// it stored. Exits non-zero with the seed and the shrunk counterexample on any failure.
import './support/quiet-sdk';
import fc from 'fast-check';
import { DynamoDbEventStore } from '../lambda/adapters/dynamodb-event-store';
import { createEventsTable, startDynalite } from '../lambda/testing/dynalite';
import { CapturingAlertPublisher, InMemoryEventStore } from '../lambda/testing/memory-ports';
import { type BodyKind, hostileBody } from './fuzz/bodies';
import { checkBatch } from './fuzz/check-batch';

function flag(name: string, fallback: number): number {
  const argv = process.argv.slice(2);
  const at = argv.indexOf(name);
  const value = at < 0 ? fallback : Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`${name} needs a whole number\n`);
    process.exit(2);
  }
  return value;
}

const BATCH = fc.array(hostileBody, { minLength: 1, maxLength: 50, size: 'max' });

async function main() {
  const seed = flag('--seed', 20_251_125);
  const target = flag('--bodies', 100_000);
  const dynaliteSample = flag('--dynalite', 2_000);
  const totals = { bodies: 0, stored: 0, duplicates: 0, quarantined: 0, failed: 0, alerts: 0 };
  const byKind: Record<BodyKind, number> = {
    'mutated-event': 0,
    'voiso-like': 0,
    'random-json': 0,
    'random-bytes': 0,
  };
  const started = process.hrtime.bigint();

  // Average batch is ~25 bodies; run until the target is reached.
  const numRuns = Math.ceil(target / 25);
  const property = fc.asyncProperty(BATCH, async (batch) => {
    const outcome = await checkBatch(
      batch.map((b) => b.body),
      { store: new InMemoryEventStore(), alerts: new CapturingAlertPublisher() },
    );
    totals.bodies += batch.length;
    for (const b of batch) byKind[b.kind]++;
    totals.stored += outcome.stored;
    totals.duplicates += outcome.duplicates;
    totals.quarantined += outcome.quarantined;
    totals.failed += outcome.failed;
    totals.alerts += outcome.alerts;
    if (outcome.problems.length > 0) throw new Error(outcome.problems.join('\n'));
  });
  const result = await fc.check(property, { seed, numRuns });
  let extraRuns = 0;
  while (!result.failed && totals.bodies < target) {
    // Top up with more runs if the average batch came out small.
    const more = await fc.check(property, {
      seed: seed + ++extraRuns,
      numRuns: Math.ceil((target - totals.bodies) / 25) + 1,
    });
    if (more.failed) {
      process.stdout.write(`${fc.defaultReportMessage(more)}\n`);
      process.exit(1);
    }
  }
  const inMemorySeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.failed) {
    process.stdout.write(`${fc.defaultReportMessage(result)}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `in-memory: ${totals.bodies.toLocaleString('en-US')} bodies (${Object.entries(byKind)
      .map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`)
      .join(
        ', ',
      )}) in ${inMemorySeconds.toFixed(1)} s: stored ${totals.stored}, duplicates ${totals.duplicates}, ` +
      `quarantined ${totals.quarantined}, failed ${totals.failed}, alerts ${totals.alerts}; ` +
      `handler never threw, every record reported exactly once\n`,
  );

  // A sample through the real DynamoDB adapter: the same invariant, plus items read back.
  const dynalite = await startDynalite();
  try {
    const tableName = await createEventsTable(dynalite.client);
    const store = new DynamoDbEventStore({ client: dynalite.client, tableName });
    const sample = fc.sample(BATCH, { seed, numRuns: Math.ceil(dynaliteSample / 25) });
    const sampleStart = process.hrtime.bigint();
    let bodies = 0;
    let problems = 0;
    for (const [i, batch] of sample.entries()) {
      const outcome = await checkBatch(
        batch.map((b) => b.body),
        { store, alerts: new CapturingAlertPublisher() },
        `d${i}-`,
      );
      bodies += batch.length;
      if (outcome.problems.length > 0) {
        problems++;
        process.stdout.write(`dynalite batch ${i}: ${outcome.problems.join('; ')}\n`);
      }
    }
    const seconds = Number(process.hrtime.bigint() - sampleStart) / 1e9;
    process.stdout.write(
      `dynalite: ${bodies.toLocaleString('en-US')} bodies in ${seconds.toFixed(1)} s, ${problems} failing batches\n`,
    );
    if (problems > 0) process.exit(1);
  } finally {
    await dynalite.stop();
  }
  process.stdout.write(`seed ${seed}: all properties hold\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `fuzz failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
