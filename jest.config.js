/** Two projects: fast unit tests of pure code, and integration tests on a real Kafka broker and PostgreSQL. */
const moduleNameMapper = {
  '^@hc/(contracts|kafka|config|event-store|testing|domain|service-kit|personal-data)$': '<rootDir>/libs/$1/src',
};
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] };

module.exports = {
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/services/**/*.spec.ts'],
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'integration',
      rootDir: __dirname,
      testEnvironment: '<rootDir>/test/support/isolated-environment.ts',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
      moduleNameMapper,
      transform,
    },
  ],
};
