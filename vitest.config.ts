import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Store-backed tests open real SQLite files; two workers match the 2-core CI machine.
    pool: 'forks',
    // Tests remove what they make: each file gets its own TMPDIR and fails if anything is left in it.
    globalSetup: ['test/support/temp-root.ts', 'test/support/postgres-setup.ts'],
    setupFiles: ['test/support/temp-check.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
