import { defineConfig } from 'vitest/config';

/**
 * Tests that start several server and ingest processes against one database (slow: each
 * process loads the bundled encoder). Run by .ci/run: `npx vitest run --config vitest.multiprocess.config.ts`.
 */
export default defineConfig({
  test: {
    include: ['test/multiprocess/**/*.test.ts'],
    testTimeout: 240000,
    hookTimeout: 300000,
    fileParallelism: false,
  },
});
