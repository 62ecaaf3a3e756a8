import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/browser/**', 'test/multiprocess/**', 'node_modules/**'],
    testTimeout: 30000,
    hookTimeout: 300000,
  },
});
