// Three tiers run by `npm test`: "unit" (pure functions, file checks; no services), "medium"
// (repositories and services on real SQLite and MariaDB, without HTTP) and "e2e" (the HTTP
// contract against real MariaDB, Dovecot, Postfix and SMTP on loopback). The services are
// started by test/global-setup.ts.
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }],
    // ESM-only packages (otplib's base32 and HMAC plugins) become CommonJS for Jest, whose
    // loader cannot require ES modules; Node (>= 20.19) loads them as they are.
    '^.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022' }, isolatedModules: true }],
  },
  transformIgnorePatterns: ['^(?!.*/node_modules/(@scure|@noble|openid-client|oauth4webapi|jose)/).*/node_modules/'],
};

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'medium',
      testMatch: ['<rootDir>/test/medium/**/*.medium-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
  ],
};
