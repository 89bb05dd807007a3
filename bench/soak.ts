// `npm run soak [-- --seed N --messages N]`: the fault-injection soak. Exits non-zero when any
// promise is broken (lost, doubled, unexplained duplicate alert, DLQ != permanent faults).
import './support/quiet-sdk';
import { runSoak } from './soak/run-soak';

function flag(name: string, fallback: number): number {
  const argv = process.argv.slice(2);
  const at = argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`${name} needs a positive whole number\n`);
    process.exit(2);
  }
  return value;
}

async function main() {
  const seed = flag('--seed', 42);
  const messages = flag('--messages', 10_000);
  process.stdout.write(`soak: ${messages} messages, seed ${seed}\n`);
  const result = await runSoak({
    seed,
    messages,
    onProgress: (line) => process.stdout.write(`${line}\n`),
  });
  const c = result.verdict.counts;
  process.stdout.write(
    `${[
      `sent ${c.sent} = stored ${c.stored} + duplicates ${c.duplicates} + quarantined ${c.quarantined} + dead-lettered ${c.deadLettered}`,
      `permanent faults injected ${c.doomed}, DLQ holds ${c.deadLettered}`,
      `alert-worthy events ${c.alertWorthyEvents}, alert messages accepted by SNS ${c.alertsPublished}, ` +
        `duplicates explained ${c.explainedDuplicateAlerts}${Object.entries(c.explainedByWindow)
          .map(([window, n]) => `\n  ${n} in window: ${window}`)
          .join('')}`,
      `folded into summaries ${c.foldedEvents} (in ${c.summaries} summaries); incidents ${c.incidents}, ` +
        `lost ${c.incidentsLost} (must be 0), alerted twice outside a window ${c.incidentsAlertedTwice} (goal 0)`,
      `faults injected: ${Object.entries(result.injected)
        .map(([fault, n]) => `${fault} ${n}`)
        .join(', ')}`,
      `${result.invocations} invocations in ${result.seconds.toFixed(1)} s`,
    ].join('\n')}\n`,
  );
  if (result.verdict.violations.length > 0) {
    process.stdout.write(
      `VIOLATIONS:\n${result.verdict.violations.map((v) => `  ${v}`).join('\n')}\n`,
    );
    process.exit(1);
  }
  process.stdout.write('all invariants hold\n');
}

main().catch((error: unknown) => {
  process.stderr.write(
    `soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
