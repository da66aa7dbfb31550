import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Test files that exist to be run by other tests, never on their own.
    exclude: ['test/**/fixtures/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/profile-setup.ts'],
    pool: 'forks',
    // Two cores: one worker simulates while the other runs its host.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 20 * 60_000,
    reporters: ['default', ['junit', { outputFile: 'build/reports/junit.xml', suiteName: 'mirrorsim' }]],
  },
});
