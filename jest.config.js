import { pluginJestProject } from './plugin/.config/jest.config.js';

// Two projects: fast unit tests beside the code, and integration tests under tests/ that start a real
// PostgreSQL (embedded, or DATABASE_URL) once for the whole run.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
};

export default {
  // A global option (ignored inside a project): integration tests start servers and browsers.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/distributor/src/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/tests/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/support/globalSetup.mjs',
      globalTeardown: '<rootDir>/tests/support/globalTeardown.mjs',
    },
    // The Grafana plugin's own tests (editors, interpolation, frames): jsdom, under plugin/src.
    pluginJestProject(`${import.meta.dirname}/plugin`),
  ],
};
