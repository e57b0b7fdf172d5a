import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure, fast, no privileges) and `integration`
// (`*.root.test.ts`: needs root / network namespaces; run one file at a time).
export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.root.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.root.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          globalSetup: ['test/integration/global.ts'],
        },
      },
    ],
  },
});
