// The test runner of the mutation run (jest.mutation.config.js): jest's own, except that once a
// mutant is killed (mutation-environment.js notes it), the files left in its run are reported
// skipped without being loaded. Loading a file (its imports, in a fresh module registry) is most
// of what a mutant's run costs, and nothing in those files can change a killed mutant's verdict.
const { createEmptyTestResult } = require('@jest/test-result');
const TestRunner = require('jest-runner').default;
const { mutantDecided } = require('./mutation-environment');

/** A file's result when it was not run: one skipped entry (jest fails a file with none). */
const skippedFile = (testFilePath) => ({
  ...createEmptyTestResult(),
  testFilePath,
  skipped: true,
  numPendingTests: 1,
  testResults: [
    {
      ancestorTitles: [],
      title: 'not loaded: the mutant was already killed',
      fullName: 'not loaded: the mutant was already killed',
      status: 'pending',
      duration: 0,
      failureDetails: [],
      failureMessages: [],
      numPassingAsserts: 0,
      invocations: 0,
      location: null,
    },
  ],
});

class MutationRunner extends TestRunner {
  /** Listeners of the events this runner emits itself (jest's emitter is private). */
  #listeners = new Map();

  on(eventName, listener) {
    const unsubscribe = super.on(eventName, listener);
    const own = this.#listeners.get(eventName) ?? new Set();
    own.add(listener);
    this.#listeners.set(eventName, own);
    return () => {
      unsubscribe();
      own.delete(listener);
    };
  }

  async #emit(eventName, payload) {
    for (const listener of this.#listeners.get(eventName) ?? []) await listener(payload);
  }

  async runTests(tests, watcher, options) {
    if (!options.serial) return super.runTests(tests, watcher, options);
    for (const test of tests) {
      if (!mutantDecided()) {
        await super.runTests([test], watcher, options);
        continue;
      }
      await this.#emit('test-file-start', [test]);
      await this.#emit('test-file-success', [test, skippedFile(test.path)]);
    }
  }
}

module.exports = MutationRunner;
