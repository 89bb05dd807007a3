// The jest run Stryker uses (npm run mutation): only the tests of the code it mutates (lambda/).
// Left out: the CLI end to end (it spawns processes and emulators and covers lambda/ through
// them, at minutes per run), the CDK assertions (lib/ is not mutated), the soak and the bench.
const path = require('node:path');
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/{core,adapters,ports,slack,flush,ingest}/**/*.test.ts'],
  setupFilesAfterEnv: [...base.setupFilesAfterEnv, '<rootDir>/test/support/fast-check-mutation.ts'],
  // Absolute paths: Stryker wraps the environment for per-test coverage and resolves it
  // without jest's <rootDir>. The environment, the sequencer and the runner only save work:
  // they skip what cannot change a mutant's verdict (see each).
  testEnvironment: path.join(__dirname, 'test/support/mutation-environment.js'),
  testSequencer: path.join(__dirname, 'test/support/fastest-first-sequencer.js'),
  runner: path.join(__dirname, 'test/support/mutation-runner.js'),
};
