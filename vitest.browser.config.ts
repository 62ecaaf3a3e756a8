import { defineConfig } from 'vitest/config';

/**
 * Browser tests: the chat page driven by Debian's chromium (playwright-core, no browser
 * download) against the real server, started once by test/browser/global-setup.ts.
 * Run with `npm run test:browser` (scripts/browser-deps.sh installs chromium if missing).
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    environment: 'node',
    pool: 'forks',
    // One server, one browser at a time: keeps timings and the rate limit predictable.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
  },
});
