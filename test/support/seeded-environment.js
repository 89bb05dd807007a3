// Jest's node environment with one fast-check seed per test file: chosen at random unless
// FC_SEED is set, handed to the tests (test/support/fast-check-seed.ts), and printed when a test
// fails, so a failing property test replays with `FC_SEED=<seed> npx jest <file>`.
const { TestEnvironment } = require('jest-environment-node');

class SeededEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.testPath = context.testPath;
    const fromEnv = Number(process.env.FC_SEED);
    this.seed = Number.isSafeInteger(fromEnv) ? fromEnv : Math.floor(Math.random() * 2 ** 31);
    this.global.FC_SEED = this.seed;
  }

  handleTestEvent(event) {
    if (event.name === 'test_fn_failure' && !this.reported) {
      this.reported = true;
      process.stderr.write(
        `\nfast-check seed of this file: replay with FC_SEED=${this.seed} npx jest ${this.testPath}\n`,
      );
    }
  }
}

module.exports = SeededEnvironment;
