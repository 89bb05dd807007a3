// Prints the mutation score per folder from Stryker's JSON report (npm run mutation), and fails
// when a goal is missed: lambda/ as a whole at least 85%, the core (lambda/core) at least 90%.
// Score = detected / (detected + undetected), as Stryker counts it: killed and timed-out mutants
// are detected; survivors and mutants no test reaches are not; mutants that do not compile and
// ignored ones (each exclusion has its reason in stryker.config.mjs) are left out.
import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';

const REPORT = 'reports/mutation/mutation.json';

/** Folders reported, each with every file below it; a goal where the issue sets one. */
const FOLDERS: readonly { readonly folder: string; readonly goal?: number }[] = [
  { folder: 'lambda/core', goal: 90 },
  { folder: 'lambda/core/detections' },
  { folder: 'lambda/ingest' },
  { folder: 'lambda/adapters' },
  { folder: 'lambda/flush' },
  { folder: 'lambda/slack' },
  { folder: 'lambda', goal: 85 },
];

const DETECTED = new Set(['Killed', 'Timeout']);

interface Report {
  readonly files: Record<string, { readonly mutants: readonly { readonly status: string }[] }>;
}

interface Tally {
  detected: number;
  survived: number;
  noCoverage: number;
  excluded: number;
}

const report = JSON.parse(readFileSync(REPORT, 'utf8')) as Report;
const tallies = new Map(
  FOLDERS.map(({ folder }) => [
    folder,
    { detected: 0, survived: 0, noCoverage: 0, excluded: 0 } as Tally,
  ]),
);
for (const [file, { mutants }] of Object.entries(report.files)) {
  const path = (isAbsolute(file) ? relative(process.cwd(), file) : file).replaceAll('\\', '/');
  for (const { folder } of FOLDERS) {
    if (!path.startsWith(`${folder}/`)) continue;
    const tally = tallies.get(folder) as Tally;
    for (const { status } of mutants) {
      if (DETECTED.has(status)) tally.detected++;
      else if (status === 'Survived') tally.survived++;
      else if (status === 'NoCoverage') tally.noCoverage++;
      else tally.excluded++;
    }
  }
}

const score = (t: Tally) => {
  const valid = t.detected + t.survived + t.noCoverage;
  return valid === 0 ? 100 : (100 * t.detected) / valid;
};

let missed = 0;
console.log('\nMutation score per folder (detected / (detected + survived + no coverage)):');
for (const { folder, goal } of FOLDERS) {
  const tally = tallies.get(folder) as Tally;
  const value = score(tally);
  const verdict =
    goal === undefined ? '' : value >= goal ? `  goal ${goal}%: met` : `  goal ${goal}%: NOT MET`;
  if (goal !== undefined && value < goal) missed++;
  console.log(
    `  ${folder.padEnd(24)} ${value.toFixed(2).padStart(6)}%  ` +
      `${tally.detected} detected, ${tally.survived} survived, ${tally.noCoverage} no coverage` +
      `${verdict}`,
  );
}
console.log(`\nHTML report: reports/mutation/mutation.html`);
if (missed > 0) process.exitCode = 1;
