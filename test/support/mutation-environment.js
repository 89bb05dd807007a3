// The test environment of the mutation run (jest.mutation.config.js): the seeded environment,
// plus two things that make a mutant's run stop doing work once its verdict is known.
//
// - Bail. Stryker runs jest programmatically, where jest's own `bail` would exit the process, so
//   it turns it off. Here, once a test has failed under a mutant (the mutant is killed), every
//   later test of that run is skipped, in this file and the next ones, and so are their
//   beforeAll hooks (no emulator is started for a run already decided).
// - The index of test names. Every file records the full names of its tests (as jest matches
//   them against --testNamePattern); fastest-first-sequencer.js reads it to leave out files
//   none of whose tests a mutant's run selects, which jest would load only to skip everything.
const { mkdirSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const SeededEnvironment = require('./seeded-environment');

const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';
/**
 * The last mutant a test failed under, shared by the files of a run and by mutation-runner.js:
 * jest runs Stryker's files in band, in one process (a global, not a module variable, so that
 * every copy of this module sees it).
 */
const VERDICTS = Symbol.for('voiso-sec.mutation.verdicts');
globalThis[VERDICTS] ??= { killed: undefined };
const verdicts = globalThis[VERDICTS];

/** A test has failed under the active mutant: its run has its verdict. */
const mutantDecided = () => {
  const mutant = process.env[ACTIVE_MUTANT];
  return mutant !== undefined && verdicts.killed === mutant;
};

/** The directory of the name index, one JSON file per test file. */
const indexDirectory = (rootDir) => path.join(rootDir, 'reports', 'mutation', 'test-names');
const indexFile = (rootDir, testPath) =>
  path.join(
    indexDirectory(rootDir),
    `${path.relative(rootDir, testPath).replace(/[/\\]/g, '__')}.json`,
  );

/** The test's name as jest's --testNamePattern sees it: describe titles and its own, spaced. */
function testId(test) {
  const names = [];
  for (let block = test; block?.parent; block = block.parent) names.unshift(block.name);
  return names.join(' ');
}

function skipAll(block) {
  for (const child of block.children) {
    if (child.type === 'describeBlock') skipAll(child);
    else child.mode = 'skip';
  }
}

class MutationEnvironment extends SeededEnvironment {
  constructor(config, context) {
    super(config, context);
    this.rootDir = config.projectConfig.rootDir;
    this.names = [];
  }

  handleTestEvent(event, state) {
    super.handleTestEvent(event, state);
    const mutant = process.env[ACTIVE_MUTANT];
    const decided = mutantDecided();
    if (event.name === 'run_describe_start' && decided) skipAll(event.describeBlock);
    if (event.name === 'test_start') {
      this.names.push(testId(event.test));
      if (decided) event.test.mode = 'skip';
    }
    if (event.name === 'test_done' && mutant !== undefined && event.test.errors.length > 0) {
      verdicts.killed = mutant;
    }
  }

  async teardown() {
    try {
      const { mtimeMs, size } = statSync(this.testPath);
      mkdirSync(indexDirectory(this.rootDir), { recursive: true });
      writeFileSync(
        indexFile(this.rootDir, this.testPath),
        JSON.stringify({ mtimeMs, size, names: this.names }),
      );
    } finally {
      await super.teardown();
    }
  }
}

MutationEnvironment.indexFile = indexFile;
MutationEnvironment.mutantDecided = mutantDecided;
module.exports = MutationEnvironment;
