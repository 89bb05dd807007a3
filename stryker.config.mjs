// Mutation testing of the runtime (npm run mutation; not part of npm test). README, "Testing"
// says how to read the scores; scripts/mutation-scores.ts prints them per folder.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'lambda/**/*.ts',
    // The testing kit (factories, in-memory ports, emulator start-up) is test code, not product.
    '!lambda/testing/**',
  ],
  // lib/ is not mutated: CDK constructs are declarations whose every property the CDK template
  // assertions, the snapshot and cdk-nag already pin (test/infra); mutating them would mostly
  // measure how much of CloudFormation the snapshot spells out, at a whole synth per mutant.
  testRunner: 'jest',
  plugins: ['@stryker-mutator/*', './scripts/stryker-ignorers.mjs'],
  // Text only people read, each ignorer with its reason in the plugin file.
  ignorers: ['log-text', 'documentation-text'],
  jest: {
    configFile: 'jest.mutation.config.js',
    // Each mutant runs the tests that cover it (perTest coverage); the sequencer of
    // jest.mutation.config.js leaves out the files that hold none of them, which is what
    // --findRelatedTests would approximate by imports, at the cost of a dependency graph per run.
    enableFindRelatedTests: false,
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutation.json',
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['html', 'json', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // What the tests never read: CDK output, local pipeline state.
  ignorePatterns: ['/cdk.out', '/.voiso-sec', '/coverage'],
  concurrency: 2,
  timeoutMS: 10_000,
};
