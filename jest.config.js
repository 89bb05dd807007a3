/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/test/support/seeded-environment.js',
  setupFilesAfterEnv: ['<rootDir>/test/support/fast-check-seed.ts'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 60_000,
};
