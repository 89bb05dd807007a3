// npm run mutation: StrykerJS over lambda/ (stryker.config.mjs), then the score per folder
// (scripts/mutation-scores.ts).
//
// Stryker runs incrementally: it reuses the result of every mutant whose code and covering tests
// are unchanged since the results it starts from, and tests the rest. A clone has no results of
// its own, so it starts from the ones recorded in the repository (test/mutation/, gzipped JSON,
// the report of the last full or incremental run someone recorded with --record).
//
//   npm run mutation                     incremental, from your last run or the recorded one
//   npm run mutation -- --full           every mutant again (about 2 hours on a shared 2-core machine)
//   npm run mutation -- --record         then keep this run's results as the recorded ones
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

const INCREMENTAL = 'reports/mutation/stryker-incremental.json';
const RECORDED = 'test/mutation/stryker-incremental.json.gz';

const args = new Set(process.argv.slice(2));
const unknown = [...args].filter((a) => !['--full', '--record'].includes(a));
if (unknown.length > 0) {
  console.error(`mutation: unknown option ${unknown.join(' ')} (use --full, --record)`);
  process.exit(2);
}

if (!args.has('--full') && !existsSync(INCREMENTAL) && existsSync(RECORDED)) {
  mkdirSync(dirname(INCREMENTAL), { recursive: true });
  writeFileSync(INCREMENTAL, gunzipSync(readFileSync(RECORDED)));
  console.log(`mutation: starting from the recorded results (${RECORDED})`);
}

const run = (command: string, commandArgs: string[]) =>
  spawnSync(command, commandArgs, { stdio: 'inherit', shell: false }).status ?? 1;

const stryker = run('npx', ['stryker', 'run', ...(args.has('--full') ? ['--force'] : [])]);
if (stryker !== 0) process.exit(stryker);
const scores = run('npx', ['tsx', 'scripts/mutation-scores.ts']);
if (args.has('--record')) {
  mkdirSync(dirname(RECORDED), { recursive: true });
  writeFileSync(RECORDED, gzipSync(readFileSync(INCREMENTAL), { level: 9 }));
  console.log(`mutation: results recorded in ${RECORDED}`);
}
process.exit(scores);
