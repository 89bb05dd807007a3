/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/test/support/seeded-environment.js',
  setupFiles: ['<rootDir>/test/support/quiet-known-warnings.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/fast-check-seed.ts'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 60_000,
};
