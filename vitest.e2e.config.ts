import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: the real server (in-memory PGlite, demo data) and the built web UI driven by
 * Debian's /usr/bin/chromium through playwright-core. One file at a time; browsers are slow.
 *
 *   npx vitest run --config vitest.e2e.config.ts      (npm run test:e2e)
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    // The browser renders lazily loaded pages and region paths level by level; on a busy 2-core
    // machine that takes more than expect.poll's default second.
    expect: { poll: { timeout: 10_000, interval: 100 } },
  },
});
