import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Store-backed tests open real SQLite files; two workers match the 2-core CI machine.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
