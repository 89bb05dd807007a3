// The order and selection of test files in the mutation run (jest.mutation.config.js).
// Order: the test file named after the mutated module first (its unit tests are the likeliest
// to kill the mutant), then the pure unit tests and the emulator-backed handler tests last,
// smaller files first within a folder: once a test kills the mutant, mutation-environment.js
// and mutation-runner.js skip the rest of its run.
// Selection: when Stryker runs a mutant's covering tests (--testNamePattern), a file none of
// whose tests match is left out, by the names mutation-environment.js recorded for it; a file
// not recorded yet, or changed since, is kept. Jest would load such a file only to skip it.
const { readdirSync, readFileSync, statSync } = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const { indexFile } = require('./mutation-environment');

const FOLDERS = [
  '/test/core/',
  '/test/adapters/',
  '/test/slack/',
  '/test/flush/',
  '/test/ingest/steps/',
  '/test/ingest/',
];

const rank = (testPath) => {
  const index = FOLDERS.findIndex((folder) => testPath.includes(folder));
  return index === -1 ? FOLDERS.length : index;
};

/** The recorded test names of a file, or undefined when unknown or stale. */
function recordedNames(rootDir, testPath) {
  try {
    const entry = JSON.parse(readFileSync(indexFile(rootDir, testPath), 'utf8'));
    const { mtimeMs, size } = statSync(testPath);
    return entry.mtimeMs === mtimeMs && entry.size === size ? entry.names : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which module a mutant is in: Stryker numbers the mutants of each instrumented file in one run
 * of ids (`stryMutAct_9fa48("1234")`), so the id ranges of the sandbox's lambda/ files say it.
 * Read once per process; none outside a Stryker sandbox.
 */
let idRanges;
function mutatedModule(rootDir, mutantId) {
  if (idRanges === undefined) {
    idRanges = [];
    const scan = (directory) => {
      for (const entry of readdirSync(directory, { withFileTypes: true })) {
        const file = path.join(directory, entry.name);
        if (entry.isDirectory()) scan(file);
        else if (file.endsWith('.ts')) {
          const ids = [...readFileSync(file, 'utf8').matchAll(/stryMutAct_\w+\("(\d+)"\)/g)].map(
            (match) => Number(match[1]),
          );
          if (ids.length > 0) idRanges.push({ file, min: Math.min(...ids), max: Math.max(...ids) });
        }
      }
    };
    try {
      scan(path.join(rootDir, 'lambda'));
    } catch {
      // no lambda/ here: plain jest, not a mutation run
    }
  }
  const id = Number(mutantId);
  return idRanges.find((range) => id >= range.min && id <= range.max)?.file;
}

class FastestFirstSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.globalConfig = options?.globalConfig;
  }

  sort(tests) {
    const rootDir = this.globalConfig?.rootDir ?? process.cwd();
    const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
    const module = mutant === undefined ? undefined : mutatedModule(rootDir, mutant);
    const own = module === undefined ? undefined : path.basename(module, '.ts');
    const first = (test) =>
      own !== undefined && path.basename(test.path).startsWith(`${own}.`) ? 0 : 1;
    const size = (test) => statSync(test.path).size;
    const ordered = [...tests].sort(
      (a, b) => first(a) - first(b) || rank(a.path) - rank(b.path) || size(a) - size(b),
    );
    const pattern = this.globalConfig?.testNamePattern;
    if (!pattern) return ordered;
    // The same test jest applies: a case-insensitive match against each test's full name.
    const selects = new RegExp(pattern, 'i');
    return ordered.filter((test) => {
      const names = recordedNames(test.context.config.rootDir, test.path);
      return names === undefined || names.some((name) => selects.test(name));
    });
  }
}

module.exports = FastestFirstSequencer;
